"""Aging report writers: terminal table, JSON (CLI.md shape) and CSV.

CSV layout: `customer_id, name, currency, total, credits, <one column per bucket>`; one row per customer and
currency (the payments whose payer is unknown: customer_id empty, name "unidentified payments"), then a row per
currency with customer_id `TOTAL`. With --detail, five more columns (`kind, reference, issue_date, due_date,
days`) and, after each customer's row (kind `customer`), a row per item (kind `invoice`, `credit_note` or
`payment`) with its amount in `total` and in its bucket. With --currency and --rates, a row per rate used after
the totals: customer_id `RATE`, name the currency converted, currency the report's, total the rate (one unit of
the converted currency in the report's). Cells are separated and amounts written as the locale's spreadsheets
expect (nl_BE: `;` and a decimal comma; en: `,` and a decimal point); text is made formula-safe.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from itertools import groupby
from json.encoder import encode_basestring

from rich.console import Console
from rich.table import Table

from arctl.model import AgingItem, AgingReport, AgingRow, csv_cell
from arctl.money import format_money, plain_amount
from arctl.render.call_list import delimiter_for
from arctl.render.jsontext import RawJSON, dumps_indented
from arctl.render.safe_text import escape

DETAIL_COLUMNS = ("kind", "reference", "issue_date", "due_date", "days")
# overdue buckets from the least to the most overdue; the current bucket is not coloured
BUCKET_STYLES = ("yellow", "dark_orange", "orange_red1", "red")


def aging_json(report: AgingReport) -> dict:
    def buckets(row: AgingRow) -> dict[str, str]:
        return {label: plain_amount(value, row.currency) for label, value in zip(report.labels, row.buckets,
                                                                                  strict=True)}

    items = _items_by_row(report)
    customers = []
    for row in report.customers:
        entry: dict[str, object] = {"customer_id": row.customer_id, "name": row.name, "currency": row.currency,
                 "total": plain_amount(row.total, row.currency), "buckets": buckets(row), "invoices": row.invoices,
                 "credits": plain_amount(row.credits, row.currency)}
        if report.detail:
            entry["items"] = [_item_json(item, report.labels) for item in items.get(_key(row), [])]
        customers.append(entry)
    document: dict[str, object] = {
        "as_of": report.as_of.isoformat(), "by": report.by, "buckets": list(report.labels), "customers": customers,
        "totals": [{"currency": row.currency, "total": plain_amount(row.total, row.currency),
                    "buckets": buckets(row), "invoices": row.invoices,
                    "credits": plain_amount(row.credits, row.currency)} for row in report.totals],
    }
    if report.converted_to:
        document["converted_to"] = report.converted_to
        document["rates"] = [{"currency": rate.currency, "rate": rate.rate} for rate in report.rates]
    return document


def aging_json_text(report: AgingReport) -> str:
    """`json.dumps(aging_json(report), ensure_ascii=False, indent=2)`; the customer and total rows written
    straight from the report (50,000 customers build no dicts), a detailed report through `aging_json`."""
    if report.detail:
        return dumps_indented(aging_json(report))
    labels = [encode_basestring(label) for label in report.labels]
    document = aging_json(replace(report, customers=(), totals=()))
    document["customers"] = _rows_text([_row_text(row, labels, True) for row in report.customers])
    document["totals"] = _rows_text([_row_text(row, labels, False) for row in report.totals])
    return dumps_indented(document)


def _rows_text(entries: list[str]) -> RawJSON:
    return RawJSON("[\n" + ",\n".join(entries) + "\n  ]" if entries else "[]")


def _row_text(row: AgingRow, labels: list[str], customer: bool) -> str:
    """One row as the entry of a list of the document's top level (braces at 4 spaces, keys at 6)."""
    currency = row.currency
    buckets = ",\n".join(f'        {label}: "{plain_amount(value, currency)}"'
                          for label, value in zip(labels, row.buckets, strict=True))
    who = (f'      "customer_id": {_text_or_null(row.customer_id)},\n      "name": {_text_or_null(row.name)},\n'
           if customer else "")
    return (f'    {{\n{who}      "currency": {encode_basestring(currency)},\n'
            f'      "total": "{plain_amount(row.total, currency)}",\n      "buckets": {{\n{buckets}\n      }},\n'
            f'      "invoices": {int(row.invoices)},\n      "credits": "{plain_amount(row.credits, currency)}"\n    }}')


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _item_json(item: AgingItem, labels: tuple[str, ...]) -> dict:
    return {"kind": item.kind, "reference": item.reference, "issue_date": _iso(item.issue_date),
            "due_date": _iso(item.due_date), "days": item.days,
            "bucket": None if item.bucket is None else labels[item.bucket],
            "amount": plain_amount(item.amount, item.currency)}


def aging_csv(report: AgingReport, locale: str = "en") -> str:
    """The report as CSV in `locale`'s dialect (see the module's docstring for the layout)."""
    delimiter, mark = delimiter_for(locale)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    detail = bool(report.detail)
    extra = list(DETAIL_COLUMNS) if detail else []
    writer.writerow(["customer_id", "name", "currency", "total", "credits", *report.labels, *extra])

    def money(value: int, currency: str) -> str:
        return plain_amount(value, currency).replace(".", mark)

    def write(row: AgingRow, first: str, more: list) -> None:
        writer.writerow([csv_cell(first), csv_cell(row.name or ""), row.currency, money(row.total, row.currency),
                         money(row.credits, row.currency), *(money(v, row.currency) for v in row.buckets), *more])

    items = _items_by_row(report)
    for row in report.customers:
        write(row, row.customer_id or "", ["customer", "", "", "", ""] if detail else [])
        for item in items.get(_key(row), []) if detail else []:
            in_bucket = [money(item.amount if n == item.bucket else 0, item.currency)
                         for n in range(len(report.labels))]
            writer.writerow([csv_cell(item.customer_id), "", item.currency, money(item.amount, item.currency),
                             money(min(item.amount, 0), item.currency), *in_bucket, item.kind,
                             csv_cell(item.reference), _iso(item.issue_date) or "", _iso(item.due_date) or "",
                             "" if item.days is None else item.days])
    for row in report.totals:
        write(row, "TOTAL", ["total", "", "", "", ""] if detail else [])
    for rate in report.rates:
        writer.writerow(["RATE", rate.currency, report.converted_to, rate.rate.replace(".", mark)])
    return out.getvalue()


def print_aging(console: Console, report: AgingReport, locale: str) -> None:
    """A rich table: money right-aligned, the overdue buckets coloured from yellow to red (rich leaves colour out
    when the console is not a terminal), the totals bold; with --detail each item under its customer."""
    date_of = "due date" if report.by == "due" else "invoice date"
    converted = f", in {report.converted_to}" if report.converted_to else ""
    table = Table(title=f"Aging as of {report.as_of.isoformat()} (days past the {date_of}{converted})",
                  title_justify="left")
    table.add_column("customer")
    table.add_column("name", overflow="fold")
    for n, label in enumerate(report.labels):
        table.add_column(label, justify="right", style=_bucket_style(n, len(report.labels)))
    table.add_column("credits", justify="right")
    table.add_column("total", justify="right")
    items = _items_by_row(report)
    for row in report.customers:
        table.add_row(escape(row.customer_id or ""), escape(row.name or ""),
                      *(_cell(v, row.currency, locale) for v in row.buckets), _cell(row.credits, row.currency, locale),
                      format_money(row.total, row.currency, locale))
        for item in items.get(_key(row), []) if report.detail else []:
            table.add_row("", f"[dim]  {_item_text(item, report.by)}[/dim]",
                          *(_cell(item.amount if n == item.bucket else 0, item.currency, locale)
                            for n in range(len(report.labels))), "", "")
    table.add_section()
    for row in report.totals:
        count = f"{row.invoices} invoice{'s' if row.invoices != 1 else ''}"
        table.add_row("TOTAL", f"{row.currency}, {count}",
                      *(_cell(v, row.currency, locale) for v in row.buckets), _cell(row.credits, row.currency, locale),
                      format_money(row.total, row.currency, locale), style="bold")
    console.print(table)
    if report.rates:
        used = "; ".join(f"1 {rate.currency} = {rate.rate} {report.converted_to}" for rate in report.rates)
        console.print(f"converted into {report.converted_to} at {escape(used)}")
    elif report.converted_to:
        console.print(f"every amount was in {report.converted_to} already: no rate used")


def _bucket_style(index: int, count: int) -> str | None:
    """None for the current bucket; the overdue ones from yellow to red, the last always red."""
    if index == 0:
        return None
    overdue = count - 1
    return BUCKET_STYLES[min(len(BUCKET_STYLES) - 1, (index - 1) * len(BUCKET_STYLES) // overdue)] \
        if index < count - 1 else BUCKET_STYLES[-1]


def _item_text(item: AgingItem, by: str) -> str:
    day = item.due_date if by == "due" else item.issue_date
    kind = {"invoice": "invoice", "credit_note": "credit note", "payment": "payment"}.get(item.kind, item.kind)
    when = f" {day.isoformat()}" if day else " (no date)"
    return escape(f"{kind} {item.reference}{when}")


def _key(row: AgingRow) -> tuple[str, str]:
    return (row.customer_id or "", row.currency)


def _items_by_row(report: AgingReport) -> dict[tuple[str, str], list[AgingItem]]:
    return {key: list(group) for key, group in groupby(report.detail, key=lambda i: (i.customer_id, i.currency))}


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def _cell(value: int, currency: str, locale: str) -> str:
    return format_money(value, currency, locale) if value else "·"
