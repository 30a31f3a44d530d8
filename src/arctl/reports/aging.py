"""Aging: open amounts per customer and currency, bucketed by days past the due (or issue) date."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from arctl.model import AgingReport, AgingRow

DEFAULT_BOUNDS = (30, 60, 90)


def bucket_labels(bounds: tuple[int, ...]) -> tuple[str, ...]:
    """('current', '1-30', '31-60', '61-90', '90+') for bounds (30, 60, 90)."""
    labels = ["current"]
    low = 1
    for bound in bounds:
        labels.append(f"{low}-{bound}")
        low = bound + 1
    labels.append(f"{bounds[-1]}+")
    return tuple(labels)


def aging(invoices: pd.DataFrame, as_of: dt.date, *, by: str = "due",
          bounds: tuple[int, ...] = DEFAULT_BOUNDS) -> AgingReport:
    """Bucket every invoice with an open amount; days overdue = as_of − date (0 or fewer: current)."""
    labels = bucket_labels(bounds)
    open_items = invoices[invoices["open_amount"].ne(0)]
    date = open_items["due_date" if by == "due" else "issue_date"]
    dated = open_items[date.notna()]
    days = (pd.Timestamp(as_of) - date[date.notna()]).dt.days.to_numpy()
    # bucket 0 holds days <= 0; bucket i holds bounds[i-2] < days <= bounds[i-1]; the last holds the rest
    index = np.where(days <= 0, 0, np.searchsorted(np.asarray(bounds), days, side="left") + 1)
    frame = pd.DataFrame({
        "customer_id": dated["customer_id"].to_numpy(), "name": dated["customer_name"].to_numpy(),
        "currency": dated["currency"].to_numpy(), "bucket": index, "amount": dated["open_amount"].to_numpy(),
    })
    table = frame.pivot_table(index=["customer_id", "currency"], columns="bucket", values="amount",
                              aggfunc="sum", fill_value=0)
    table = table.reindex(columns=range(len(labels)), fill_value=0)
    names = frame.groupby(["customer_id", "currency"])["name"].first()
    counts = frame.groupby(["customer_id", "currency"]).size()
    customers = tuple(
        AgingRow(customer_id, names[(customer_id, currency)], currency, int(sum(values)),
                 tuple(int(v) for v in values), int(counts[(customer_id, currency)]))
        for (customer_id, currency), values in zip(table.index, table.to_numpy().tolist(), strict=True)
    )
    totals_table = table.groupby(level="currency").sum()
    total_counts = frame.groupby("currency").size()
    totals = tuple(
        AgingRow(None, None, currency, int(sum(values)), tuple(int(v) for v in values), int(total_counts[currency]))
        for currency, values in zip(totals_table.index, totals_table.to_numpy().tolist(), strict=True)
    )
    customers = tuple(sorted(customers, key=lambda row: (row.currency, -row.total, row.customer_id)))
    return AgingReport(as_of, by, labels, customers, totals, undated=int(len(open_items) - len(dated)))
