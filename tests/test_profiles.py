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
NAMED = ["exact-online", "xero", "quickbooks-online", "odoo", "zoho-invoice", "invoiceninja-v4"]


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
