"""What waits for a person (`arctl todo`): which records are items, each with why and the command that settles it
(pure: the records come in, the items go out).

Each `*_items` function takes the records of one kind as the state gives them (store rows as dicts, the payments
of `reconcile/payments.py`, the payment plans with their state) and the open invoices as `OpenInvoice`s, and
returns `TodoItem`s. An item stays on the list until the command it names (or the customer paying) settles it.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from arctl.money import format_money, plain_amount

KINDS = ("suggested_match", "unmatched_credit", "promise_broken", "callback_due", "dispute_overdue",
         "payment_plan_missed", "delivery_failed", "letter_to_print", "no_plan")
TITLES = {
    "suggested_match": "Suggested matches: a person confirms one",
    "unmatched_credit": "Bank credits left to a person",
    "promise_broken": "Promises that ran out unpaid",
    "callback_due": "Callbacks due",
    "dispute_overdue": "Disputes open longer than the plan allows",
    "payment_plan_missed": "Payment plans with a missed installment",
    "delivery_failed": "E-mails that failed or may not have gone",
    "letter_to_print": "Letters waiting to be printed and posted",
    "no_plan": "Customers no dunning plan reaches",
}
CALL_COMMAND = '"..." --call --outcome ...'   # the person fills in what was said and how the call ended


@dataclass(frozen=True, slots=True)
class TodoItem:
    """One thing a person settles."""

    kind: str                   # one of KINDS
    customer_id: str            # "" when nobody is known (a credit from an unknown payer)
    customer_name: str
    subject: str                # what it is about: invoice(s) (space-separated), a bank transaction, a document
    amount: int | None          # minor units; None where no amount belongs to it (a document)
    currency: str
    since: dt.date | None       # the day it has waited for a person since
    why: str                    # one line
    command: str                # the command that settles it, ready to paste (user values quoted for a shell)
    candidates: tuple[str, ...] = ()   # a suggested match: the invoices suggested, most likely first


@dataclass(frozen=True, slots=True)
class TodoList:
    as_of: dt.date
    items: tuple[TodoItem, ...]

    def counts_by_kind(self) -> dict[str, int]:
        """Every kind (in the order of KINDS, those without items too) with its number of items."""
        counts = dict.fromkeys(KINDS, 0)
        for item in self.items:
            counts[item.kind] += 1
        return counts

    def of_kind(self, kind: str) -> tuple[TodoItem, ...]:
        return tuple(item for item in self.items if item.kind == kind)


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice as the list needs it: whose it is and what is open of it now (bank payments counted)."""

    invoice_id: str
    customer_id: str
    customer_name: str
    currency: str
    open_amount: int
    due_date: dt.date | None


def todo_list(as_of: dt.date, items: Iterable[TodoItem]) -> TodoList:
    """The items in the order of KINDS, the longest waiting first within a kind."""
    order = {kind: index for index, kind in enumerate(KINDS)}
    return TodoList(as_of, tuple(sorted(items, key=lambda i: (order[i.kind], i.since or dt.date.max,
                                                              i.customer_id, i.subject))))


def _q(value: str) -> str:
    return shlex.quote(str(value))


def _call(customer_id: str) -> str:
    return f"arctl note {_q(customer_id)} {CALL_COMMAND}"


# --- bank credits ---------------------------------------------------------------------------------------------


def credit_items(payments: Iterable[Any], locale: str) -> list[TodoItem]:
    """The credits a person decides (`Payment`s of reconcile/payments.py): a suggestion waiting (kind
    suggested_match, its candidates most likely first), or money no allocation accounts for (unmatched_credit:
    nothing matched, or paid beyond its invoices). A returned payment is no item."""
    found = []
    for p in payments:
        if p.status == "suggested":
            found.append(_suggested(p, locale))
        elif p.status != "returned" and p.unallocated > 0:
            found.append(_unmatched(p, locale))
    return found


def _payer(p: Any) -> str:
    return " ".join(part for part in (p.counterparty, f"({p.counterparty_iban})" if p.counterparty_iban else "")
                    if part) or "an unknown payer"


def _suggested(p: Any, locale: str) -> TodoItem:
    # the most confident first; among equals, the invoice whose open amount the payment equals
    offered = sorted((a for a in p.allocations if a.kind == "suggested"),
                     key=lambda a: (-a.confidence, a.invoice_open != p.amount))
    candidates = tuple(dict.fromkeys(a.invoice_id for a in offered))
    first = offered[0]
    listed = ", ".join(f"{a.invoice_id} ({a.rule}, {a.confidence:.0%})" for a in offered)
    why = (f"{_payer(p)} paid {format_money(p.amount, p.currency, locale)}; the matcher suggests {listed}: "
           "confirm the right one")
    return TodoItem("suggested_match", first.customer_id, first.customer_name, p.bank_txn, p.amount, p.currency,
                    p.booking_date, why, f"arctl match {_q(p.bank_txn)} {_q(first.invoice_id)}", candidates)


def _unmatched(p: Any, locale: str) -> TodoItem:
    applied = [a for a in p.allocations if a.kind != "suggested"]
    money = format_money(p.unallocated, p.currency, locale)
    if applied:
        invoices = ", ".join(dict.fromkeys(a.invoice_id for a in applied))
        why = (f"{_payer(p)} paid {format_money(p.amount, p.currency, locale)}, {money} beyond its invoices "
               f"({invoices}): allocate the rest to another invoice, or refund it")
        return TodoItem("unmatched_credit", applied[0].customer_id, applied[0].customer_name, p.bank_txn,
                        p.unallocated, p.currency, p.booking_date, why,
                        f"arctl match {_q(p.bank_txn)} INVOICE --amount {plain_amount(p.unallocated, p.currency)}")
    said = p.remittance or p.reference
    reason = (p.reason.split(":")[0] if p.reason else "") or "no invoice found for it"
    why = f"{_payer(p)} paid {money}" + (f" ({said})" if said else "") + f": {reason}"
    return TodoItem("unmatched_credit", "", "", p.bank_txn, p.unallocated, p.currency, p.booking_date, why,
                    f"arctl match {_q(p.bank_txn)} INVOICE")


# --- promises and callbacks -----------------------------------------------------------------------------------


def _answered(notes: Iterable[Mapping[str, Any]], customer_id: str, after: dt.date) -> bool:
    """Whether a person wrote a note or logged a call for the customer after `after` (a later word answers it)."""
    return any(n["customer_id"] == customer_id and n["written_on"] > after for n in notes)


def promise_items(promises: Iterable[Mapping[str, Any]], notes: list[Mapping[str, Any]],
                  invoices: Mapping[str, OpenInvoice], as_of: dt.date, locale: str) -> list[TodoItem]:
    """Promises to pay whose date has passed (`as_of` after it) with the invoice still open and no word from a
    person since: the latest promise of each invoice (`arctl promise`), and the latest call of each customer when
    it ended in a promise (`arctl note --outcome promise`; it covers the invoices overdue when it was made).
    `notes`: every note and call, oldest first."""
    found = []
    latest: dict[str, Mapping[str, Any]] = {}
    for row in promises:
        latest[row["invoice_id"]] = row
    for invoice_id, row in sorted(latest.items()):
        invoice = invoices.get(invoice_id)
        if invoice is None or invoice.open_amount <= 0 or row["until"] >= as_of:
            continue
        if _answered(notes, invoice.customer_id, row["until"]):
            continue
        said = f": {row['note']}" if row.get("note") else ""
        why = (f"promised to pay by {row['until']} (recorded {row['made_on']}{said}); "
               f"{format_money(invoice.open_amount, invoice.currency, locale)} still open")
        found.append(TodoItem("promise_broken", invoice.customer_id, invoice.customer_name, invoice_id,
                              invoice.open_amount, invoice.currency, row["until"], why, _call(invoice.customer_id)))
    for call in _last_calls(notes).values():
        if call["outcome"] != "promise" or call["until"] is None or call["until"] >= as_of:
            continue
        if _answered(notes, call["customer_id"], call["until"]):
            continue
        covered = [i for i in invoices.values() if i.customer_id == call["customer_id"] and i.open_amount > 0
                   and i.due_date is not None and i.due_date <= call["written_on"]]
        for currency, group in _by_currency(covered).items():
            total = sum(i.open_amount for i in group)
            why = (f"promised on the phone on {call['written_on']} to pay by {call['until']}: {call['text']}; "
                   f"{format_money(total, currency, locale)} still open")
            found.append(TodoItem("promise_broken", call["customer_id"], group[0].customer_name,
                                  " ".join(i.invoice_id for i in group), total, currency, call["until"], why,
                                  _call(call["customer_id"])))
    return found


def _last_calls(notes: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Each customer's latest call (notes oldest first)."""
    last: dict[str, Mapping[str, Any]] = {}
    for row in notes:
        if row["call"]:
            last[row["customer_id"]] = row
    return last


def _by_currency(invoices: Iterable[OpenInvoice]) -> dict[str, list[OpenInvoice]]:
    grouped: dict[str, list[OpenInvoice]] = {}
    for invoice in sorted(invoices, key=lambda i: (i.due_date or dt.date.min, i.invoice_id)):
        grouped.setdefault(invoice.currency, []).append(invoice)
    return grouped


def callback_items(callbacks: Iterable[Mapping[str, Any]], invoices: Mapping[str, OpenInvoice],
                   names: Mapping[str, str], locale: str) -> list[TodoItem]:
    """The callbacks due (each customer's latest call ended in `callback` with its day today or before, as
    `workflows.pauses.due_callbacks` finds them), with what the customer owes when it is in one currency."""
    found = []
    for row in callbacks:
        customer = row["customer_id"]
        owed = _by_currency(i for i in invoices.values() if i.customer_id == customer and i.open_amount > 0)
        amount, currency = (None, "")
        if len(owed) == 1:
            currency, group = next(iter(owed.items()))
            amount = sum(i.open_amount for i in group)
        owes = f"; {format_money(amount, currency, locale)} open" if amount is not None else ""
        why = f"call back on {row['until']}, as agreed on {row['written_on']}: {row['text']}{owes}"
        found.append(TodoItem("callback_due", customer, names.get(customer, ""), "", amount, currency, row["until"],
                              why, _call(customer)))
    return found


# --- disputes and payment plans -------------------------------------------------------------------------------


def dispute_items(disputes: Iterable[Mapping[str, Any]], invoices: Mapping[str, OpenInvoice],
                  allowed: Mapping[str, tuple[str, int]], as_of: dt.date, locale: str) -> list[TodoItem]:
    """Open disputes of open invoices that have run longer than the plan of the invoice allows (`allowed`:
    invoice -> (plan, dispute_max_days)); `as_of` − opened on > the days allowed. An invoice without a plan
    position (e.g. no plan reaches its customer) is measured against the default the caller passes under ""."""
    found = []
    for row in disputes:
        if row["closed_on"] is not None:
            continue
        invoice = invoices.get(row["invoice_id"])
        if invoice is None or invoice.open_amount <= 0:
            continue
        plan, days = allowed.get(row["invoice_id"]) or allowed[""]
        open_for = (as_of - row["opened_on"]).days
        if open_for <= days:
            continue
        where = f"plan {plan}" if plan else "the default"
        why = (f"disputed since {row['opened_on']} ({open_for} days; {where} allows {days}): {row['reason']}; "
               f"{format_money(invoice.open_amount, invoice.currency, locale)} open, not dunned while disputed")
        found.append(TodoItem("dispute_overdue", invoice.customer_id, invoice.customer_name, row["invoice_id"],
                              invoice.open_amount, invoice.currency, row["opened_on"], why,
                              f'arctl dispute close {_q(row["invoice_id"])} --note "..."'))
    return found


def payment_plan_items(views: Iterable[Any], names: Mapping[str, str], locale: str) -> list[TodoItem]:
    """Running payment plans (not cancelled, not ended, not completed) with an installment missed: unpaid
    past its due date and the grace (dunning/payplan.py). `views`: each with `.plan` (the stored row) and
    `.state` (its PlanState)."""
    found = []
    for view in views:
        plan, state = view.plan, view.state
        if plan["cancelled_on"] is not None or state.outcome != "active":
            continue
        missed = [s for s in state.installments if s.status == "missed"]
        if not missed:
            continue
        customer, currency = plan["customer_id"], plan["currency"]
        owed = sum(s.amount - s.paid for s in missed)
        first = missed[0]
        why = (f"installment {first.number} of {len(state.installments)} due {first.due_date} "
               f"({format_money(first.amount - first.paid, currency, locale)}) is unpaid past the grace; a second "
               "missed one ends the plan: call them, or cancel the plan so that dunning resumes now")
        found.append(TodoItem("payment_plan_missed", customer, names.get(customer, ""),
                              f"payment plan {plan['id']}: {plan['invoices']}", owed, currency, first.due_date, why,
                              f"arctl payplan cancel {_q(customer)}"))
    return found


# --- documents ------------------------------------------------------------------------------------------------


def document_items(documents: Iterable[Mapping[str, Any]], names: Mapping[str, str],
                   as_of: dt.date) -> list[TodoItem]:
    """From the outbox records: e-mails that failed or whose fate is unknown (delivery_failed), and letters
    waiting to be printed and posted (letter_to_print)."""
    found = []
    for d in documents:
        customer, day, status = d["customer_id"], d["as_of"], d["status"]
        if status == "unknown":
            why = ("a run stopped while sending it: it may or may not have gone; check the sent mail, then "
                   "--sent (it went) or --resend")
            command = f"arctl outbox resolve {d['id']} --sent"
        elif status == "failed":
            why = f"the server refused it: {d['answer'] or 'no answer recorded'}; the next send tries again"
            command = f"arctl outbox send {day}"
        elif status == "to_print":
            what = d["channel"].replace("_", " ")
            why = f"{what} written on {day}: print it, post it, then record the day it was posted"
            found.append(TodoItem("letter_to_print", customer, names.get(customer, ""), d["document"], None, "", day,
                                  why, f"arctl outbox printed {as_of} --day {day}"))
            continue
        else:
            continue
        found.append(TodoItem("delivery_failed", customer, names.get(customer, ""), d["document"], None, "", day, why,
                              command))
    return found


def no_plan_items(unreached: Mapping[str, str], countries: Mapping[str, str | None],
                  invoices: Mapping[str, OpenInvoice], consumer_plans: Mapping[str, str], held: Iterable[str],
                  locale: str) -> list[TodoItem]:
    """Consumers with open invoices that no dunning plan reaches (`unreached`: customer -> why), one item per
    customer and currency; a customer a person put on hold is theirs already. A consumer whose country has a
    consumer plan (or is unknown) is given one (`arctl customer set --plan`); one of another country is dunned
    by a person, which a hold records."""
    found = []
    held = set(held)
    for customer, reason in sorted(unreached.items()):
        if customer in held:
            continue
        owed = [i for i in invoices.values() if i.customer_id == customer and i.open_amount > 0]
        country = (countries.get(customer) or "").upper()
        if country in consumer_plans or not country:
            plan = consumer_plans.get(country) or next(iter(consumer_plans.values()), "PLAN")
            command = f"arctl customer set {_q(customer)} --plan {plan}"
        else:
            command = f'arctl hold {_q(customer)} --reason other --note "dunned by a person"'
        for currency, group in _by_currency(owed).items():
            total = sum(i.open_amount for i in group)
            dues = [i.due_date for i in group if i.due_date is not None]
            why = f"{format_money(total, currency, locale)} open and not dunned: {reason}"
            found.append(TodoItem("no_plan", customer, group[0].customer_name, " ".join(i.invoice_id for i in group),
                                  total, currency, min(dues) if dues else None, why, command))
    return found
