"""What a person sets for one customer (its own plan, segment, language, channel, e-mail), and the customer's file.

What is set here is kept in the state beside the customer export, so a later import of that export never
undoes it; `arctl customer unset` does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.dunning import choice_of, dunning_inputs, load_plans
from arctl.workflows.workspace import open_store, writing

OVERRIDE_FIELDS = ("plan", "segment", "language", "channel", "email")
PREFERRED_CHANNELS = ("email", "letter")
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
_PLAN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _clean(values: dict[str, str]) -> dict[str, str]:
    """Each value checked and written the way it is stored; a wrong one is a UsageError naming its option."""
    from babel import Locale, UnknownLocaleError

    cleaned = {}
    for name, text in values.items():
        text = text.strip()
        if name == "plan" and not _PLAN_NAME.fullmatch(text):
            raise UsageError(f"--plan {text}: expected the name of a plan (a file NAME.yaml in the workspace's "
                             "plans/, or a shipped plan such as key-accounts)")
        if name == "segment" and not text:
            raise UsageError("--segment: expected a segment name, such as key")
        if name == "channel" and text not in PREFERRED_CHANNELS:
            raise UsageError(f"--channel {text}: expected email or letter (how the customer wants written "
                             "documents; registered letters, calls and the agency stay as the plan says)")
        if name == "email" and not _EMAIL.fullmatch(text):
            raise UsageError(f"--email {text}: expected one e-mail address, such as boekhouding@example.be")
        if name == "language":
            try:
                text = str(Locale.parse(text.replace("-", "_")))
            except (UnknownLocaleError, ValueError) as exc:
                raise UsageError(f"--language {text}: not a language arctl knows",
                                 hint="a language code such as nl, fr, de or en (nl_BE for Flemish)") from exc
        cleaned[name] = text
    return cleaned


def customer_set(workspace: Workspace | None, customer_id: str, values: dict[str, str], today: dt.date) -> dict:
    """Set the customer's own plan, segment, language, preferred channel or e-mail address; the overrides in force
    afterwards. A consumer's own plan must be a consumer plan of their country."""
    from arctl.dunning.plan_set import own_plan_problem

    if not values:
        raise UsageError("nothing to set", hint="give --plan, --segment, --language, --channel or --email")
    cleaned = _clean(values)
    with writing(workspace, "customer set") as store:
        person = _person(store, customer_id)
        if "plan" in cleaned:
            plans = load_plans(cleaned["plan"], workspace)
            problem = own_plan_problem(plans.main, consumer=bool(person.get("consumer")), country=person.get("country"))
            if problem:
                raise UsageError(f"--plan {cleaned['plan']}: {problem}",
                                 hint="consumer rules: the consumer-be and consumer-nl plans respect them")
        store.set_overrides(customer_id, cleaned, today)
        return store.overrides().get(customer_id, {})


def customer_unset(workspace: Workspace | None, customer_id: str, fields: list[str], today: dt.date) -> dict:
    """Remove what a person set (the export's values apply again); the overrides left."""
    unknown = [name for name in fields if name not in OVERRIDE_FIELDS]
    if unknown or not fields:
        raise UsageError("nothing to unset" if not fields else f"cannot unset {unknown[0]}",
                         hint="give --plan, --segment, --language, --channel, --email or --all")
    with writing(workspace, "customer unset") as store:
        _person(store, customer_id)
        current = store.overrides().get(customer_id, {})
        if not any(name in current for name in fields):
            raise UsageError(f"customer {customer_id} has no {' or '.join(fields)} set by a person",
                             hint=f"`arctl customer show {customer_id}` shows what is set")
        store.set_overrides(customer_id, dict.fromkeys(fields), today)
        return store.overrides().get(customer_id, {})


@dataclass(slots=True)
class CustomerView:
    customer_id: str
    master: dict                        # the customer export's row ({} when the customer is known from invoices)
    overrides: dict                     # what a person set
    plan: str                           # the plan the customer follows today
    plan_reason: str                    # why: their own plan, a segment, or the workspace's plan
    open_items: list[dict]              # invoice_id, due_date, open_amount, currency
    holds: list[dict]
    notes: list[dict]                   # newest first
    history: list[dict]                 # dunning actions, newest first: as_of, step, channel, currency, total_due
    warnings: list[str] = field(default_factory=list)
    callback: dict | None = None        # the call-back note still waiting for a call (its `until`: the day)


def customer_show(workspace: Workspace | None, customer_id: str, as_of: dt.date) -> CustomerView:
    """The customer's file: master data and what a person set, the plan it follows and why, its open items,
    holds, notes and dunning history."""
    if workspace is None:
        raise UsageError("arctl customer needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        _person(store, customer_id)
        inputs = dunning_inputs(workspace, store, as_of, refuse_unplanned=False)
        master: dict = next((row for row in store.customers().to_dict("records")
                             if row["customer_id"] == customer_id), {})
        overrides = store.overrides().get(customer_id, {})
        holds = [row for row in store.holds(customer_id, active=True)
                 if row["until"] is None or row["until"] >= as_of]
        notes = list(reversed(store.notes(customer_id)))
        history = list(reversed(store.actions_of(customer_id)))
    finally:
        store.close()
    plan, reason = _plan_and_reason(inputs, customer_id)
    items = inputs.items[inputs.items["customer_id"] == customer_id]
    open_items = [{"invoice_id": row["invoice_id"],
                   "due_date": row["due_date"].date() if row["due_date"] == row["due_date"] else None,  # NaT
                   "open_amount": int(row["open_amount"]), "currency": row["currency"]}
                  for row in items.sort_values(["due_date", "invoice_id"]).to_dict("records")
                  if row["open_amount"] != 0]
    from arctl.workflows.pauses import callback_due

    return CustomerView(customer_id, master, overrides, plan, reason, open_items, holds, notes, history,
                        [w for w in inputs.warnings if w.startswith(f"customer {customer_id}:")],
                        callback_due(list(reversed(notes))))


def _plan_and_reason(inputs, customer_id: str) -> tuple[str, str]:
    """The plan the customer follows and why (the same words as `dunning status` and `explain`)."""
    from arctl.dunning.engine import CustomerFacts
    from arctl.dunning.plan_set import no_route

    facts = inputs.customers.get(customer_id) or CustomerFacts()
    plan = facts.plan_in(inputs.plans)
    if plan is None:
        return "none", f"not dunned: {no_route(inputs.plans, facts.country)}"
    return plan.key, choice_of(inputs, customer_id, plan.key).reason


def _person(store, customer_id: str) -> dict:
    """The customer's master data; a customer known only from invoices has none, one unknown is an error."""
    if not store.customer_exists(customer_id):
        raise UsageError(f"no customer {customer_id!r} in the workspace",
                         hint="`arctl import` brings in the customer and invoice exports")
    return next((row for row in store.customers().to_dict("records") if row["customer_id"] == customer_id), {})
