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
    asked = [(iban or "", name or "") for iban, name in zip(open_credits["counterparty_iban"],
                                                             open_credits["counterparty_name"], strict=True)]
    return {payer.customer_id for payer in payers.identify_all(asked) if payer is not None}


def unapplied_payments(bank: pd.DataFrame, allocations: pd.DataFrame, invoices: pd.DataFrame,
                       customers: pd.DataFrame | None, known_ibans: dict[str, str], as_of: dt.date,
                       settings: MatchSettings, known: set[str] | None = None) -> pd.DataFrame:
    """The money at the bank on `as_of` that no applied allocation accounts for: per credit booked up to then and
    not returned by then, its amount less its applied allocations (`allocations`: bank_txn, invoice_id, amount),
    counting only those to invoices in `known` (all, when None). Its payer: the customer of an invoice it paid
    part of, else the one its IBAN or name identifies as `reconcile` does, else None.
    Columns: txn_id, customer_id, customer_name, currency, booking_date, amount (positive)."""
    columns = ["txn_id", "customer_id", "customer_name", "currency", "booking_date", "amount"]
    if bank.empty:
        return pd.DataFrame(columns=columns)
    day = pd.Timestamp(as_of)
    credits = bank[(bank["amount"] > 0) & ~bank["reversal"].astype(bool) & (bank["booking_date"] <= day)]
    booked = dict(zip(bank["txn_id"], bank["booking_date"], strict=True))
    returned = {original for reversal, original in reversal_pairs(bank) if booked.get(reversal, day) <= day}
    applied = allocations if known is None else allocations[allocations["invoice_id"].isin(known)]
    allocated = applied.groupby("bank_txn")["amount"].sum() if len(applied) else pd.Series(dtype="int64")
    left = credits["amount"] - credits["txn_id"].map(allocated).fillna(0).astype("int64")
    open_credits = credits.assign(amount=left)[(left > 0) & ~credits["txn_id"].isin(returned)]
    if open_credits.empty:
        return pd.DataFrame(columns=columns)
    customer_of = dict(zip(invoices["invoice_id"], invoices["customer_id"], strict=True))
    paid_by = {str(txn): customer_of.get(invoice) for txn, invoice in zip(applied["bank_txn"], applied["invoice_id"],
                                                                          strict=True)} if len(applied) else {}
    payers = payer_index(invoices, customers if customers is not None and len(customers) else None, known_ibans,
                         settings)
    names = dict(zip(invoices["customer_id"], invoices["customer_name"], strict=True))
    if customers is not None and len(customers):
        names.update((c, n) for c, n in zip(customers["customer_id"], customers["name"], strict=True) if n)
    unpaid = [(iban or "", name or "") for txn, iban, name in zip(
        open_credits["txn_id"], open_credits["counterparty_iban"], open_credits["counterparty_name"], strict=True)
        if paid_by.get(str(txn)) is None]
    identified = iter(payers.identify_all(unpaid))
    found: list[str | None] = []
    for txn in open_credits["txn_id"]:
        payer = paid_by.get(str(txn))
        if payer is None:
            who = next(identified)
            payer = who.customer_id if who is not None else None
        found.append(payer)
    return pd.DataFrame({
        "txn_id": open_credits["txn_id"].to_numpy(), "customer_id": pd.Series(found, dtype=object),
        "customer_name": [names.get(c, "") if c is not None else "" for c in found],
        "currency": open_credits["currency"].to_numpy(), "booking_date": open_credits["booking_date"].to_numpy(),
        "amount": open_credits["amount"].astype("int64").to_numpy()})
