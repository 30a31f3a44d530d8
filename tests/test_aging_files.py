"""`arctl aging --format xlsx|html -o FILE`, and the format taken from the name of -o when --format is not given."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import html5lib
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from arctl.cli import app

# the generic profile's header; the second customer is named like a spreadsheet formula (OWASP, CSV injection)
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    F2026-001,C001,Bakkerij Peeters,2026-09-01,2026-10-01,EUR,1234.50,1234.50
    F2026-002,C001,Bakkerij Peeters,2026-10-15,2026-11-14,EUR,200.00,150.00
    F2026-003,C002,"=HYPERLINK(""http://evil.example"",""Klik"")",2026-11-01,2026-12-01,EUR,99.95,99.95
    """


@pytest.fixture(autouse=True)
def no_workspace(tmp_path, monkeypatch):
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def invoices(tmp_path) -> Path:
    path = tmp_path / "open_invoices.csv"
    path.write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    return path


def aging(*args: str):
    return CliRunner().invoke(app, ["aging", *args, "--as-of", "2026-11-22", "--locale", "nl_BE"])


def test_an_xlsx_name_writes_the_workbook(invoices, tmp_path):
    result = aging(str(invoices), "-o", "reports/aging.xlsx")

    assert result.exit_code == 0, result.output
    assert result.stderr == "wrote reports/aging.xlsx\n"
    sheet = load_workbook(tmp_path / "reports" / "aging.xlsx")["Summary"]
    # C001: 1.234,50 due 2026-10-01 is 52 days late (31-60), 150,00 due 2026-11-14 is 8 days late (1-30)
    assert [c.value for c in sheet[2]][:10] == ["C001", "Bakkerij Peeters", "EUR", 0, 150, 1234.5, 0, 0, 1384.5, 0]
    assert sheet["B3"].value == '=HYPERLINK("http://evil.example","Klik")' and sheet["B3"].data_type == "s"


def test_an_html_name_writes_the_page(invoices, tmp_path):
    result = aging(str(invoices), "-o", "aging.html")

    assert result.exit_code == 0, result.output
    page = (tmp_path / "aging.html").read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(page)
    assert "€\u00a01.384,50" in page and "=HYPERLINK(&#34;http://evil.example&#34;,&#34;Klik&#34;)" in page


def test_format_wins_over_the_name(invoices, tmp_path):
    result = aging(str(invoices), "--format", "html", "-o", "aging-report.out")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "aging-report.out").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_csv_or_json_name_picks_that_format(invoices, tmp_path):
    assert aging(str(invoices), "-o", "aging.json").exit_code == 0
    assert aging(str(invoices), "-o", "aging.csv").exit_code == 0

    assert json.loads((tmp_path / "aging.json").read_text(encoding="utf-8"))["as_of"] == "2026-11-22"
    assert (tmp_path / "aging.csv").read_text(encoding="utf-8").startswith("customer_id;name;currency;total")  # nl_BE


@pytest.mark.parametrize("form", ["xlsx", "html"])
def test_xlsx_and_html_need_a_file(invoices, form):
    result = aging(str(invoices), "--format", form)

    assert result.exit_code == 2, result.output
    assert result.stderr == (f"Error: --format {form} writes a file: name it with -o\n"
                             f"  hint: arctl aging --format {form} -o aging.{form}\n")
    assert result.stdout == ""


def test_a_name_without_a_known_suffix_needs_format(invoices):
    result = aging(str(invoices), "-o", "aging.txt")

    assert result.exit_code == 2, result.output
    assert result.stderr == ("Error: -o aging.txt: cannot tell the format from the name\n"
                             "  hint: add --format csv, json, xlsx or html, or name the file aging.xlsx, aging.html, "
                             "aging.csv or aging.json\n")


def test_the_table_goes_to_the_terminal_only(invoices):
    result = aging(str(invoices), "--format", "table", "-o", "aging.xlsx")

    assert result.exit_code == 2, result.output
    assert result.stderr == "Error: -o needs --format csv, json, xlsx or html\n"


def test_the_kpi_report_plugs_into_both_files_through_one_argument_each(tmp_path):
    import datetime as dt

    from arctl.model import AgingReport, AgingRow
    from arctl.render.aging_files import write_aging_file
    from arctl.render.aging_xlsx import key_value_sheet

    line = AgingRow("C001", "Bakkerij Peeters", "EUR", 150000, (0, 150000, 0, 0, 0), 1)
    report = AgingReport(dt.date(2026, 11, 22), "due", ("current", "1-30", "31-60", "61-90", "90+"), (line,),
                         (AgingRow(None, None, "EUR", 150000, (0, 150000, 0, 0, 0), 1),))

    write_aging_file(tmp_path / "a.xlsx", report, "xlsx", "nl_BE", sheets=[key_value_sheet("KPIs", [("DSO", 41)])])
    write_aging_file(tmp_path / "a.html", report, "html", "nl_BE", kpis={"DSO": "41 dagen"})

    assert load_workbook(tmp_path / "a.xlsx")["KPIs"]["B2"].value == 41
    assert "<dt>DSO</dt><dd>41 dagen</dd>" in (tmp_path / "a.html").read_text(encoding="utf-8")
