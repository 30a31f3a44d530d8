"""The real invoice exports under ../shared/fixtures/real/invoices/ read as SOURCES.md describes them."""

from __future__ import annotations

import textwrap

from arctl.io.export import ReadOptions, read_export
from arctl.reports.totals import currency_totals


def test_zoho_lines_group_into_three_drafts_that_are_left_out(real_fixture):
    read = read_export(real_fixture("invoices/invoiceninja_zoho_invoices.csv"))

    assert read.profile.name == "zoho-invoice"
    assert (read.rows, read.valid_rows, len(read.frame), read.left_out) == (13, 13, 0, 3)
    assert read.findings == []
    assert "3 draft invoice(s) left out: not receivables" in read.notices


def test_zoho_drafts_mapped_as_open_count_three_invoices_taken_once_not_summed(real_fixture, tmp_path):
    profile = tmp_path / "zoho-drafts-open.yaml"
    profile.write_text(textwrap.dedent("""\
        extends: zoho-invoice
        name: zoho-drafts-open
        status:
          draft: []
        """), encoding="utf-8")

    read = read_export(real_fixture("invoices/invoiceninja_zoho_invoices.csv"), ReadOptions(profile=str(profile)))

    assert sorted(read.frame["invoice_id"]) == ["INV-000001", "INV-000002", "INV-000003"]
    assert read.frame["currency"].unique().tolist() == ["USD"]
    by_id = read.frame.set_index("invoice_id")
    # Total/Balance repeat on every line: taken once per invoice, equal to the line items' sum
    assert by_id.loc["INV-000001", "amount"] == 48975
    assert (read.frame["amount"] == read.frame["open_amount"]).all()


def test_invoice_ninja_v4_skips_the_title_block_and_groups_400_invoices(real_fixture):
    read = read_export(real_fixture("invoices/invoiceninja_v4_export_invoice.csv"))

    assert read.profile.name == "invoiceninja-v4"
    assert read.rows == 401
    assert "3 line(s) above the header skipped (title or section rows)" in read.notices
    assert read.detected["format"] == "CSV"
    assert read.detected["encoding"] == "UTF-8"


def test_invoice_ninja_v4_reports_every_due_date_before_its_invoice_date(real_fixture):
    read = read_export(real_fixture("invoices/invoiceninja_v4_export_invoice.csv"))

    errors = read.errors
    assert len(errors) == 215
    assert {(f.column, f.field) for f in errors} == {("Due Date", "due_date")}
    first = errors[0]
    assert (first.row, first.value) == (5, "2019-10-20")
    assert first.message == "due date 2019-10-20 is before the invoice date 2019-11-25"
    # 400 invoices: 215 with an impossible due date, 185 usable (invoice 2 spans two lines)
    assert len(read.frame) == 185
    assert read.valid_rows == 186


def test_invoice_ninja_v4_turns_amount_minus_paid_into_the_open_amount(real_fixture):
    read = read_export(real_fixture("invoices/invoiceninja_v4_export_invoice.csv"))

    [total] = currency_totals(read.frame)
    assert (total.currency, total.amount, total.open_amount, total.invoices) == ("USD", 536896, 287886, 185)
    first = read.frame.set_index("invoice_id").loc["2"]
    assert (first["amount"], first["open_amount"]) == (2667, 2667 - 694)
    assert "currency taken as USD from the '$' in the amounts" in read.notices


def test_invoice_ninja_v4_derives_customer_ids_from_client_names(real_fixture):
    read = read_export(real_fixture("invoices/invoiceninja_v4_export_invoice.csv"))

    assert "ludwig-krajcik-dvm" in set(read.frame["customer_id"])
    assert any(n.startswith("no customer-id column: customer ids derived") for n in read.notices)


def test_invoice_ninja_v4_fully_paid_invoice_is_kept_with_nothing_open(real_fixture):
    read = read_export(real_fixture("invoices/invoiceninja_v4_export_invoice.csv"))

    paid = read.frame.set_index("invoice_id").loc["780"]
    assert paid["open_amount"] == 0
