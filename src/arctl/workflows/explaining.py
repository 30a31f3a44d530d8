"""Why an invoice is, or is not, in a dunning run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.dunning import dunning_inputs
from arctl.workflows.workspace import open_store

if TYPE_CHECKING:
    from arctl.dunning.engine import Position


@dataclass(slots=True)
class Explanation:
    invoice: dict[str, Any]             # the invoice as stored (export fields)
    open_amount: int                    # what is open now, payments matched at the bank counted
    payments: list[dict[str, Any]]      # applied allocations: bank_txn, amount, rule, status, booking_date
    suggestions: list[dict[str, Any]]   # suggested matches waiting for a person
    steps: list[tuple[str, dt.date]]    # the dunning steps taken, oldest first
    position: Position | None
    reasons: list[str]                  # why it is not in today's run (skip reasons, pauses, minimum ...)
    due_today: bool
    pauses: list[str]


def explain(workspace: Workspace | None, invoice_id: str, as_of: dt.date) -> Explanation:
    """Why this invoice is, or is not, in the run of `as_of`: its open amount and where it comes from,
    its steps, what holds it back, and the date of its next step."""
    from arctl.dunning.engine import decide

    if workspace is None:
        raise UsageError("arctl explain needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        invoice = store.invoice(invoice_id)
        if invoice is None:
            raise UsageError(f"no invoice {invoice_id!r} in the workspace", hint="`arctl import` brings it in")
        inputs = dunning_inputs(workspace, store, as_of, refuse_unplanned=False)
        items, history, pauses = inputs.items, inputs.history, inputs.pauses
        matches = store.matches()
        lines = store.bank_lines().set_index("txn_id") if len(matches) else None
    finally:
        store.close()
    mine = matches[matches["invoice_id"] == invoice_id] if len(matches) else matches
    payments: list[dict[str, object]] = []
    suggestions: list[dict[str, object]] = []
    for row in mine.to_dict("records"):
        booked = lines.loc[row["bank_txn"], "booking_date"].date() if lines is not None else None
        entry = {"bank_txn": row["bank_txn"], "amount": int(row["amount"]), "rule": row["rule"],
                 "status": row["status"], "booking_date": booked}
        (suggestions if row["status"] == "suggested" else payments).append(entry)
    steps = sorted(((t.step_id, t.taken_on) for t in history if t.invoice_id == invoice_id), key=lambda s: s[1])
    own_pauses = [f"{p.kind} since {p.start}" + (f" until {p.end}" if p.end else "")
                  for p in pauses if p.invoice_id == invoice_id or (p.invoice_id is None and
                                                                    p.customer_id == invoice["customer_id"])]
    if invoice["closed_on"] is not None:
        return Explanation(invoice, 0, payments, suggestions, steps, None,
                           [f"closed on {invoice['closed_on']}: missing from a newer open-items export (paid or "
                            "credited in the accounting package)"], False, own_pauses)
    row = items[items["invoice_id"] == invoice_id]
    open_amount = int(row["open_amount"].iloc[0])
    customer_items = items[items["customer_id"] == invoice["customer_id"]]
    decision = decide(customer_items, inputs.customers, inputs.plans, history, pauses, as_of, to_review=inputs.review)
    position = next((p for p in decision.positions if p.invoice_id == invoice_id), None)
    reasons = [s.reason for s in decision.skipped if s.invoice_id == invoice_id]
    due_today = any(invoice_id in a.invoices for a in decision.actions)
    return Explanation(invoice, open_amount, payments, suggestions, steps, position, reasons, due_today, own_pauses)
