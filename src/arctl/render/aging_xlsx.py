"""The aging report as an XLSX workbook for accountants: one sheet per view, numbers as numbers, dates as dates.

Written with XlsxWriter in constant-memory mode (rows streamed to disk as they are written): measured against
openpyxl's write-only mode on a 50,000-customer report (benchmarks/xlsx_writers.py, README: Reports) it was
the faster of the two with the same features.

A workbook is a list of `Sheet`s, each a name and a function that fills its worksheet; `aging_sheets` gives the
aging's own (Summary, Detail when the report has items, Report), and a caller adds others (a KPI sheet) by
passing more `Sheet`s to `write_workbook` — `key_value_sheet` makes one from label/value pairs.

Text is never a formula: every text cell is written with `write_string` (a string cell, whatever it starts
with), the workbook's automatic conversions of strings to formulas, numbers and links are switched off, and text
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return also carries Excel's quote prefix (the style
Excel gives a cell typed as `'=…`), so that editing the cell later does not turn it into a formula either
(OWASP, CSV injection). The text itself is kept exactly: no apostrophe is added to the value, as a CSV must.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from arctl.model import AgingItem, AgingReport, AgingRow
from arctl.money import currency_decimals

EXCEL_ROWS = 1_048_576                     # the rows of a worksheet in Excel 2007 and later (header included)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60
KINDS = {"invoice": "invoice", "credit_note": "credit note", "payment": "unapplied payment"}
# the stacked parts of the charts, current (green) to oldest (red), enough for nine bounds
BUCKET_COLOURS = ("#4e9a06", "#8ae234", "#edd400", "#f57900", "#cc0000", "#a40000", "#75003a", "#5c3566",
                  "#3f0020", "#2e3436", "#000000")


def bucket_colour(index: int, buckets: int) -> str:
    """The colour of bucket `index` of `buckets`: the oldest is red however many there are (up to five, spread
    over green to red; more go on into darker colours)."""
    if buckets <= 5:
        return BUCKET_COLOURS[round(index * 4 / max(1, buckets - 1))]
    return BUCKET_COLOURS[min(index, len(BUCKET_COLOURS) - 1)]


@dataclass
class Styles:
    """The formats of one workbook, made once (XlsxWriter keeps each format object it is given)."""

    book: Any
    _made: dict[tuple, Any] = field(default_factory=dict)

    def get(self, **properties: Any) -> Any:
        key = tuple(sorted(properties.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format(properties)
        return self._made[key]

    def money(self, currency: str, bold: bool = False) -> Any:
        places = currency_decimals(currency)
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return self.get(num_format=f"{pattern};-{pattern}", bold=bold)

    def date(self) -> Any:
        return self.get(num_format="yyyy-mm-dd")


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: its name (at most 31 characters) and the function that fills it, which returns the
    notices to show the user (e.g. that a sheet stopped at Excel's row limit)."""

    name: str
    fill: Callable[[Any, Any, Styles], list[str]]      # (workbook, worksheet, styles) -> notices


class SheetWriter:
    """Writes cells of one worksheet: text always as text, widths measured as it goes."""

    def __init__(self, sheet: Any, styles: Styles) -> None:
        self.sheet = sheet
        self.styles = styles
        self.widths: dict[int, int] = {}

    def text(self, row: int, column: int, value: str, bold: bool = False) -> None:
        hostile = value.startswith(FORMULA_START)
        style = self.styles.get(bold=True, quote_prefix=hostile) if bold else \
            (self.styles.get(quote_prefix=True) if hostile else None)
        self.sheet.write_string(row, column, value, style)
        self._measure(column, len(value))

    def number(self, row: int, column: int, value: int | float, style: Any = None, shown: int = 0) -> None:
        self.sheet.write_number(row, column, value, style)
        self._measure(column, shown or len(f"{value:,}"))

    def money(self, row: int, column: int, minor: int, currency: str, bold: bool = False) -> None:
        places = currency_decimals(currency)
        # minor / 10**places: the double nearest the exact decimal amount, as Excel itself stores "1234.56"
        value = minor / 10 ** places if places else minor
        self.sheet.write_number(row, column, value, self.styles.money(currency, bold))
        self._measure(column, len(f"{minor // 10 ** places:,}") + places + 2)

    def date(self, row: int, column: int, value: dt.date | None) -> None:
        if value is not None:
            self.sheet.write_datetime(row, column, value, self.styles.date())
        self._measure(column, 10)

    def header(self, labels: Sequence[str]) -> None:
        for column, label in enumerate(labels):
            self.text(0, column, label, bold=True)

    def _measure(self, column: int, length: int) -> None:
        if length > self.widths.get(column, 0):
            self.widths[column] = length

    def fit_columns(self) -> None:
        for column, width in self.widths.items():
            self.sheet.set_column(column, column, min(MAX_WIDTH, width + 2))


def write_workbook(path: Path, sheets: Sequence[Sheet], as_of: dt.date) -> list[str]:
    """Write `sheets` in order to `path`; the notices the sheets returned, for the user."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    # the same report gives the same bytes (XlsxWriter dates the zip entries 1980-01-01 itself)
    book.set_properties({"created": dt.datetime.combine(as_of, dt.time()), "title": "Aging report"})
    styles = Styles(book)
    notices: list[str] = []
    for sheet in sheets:
        notices += sheet.fill(book, book.add_worksheet(sheet.name), styles)
    book.close()
    return notices


def write_aging_xlsx(path: Path, report: AgingReport, *, extra: Sequence[Sheet] = (),
                     row_limit: int = EXCEL_ROWS) -> list[str]:
    """The aging workbook (its sheets, then `extra` ones such as KPIs); the notices for the user."""
    return write_workbook(path, [*aging_sheets(report, row_limit), *extra], report.as_of)


def aging_sheets(report: AgingReport, row_limit: int = EXCEL_ROWS) -> list[Sheet]:
    sheets = [Sheet("Summary", partial(_summary, report))]
    if report.detail:
        sheets.append(Sheet("Detail", partial(_detail, report, row_limit)))
    sheets.append(Sheet("Report", partial(_about, report, row_limit)))
    return sheets


def key_value_sheet(name: str, pairs: Sequence[tuple[str, object]]) -> Sheet:
    """A sheet of labels and values (the seam for a KPI sheet): numbers as numbers, dates as dates, text as
    text; a value given as (minor units, currency) is written as money in that currency."""

    def fill(book: Any, sheet: Any, styles: Styles) -> list[str]:
        cells = SheetWriter(sheet, styles)
        cells.header(("figure", "value"))
        for row, (label, value) in enumerate(pairs, start=1):
            cells.text(row, 0, label)
            _any_cell(cells, row, 1, value)
        sheet.freeze_panes(1, 0)
        cells.fit_columns()
        return []

    return Sheet(name, fill)


def _any_cell(cells: SheetWriter, row: int, column: int, value: object) -> None:
    """Money comes as (minor units, currency) and is written by `money`; a plain number is a count, days or a
    rate (a Decimal percentage becomes the double Excel stores for it)."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int):
        cells.money(row, column, value[0], str(value[1]))
    elif isinstance(value, dt.date):
        cells.date(row, column, value)
    elif isinstance(value, bool) or value is None:
        cells.text(row, column, "" if value is None else ("yes" if value else "no"))
    elif isinstance(value, int | float | decimal.Decimal):
        cells.number(row, column, float(value) if isinstance(value, decimal.Decimal) else value)
    else:
        cells.text(row, column, str(value))


def summary_header(report: AgingReport) -> list[str]:
    return ["customer_id", "name", "currency", *report.labels, "total", "credits", "invoices"]


def _summary(report: AgingReport, book: Any, sheet: Any, styles: Styles) -> list[str]:
    """A row per customer and currency (filterable), a blank row, a bold total per currency, and the chart."""
    cells = SheetWriter(sheet, styles)
    header = summary_header(report)
    cells.header(header)
    for row, line in enumerate(report.customers, start=1):
        _aging_row(cells, row, line, line.customer_id or "", line.name or "")
    last = len(report.customers)
    first_total = last + 2
    for offset, line in enumerate(report.totals):
        _aging_row(cells, first_total + offset, line, "TOTAL", "", bold=True)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(last, 1), len(header) - 1)
    cells.fit_columns()
    if report.totals:
        sheet.insert_chart(1, len(header) + 1, _bucket_chart(book, report, first_total))
    return []


def _aging_row(cells: SheetWriter, row: int, line: AgingRow, customer_id: str, name: str,
               bold: bool = False) -> None:
    cells.text(row, 0, customer_id, bold)
    cells.text(row, 1, name, bold)
    cells.text(row, 2, line.currency, bold)
    column = 3
    for value in (*line.buckets, line.total, line.credits):
        cells.money(row, column, value, line.currency, bold)
        column += 1
    cells.number(row, column, line.invoices, cells.styles.get(bold=True) if bold else None)


def _bucket_chart(book: Any, report: AgingReport, first_total: int) -> Any:
    """A stacked column per currency (its total row), one coloured part per bucket."""
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    last_total = first_total + len(report.totals) - 1
    for index, label in enumerate(report.labels):
        chart.add_series({
            "name": label,
            "categories": ["Summary", first_total, 2, last_total, 2],
            "values": ["Summary", first_total, 3 + index, last_total, 3 + index],
            "fill": {"color": bucket_colour(index, len(report.labels))},
            "gap": 60,
        })
    chart.set_title({"name": f"Open amounts by age, {report.as_of.isoformat()}"})
    chart.set_x_axis({"name": "currency"})
    chart.set_y_axis({"name": "open amount", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 360})
    return chart


DETAIL_HEADER = ("customer_id", "name", "currency", "kind", "reference", "issue_date", "due_date", "days",
                 "bucket", "amount")


def _detail(report: AgingReport, row_limit: int, book: Any, sheet: Any, styles: Styles) -> list[str]:
    """Every open item under its customer, up to Excel's row limit (then a note on the sheet and a notice)."""
    cells = SheetWriter(sheet, styles)
    cells.header(DETAIL_HEADER)
    notice = detail_notice(report, row_limit)
    if notice:   # before the next row: in constant-memory mode a row is on disk once the next one starts
        sheet.write_comment(0, 0, notice, {"visible": True, "x_scale": 3, "y_scale": 2})
    names = {(row.customer_id, row.currency): row.name or "" for row in report.customers}
    room = row_limit - 1
    for row, item in enumerate(report.detail[:room], start=1):
        _detail_row(cells, row, item, names.get((item.customer_id, item.currency), ""), report.labels)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(1, min(len(report.detail), room)), len(DETAIL_HEADER) - 1)
    cells.fit_columns()
    return [notice] if notice else []


def detail_notice(report: AgingReport, row_limit: int = EXCEL_ROWS) -> str | None:
    room = row_limit - 1
    if len(report.detail) <= room:
        return None
    return (f"the Detail sheet stops at Excel's limit of {row_limit:,} rows: it lists {room:,} of the "
            f"{len(report.detail):,} open items; `arctl aging --detail --format csv -o aging.csv` lists them all")


def _detail_row(cells: SheetWriter, row: int, item: AgingItem, name: str, labels: tuple[str, ...]) -> None:
    cells.text(row, 0, item.customer_id)
    cells.text(row, 1, name)
    cells.text(row, 2, item.currency)
    cells.text(row, 3, KINDS.get(item.kind, item.kind))
    cells.text(row, 4, item.reference)
    cells.date(row, 5, item.issue_date)
    cells.date(row, 6, item.due_date)
    if item.days is not None:
        cells.number(row, 7, item.days)
    cells.text(row, 8, labels[item.bucket] if item.bucket is not None else "undated")
    cells.money(row, 9, item.amount, item.currency)


def _about(report: AgingReport, row_limit: int, book: Any, sheet: Any, styles: Styles) -> list[str]:
    """What the report is: its date, how it ages, the buckets, the conversion and its rates, what is left out."""
    pairs: list[tuple[str, object]] = [
        ("as of", report.as_of),
        ("aged by", "days past the due date" if report.by == "due" else "days since the invoice date"),
        ("buckets", ", ".join(report.labels)),
        ("customers", len({row.customer_id for row in report.customers})),
        ("open items without a date (not in the buckets)", report.undated),
    ]
    if report.converted_to:
        pairs.append(("converted to", report.converted_to))
        pairs += [(f"rate: 1 {rate.currency} =", _rate(rate.rate)) for rate in report.rates]
    notice = detail_notice(report, row_limit)
    if notice:
        pairs.append(("notice", notice))
    return key_value_sheet("Report", pairs).fill(book, sheet, styles)


def _rate(text: str) -> object:
    try:
        return decimal.Decimal(text)
    except decimal.InvalidOperation:
        return text
