"""payments (the bank credits in the workspace state and what became of each) and the standing matches that
`reconcile -o` writes in a workspace."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.workspace import open_store

if TYPE_CHECKING:
    from arctl.reconcile.payments import Payments, StandingMatches


def payments(workspace: Workspace | None, *, since: dt.date | None = None, unmatched: bool = False,
             suggested: bool = False) -> Payments:
    """Every stored bank credit booked on or after `since`, with its allocations; the invoices they paid in part
    and what is still open of them; the returns and refunds (reconcile/payments.py says what each means)."""
    from arctl.reconcile.open_items import open_items
    from arctl.reconcile.payments import customer_ibans, payments_of

    if workspace is None:
        raise UsageError("arctl payments needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        bank = store.bank_lines()
        matches = store.matches(active=False)
        invoices = store.invoices(include_closed=True)
        items = open_items(store.invoice_items(), store.applied_allocations())
        ibans = customer_ibans(store.customers(), store.known_ibans())
    finally:
        store.close()
    open_amounts = dict(zip(items["invoice_id"], items["open_amount"].astype(int), strict=True))
    return payments_of(bank, matches, invoices, open_amounts, ibans, since=since, unmatched=unmatched,
                       suggested=suggested)


def standing_matches(workspace: Workspace) -> StandingMatches:
    """Every allocation standing in the workspace (the matcher's of every run, a person's, the suggestions
    waiting) and the credits left unallocated: what `reconcile -o` writes in a workspace."""
    from arctl.reconcile.payments import standing_matches as as_matches

    return as_matches(payments(workspace))
