"""How customers pay: average days late over the invoices they paid in the last year (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How one customer paid: the mean days late and how many paid invoices that mean is taken over."""

    average_days_late: float
    invoices_paid: int


def average_days_late(invoices: pd.DataFrame, allocations: pd.DataFrame, as_of: dt.date) -> dict[str, float]:
    """Per customer: the mean days late of `payment_behaviour`."""
    return {customer: found.average_days_late
            for customer, found in payment_behaviour(invoices, allocations, as_of).items()}


BEHAVIOUR_COLUMNS = ("invoice_id", "customer_id", "due_date", "closed_on", "amount")  # what it reads of invoices


def payment_behaviour(invoices: pd.DataFrame, allocations: pd.DataFrame, as_of: dt.date) -> dict[str, Behaviour]:
    """Per customer: the mean of (payment date − due date, at least 0) over the invoices fully paid in the
    year before `as_of`. The payment date is the bank payment that completed the invoice (the last one
    matched to it, once the matched payments reach its amount), else the day a complete open-items
    export stopped listing it (`closed_on`). A partly paid invoice does not count."""
    frame = invoices[list(BEHAVIOUR_COLUMNS)].copy()
    frame["paid_on"] = pd.NaT
    if len(allocations):
        grouped = allocations.groupby("invoice_id")
        total = frame["invoice_id"].map(grouped["amount"].sum()).fillna(0)
        last_paid = frame["invoice_id"].map(grouped["booking_date"].max())
        frame["paid_on"] = last_paid.where(total.abs() >= frame["amount"].abs())
    paid_on = frame["paid_on"].fillna(frame["closed_on"]) if "closed_on" in frame else frame["paid_on"]
    frame["paid_on"] = pd.to_datetime(paid_on)
    start = pd.Timestamp(as_of - dt.timedelta(days=WINDOW_DAYS))
    paid = frame[frame["paid_on"].notna() & frame["due_date"].notna()
                 & (frame["paid_on"] > start) & (frame["paid_on"] <= pd.Timestamp(as_of))]
    late = (paid["paid_on"] - paid["due_date"]).dt.days.clip(lower=0).groupby(paid["customer_id"])
    counts = dict(late.count().items())
    return {str(customer): Behaviour(float(days), int(counts[customer])) for customer, days in late.mean().items()}
