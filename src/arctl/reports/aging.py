"""Aging: open amounts per customer and currency, bucketed by days past the due (or issue) date.

Credit notes and payments not applied to any invoice are negative items aged by their own date (a credit note
by its due or issue date as the report is, a payment by its bank booking date), so that a customer's buckets add
up to what they owe net; each row's `credits` is the sum of those negatives. A payment whose payer is unknown is
in a row of its own per currency (customer_id None, name UNIDENTIFIED). In an AgingItem of a payment both dates
are its booking date, and its customer_id is "" when the payer is unknown.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import numpy as np
import pandas as pd

from arctl.model import AgingItem, AgingRate, AgingReport, AgingRow
from arctl.money import currency_decimals

DEFAULT_BOUNDS = (30, 60, 90)
UNIDENTIFIED = "unidentified payments"
PAYMENT_COLUMNS = ("txn_id", "customer_id", "customer_name", "currency", "booking_date", "amount")


def bucket_labels(bounds: tuple[int, ...]) -> tuple[str, ...]:
    """('current', '1-30', '31-60', '61-90', '90+') for bounds (30, 60, 90)."""
    labels = ["current"]
    low = 1
    for bound in bounds:
        labels.append(f"{low}-{bound}")
        low = bound + 1
    labels.append(f"{bounds[-1]}+")
    return tuple(labels)


def bucket_of(days: np.ndarray, bounds: tuple[int, ...]) -> np.ndarray:
    """Bucket 0 holds days <= 0; bucket i holds bounds[i-2] < days <= bounds[i-1]; the last holds the rest."""
    return np.where(days <= 0, 0, np.searchsorted(np.asarray(bounds), days, side="left") + 1)


def aging(invoices: pd.DataFrame, as_of: dt.date, *, by: str = "due", bounds: tuple[int, ...] = DEFAULT_BOUNDS,
          payments: pd.DataFrame | None = None, detail: bool = False, convert_to: str | None = None,
          rates: tuple[AgingRate, ...] = ()) -> AgingReport:
    """Bucket every invoice and credit note with an open amount, and every payment not applied (`payments`:
    PAYMENT_COLUMNS, `amount` the positive part left, `customer_id` None when the payer is unknown); days =
    as_of − the item's date (0 or fewer: current). With `convert_to`, every amount is converted at `rates`
    (one unit of the rate's currency = rate units of `convert_to`), rounded half-even to minor units once per
    item; the caller makes sure every currency has a rate."""
    items = _items(invoices, payments, by)
    used: tuple[AgingRate, ...] = ()
    if convert_to is not None:
        items, used = _converted(items, convert_to, rates)
    dated = items[items["date"].notna()]
    days = (pd.Timestamp(as_of) - dated["date"]).dt.days.to_numpy()
    items["days"] = pd.Series(days, index=dated.index).reindex(items.index)
    items["bucket"] = pd.Series(bucket_of(days, bounds), index=dated.index).reindex(items.index)
    labels = bucket_labels(bounds)
    customers, totals = _rows(items[items["date"].notna()], len(labels))
    order = {(row.customer_id or "", row.currency): n for n, row in enumerate(customers)}
    return AgingReport(as_of, by, labels, customers, totals, undated=int(items["date"].isna().sum()),
                       detail=_detail(items, order) if detail else (), converted_to=convert_to, rates=used)


def _items(invoices: pd.DataFrame, payments: pd.DataFrame | None, by: str) -> pd.DataFrame:
    """One row per open item: key (customer id, "" for an unknown payer), name, currency, kind, reference,
    issue_date, due_date, date (the one it is aged by), amount."""
    open_items = invoices[invoices["open_amount"].ne(0)]
    issue = _dates(open_items, "issue_date")
    due = _dates(open_items, "due_date")
    amounts = open_items["open_amount"].astype("int64")
    def text(column: str) -> Any:  # the column's own (Arrow) strings: no round trip through Python objects
        return open_items[column].astype(str).array

    frame = pd.DataFrame({
        "key": text("customer_id"), "name": text("customer_name"), "currency": text("currency"),
        "kind": np.where(amounts.to_numpy() < 0, "credit_note", "invoice"),
        "reference": text("invoice_id"),
        "issue_date": issue.to_numpy(), "due_date": due.to_numpy(),
        "date": (due if by == "due" else issue).to_numpy(), "amount": amounts.to_numpy(),
    })
    if payments is None or payments.empty:
        return frame
    left = payments[payments["amount"].gt(0)]
    booked = pd.to_datetime(left["booking_date"]).astype("datetime64[s]").to_numpy()
    known = left["customer_id"].notna().to_numpy()
    paid = pd.DataFrame({
        "key": np.where(known, left["customer_id"].fillna("").astype(str), ""),
        "name": np.where(known, left["customer_name"].fillna("").astype(str), UNIDENTIFIED),
        "currency": left["currency"].astype(str).to_numpy(), "kind": "payment",
        "reference": left["txn_id"].astype(str).to_numpy(), "issue_date": booked, "due_date": booked,
        "date": booked, "amount": -left["amount"].astype("int64").to_numpy(),
    })
    return pd.concat([frame, paid], ignore_index=True) if len(frame) else paid.reset_index(drop=True)


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    return pd.to_datetime(frame[column]).astype("datetime64[s]")


def _converted(items: pd.DataFrame, target: str, rates: tuple[AgingRate, ...]
               ) -> tuple[pd.DataFrame, tuple[AgingRate, ...]]:
    """Every amount in `target`: minor units × 10^-decimals × rate, rounded half-even to target minor units."""
    given = {rate.currency: rate for rate in rates}
    places = currency_decimals(target)
    amounts = items["amount"].to_numpy().copy()
    used = []
    for currency in sorted(set(items["currency"]) - {target}):
        rate = given[currency]
        used.append(rate)
        factor = Decimal(rate.rate).scaleb(places - currency_decimals(currency))
        chosen = (items["currency"] == currency).to_numpy()
        amounts[chosen] = [int((Decimal(int(v)) * factor).to_integral_value(rounding=ROUND_HALF_EVEN))
                           for v in amounts[chosen]]
    converted = items.assign(amount=amounts, currency=target)
    return converted, tuple(used)


def _rows(items: pd.DataFrame, width: int) -> tuple[tuple[AgingRow, ...], tuple[AgingRow, ...]]:
    """One row per customer and currency (the unknown payer last in its currency), and one total per currency.

    Sums per (customer, currency) group over integer codes of both (sorted as a group-by sorts them): one
    pass of np.add.at per figure, no group-by per column."""
    if items.empty:
        return (), ()
    key_codes, keys = pd.factorize(items["key"], sort=True)
    currency_codes, currencies = pd.factorize(items["currency"], sort=True)
    pairs, first, group = np.unique(key_codes.astype(np.int64) * len(currencies) + currency_codes,
                                    return_index=True, return_inverse=True)
    amount = items["amount"].to_numpy(dtype=np.int64)
    bucket = items["bucket"].to_numpy(dtype=np.int64)
    credit = np.minimum(amount, 0)
    counted = items["kind"].ne("payment").to_numpy(dtype=np.int64)
    inside = (bucket >= 0) & (bucket < width)
    table = np.zeros((len(pairs), width), dtype=np.int64)
    np.add.at(table, (group[inside], bucket[inside]), amount[inside])
    credits = np.zeros(len(pairs), dtype=np.int64)
    np.add.at(credits, group, credit)
    counts = np.zeros(len(pairs), dtype=np.int64)
    np.add.at(counts, group, counted)
    pair_keys = keys.take(pairs // len(currencies)).tolist()
    pair_currencies = currencies.take(pairs % len(currencies)).tolist()
    customers = [
        AgingRow(key or None, str(name) if key else UNIDENTIFIED, currency, sum(values), tuple(values),
                 count, credit_sum)
        for key, currency, values, name, count, credit_sum in zip(
            pair_keys, pair_currencies, table.tolist(), items["name"].iloc[first].tolist(), counts.tolist(),
            credits.tolist(), strict=True)]
    customers.sort(key=lambda row: (row.currency, row.customer_id is None, -row.total, row.customer_id or ""))
    of_currency = pairs % len(currencies)
    totals_table = np.zeros((len(currencies), width), dtype=np.int64)
    np.add.at(totals_table, of_currency, table)
    totals = tuple(
        AgingRow(None, None, currency, sum(values), tuple(values), count, credit_sum)
        for currency, values, count, credit_sum in zip(
            currencies.tolist(), totals_table.tolist(), _sums(currency_codes, counted, len(currencies)),
            _sums(currency_codes, credit, len(currencies)), strict=True))
    return tuple(customers), totals


def _sums(codes: np.ndarray, values: np.ndarray, size: int) -> list[int]:
    sums = np.zeros(size, dtype=np.int64)
    np.add.at(sums, codes, values)
    return sums.tolist()


def _detail(items: pd.DataFrame, order: dict[tuple[str, str], int]) -> tuple[AgingItem, ...]:
    """Every item, in the order of the customer rows (undated ones after them), oldest date first."""
    position = [order.get((key, currency), len(order)) for key, currency in zip(items["key"], items["currency"],
                                                                                   strict=True)]
    ordered = items.assign(position=position).sort_values(["position", "key", "currency", "date", "reference"],
                                                          na_position="last", kind="stable")
    return tuple(
        AgingItem(key, currency, kind, reference, _day(issue), _day(due), None if pd.isna(days) else int(days),
                  None if pd.isna(bucket) else int(bucket), int(amount))
        for key, currency, kind, reference, issue, due, days, bucket, amount in zip(
            ordered["key"], ordered["currency"], ordered["kind"], ordered["reference"], ordered["issue_date"],
            ordered["due_date"], ordered["days"], ordered["bucket"], ordered["amount"], strict=True))


def _day(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()
