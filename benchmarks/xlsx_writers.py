"""openpyxl (write-only) against XlsxWriter (constant memory) on the aging workbook of a generated report.

    .venv/bin/python benchmarks/xlsx_writers.py                      # 50,000 customers, 3 rounds
    .venv/bin/python benchmarks/xlsx_writers.py --customers 500 --rounds 1

Both write the same Summary sheet: a row per customer (text as text, amounts as numbers with the currency's
number format), bold totals per currency, frozen header, autofilter, fitted widths and a stacked column chart
of the buckets; XlsxWriter through arctl's own writer (arctl.render.aging_xlsx), openpyxl through the
equivalent code below. Each measurement is a fresh process (imports included, as `arctl aging -o x.xlsx` pays
them), the writers interleaved round by round, the median reported. The target (issue 19): 50,000 customers
in at most 6 s. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 26)
LABELS = ("current", "1-30", "31-60", "61-90", "90+")
WRITERS = ("xlsxwriter", "openpyxl")
TARGET_SECONDS = 6.0


def generated_report(customers: int):
    """A deterministic aging report: `customers` customers, nine in ten in EUR and the rest in USD."""
    from arctl.model import AgingReport, AgingRow

    draw = random.Random(18)
    rows = []
    for number in range(customers):
        currency = "USD" if number % 10 == 9 else "EUR"
        buckets = tuple(draw.choice((0, 0, draw.randrange(1, 5_000_000))) for _ in LABELS)
        credits = -draw.randrange(0, 20_000) if number % 7 == 0 else 0
        buckets = (buckets[0] + credits, *buckets[1:])
        rows.append(AgingRow(f"K{number:06d}", f"Klant {number} {'BV NV SA SRL GmbH'.split()[number % 5]}",
                             currency, sum(buckets), buckets, 1 + number % 9, credits))
    rows.sort(key=lambda row: (row.currency, -row.total, row.customer_id))
    totals = []
    for currency in ("EUR", "USD"):
        mine = [row for row in rows if row.currency == currency]
        buckets = tuple(sum(row.buckets[i] for row in mine) for i in range(len(LABELS)))
        totals.append(AgingRow(None, None, currency, sum(buckets), buckets, sum(row.invoices for row in mine),
                               sum(row.credits for row in mine)))
    return AgingReport(AS_OF, "due", LABELS, tuple(rows), tuple(totals))


def write_with_xlsxwriter(report, path: Path) -> None:
    from arctl.render.aging_xlsx import write_aging_xlsx

    write_aging_xlsx(path, report)


def write_with_openpyxl(report, path: Path) -> None:
    """The same Summary sheet with openpyxl's write-only workbook."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    from arctl.money import currency_decimals
    from arctl.render.aging_xlsx import FORMULA_START, summary_header

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Summary")
    header = summary_header(report)
    bold = Font(bold=True)
    widths = [len(label) for label in header]
    sheet.freeze_panes = "C2"
    last = len(report.customers)
    sheet.auto_filter.ref = f"A1:{_letter(len(header))}{last + 1}"
    for row in (*report.customers, *report.totals):   # widths are declared before the rows are streamed
        widths[0] = max(widths[0], len(row.customer_id or "TOTAL"))
        widths[1] = max(widths[1], len(row.name or ""))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(index)].width = min(60, max(width, 14) + 2)

    def cell(value, font=None, number_format=None):
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"
            if value.startswith(FORMULA_START):
                made.quotePrefix = True
        if font is not None:
            made.font = font
        if number_format:
            made.number_format = number_format
        return made

    def line(row, customer_id, name, font=None):
        places = currency_decimals(row.currency)
        pattern = "#,##0" + ("." + "0" * places if places else "")
        amounts = [cell(v / 10 ** places, font, f"{pattern};-{pattern}")
                   for v in (*row.buckets, row.total, row.credits)]
        return [cell(customer_id, font), cell(name, font), cell(row.currency, font), *amounts,
                cell(row.invoices, font)]

    sheet.append([cell(label, bold) for label in header])
    for row in report.customers:
        sheet.append(line(row, row.customer_id or "", row.name or ""))
    sheet.append([])
    for row in report.totals:
        sheet.append(line(row, "TOTAL", "", bold))
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    first_total = last + 3
    data = Reference(sheet, min_col=4, max_col=3 + len(report.labels), min_row=first_total,
                     max_row=first_total + len(report.totals) - 1)
    chart.add_data(data, from_rows=False, titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=3, min_row=first_total, max_row=first_total + len(report.totals) - 1))
    sheet.add_chart(chart, f"{_letter(len(header) + 2)}2")
    book.save(path)


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def one_measurement(writer: str, customers: int) -> None:
    """In a fresh process: build the report (not timed), then import and write (timed); print the seconds."""
    report = generated_report(customers)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"aging-{writer}.xlsx"
        started = time.perf_counter()
        (write_with_xlsxwriter if writer == "xlsxwriter" else write_with_openpyxl)(report, path)
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "bytes": path.stat().st_size}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=WRITERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        one_measurement(args.only, args.customers)
        return 0
    seconds: dict[str, list[float]] = {writer: [] for writer in WRITERS}
    sizes: dict[str, int] = {}
    for _ in range(args.rounds):
        for writer in WRITERS:
            done = subprocess.run([sys.executable, __file__, "--only", writer, "--customers", str(args.customers)],
                                  capture_output=True, text=True, check=True)
            measured = json.loads(done.stdout)
            seconds[writer].append(measured["seconds"])
            sizes[writer] = measured["bytes"]
    result = {
        "customers": args.customers, "rounds": args.rounds,
        "writers": {writer: {"median_seconds": round(statistics.median(seconds[writer]), 3),
                             "rows_per_second": round(args.customers / statistics.median(seconds[writer])),
                             "bytes": sizes[writer]} for writer in WRITERS},
        "target_seconds": TARGET_SECONDS,
    }
    result["faster"] = min(WRITERS, key=lambda writer: result["writers"][writer]["median_seconds"])
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
