"""Scheduled customer documents beside the steps (a plan's `schedule:`, e.g. a monthly statement of account).

A pure function of (open items, customers, plans, documents already sent, pauses, as-of date). Rules:

- an entry with a `day` follows the calendar: `every: 1 month, day: 1` is due on the first of each month,
  `every: 3 months, day: 1` on 1 January, April, July and October; an entry without one counts from
  the last document sent (the first goes out at the first run);
- a date on a weekend or public holiday moves to the next business day; when arctl did not run that day
  the document goes out at the next run, once per period: a run finds only the current period, never a
  missed older one;
- it goes to every customer of the plan with an open item (`for: open`) or an overdue item
  (`for: overdue`), one document per currency listing every open item, credit notes included, and the
  balance; a customer on hold gets nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from arctl.dunning.calendar import business_day
from arctl.dunning.channel import actual_channel
from arctl.dunning.engine import CustomerFacts, Pause
from arctl.dunning.plan import Plan, PlanSet, ScheduleEntry
from arctl.model import Action, ActionLine


@dataclass(frozen=True, slots=True)
class Sent:
    """A document recorded for a customer: a step's action or a scheduled document (`entry_id`)."""

    customer_id: str
    entry_id: str
    currency: str
    sent_on: dt.date


def scheduled_due(items: pd.DataFrame, customers: Mapping[str, CustomerFacts], plans: PlanSet, sent: Iterable[Sent],
                  pauses: Iterable[Pause], as_of: dt.date, *,
                  next_business_day: Callable[[dt.date, str | None], dt.date] = business_day,
                  plan: Plan | None = None, with_agency: Collection[str] = frozenset()) -> tuple[Action, ...]:
    """The scheduled documents due on `as_of`, one per customer, entry and currency.

    `items`: open items (invoice_id, customer_id, currency, due_date, open_amount). `plan` applies one plan
    to everybody, as `dunning run --plan` does. Invoices handed over to a collection agency (`with_agency`)
    and paused ones are listed with that status.
    """
    last_sent: dict[tuple[str, str, str], dt.date] = {}
    for record in sent:
        key = (record.customer_id, record.entry_id, record.currency)
        last_sent[key] = max(record.sent_on, last_sent.get(key, record.sent_on))
    pauses = list(pauses)
    held = {p.customer_id for p in pauses if p.kind == "held" and p.invoice_id is None
            and p.start <= as_of and (p.end is None or as_of <= p.end)}
    accounts = _accounts(items)
    paused = {**_paused_invoices(pauses, as_of), **dict.fromkeys(with_agency, "with_agency")}
    actions = []
    for (customer, currency), rows in sorted(accounts.items()):
        facts = customers.get(customer, CustomerFacts())
        chosen = plan or facts.plan_in(plans)
        if chosen is None or not chosen.schedule or customer in held:
            continue
        for entry in chosen.schedule:
            if not _in_audience(entry, rows, as_of):
                continue
            if not _due(entry, last_sent.get((customer, entry.id, currency)), as_of, chosen, next_business_day):
                continue
            actions.append(statement_action(customer, chosen, entry, currency, _with_status(rows, paused), facts))
    return tuple(actions)


def statement_action(customer: str, chosen: Plan, entry: ScheduleEntry, currency: str, rows: list[dict[str, Any]],
                     facts: CustomerFacts) -> Action:
    """A statement of account: every open item of the customer in one currency, credit notes included, and
    the balance, by e-mail where the customer has an address."""
    lines = tuple(ActionLine(row["invoice_id"], row["due_date"], row["open_amount"], row.get("customer_name") or "",
                             row.get("reference") or "", status=row.get("status") or "",
                             document=row.get("document") or "", issue_date=row.get("issue_date"),
                             amount=row.get("amount")) for row in rows)
    channel = actual_channel(entry.channel, entry.fallback_channel, facts.has_email, facts.channel)
    return Action("statement", customer, chosen.key, entry.id, entry.channel, channel, currency, lines,
                  sum(line.open_amount for line in lines), template=entry.template)


def statement_warnings(actions: Iterable[Action]) -> tuple[str, ...]:
    return tuple(f"{action.customer_id}: no e-mail address and no fallback channel for scheduled document "
                 f"{action.step}: a person must contact the customer"
                 for action in actions if action.channel == "person")


def current_period(entry: ScheduleEntry, as_of: dt.date, last_sent: dt.date | None) -> dt.date:
    """The nominal date of the period `as_of` falls in: its document is due from the business day on or
    after it, unless one was sent on or after it."""
    if entry.day is not None:
        month_index = as_of.year * 12 + as_of.month - 1 - (1 if as_of.day < entry.day else 0)
        month_index -= month_index % entry.every.count  # every 3 months: January, April, July, October
        return dt.date(month_index // 12, month_index % 12 + 1, entry.day)
    return as_of if last_sent is None else entry.every.after(last_sent)


def _due(entry: ScheduleEntry, last_sent: dt.date | None, as_of: dt.date, plan: Plan,
         next_business_day: Callable[[dt.date, str | None], dt.date]) -> bool:
    start = current_period(entry, as_of, last_sent)
    if last_sent is not None and last_sent >= start:
        return False
    return start <= as_of and next_business_day(start, plan.business_days) <= as_of


def _accounts(items: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Each customer's open items per currency, oldest due date first."""
    frame = items[["invoice_id", "customer_id", "currency", "due_date", "open_amount"]
                  + [c for c in ("customer_name", "reference", "document", "issue_date", "amount")
                     if c in items.columns]]
    accounts: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    # column by column (a record at a time through pandas costs seconds per million items)
    columns = {name: frame[name].tolist() for name in frame.columns}
    columns["due_date"] = _days(frame["due_date"])
    columns["open_amount"] = [int(amount) for amount in columns["open_amount"]]
    if "issue_date" in columns:
        columns["issue_date"] = _days(frame["issue_date"])
    if "amount" in columns:
        columns["amount"] = [None if pd.isna(amount) else int(amount) for amount in columns["amount"]]
    names = list(columns)
    for values in zip(*columns.values(), strict=True):
        record = dict(zip(names, values, strict=True))
        if record["open_amount"] == 0:
            continue
        accounts[(record["customer_id"], record["currency"])].append(record)
    for rows in accounts.values():
        rows.sort(key=lambda row: (row["due_date"] or dt.date.max, row["invoice_id"]))
    return accounts


def _days(column: pd.Series) -> list[dt.date | None]:
    """A column of dates as datetime.date (None where empty), each distinct day converted once."""
    codes, days = pd.factorize(pd.to_datetime(column), use_na_sentinel=True)
    found = [day.date() for day in days] + [None]
    return [found[code] for code in codes.tolist()]


def _in_audience(entry: ScheduleEntry, rows: list[dict[str, Any]], as_of: dt.date) -> bool:
    if entry.audience == "open":
        return any(row["open_amount"] > 0 for row in rows)
    return any(row["open_amount"] > 0 and row["due_date"] is not None and row["due_date"] < as_of for row in rows)


def _paused_invoices(pauses: Iterable[Pause], as_of: dt.date) -> dict[str, str]:
    """The invoices paused on `as_of` and why (disputed, promised, payment_plan, held): a statement shows
    them with that status instead of as plainly overdue."""
    return {p.invoice_id: p.kind for p in pauses if p.invoice_id is not None and p.start <= as_of
            and (p.end is None or as_of <= p.end)}


def _with_status(rows: list[dict[str, Any]], paused: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{**row, "status": paused[row["invoice_id"]]} if row["invoice_id"] in paused else row for row in rows]
