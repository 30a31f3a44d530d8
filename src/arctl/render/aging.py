"""Aging report writers: terminal table, JSON (CLI.md shape) and CSV."""

from __future__ import annotations

import csv
import io

from rich.console import Console
from rich.table import Table

from arctl.model import AgingReport, csv_cell
from arctl.money import format_money, plain_amount
from arctl.render.safe_text import escape


def aging_json(report: AgingReport) -> dict:
    def buckets(row) -> dict[str, str]:
        return {label: plain_amount(value, row.currency) for label, value in zip(report.labels, row.buckets,
                                                                                  strict=True)}

    return {
        "as_of": report.as_of.isoformat(), "by": report.by, "buckets": list(report.labels),
        "customers": [{"customer_id": row.customer_id, "name": row.name, "currency": row.currency,
                       "total": plain_amount(row.total, row.currency), "buckets": buckets(row),
                       "invoices": row.invoices} for row in report.customers],
        "totals": [{"currency": row.currency, "total": plain_amount(row.total, row.currency),
                    "buckets": buckets(row), "invoices": row.invoices} for row in report.totals],
    }


def aging_csv(report: AgingReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["customer_id", "name", "currency", "total", *report.labels])
    for row in (*report.customers, *report.totals):
        writer.writerow([csv_cell(row.customer_id or "TOTAL"), csv_cell(row.name or ""), row.currency,
                         plain_amount(row.total, row.currency),
                         *(plain_amount(value, row.currency) for value in row.buckets)])
    return out.getvalue()


def print_aging(console: Console, report: AgingReport, locale: str) -> None:
    date_of = "due date" if report.by == "due" else "invoice date"
    table = Table(title=f"Aging as of {report.as_of.isoformat()} (days past the {date_of})", title_justify="left")
    table.add_column("customer")
    table.add_column("name", overflow="fold")
    for label in (*report.labels, "total"):
        table.add_column(label, justify="right")
    for row in report.customers:
        table.add_row(escape(row.customer_id or ""), escape(row.name or ""),
                      *(_cell(v, row.currency, locale) for v in row.buckets),
                      format_money(row.total, row.currency, locale))
    table.add_section()
    for row in report.totals:
        table.add_row("[bold]TOTAL[/bold]", f"[bold]{row.currency}, {row.invoices} invoices[/bold]",
                      *(f"[bold]{_cell(v, row.currency, locale)}[/bold]" for v in row.buckets),
                      f"[bold]{format_money(row.total, row.currency, locale)}[/bold]")
    console.print(table)


def _cell(value: int, currency: str, locale: str) -> str:
    return format_money(value, currency, locale) if value else "·"
