"""Totals per currency of a canonical invoice frame and of a canonical bank-line frame."""

from __future__ import annotations

import pandas as pd

from arctl.model import BankTotal, CurrencyTotal


def currency_totals(invoices: pd.DataFrame) -> list[CurrencyTotal]:
    if invoices.empty:
        return []
    grouped = invoices.groupby("currency", sort=True).agg(
        amount=("amount", "sum"), open_amount=("open_amount", "sum"), invoices=("invoice_id", "size"))
    return [CurrencyTotal(str(currency), int(row.amount), int(row.open_amount), int(row.invoices))
            for currency, row in grouped.iterrows()]


def bank_totals(lines: pd.DataFrame) -> list[BankTotal]:
    """Per currency: the sums of credit and of debit lines (both positive) and the net."""
    totals = []
    for currency, amounts in lines.groupby("currency", sort=True)["amount"]:
        credits, debits = int(amounts[amounts > 0].sum()), int(-amounts[amounts < 0].sum())
        totals.append(BankTotal(str(currency), credits, debits, credits - debits, int(len(amounts))))
    return totals
