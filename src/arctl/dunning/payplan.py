"""Payment plans: installments, what has been paid on them, and when a plan ends (pure).

Payments matched to the plan's invoices after the plan was agreed pay the installments in order. An
installment still unpaid `GRACE_DAYS` after its due date is missed; the second missed installment
ends the plan on that day, and dunning of its invoices resumes. An unpaid installment is reminded once,
the day after its due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arctl.dunning.channel import actual_channel
from arctl.dunning.plan import Duration
from arctl.model import Action, ActionLine, InstallmentDue

GRACE_DAYS = 7
MISSED_TO_END = 2


@dataclass(frozen=True, slots=True)
class Installment:
    number: int
    due_date: dt.date
    amount: int


@dataclass(frozen=True, slots=True)
class InstallmentState:
    number: int
    due_date: dt.date
    amount: int
    paid: int
    status: str            # paid, open (not yet due), due (past its date, within the grace), missed


@dataclass(frozen=True, slots=True)
class PlanState:
    installments: tuple[InstallmentState, ...]
    outcome: str           # active, completed, ended (two installments missed)
    ended_on: dt.date | None


def schedule(total: int, count: int, first: dt.date, every: Duration) -> tuple[Installment, ...]:
    """`count` installments of `total` (minor units): equal parts, the remainder on the last one."""
    if count < 1:
        raise ValueError("a payment plan has at least one installment")
    part, rest = divmod(total, count)
    # counted from the first date each time, so monthly dates keep its day (31 Jan, 28 Feb, 31 Mar)
    dates = [first if n == 0 else Duration(every.count * n, every.unit).after(first) for n in range(count)]
    return tuple(Installment(n + 1, day, part + (rest if n == count - 1 else 0)) for n, day in enumerate(dates))


def state(installments: tuple[Installment, ...], paid_total: int, as_of: dt.date) -> PlanState:
    """What is paid of each installment, which are missed, and whether the plan still runs on `as_of`."""
    left = paid_total
    states: list[InstallmentState] = []
    missed: list[dt.date] = []
    for installment in installments:
        paid = min(left, installment.amount)
        left -= paid
        if paid >= installment.amount:
            status = "paid"
        elif as_of <= installment.due_date:
            status = "open"
        elif as_of < installment.due_date + dt.timedelta(days=GRACE_DAYS):
            status = "due"
        else:
            status = "missed"
            missed.append(installment.due_date + dt.timedelta(days=GRACE_DAYS))
        states.append(InstallmentState(installment.number, installment.due_date, installment.amount, paid, status))
    if all(s.status == "paid" for s in states):
        return PlanState(tuple(states), "completed", None)
    if len(missed) >= MISSED_TO_END:
        return PlanState(tuple(states), "ended", missed[MISSED_TO_END - 1])
    return PlanState(tuple(states), "active", None)


def reminders_due(plan_state: PlanState, as_of: dt.date, reminded: set[int]) -> list[InstallmentState]:
    """Installments to remind today: unpaid, past their date, not reminded before, plan still running."""
    if plan_state.outcome != "active":
        return []
    return [s for s in plan_state.installments
            if s.status in ("due", "missed") and s.number not in reminded and as_of > s.due_date]


def installment_actions(payment_plan: int, customer_id: str, currency: str, lines: tuple[ActionLine, ...],
                        plan_state: PlanState, reminded: set[int], has_email: bool, preferred: str | None,
                        as_of: dt.date) -> list[Action]:
    """One reminder per unpaid installment of a running payment plan, the day after its due date: by e-mail,
    by letter where the customer has no address or prefers letters."""
    channel = actual_channel("email", "letter", has_email, preferred)
    return [Action("installment", customer_id, "", f"installment-{due.number}", "email",
                   channel, currency, lines, due.amount - due.paid,
                   installment=InstallmentDue(payment_plan, due.number, due.due_date))
            for due in reminders_due(plan_state, as_of, reminded)]


def confirmation_action(customer_id: str, currency: str, lines: tuple[ActionLine, ...], has_email: bool,
                        preferred: str | None, payment_plan: int = 0) -> Action:
    """The confirmation of a payment plan just agreed: its invoices, by e-mail (by letter where the customer has
    no address or prefers letters), the `payment-plan` template; recorded as step `payment-plan-ID`."""
    channel = actual_channel("email", "letter", has_email, preferred)
    return Action("payment_plan", customer_id, "", f"payment-plan-{payment_plan}", "email", channel, currency,
                  lines, sum(line.open_amount for line in lines), template="payment-plan")
