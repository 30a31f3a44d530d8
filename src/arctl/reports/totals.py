"""Totals of a canonical invoice frame per currency."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    currency: str
    amount: int
    open_amount: int
    invoices: int


def currency_totals(invoices: pd.DataFrame) -> list[CurrencyTotal]:
    if invoices.empty:
        return []
    grouped = invoices.groupby("currency", sort=True).agg(
        amount=("amount", "sum"), open_amount=("open_amount", "sum"), invoices=("invoice_id", "size"))
    return [CurrencyTotal(str(currency), int(row.amount), int(row.open_amount), int(row.invoices))
            for currency, row in grouped.iterrows()]
