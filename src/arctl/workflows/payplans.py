"""Payment plans: agree, show and cancel them, and what is paid of their installments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.workspace import open_store, writing

if TYPE_CHECKING:
    from arctl.dunning.payplan import PlanState
    from arctl.model import Action


@dataclass(slots=True)
class PaymentPlanView:
    plan: dict[str, Any]                       # the payment plan as stored
    state: PlanState
    reminded: frozenset[int] = frozenset()     # installments already reminded


def _every(text: str):
    """'1m', '2w', '14d' or '1 month', '2 weeks', '14 days'."""
    import re as _re

    from arctl.dunning.plan import Duration
    from arctl.dunning.plan_check import parse_duration

    short = _re.fullmatch(r"(\d+)\s*([dwm])", text.strip().lower())
    if short:
        return Duration(int(short.group(1)), {"d": "days", "w": "weeks", "m": "months"}[short.group(2)])
    duration = parse_duration(text)
    if duration is None:
        raise UsageError(f"--every {text}: expected 1m, 2w, 14d (or '1 month', '2 weeks', '14 days')")
    return duration


def payment_plan_states(store, as_of: dt.date, allocations=None) -> list[PaymentPlanView]:
    """Every payment plan with what is paid of its installments as of the date, and which were reminded.
    `allocations`: the applied allocations when the caller has read them already."""
    from arctl.dunning.payplan import Installment, state

    if allocations is None:
        allocations = store.applied_allocations()
    views = []
    for plan in store.payment_plans():
        invoices = plan["invoices"].split()
        rows = store.installments_of(plan["id"])
        installments = tuple(Installment(r["number"], r["due_date"], r["amount"]) for r in rows)
        paid = 0
        if len(allocations):
            after = allocations[allocations["invoice_id"].isin(invoices)
                                & (allocations["booking_date"].dt.date >= plan["created_on"])]
            paid = int(after["amount"].sum())
        views.append(PaymentPlanView(plan, state(installments, paid, as_of),
                                     frozenset(r["number"] for r in rows if r["reminded_on"] is not None)))
    return views


def payplan_create(workspace: Workspace | None, customer: str, invoices: list[str], count: int, first: dt.date,
                   every_text: str, today: dt.date) -> PaymentPlanView:
    """Agree a payment plan: the invoices' open total in `count` installments from `first`, every `every`."""
    from arctl.dunning.payplan import schedule, state
    from arctl.reconcile.open_items import open_items

    every = _every(every_text)
    if not 2 <= count <= 60:
        raise UsageError(f"--installments {count}: expected 2 to 60 installments")
    if first < today:
        raise UsageError(f"--first {first}: the first installment cannot be due before today ({today})")
    if not invoices:
        raise UsageError("--invoices: name the invoices the plan pays")
    with writing(workspace, "payplan create") as store:
        items = open_items(store.invoice_items(), store.applied_allocations())
        found = {invoice: (owner, currency, int(amount)) for invoice, owner, currency, amount in zip(
            items["invoice_id"], items["customer_id"], items["currency"], items["open_amount"], strict=True)}
        for invoice in invoices:
            if invoice not in found or found[invoice][2] <= 0:
                raise UsageError(f"no open invoice {invoice!r} in the workspace")
            if found[invoice][0] != customer:
                raise UsageError(f"invoice {invoice} belongs to {found[invoice][0]}, not {customer}")
        currencies = {found[invoice][1] for invoice in invoices}
        if len(currencies) > 1:
            raise UsageError("a payment plan is in one currency; these invoices are in "
                             + ", ".join(sorted(currencies)))
        for view in payment_plan_states(store, today):
            running = view.plan["cancelled_on"] is None and view.state.outcome == "active"
            shared = set(view.plan["invoices"].split()) & set(invoices)
            if running and shared:
                raise UsageError(f"invoice {sorted(shared)[0]} is already on payment plan {view.plan['id']}",
                                 hint=f"`arctl payplan cancel {customer}` first")
        total = sum(found[invoice][2] for invoice in invoices)
        parts = schedule(total, count, first, every)
        plan = {"customer_id": customer, "currency": currencies.pop(), "invoices": " ".join(invoices),
                "total": total, "every": str(every), "created_on": today, "cancelled_on": None}
        assert workspace is not None   # writing() refuses without one
        confirmation = _confirmation(workspace, store, plan, items, parts, today)   # a broken template: no plan
        plan_id = store.add_payment_plan(plan, [{"number": p.number, "due_date": p.due_date, "amount": p.amount}
                                                for p in parts])
        _write_confirmation(workspace, store, confirmation, plan_id, today)
    return PaymentPlanView({**plan, "id": plan_id}, state(parts, 0, today))


def _confirmation(workspace: Workspace, store, plan: dict, items, parts, today: dt.date) -> tuple[Action, bytes]:
    """The payment plan's confirmation for the customer, in their language (the `payment-plan` template): an
    e-mail, or a letter as HTML (no PDF yet: a confirmation is not in the day's print PDF)."""
    from dataclasses import replace
    from zoneinfo import ZoneInfo

    from arctl.dunning.engine import open_lines
    from arctl.dunning.payplan import confirmation_action
    from arctl.render import dunning as documents
    from arctl.workflows.dunning import _contacts

    contact = _contacts(store.customers(), store.overrides()).get(plan["customer_id"])
    lines = open_lines(items)
    action = confirmation_action(plan["customer_id"], plan["currency"],
                                 tuple(lines[i] for i in plan["invoices"].split()), bool(contact and contact.email),
                                 (contact.channel or None) if contact else None)
    env = documents.environment(workspace.root / "templates")
    company = documents.company_party(workspace.config.company, workspace.root)
    document = replace(documents.document_for(action, contact, company, today, workspace.config.locale, env),
                       installments=tuple(documents.PlanInstallment(p.number, p.due_date, p.amount) for p in parts))
    sent_at = dt.datetime.combine(today, dt.time(9), tzinfo=ZoneInfo(workspace.config.timezone))
    files = documents.render_action(env, document, action.kind, action.channel, sent_at)
    return action, files["eml"] if "eml" in files else files["html"]


def _write_confirmation(workspace: Workspace, store, confirmation: tuple[Action, bytes], plan_id: int,
                        today: dt.date) -> None:
    """Into the day's outbox like a run's documents (written, then recorded, so that a run keeps it)."""
    from dataclasses import replace

    from arctl.deliver.outbox import Outbox

    action, data = confirmation
    action = replace(action, step=f"payment-plan-{plan_id}")
    outbox = Outbox(workspace.root, today.isoformat())
    path = outbox.path_for(action.customer_id, action.step, action.currency, action.channel)
    if path is None:
        return
    outbox.write_batch([(path, data)])
    # recorded without its invoices: a confirmation is no dunning step of theirs (their history is unchanged)
    store.record_actions([(replace(action, lines=()), outbox.shown(path), "written")], today)


def payplan_show(workspace: Workspace | None, customer: str, as_of: dt.date) -> list[PaymentPlanView]:
    if workspace is None:
        raise UsageError("arctl payplan needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        views = [v for v in payment_plan_states(store, as_of) if v.plan["customer_id"] == customer]
    finally:
        store.close()
    if not views:
        raise UsageError(f"customer {customer!r} has no payment plan")
    return views


def payplan_cancel(workspace: Workspace | None, customer: str, today: dt.date) -> int:
    with writing(workspace, "payplan cancel") as store:
        running = [v for v in payment_plan_states(store, today) if v.plan["customer_id"] == customer
                   and v.plan["cancelled_on"] is None and v.state.outcome == "active"]
        if not running:
            raise UsageError(f"customer {customer!r} has no running payment plan")
        for view in running:
            store.cancel_payment_plan(view.plan["id"], today)
    return len(running)
