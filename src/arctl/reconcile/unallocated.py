"""Customers with money at the bank that no match accounts for: a person allocates it before they are reminded."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.model import MatchSettings
from arctl.reconcile.engine import payer_index, reversal_pairs


def customers_with_unallocated_credit(bank: pd.DataFrame, matches: pd.DataFrame, invoices: pd.DataFrame,
                                      customers: pd.DataFrame | None, known_ibans: dict[str, str], as_of: dt.date,
                                      settings: MatchSettings) -> set[str]:
    """The customers behind credits booked up to `as_of` that are not fully allocated (an unmatched credit, an
    excess) and not returned, identified by IBAN or name exactly as `reconcile` identifies payers, with the
    same settings."""
    if bank.empty:
        return set()
    credits = bank[(bank["amount"] > 0) & ~bank["reversal"].astype(bool) & (bank["booking_date"].dt.date <= as_of)]
    returned = {txn for pair in reversal_pairs(bank) for txn in pair}
    allocated = matches.groupby("bank_txn")["amount"].sum() if len(matches) else pd.Series(dtype="int64")
    left = credits["amount"] - credits["txn_id"].map(allocated).fillna(0).astype("int64")
    open_credits = credits[(left > 0) & ~credits["txn_id"].isin(returned)]
    if open_credits.empty:
        return set()
    payers = payer_index(invoices, customers if customers is not None and len(customers) else None, known_ibans,
                         settings)
    found = set()
    for iban, name in zip(open_credits["counterparty_iban"], open_credits["counterparty_name"], strict=True):
        payer = payers.identify(iban or "", name or "")
        if payer is not None:
            found.add(payer.customer_id)
    return found
