"""A customer's statement of account: the open items and the payments of a period, with a running balance.

One statement per currency. Its lines, in date order:

- every item open on the as-of date (an invoice, or a credit note as a negative amount), dated by its issue
  date, with what was open of it when the period began: what is open now, plus what the period's payments
  paid on it, plus what payments booked after the as-of date paid on it (they had not come in yet). An
  invoice closed now that a payment of the period paid is listed the same way (it was open when the period
  began);
- every bank payment booked in the period (`period_start` to `as_of`, both included) that paid the
  customer's items, as a negative amount: what it paid on them (a refund of a credit note, positive);
- every payment of the customer not (fully) allocated to an invoice by the as-of date, as a negative amount:
  the rest no allocation accounts for, dated by its booking date, whatever the period (it is money the
  customer has paid, as a credit note is).

So the running balance ends at what the customer owes as of the date: the open items less the payments not
yet allocated. The default period (`default_period_start`) begins at the earlier of the oldest open item's
date and 90 days before the as-of date: every payment made on what is still open is shown, and at least the
last three months' payments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, cast

import pandas as pd

from arctl.model import AccountStatement, StatementLine

DEFAULT_LOOKBACK_DAYS = 90
_ORDER = {"invoice": 0, "credit_note": 0, "payment": 1, "refund": 1, "unapplied": 2}


def default_period_start(items: pd.DataFrame, unapplied: pd.DataFrame, as_of: dt.date) -> dt.date:
    """The earlier of the oldest open item's date (an open invoice or credit note, or a payment not allocated)
    and `DEFAULT_LOOKBACK_DAYS` before `as_of`."""
    start = as_of - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS)
    dates = [_item_date(row) for row in _records(items) if row["open_amount"]]
    dates += [_day(day) for day in unapplied.get("booking_date", pd.Series([], dtype=object))]
    known = [day for day in dates if day is not None and day <= as_of]
    return min([start, *known])


def account_statements(customer_id: str, items: pd.DataFrame, allocations: pd.DataFrame, unapplied: pd.DataFrame,
                       paused: Mapping[str, str], period_start: dt.date, as_of: dt.date
                       ) -> tuple[AccountStatement, ...]:
    """The customer's statements, one per currency (alphabetical).

    `items`: the customer's invoices and credit notes, closed ones included (invoice_id, currency, issue_date,
    due_date, amount, open_amount: what is open now, 0 when closed). `allocations`: the applied allocations to
    them (invoice_id, amount signed like the invoice, booking_date, bank_txn, counterparty_name).
    `unapplied`: the customer's payments not fully allocated (txn_id, booking_date, currency, amount: the rest,
    positive, counterparty_name). `paused`: invoice_id -> why it is not dunned now (disputed ...)."""
    later: dict[str, int] = defaultdict(int)       # paid after as_of: not in yet
    in_period: dict[str, int] = defaultdict(int)
    payments: dict[str, dict[str, Any]] = {}
    for row in _records(allocations):
        booked = _day(row["booking_date"])
        if booked is None:
            continue
        if booked > as_of:
            later[row["invoice_id"]] += int(row["amount"])
        elif booked >= period_start:
            in_period[row["invoice_id"]] += int(row["amount"])
            payment = payments.setdefault(row["bank_txn"], {"date": booked, "amount": 0, "paid": [],
                                                            "payer": row.get("counterparty_name") or ""})
            payment["amount"] += int(row["amount"])
            payment["paid"].append(row["invoice_id"])
    lines: dict[str, list[StatementLine]] = defaultdict(list)
    currency_of: dict[str, str] = {}
    for row in _records(items):
        invoice = row["invoice_id"]
        currency_of[invoice] = row["currency"]
        issued = _item_date(row)
        if issued is not None and issued > as_of:
            continue
        at_start = int(row["open_amount"]) + later[invoice] + in_period[invoice]
        if not at_start:
            continue
        gross = None if pd.isna(row.get("amount")) else int(row["amount"])
        lines[row["currency"]].append(StatementLine(
            "credit_note" if at_start < 0 else "invoice", issued or as_of, invoice, at_start, 0,
            due_date=_day(row.get("due_date")), gross=gross if gross is not None and gross != at_start else None,
            status=paused.get(invoice, "") if int(row["open_amount"]) + later[invoice] else ""))
    for txn, payment in payments.items():
        currency = currency_of[payment["paid"][0]]
        kind = "payment" if payment["amount"] >= 0 else "refund"   # a refund: money paid back on a credit note
        lines[currency].append(StatementLine(kind, payment["date"], txn, -payment["amount"], 0,
                                             paid=tuple(sorted(set(payment["paid"]))), payer=payment["payer"]))
    for row in _records(unapplied):
        booked = _day(row["booking_date"])
        if booked is None or booked > as_of or not int(row["amount"]):
            continue
        lines[row["currency"]].append(StatementLine("unapplied", booked, row["txn_id"], -int(row["amount"]), 0,
                                                    payer=row.get("counterparty_name") or ""))
    return tuple(_statement(customer_id, currency, found, items, later, paused, period_start, as_of)
                 for currency, found in sorted(lines.items()))


def _statement(customer_id: str, currency: str, found: list[StatementLine], items: pd.DataFrame,
               later: Mapping[str, int], paused: Mapping[str, str], period_start: dt.date,
               as_of: dt.date) -> AccountStatement:
    ordered = sorted(found, key=lambda line: (line.date, _ORDER[line.kind], line.reference))
    balance = 0
    shown = []
    for line in ordered:
        balance += line.amount
        shown.append(StatementLine(line.kind, line.date, line.reference, line.amount, balance, line.due_date,
                                   line.gross, line.paid, line.payer, line.status))
    overdue = held = 0
    for row in _records(items):
        open_then = int(row["open_amount"]) + later.get(row["invoice_id"], 0)
        issued = _item_date(row)
        if row["currency"] != currency or not open_then or (issued is not None and issued > as_of):
            continue
        if row["invoice_id"] in paused and open_then > 0:
            held += open_then
        due = _day(row.get("due_date"))
        if open_then > 0 and due is not None and due < as_of:
            overdue += open_then
    return AccountStatement(customer_id, currency, period_start, as_of, tuple(shown), balance, overdue, held)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [] if frame is None or frame.empty else cast("list[dict[str, Any]]", frame.to_dict("records"))


def _item_date(row: Mapping[str, Any]) -> dt.date | None:
    return _day(row.get("issue_date")) or _day(row.get("due_date"))


def _day(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):   # a pandas Timestamp too
        return value.date()
    if isinstance(value, dt.date):
        return value
    if pd.isna(value):
        return None
    return pd.Timestamp(str(value)).date()
