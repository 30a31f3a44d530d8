"""Each named profile reads a sample export in its package's real layout to the expected values."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from arctl.io.export import ReadOptions, read_export
from arctl.io.profile import builtin_names, load_profile
from arctl.money import plain_amount
from arctl.reports.totals import currency_totals

SAMPLES = Path(__file__).parent / "data" / "profiles"
NAMED = ["exact-online", "xero", "quickbooks-online", "odoo", "zoho-invoice", "invoiceninja-v4", "freshbooks",
         "sage-accounting", "moneybird", "teamleader", "billit", "yuki", "xero-aged-receivables",
         "quickbooks-open-invoices"]


def sample(name: str) -> Path:
    [path] = [p for p in SAMPLES.glob(f"{name}.*") if p.suffix in (".csv", ".xlsx")]
    return path


@pytest.mark.parametrize("name", NAMED)
def test_the_sample_is_recognised_as_its_profile(name):
    assert read_export(sample(name)).profile.name == name


@pytest.mark.parametrize("name", NAMED)
def test_the_sample_reads_to_its_expected_counts_and_totals(name):
    expected = yaml.safe_load((SAMPLES / f"{name}.expected.yaml").read_text(encoding="utf-8"))

    read = read_export(sample(name), ReadOptions(profile=name))

    assert read.errors == []
    assert (read.rows, len(read.frame), read.left_out) == (expected["rows"], expected["invoices"],
                                                          expected["left_out"])
    totals = [{"currency": t.currency, "amount": plain_amount(t.amount, t.currency),
               "open_amount": plain_amount(t.open_amount, t.currency)} for t in currency_totals(read.frame)]
    assert totals == expected["totals"]


@pytest.mark.parametrize("name", NAMED)
def test_every_named_profile_cites_where_its_layout_was_looked_up(name):
    text = Path(load_profile(name).origin).read_text(encoding="utf-8")
    assert "Sources:" in text or "Source:" in text


def test_every_builtin_profile_loads_and_declares_its_kind():
    names = builtin_names()
    assert {"generic", "customers", *NAMED} <= set(names)
    for name in names:
        assert load_profile(name).kind in ("invoices", "customers", "bank")


def test_a_credit_note_without_a_due_date_is_due_on_its_issue_date():
    read = read_export(sample("xero"), ReadOptions(profile="xero"))

    credits = read.frame[read.frame["amount"] < 0]
    assert len(credits) == 1
    assert (credits["due_date"] == credits["issue_date"]).all()


def test_quickbooks_title_block_and_total_row_are_not_invoices():
    read = read_export(sample("quickbooks-online"))

    assert "4 row(s) above the header skipped (title block)" in read.notices
    assert any("totals/summary row at the end left out" in n for n in read.notices)
    assert len(read.frame) == 7


# --- the profiles of issue 16 ------------------------------------------------------------------------------------


def by_invoice(read) -> dict:
    return {row.invoice_id: row for row in read.frame.itertuples()}


def test_freshbooks_lines_are_summed_per_invoice_and_due_30_days_after_the_date_issued():
    read = read_export(sample("freshbooks"))

    invoices = by_invoice(read)
    # 0000041: Line Total 800.00 + 324.00 = 1124.00, issued 2026-10-01, due 30 days later: 2026-10-31
    assert invoices["0000041"].amount == 112400 and invoices["0000041"].open_amount == 112400
    assert str(invoices["0000041"].due_date.date()) == "2026-10-31"
    assert invoices["0000042"].open_amount == 0  # status paid
    assert "no due-date column: each invoice is due 30 days after its invoice date (payment_terms_days of " \
           "profile 'freshbooks'; map columns.due_date if the export has one)" in read.notices


def test_freshbooks_lines_that_disagree_on_the_client_make_the_invoice_unusable(tmp_path):
    path = tmp_path / "invoice_details.csv"
    lines = sample("freshbooks").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("Harbour Cafe", "Harbor Cafe")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    read = read_export(path)

    assert [(f.row, f.column) for f in read.errors] == [(3, "Client Name")]
    assert "0000041" not in set(read.frame["invoice_id"])


@pytest.mark.parametrize("name", ["sage-accounting", "xero-aged-receivables", "quickbooks-open-invoices"])
def test_reports_grouped_by_customer_give_each_invoice_the_customer_of_its_heading(name):
    read = read_export(sample(name))

    customers = dict(zip(read.frame["invoice_id"], read.frame["customer_name"], strict=True))
    expected = {"sage-accounting": {"SI-1041": "Acme Supplies Ltd (ACME001)", "SI-0987": "Brightside Cafe (BRIG002)"},
                "xero-aged-receivables": {"INV-0112": "Acme Ltd", "CN-0007": "Acme Ltd",
                                          "INV-0044": "Blue Harbour Café"},
                "quickbooks-open-invoices": {"1041": "Acme Corp", "1055": "Acme Corp", "0987": "Blue Sky Bakery"}}
    assert {k: customers[k] for k in expected[name]} == expected[name]
    assert not any("subtotal" in f.message or f.column == "invoice_id" for f in read.findings)


def test_the_quickbooks_timestamp_line_is_neither_a_customer_nor_an_invoice():
    read = read_export(sample("quickbooks-open-invoices"))

    assert ("2 customer heading row(s) read as the customer of the rows below them; 3 subtotal row(s) and 1 other "
            "one-cell row(s) left out") in read.notices


def test_a_credit_memo_in_the_open_invoices_report_is_negative():
    read = read_export(sample("quickbooks-open-invoices"))

    assert by_invoice(read)["1055"].amount == -6000


def test_exact_online_openstaande_posten_in_xlsx_with_a_title_block(tmp_path):
    # The same open items as tests/data/profiles/exact-online.csv, as the XLSX export writes them: a title block,
    # real date cells and numbers (Exact Online's Excel export of Debiteuren > Openstaande posten).
    import csv
    import datetime as dt

    import openpyxl

    rows = list(csv.reader((SAMPLES / "exact-online.csv").open(encoding="utf-8"), delimiter=";"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Openstaande posten debiteuren"])
    sheet.append(["Administratie: 101 - Hoekstra Bouw B.V.", None, None, "Datum: 30-11-2026"])
    sheet.append([])
    sheet.append(rows[0])
    for row in rows[1:]:
        values: list = list(row)
        for i in (7, 8):
            day, month, year = (int(p) for p in row[i].split("-"))
            values[i] = dt.datetime(year, month, day)
        for i in (11, 12):
            values[i] = float(row[i].replace(",", "."))
        sheet.append(values)
    path = tmp_path / "Openstaande posten.xlsx"
    book.save(path)

    read = read_export(path)

    expected = yaml.safe_load((SAMPLES / "exact-online.expected.yaml").read_text(encoding="utf-8"))
    assert read.profile.name == "exact-online" and read.errors == []
    assert len(read.frame) == expected["invoices"]
    totals = [{"currency": t.currency, "amount": plain_amount(t.amount, t.currency),
               "open_amount": plain_amount(t.open_amount, t.currency)} for t in currency_totals(read.frame)]
    assert totals == expected["totals"]
    assert "3 row(s) above the header skipped (title block)" in read.notices


def test_a_yuki_work_list_reads_uitstaand_as_the_open_amount():
    read = read_export(sample("yuki"))

    invoice = by_invoice(read)["V2026-0398"]
    assert (invoice.amount, invoice.open_amount) == (72600, 32600)


def test_the_readme_lists_every_invoice_and_customer_profile_with_where_its_layout_comes_from():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in readme.splitlines()
            if line.startswith("| `")}
    for name in builtin_names("invoices") + builtin_names("customers"):
        assert name in rows, f"profile {name} is not in the README's profile table"
        source = rows[name].rstrip(" |").rsplit("|", 1)[-1].strip()
        assert source, f"profile {name} has no source in the README"
