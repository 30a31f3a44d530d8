"""The accountant's summary workbook: a row per client and currency (totals per bucket, overdue share, DSO), and
the clients that failed with their errors."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from arctl.money import currency_decimals, to_decimal

FAILED_SHEET = "failed"


def summary_header(labels: tuple[str, ...]) -> list[str]:
    return ["client", "folder", "currency", "customers", "invoices", *labels, "total", "overdue", "overdue share",
            "DSO (days)", "reports"]


def summary_rows(result: Any) -> list[list[Any]]:
    """One row per client and currency with open items (a client with none: one row of zeros, no currency).
    Amounts as Decimal in the currency's units, the overdue share as a fraction (0.25 is 25 %), None when empty."""
    rows: list[list[Any]] = []
    for outcome in result.outcomes:
        if outcome.failed or outcome.aging is None:
            continue
        report = outcome.aging
        folder = "workspace" if outcome.kind == "workspace" else "exports"
        reports = "; ".join(outcome.reports)
        if not report.totals:
            rows.append([outcome.name, folder, None, 0, 0, *(Decimal(0) for _ in result.labels), Decimal(0),
                         Decimal(0), None, outcome.dso, reports])
            continue
        for total in report.totals:
            customers = sum(1 for row in report.customers if row.currency == total.currency)
            overdue = sum(total.buckets[1:])
            share = (Decimal(overdue) / Decimal(total.total)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN) \
                if total.total > 0 else None
            rows.append([outcome.name, folder, total.currency, customers, total.invoices,
                         *(to_decimal(v, total.currency) for v in total.buckets),
                         to_decimal(total.total, total.currency),
                         to_decimal(overdue, total.currency), share, outcome.dso, reports])
    return rows


def summary_workbook(result: Any) -> bytes:
    """The workbook: sheet `clients` (numbers numeric with number formats, header bold and frozen, an autofilter)
    and sheet `failed` (client, folder kind, error). Text is always text: a client or file named `=...` is never a
    formula. The same bytes for the same result (timestamps fixed to the as-of date)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from arctl.render.call_list import fixed_zip

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "clients"
    header = summary_header(result.labels)
    _header(sheet, header, Font)
    money_columns = range(6, 6 + len(result.labels) + 2)      # the buckets, total and overdue (1-based)
    share_column, dso_column = 6 + len(result.labels) + 2, 6 + len(result.labels) + 3
    for number, values in enumerate(summary_rows(result), start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"          # text stays text: "=HYPERLINK(...)" is not a formula
            elif column in money_columns:
                digits = currency_decimals(values[2]) if values[2] else 2
                cell.number_format = "#,##0" + ("." + "0" * digits if digits else "")
            elif column == share_column:
                cell.number_format = "0.0%"
            elif column == dso_column:
                cell.number_format = "0.0"
    _finish(sheet, header)
    failed = book.create_sheet(FAILED_SHEET)
    _header(failed, ["client", "folder", "error"], Font)
    for number, outcome in enumerate(result.failed, start=2):
        for column, value in enumerate((outcome.name, outcome.kind, outcome.error), start=1):
            failed.cell(row=number, column=column, value=value).data_type = "s"
    _finish(failed, ["client", "folder", "error"])
    import datetime as dt

    stamp = dt.datetime.combine(result.as_of, dt.time())
    book.properties.created = book.properties.modified = stamp
    out = io.BytesIO()
    book.save(out)
    return fixed_zip(out.getvalue(), result.as_of)


def _header(sheet, header: list[str], font) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = font(bold=True)
        cell.data_type = "s"


def _finish(sheet, header: list[str]) -> None:
    """Header frozen, an autofilter over the table, columns wide enough for their header and values."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    for index, name in enumerate(header, start=1):
        values = [len(str(c.value)) for c in sheet[get_column_letter(index)] if c.value is not None]
        sheet.column_dimensions[get_column_letter(index)].width = min(max([len(name), *values]) + 2, 60)
