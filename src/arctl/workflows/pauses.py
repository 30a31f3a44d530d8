"""Pauses and notes: what stops or shapes dunning, recorded by a person."""

from __future__ import annotations

import datetime as dt

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.workspace import writing

HOLD_REASONS = ("insolvency", "write_off", "legal", "other")
CALL_OUTCOMES = ("promise", "no_answer", "dispute", "paid", "callback", "other")


def _open_invoice(store, invoice_id: str) -> dict:
    invoice = store.invoice(invoice_id)
    if invoice is None or invoice["closed_on"] is not None:
        raise UsageError(f"no open invoice {invoice_id!r} in the workspace",
                         hint="`arctl import` brings in the current open-items export")
    return invoice


def hold(workspace: Workspace | None, target: str, reason: str, until: dt.date | None, today: dt.date,
         note: str = "") -> str:
    """Stop all dunning for a customer or an invoice until released (or until the date); `note` says why in a
    person's words."""
    if reason not in HOLD_REASONS:
        raise UsageError(f"--reason {reason}: expected one of {', '.join(HOLD_REASONS)}")
    if until is not None and until <= today:
        raise UsageError(f"--until {until}: the date is not after today ({today})")
    with writing(workspace, "hold") as store:
        invoice = store.invoice(target)
        if invoice is not None and invoice["closed_on"] is None:
            kind = "invoice"
        elif store.customer_exists(target):
            kind = "customer"
        else:
            raise UsageError(f"{target!r} is neither an open invoice nor a customer in the workspace")
        if store.holds(target, active=True):
            raise UsageError(f"{kind} {target} is already on hold", hint=f"`arctl release {target}` first")
        store.add_hold(kind, target, reason, until, today, note.strip())
    return kind


def release(workspace: Workspace | None, target: str, today: dt.date) -> int:
    with writing(workspace, "release") as store:
        released = store.release_holds(target, today)
    if not released:
        raise UsageError(f"{target!r} is not on hold")
    return released


def dispute_open(workspace: Workspace | None, invoice_id: str, reason: str, today: dt.date) -> None:
    if not reason.strip():
        raise UsageError("--reason: say what the customer disputes")
    with writing(workspace, "dispute open") as store:
        _open_invoice(store, invoice_id)
        if store.disputes(invoice_id, open_only=True):
            raise UsageError(f"invoice {invoice_id} is already disputed",
                             hint=f"`arctl dispute close {invoice_id}` ends the dispute")
        store.open_dispute(invoice_id, reason.strip(), today)


def dispute_close(workspace: Workspace | None, invoice_id: str, note: str, today: dt.date) -> None:
    with writing(workspace, "dispute close") as store:
        active = store.disputes(invoice_id, open_only=True)
        if not active:
            raise UsageError(f"invoice {invoice_id!r} has no open dispute")
        store.close_dispute(active[0]["id"], today, note.strip())


def promise(workspace: Workspace | None, invoice_id: str, until: dt.date, note: str, today: dt.date) -> None:
    """A promise to pay: dunning waits until the date has passed unpaid."""
    if until < today:
        raise UsageError(f"--until {until}: the promised date has already passed (today is {today})")
    with writing(workspace, "promise") as store:
        _open_invoice(store, invoice_id)
        store.add_promise(invoice_id, until, note.strip(), today)


def note(workspace: Workspace | None, customer_id: str, text: str, *, call: bool, outcome: str | None,
         until: dt.date | None, today: dt.date) -> None:
    """A remark or a phone call in the customer's history (with the call's outcome)."""
    if not text.strip():
        raise UsageError("the note is empty")
    if outcome is not None and outcome not in CALL_OUTCOMES:
        raise UsageError(f"--outcome {outcome}: expected one of {', '.join(CALL_OUTCOMES)}")
    if until is not None and outcome not in ("promise", "callback"):
        raise UsageError("--until goes with --outcome promise (the date the customer promised to pay) or "
                         "--outcome callback (the day to call back)")
    if outcome == "promise" and until is None:
        raise UsageError("--outcome promise needs --until DATE (the date the customer promised to pay)")
    if outcome == "callback" and until is not None and until < today:
        raise UsageError(f"--until {until}: the day to call back has already passed (today is {today})")
    with writing(workspace, "note") as store:
        if not store.customer_exists(customer_id):
            raise UsageError(f"no customer {customer_id!r} in the workspace")
        # an outcome is a call's: --outcome alone records the call
        store.add_note(customer_id, text.strip(), call=call or outcome is not None, outcome=outcome, until=until,
                       today=today)


def callback_due(notes: list[dict]) -> dict | None:
    """The customer's pending callback: their latest call, when it ended in `callback` with a day to call back
    (a later call answers it). `notes` oldest first, as the store gives them."""
    calls = [row for row in notes if row["call"]]
    if calls and calls[-1]["outcome"] == "callback" and calls[-1]["until"] is not None:
        return calls[-1]
    return None


def due_callbacks(store, as_of: dt.date) -> list[dict]:
    """Every customer's pending callback whose day is `as_of` or before, earliest first."""
    by_customer: dict[str, list[dict]] = {}
    for row in store.notes():
        by_customer.setdefault(row["customer_id"], []).append(row)
    found = [callback_due(rows) for rows in by_customer.values()]
    return sorted((row for row in found if row is not None and row["until"] <= as_of),
                  key=lambda row: (row["until"], row["customer_id"]))
