"""Why an invoice is, or is not, in a dunning run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.dunning import choice_of, dunning_inputs
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
    plan: str | None = None             # "plan: why" for an invoice still open
    in_run: str | None = None           # the step recorded for it on `as_of`: "friendly by email (document)"
    verdict: str | None = None          # a credit note's own verdict
    callback: str | None = None         # the customer's call back still waiting: "2026-12-05: text (call of ...)"


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
        recorded = [a for a in store.actions_of(invoice["customer_id"]) if a["as_of"] == as_of]
        own_pauses = _pause_words(store, invoice_id, invoice["customer_id"], as_of)
        callback = _callback_words(store.notes(invoice["customer_id"]))
    finally:
        store.close()
    own_pauses += [f"payment plan since {p.start}" + (f" until {p.end}" if p.end else "") for p in pauses
                   if p.kind == "payment_plan" and p.invoice_id == invoice_id and p.start <= as_of
                   and (p.end is None or as_of <= p.end)]
    mine = matches[matches["invoice_id"] == invoice_id] if len(matches) else matches
    payments: list[dict[str, object]] = []
    suggestions: list[dict[str, object]] = []
    for row in mine.to_dict("records"):
        booked = lines.loc[row["bank_txn"], "booking_date"].date() if lines is not None else None
        entry = {"bank_txn": row["bank_txn"], "amount": int(row["amount"]), "rule": row["rule"],
                 "status": row["status"], "booking_date": booked}
        (suggestions if row["status"] == "suggested" else payments).append(entry)
    steps = sorted(((t.step_id, t.taken_on) for t in history if t.invoice_id == invoice_id), key=lambda s: s[1])
    if invoice["closed_on"] is not None:
        return Explanation(invoice, 0, payments, suggestions, steps, None,  # a closed invoice needs no call
                           [f"closed on {invoice['closed_on']}: missing from a newer open-items export (paid or "
                            "credited in the accounting package)"], False, own_pauses)
    row = items[items["invoice_id"] == invoice_id]
    open_amount = int(row["open_amount"].iloc[0])
    if int(invoice["amount"]) < 0:
        verdict = ("a credit note: never dunned; " + ("used up, nothing of it is open" if open_amount == 0 else
                   "what is open of it is set against what the customer owes, and no reminder claims it"))
        return Explanation(invoice, open_amount, payments, suggestions, steps, None, [], False, own_pauses,
                           verdict=verdict)
    customer_items = items[items["customer_id"] == invoice["customer_id"]]
    decision = decide(customer_items, inputs.customers, inputs.plans, history, pauses, as_of, to_review=inputs.review)
    position = next((p for p in decision.positions if p.invoice_id == invoice_id), None)
    reasons = [s.reason for s in decision.skipped if s.invoice_id == invoice_id]
    due_today = any(invoice_id in a.invoices for a in decision.actions)
    taken = [t for t in history if t.invoice_id == invoice_id and t.taken_on == as_of]
    in_run = None
    if taken:
        step = taken[-1].step_id
        document = next((a["document"] for a in recorded if a["step"] == step and a["document"]), "")
        way = {"person": ", for a person to contact (no e-mail address, no fallback channel)", None: ""}.get(
            taken[-1].channel, f" by {taken[-1].channel}")
        in_run = f"step {step}{way}" + (f" ({document})" if document else "")
    plan = str(choice_of(inputs, position.customer_id, position.plan)) if position is not None else None
    return Explanation(invoice, open_amount, payments, suggestions, steps, position, reasons, due_today, own_pauses,
                       plan, in_run, callback=callback)


def _pause_words(store, invoice_id: str, customer_id: str, as_of: dt.date) -> list[str]:
    """The pauses of the invoice or its customer that hold on `as_of`, each with its reason."""
    found = []
    for row in store.disputes(invoice_id):
        if row["opened_on"] <= as_of and (row["closed_on"] is None or row["closed_on"] >= as_of):
            found.append(f"disputed since {row['opened_on']}: {row['reason']}")
    for row in store.promises():
        if row["invoice_id"] == invoice_id and row["made_on"] <= as_of <= row["until"]:
            found.append(f"promised on {row['made_on']} to pay by {row['until']}" + (f": {row['note']}"
                                                                                   if row["note"] else ""))
    for target in (invoice_id, customer_id):
        for row in store.holds(target, active=True):
            if row["created_on"] <= as_of and (row["until"] is None or row["until"] >= as_of):
                found.append(f"held since {row['created_on']}: {row['reason']}"
                             + (f" until {row['until']}" if row["until"] else "")
                             + (f" ({row['note']})" if row["note"] else ""))
    for row in store.notes(customer_id, outcome="promise"):
        if row["until"] is not None and row["written_on"] <= as_of <= row["until"]:
            found.append(f"promised on the phone on {row['written_on']} to pay by {row['until']}")
    return found


def _callback_words(notes: list[dict]) -> str | None:
    from arctl.workflows.pauses import callback_due

    found = callback_due(notes)
    return f"{found['until']}: {found['text']} (call of {found['written_on']})" if found else None
