"""KPIs of the receivables (pure): payment dates and receivables on a past day rebuilt from the state, DSO
(standard and countback), best possible DSO, average days delinquent, CEI, days to pay and days late, the
overdue share, the top overdue customers and a month-by-month trend. README "KPIs" gives each formula."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from arctl.config import KpiSettings
from arctl.model import KpiFigures, KpiMonth, KpiReport

COUNTBACK_MONTHS = 24      # countback DSO looks back at most this many months
TREND_MONTHS = 12          # the trend shows this many months, the report's own month last
AVERAGE_MONTH_DAYS = 365.25 / 12


# --- the formulas on plain figures (REFERENCE.md section 7.2) -------------------------------------------------


def standard_dso(receivables: int, credit_sales: int, days: int) -> float | None:
    """(receivables ÷ credit sales of the period) × days in the period; None without credit sales. With the
    current receivables instead of all, the same formula gives the best possible DSO. A net credit balance
    (credit notes above what is owed) counts as nothing owed: 0 days, never fewer."""
    return max(receivables, 0) / credit_sales * days if credit_sales > 0 else None


def countback_dso(receivables: int, months: Sequence[tuple[int, int]]) -> float | None:
    """Countback DSO. `months`: (credit sales, days) of each month, newest first. Each month whose sales the
    receivables still cover is consumed whole (its days counted, its sales taken off); the first month they do
    not cover adds (what is left ÷ its sales) × its days. None when the months given do not consume the
    receivables (not enough history)."""
    if receivables <= 0:
        return 0.0
    left, days = receivables, 0.0
    for sales, length in months:
        if sales > 0 and left < sales:
            return days + left / sales * length
        left -= max(sales, 0)
        days += length
        if left == 0:
            return days
    return None


def collection_effectiveness(begin: int, sales: int, end: int, end_current: int, *, months: int = 1
                             ) -> float | None:
    """CEI in percent: (begin + S − end) ÷ (begin + S − end current) × 100, with S the period's credit sales
    (months 1) or the average month's, sales ÷ months (kept exact: numerator and denominator times months).
    None when the denominator is not positive."""
    numerator = months * begin + sales - months * end
    denominator = months * begin + sales - months * end_current
    return 100.0 * numerator / denominator if denominator > 0 else None


def period_months(start: dt.date, end: dt.date) -> int:
    """How many months a period counts for the average month's sales: its days ÷ 30.44, rounded, at least 1."""
    return max(1, round(((end - start).days + 1) / AVERAGE_MONTH_DAYS))


def period_start(end: dt.date, *, months: int = 0, days: int = 0) -> dt.date:
    """The first day of the period of `months` months (or `days` days) that ends on `end`, inclusive. A period of
    months that ends on a month's last day starts on a month's first day (3 months to 30 Nov: from 1 Sep)."""
    if days:
        return end - dt.timedelta(days=days - 1)
    if (end + dt.timedelta(days=1)).day == 1:
        index = end.year * 12 + end.month - 1 - (months - 1)
        return dt.date(index // 12, index % 12 + 1, 1)
    index = end.year * 12 + end.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(end.day, _month_days(year, month))) + dt.timedelta(days=1)


# --- the state's history: when an invoice was paid, what was open on a day ----------------------------------


def payment_dates(invoices: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    """Per invoice (the index of `invoices`): `paid_on`, the booking date of the bank payment that closed it (the
    last allocation, once the allocations reach its amount), else `closed_on` (the first snapshot that no
    longer listed it); `paid_by` says which ("bank", "snapshot", or "" while it is open)."""
    paid_on = pd.Series(pd.NaT, index=invoices.index, dtype="datetime64[ns]")
    if len(allocations):
        grouped = allocations.groupby("invoice_id")
        total = invoices["invoice_id"].map(grouped["amount"].sum()).fillna(0)
        last = pd.to_datetime(invoices["invoice_id"].map(grouped["booking_date"].max()))
        paid_on = last.where(total.abs().to_numpy() >= invoices["amount"].abs().to_numpy()).astype("datetime64[ns]")
    closed = _dates(invoices, "closed_on")
    paid_by = np.where(paid_on.notna(), "bank", np.where(closed.notna(), "snapshot", ""))
    return pd.DataFrame({"paid_on": paid_on.fillna(closed), "paid_by": paid_by}, index=invoices.index)


def receivables_on(invoices: pd.DataFrame, allocations: pd.DataFrame, day: dt.date) -> pd.Series:
    """The open amount of every invoice (the index of `invoices`) at the end of `day`, rebuilt from the state:
    an invoice counts from its issue date (else its due date; with neither, always); less the bank payments
    booked by `day`; nothing once a snapshot closed it (`closed_on` on or before `day`). Where the export that
    last listed it (`export_taken_at`, with `import_id`) was taken by `day`, its open amount caps the figure as
    in reconcile's open items (ARCHITECTURE.md), so that today's figure is the aging's. Credit notes stay
    negative until used. Unlike the aging's back-dated `open_items_on` (what the state knew on that day), an
    invoice counts from its issue date, also before the first export listed it: the history of DSO and the trend
    reaches back before the first import. On the day of the last import both give the same figures (test)."""
    stamp = pd.Timestamp(day)
    known_from = _dates(invoices, "issue_date").fillna(_dates(invoices, "due_date"))
    closed = _dates(invoices, "closed_on")
    counted = (known_from.isna() | (known_from <= stamp)) & ~(closed.notna() & (closed <= stamp))
    booked = allocations[pd.to_datetime(allocations["booking_date"]) <= stamp] if len(allocations) else allocations
    amount = invoices["amount"].abs().to_numpy()
    paid = _sum_by_invoice(invoices, booked)
    left = amount - np.abs(paid)
    if "export_taken_at" in invoices and len(invoices):
        taken = pd.to_datetime(invoices["export_taken_at"])
        shown = (taken.notna() & (taken <= stamp)).to_numpy()
        after = booked
        if len(booked):
            merged = booked.merge(invoices[["invoice_id", "export_taken_at", "import_id"]], on="invoice_id")
            same = (merged["invoice_import_id"].eq(merged["import_id"]).fillna(False).to_numpy(dtype=bool)
                    if "invoice_import_id" in merged else np.zeros(len(merged), dtype=bool))
            after = merged[same | (pd.to_datetime(merged["booking_date"]) > merged["export_taken_at"]).to_numpy()]
        by_export = invoices["open_amount"].abs().to_numpy() - np.abs(_sum_by_invoice(invoices, after))
        left = np.where(shown, np.minimum(by_export, left), left)
    sign = np.where(invoices["amount"].to_numpy() < 0, -1, 1)
    owed = sign * np.maximum(0, left) * counted.to_numpy()
    return pd.Series(owed.astype("int64"), index=invoices.index)


def days_past_due(invoices: pd.DataFrame, day: dt.date) -> pd.Series:
    """Days from the due date to `day` (0 or fewer: not yet due); an invoice without a due date counts as 0."""
    days: pd.Series = (pd.Timestamp(day) - _dates(invoices, "due_date")).dt.days.fillna(0).astype("int64")
    return days


# --- the report ---------------------------------------------------------------------------------------------


def kpi_report(invoices: pd.DataFrame, allocations: pd.DataFrame, start: dt.date, end: dt.date,
               settings: KpiSettings | None = None, *, top: int = 10, trend_months: int = TREND_MONTHS
               ) -> KpiReport:
    """The KPIs of the period `start`..`end` (both included) from every invoice of the state (closed ones too,
    with `closed_on`) and the applied allocations (invoice_id, amount, booking_date)."""
    settings = settings or KpiSettings()
    rows = _row_figures(invoices, allocations, start, end, settings.current_days)
    days = (end - start).days + 1
    cei_months = period_months(start, end) if settings.cei_sales == "monthly_average" else 1
    customers = _figures(rows, ["customer_id", "currency"], days)
    countback = _countback_months(invoices, end)
    totals = []
    for figures in _figures(rows, ["currency"], days):
        cei = collection_effectiveness(figures.begin_receivables, figures.credit_sales, figures.receivables,
                                       figures.current, months=cei_months)
        months = countback.get(figures.currency, [])
        totals.append(replace(figures, countback_dso=countback_dso(figures.receivables, months), cei=cei))
    customers.sort(key=lambda c: (c.currency, -c.receivables, c.customer_id or ""))
    top_overdue = [c for currency in sorted({c.currency for c in customers})
                   for c in sorted((c for c in customers if c.currency == currency and c.overdue > 0),
                                   key=lambda c: (-c.overdue, c.customer_id or ""))[:top]]
    paid = rows[rows["paid"]]
    return KpiReport(
        end, start, settings.current_days, settings.cei_sales, cei_months, tuple(totals), tuple(customers),
        tuple(top_overdue), _trend(invoices, allocations, end, trend_months),
        int((paid["paid_by"] == "bank").sum()), int((paid["paid_by"] == "snapshot").sum()),
        _mean(paid["to_pay"]), _mean(paid["late"]), int(_dates(invoices, "issue_date").isna().sum()))


def _row_figures(invoices: pd.DataFrame, allocations: pd.DataFrame, start: dt.date, end: dt.date,
                 current_days: int) -> pd.DataFrame:
    """One row per invoice with what it adds to each KPI of the period."""
    issued = _dates(invoices, "issue_date")
    due = _dates(invoices, "due_date")
    dates = payment_dates(invoices, allocations)
    owed = receivables_on(invoices, allocations, end)
    late_by = days_past_due(invoices, end)
    in_period = (issued >= pd.Timestamp(start)) & (issued <= pd.Timestamp(end))
    paid = ((dates["paid_on"] >= pd.Timestamp(start)) & (dates["paid_on"] <= pd.Timestamp(end))
            & (invoices["amount"] > 0))
    return pd.DataFrame({
        "customer_id": invoices["customer_id"].astype(str), "name": invoices["customer_name"].astype(str),
        "currency": invoices["currency"].astype(str), "open": owed,
        "current": owed.where(late_by <= current_days, 0), "overdue": owed.where(late_by > 0, 0),
        "oldest": late_by.where((owed > 0) & (late_by > 0), 0),
        "begin": receivables_on(invoices, allocations, start - dt.timedelta(days=1)),
        "sales": invoices["amount"].where(in_period, 0).astype("int64"),
        "paid": paid, "paid_by": dates["paid_by"],
        "to_pay": (dates["paid_on"] - issued).dt.days.where(paid),
        "late": (dates["paid_on"] - due).dt.days.clip(lower=0).where(paid),
    }, index=invoices.index)


def _figures(rows: pd.DataFrame, keys: list[str], days: int) -> list[KpiFigures]:
    """The figures of each group of `rows` (by currency, or by customer and currency) in one aggregation."""
    table = rows.groupby(keys, sort=True).agg(
        name=("name", "last"), open=("open", "sum"), current=("current", "sum"), overdue=("overdue", "sum"),
        sales=("sales", "sum"), to_pay=("to_pay", "mean"), late=("late", "mean"), paid=("paid", "sum"),
        oldest=("oldest", "max"), begin=("begin", "sum"))
    table = table[(table["open"] != 0) | (table["sales"] != 0) | (table["paid"] > 0) | (table["begin"] != 0)]
    found = []
    for key, name, receivables, current, overdue, sales, to_pay, late, paid, oldest, begin in zip(
            table.index, *(table[c].tolist() for c in table.columns), strict=True):
        customer_id, currency = (key if len(keys) == 2 else (None, key))
        dso, best = standard_dso(int(receivables), int(sales), days), standard_dso(int(current), int(sales), days)
        found.append(KpiFigures(
            None if customer_id is None else str(customer_id), None if customer_id is None else str(name),
            str(currency), int(receivables), int(current), int(overdue), int(sales), dso, best,
            dso - best if dso is not None and best is not None else None, _number(to_pay), _number(late),
            int(paid), int(oldest), int(begin)))
    return found


def _countback_months(invoices: pd.DataFrame, end: dt.date) -> dict[str, list[tuple[int, int]]]:
    """Per currency: (credit sales, days) of the month of `end` (its first day to `end`) and of each month before,
    newest first, back to the month of the oldest issue date (at most COUNTBACK_MONTHS)."""
    issued = _dates(invoices, "issue_date")
    kept = invoices[issued.notna() & (issued <= pd.Timestamp(end))]
    if kept.empty:
        return {}
    month = _dates(kept, "issue_date").dt.year * 12 + _dates(kept, "issue_date").dt.month - 1
    sales = kept["amount"].groupby([kept["currency"], month]).sum()
    newest, oldest = end.year * 12 + end.month - 1, int(month.min())
    found: dict[str, list[tuple[int, int]]] = {}
    for currency in sorted(kept["currency"].unique()):
        months = []
        for index in range(newest, max(oldest, newest - COUNTBACK_MONTHS + 1) - 1, -1):
            length = end.day if index == newest else _month_days(index // 12, index % 12 + 1)
            months.append((int(sales.get((currency, index), 0)), length))
        found[str(currency)] = months
    return found


def _trend(invoices: pd.DataFrame, allocations: pd.DataFrame, end: dt.date, months: int) -> tuple[KpiMonth, ...]:
    """Month by month up to `end`: what was open at each month's end, how much was overdue, the month's credit
    sales and DSO. Months before the first invoice are left out."""
    issued = _dates(invoices, "issue_date")
    first = issued.min()
    found: list[KpiMonth] = []
    newest = end.year * 12 + end.month - 1
    for index in range(newest - months + 1, newest + 1):
        year, month = index // 12, index % 12 + 1
        month_end = end if index == newest else dt.date(year, month, _month_days(year, month))
        if pd.isna(first) or pd.Timestamp(month_end) < first:
            continue
        owed = receivables_on(invoices, allocations, month_end)
        overdue = owed.where(days_past_due(invoices, month_end) > 0, 0)
        in_month = (issued >= pd.Timestamp(dt.date(year, month, 1))) & (issued <= pd.Timestamp(month_end))
        sales = invoices["amount"].where(in_month, 0)
        frame = pd.DataFrame({"currency": invoices["currency"], "open": owed, "overdue": overdue, "sales": sales})
        for currency, group in frame.groupby("currency", sort=True):
            receivables, credit_sales = int(group["open"].sum()), int(group["sales"].sum())
            found.append(KpiMonth(f"{year:04d}-{month:02d}", month_end, str(currency), receivables,
                                  int(group["overdue"].sum()), credit_sales,
                                  standard_dso(receivables, credit_sales, month_end.day)))
    return tuple(found)


def _sum_by_invoice(invoices: pd.DataFrame, allocations: pd.DataFrame) -> np.ndarray:
    if not len(allocations):
        return np.zeros(len(invoices), dtype="int64")
    sums = allocations.groupby("invoice_id")["amount"].sum()
    return invoices["invoice_id"].map(sums).fillna(0).astype("int64").to_numpy()


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[column]).astype("datetime64[ns]")


def _number(value: float) -> float | None:
    """A figure in days (never money: amounts stay in minor units), None where there is none."""
    return None if pd.isna(value) else float(value)


def _mean(values: pd.Series) -> float | None:
    """The mean of a column of days, None when it is empty."""
    values = values.dropna()
    return float(values.mean()) if len(values) else None


def _month_days(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day
