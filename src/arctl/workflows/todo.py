"""`arctl todo`: what waits for a person, read from the workspace state with the queries of `payments`,
`dunning status` and `outbox`; reports/todo.py decides what is an item.

The daily run calls `collect(workspace, as_of, standing)` (with the payments its reconcile step listed) and
`write_todo(todo, path)` (JSON, XLSX or CSV by the file's suffix)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.reports.todo import KINDS, TITLES, OpenInvoice, TodoItem, TodoList
from arctl.workflows.workspace import open_store

if TYPE_CHECKING:
    import pandas as pd

    from arctl.reconcile.payments import Payments
    from arctl.workflows.dunning import DunningInputs

__all__ = ["KINDS", "TITLES", "TodoItem", "TodoList", "collect", "write_todo"]


def collect(workspace: Workspace | None, as_of: dt.date, standing: Payments | None = None) -> TodoList:
    """Every item that waits for a person on `as_of` (reports/todo.py says which records are items). `standing`:
    the workspace's payments as `payments(workspace)` lists them, when the caller has them already."""
    from arctl.reconcile.payments import waiting
    from arctl.reports import todo
    from arctl.workflows.dunning import dunning_inputs
    from arctl.workflows.pauses import due_callbacks
    from arctl.workflows.payments import payments

    if workspace is None:
        raise UsageError("arctl todo needs a workspace", hint="run it inside one, or use -w DIR")
    if standing is None:
        credits = list(payments(workspace, unmatched=True, suggested=True).payments)
    else:
        credits = waiting(standing.payments, unmatched=True, suggested=True)
    store = open_store(workspace)
    try:
        inputs = dunning_inputs(workspace, store, as_of, refuse_unplanned=False)
        notes, callbacks = store.notes(), due_callbacks(store, as_of)
        promises, disputes = store.promises(), store.disputes(open_only=True)
        documents = [d for d in store.outbox_documents() if d["as_of"] <= as_of]
        held = {h["target_id"] for h in store.holds(active=True) if h["target_kind"] == "customer"
                and (h["until"] is None or h["until"] >= as_of)}
    finally:
        store.close()
    locale = workspace.config.locale
    invoices = _open_invoices(inputs.items)
    names = _names(inputs, invoices)
    items: list[TodoItem] = [
        *todo.credit_items(credits, locale),
        *todo.promise_items(promises, notes, invoices, as_of, locale),
        *todo.callback_items(callbacks, invoices, names, locale),
        *todo.dispute_items(disputes, invoices, _dispute_limits(inputs, as_of), as_of, locale),
        *todo.payment_plan_items(inputs.payment_plans, names, locale),
        *todo.document_items(documents, names, as_of),
        *_no_plan(inputs, invoices, held, locale),
    ]
    return todo.todo_list(as_of, items)


def write_todo(todo: TodoList, path: Path, locale: str = "en_GB") -> int:
    """Write the list to FILE.json (the `--json` document), FILE.xlsx or FILE.csv (amounts with the decimal mark
    of `locale`); returns the number of items written."""
    from arctl.render.todo import write_todo as write

    return write(todo, path, locale)


def _open_invoices(items: pd.DataFrame) -> dict[str, OpenInvoice]:
    """The open items (bank payments counted) as the list needs them."""
    import pandas as pd

    if items.empty:
        return {}
    names = items["customer_name"] if "customer_name" in items else pd.Series("", index=items.index)
    found = {}
    for invoice, customer, name, currency, amount, due in zip(
            items["invoice_id"], items["customer_id"], names, items["currency"], items["open_amount"],
            items["due_date"], strict=True):
        found[invoice] = OpenInvoice(invoice, customer, "" if pd.isna(name) else str(name), currency, int(amount),
                                     None if pd.isna(due) else pd.Timestamp(due).date())
    return found


def _names(inputs: DunningInputs, invoices: dict[str, OpenInvoice]) -> dict[str, str]:
    """Customer -> name: the customer master (a person's overrides applied), else the invoices' name."""
    names = {i.customer_id: i.customer_name for i in invoices.values() if i.customer_name}
    names.update({customer: contact.name for customer, contact in inputs.contacts.items() if contact.name})
    return names


def _dispute_limits(inputs: DunningInputs, as_of: dt.date) -> dict[str, tuple[str, int]]:
    """Invoice -> (the plan it follows, its dispute_max_days); "" -> the workspace plan's, for the rest."""
    from arctl.dunning.engine import decide

    plans = inputs.plans
    limits = {"": (plans.root, plans.main.dispute_max_days)}
    if inputs.items.empty:
        return limits
    decision = decide(inputs.items, inputs.customers, plans, inputs.history, inputs.pauses, as_of,
                      to_review=inputs.review)
    for position in decision.positions:
        limits[position.invoice_id] = (position.plan, plans.plan(position.plan).dispute_max_days)
    return limits


def _no_plan(inputs: DunningInputs, invoices: dict[str, OpenInvoice], held: set[str], locale: str
             ) -> list[TodoItem]:
    """Consumers with open invoices that no plan route reaches (as `plan check` lists them)."""
    from arctl.dunning.plan import CONSUMER_PLANS
    from arctl.reports.todo import no_plan_items
    from arctl.workflows.dunning import unplanned_consumers

    owing = {i.customer_id for i in invoices.values() if i.open_amount > 0}
    unreached = unplanned_consumers(inputs.customers, inputs.plans, owing)
    countries = {customer: inputs.customers[customer].country for customer in unreached}
    return no_plan_items(unreached, countries, invoices, {**CONSUMER_PLANS, **inputs.plans.fallbacks}, held, locale)
