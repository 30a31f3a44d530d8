"""aging: days overdue = as-of date − due date, bucketed per customer and currency, totals per currency."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from arctl.cli import app
from arctl.reports.aging import aging, bucket_labels

pytestmark = pytest.mark.state

AS_OF = dt.date(2026, 11, 22)
DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"


def invoices(*rows):
    """rows: (invoice_id, customer_id, currency, due 'YYYY-MM-DD', open_amount in cents)."""
    return pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "customer_name": [f"Klant {r[1]}" for r in rows], "currency": [r[2] for r in rows],
        "due_date": pd.to_datetime([r[3] for r in rows]).astype("datetime64[s]"),
        "issue_date": pd.to_datetime([r[3] for r in rows]).astype("datetime64[s]") - pd.Timedelta(days=30),
        "amount": [r[4] for r in rows], "open_amount": [r[4] for r in rows],
    })


def test_bucket_labels_follow_the_bounds():
    assert bucket_labels((30, 60, 90)) == ("current", "1-30", "31-60", "61-90", "90+")
    assert bucket_labels((15, 45)) == ("current", "1-15", "16-45", "45+")


def test_each_boundary_day_falls_in_the_bucket_cli_md_defines():
    frame = invoices(
        ("A", "C1", "EUR", "2026-11-22", 100),  # 0 days: current
        ("B", "C1", "EUR", "2026-11-21", 200),  # 1 day: 1-30
        ("C", "C1", "EUR", "2026-10-23", 400),  # 30 days: 1-30
        ("D", "C1", "EUR", "2026-10-22", 800),  # 31 days: 31-60
        ("E", "C1", "EUR", "2026-08-24", 1600),  # 90 days: 61-90
        ("F", "C1", "EUR", "2026-08-23", 3200),  # 91 days: 90+
        ("G", "C1", "EUR", "2026-12-31", 6400),  # not yet due: current
    )
    [row] = aging(frame, AS_OF).customers
    assert row.buckets == (6500, 600, 800, 1600, 3200)
    assert row.total == 12700


def test_currencies_are_never_added_together():
    frame = invoices(("A", "C1", "EUR", "2026-11-01", 1000), ("B", "C1", "USD", "2026-11-01", 500))
    report = aging(frame, AS_OF)
    assert [(r.customer_id, r.currency, r.total) for r in report.customers] == [("C1", "EUR", 1000),
                                                                                 ("C1", "USD", 500)]
    assert [(t.currency, t.total) for t in report.totals] == [("EUR", 1000), ("USD", 500)]


def test_paid_invoices_are_not_in_the_report():
    frame = invoices(("A", "C1", "EUR", "2026-11-01", 1000), ("B", "C2", "EUR", "2026-11-01", 0))
    assert [r.customer_id for r in aging(frame, AS_OF).customers] == ["C1"]


def test_credit_notes_lower_the_bucket_of_their_date():
    frame = invoices(("A", "C1", "EUR", "2026-11-01", 1000), ("CN", "C1", "EUR", "2026-11-01", -300))
    [row] = aging(frame, AS_OF).customers
    assert row.buckets[1] == 700


def test_aging_by_issue_date_uses_the_invoice_date():
    frame = invoices(("A", "C1", "EUR", "2026-11-20", 1000))  # issued 2026-10-21: 32 days
    [row] = aging(frame, AS_OF, by="issue").customers
    assert row.buckets == (0, 0, 1000, 0, 0)


def test_the_boundary_days_60_and_61_fall_either_side_of_the_31_60_bucket():
    frame = invoices(
        ("A", "C1", "EUR", "2026-09-23", 100),  # 60 days: 31-60
        ("B", "C1", "EUR", "2026-09-22", 200),  # 61 days: 61-90
    )
    [row] = aging(frame, AS_OF).customers
    assert row.buckets == (0, 0, 100, 200, 0)


def test_custom_buckets_put_each_boundary_day_where_its_label_says():
    # --buckets 15,45: current, 1-15, 16-45, 45+ (the last holds 46 days and more)
    frame = invoices(
        ("A", "C1", "EUR", "2026-11-07", 1),     # 15 days: 1-15
        ("B", "C1", "EUR", "2026-11-06", 10),    # 16 days: 16-45
        ("C", "C1", "EUR", "2026-10-08", 100),   # 45 days: 16-45
        ("D", "C1", "EUR", "2026-10-07", 1000),  # 46 days: 45+
    )
    report = aging(frame, AS_OF, bounds=(15, 45))
    assert report.labels == ("current", "1-15", "16-45", "45+")
    assert report.customers[0].buckets == (0, 1, 110, 1000)


def test_a_credit_note_is_in_the_credits_of_its_customer_and_of_the_total():
    frame = invoices(("A", "C1", "EUR", "2026-11-01", 1000), ("CN", "C1", "EUR", "2026-10-01", -300),
                     ("B", "C2", "EUR", "2026-11-01", 500))
    report = aging(frame, AS_OF)
    c1 = next(r for r in report.customers if r.customer_id == "C1")
    assert (c1.total, c1.credits, c1.buckets) == (700, -300, (0, 1000, -300, 0, 0))
    assert (report.totals[0].total, report.totals[0].credits) == (1200, -300)


def payments(*rows):
    """rows: (txn_id, customer_id or None, currency, booked 'YYYY-MM-DD', amount left unapplied in cents)."""
    return pd.DataFrame({
        "txn_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "customer_name": [f"Klant {r[1]}" if r[1] else "" for r in rows], "currency": [r[2] for r in rows],
        "booking_date": pd.to_datetime([r[3] for r in rows]).astype("datetime64[s]"),
        "amount": [r[4] for r in rows]})


def test_an_unapplied_payment_is_a_credit_aged_by_its_booking_date_whatever_the_report_ages_by():
    frame = invoices(("A", "C1", "EUR", "2026-11-01", 1000))
    paid = payments(("BE1:P1", "C1", "EUR", "2026-10-20", 400))   # 33 days before the as-of date: 31-60
    for by in ("due", "issue"):
        report = aging(frame, AS_OF, by=by, payments=paid, detail=True)
        [row] = report.customers
        [payment] = [item for item in report.detail if item.kind == "payment"]
        assert (row.total, row.credits) == (600, -400)
        assert (payment.days, report.labels[payment.bucket], payment.amount) == (33, "31-60", -400)


def test_a_payment_whose_payer_is_unknown_has_a_row_of_its_own_per_currency():
    frame = invoices(("A", "C1", "EUR", "2026-11-01", 1000))
    paid = payments(("BE1:P1", None, "EUR", "2026-11-20", 50), ("BE1:P2", None, "USD", "2026-11-20", 70))
    report = aging(frame, AS_OF, payments=paid)
    assert [(r.customer_id, r.name, r.currency, r.total, r.invoices) for r in report.customers] == [
        ("C1", "Klant C1", "EUR", 1000, 1), (None, "unidentified payments", "EUR", -50, 0),
        (None, "unidentified payments", "USD", -70, 0)]
    assert [(t.currency, t.total, t.credits) for t in report.totals] == [("EUR", 950, -50), ("USD", -70, -70)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["C1", "C2", "C3"]), st.sampled_from(["EUR", "USD"]),
                          st.integers(-200, 200), st.integers(-10**9, 10**9)), min_size=1, max_size=40),
       st.lists(st.tuples(st.sampled_from(["C1", "C4", None]), st.sampled_from(["EUR", "USD", "GBP"]),
                          st.integers(-200, 200), st.integers(1, 10**9)), max_size=10))
def test_aging_totals_are_the_open_amounts_less_the_unapplied_payments(rows, unapplied):
    frame = invoices(*[(f"I{i}", c, cur, (pd.Timestamp(AS_OF) - pd.Timedelta(days=d)).strftime("%Y-%m-%d"), a)
                       for i, (c, cur, d, a) in enumerate(rows)])
    paid = payments(*[(f"T{i}", c, cur, (pd.Timestamp(AS_OF) - pd.Timedelta(days=d)).strftime("%Y-%m-%d"), a)
                      for i, (c, cur, d, a) in enumerate(unapplied)])
    report = aging(frame, AS_OF, payments=paid, detail=True)
    currencies = set(frame.loc[frame["open_amount"] != 0, "currency"]) | set(paid["currency"])
    assert {t.currency for t in report.totals} == currencies
    for total in report.totals:
        open_amounts = int(frame.loc[frame["currency"] == total.currency, "open_amount"].sum())
        negatives = int(frame.loc[(frame["currency"] == total.currency) & (frame["open_amount"] < 0),
                                  "open_amount"].sum())
        unapplied_there = int(paid.loc[paid["currency"] == total.currency, "amount"].sum())
        assert total.total == open_amounts - unapplied_there
        assert total.credits == negatives - unapplied_there
        assert sum(total.buckets) == total.total
        assert total.total == sum(r.total for r in report.customers if r.currency == total.currency)
        assert total.credits == sum(r.credits for r in report.customers if r.currency == total.currency)
    for row in report.customers:
        assert sum(row.buckets) == row.total and row.credits <= 0
        mine = [i for i in report.detail if (i.customer_id or None, i.currency) == (row.customer_id, row.currency)]
        assert sum(i.amount for i in mine) == row.total


def clean_demo(tmp_path):
    """A copy of the demo workspace without any state a local `make demo` left behind."""
    import shutil

    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns(".arctl", "outbox", "reports"))
    return copy


def test_demo_workspace_aging_json_totals_match_its_exports(monkeypatch, tmp_path):
    monkeypatch.chdir(clean_demo(tmp_path))
    result = CliRunner().invoke(app, ["aging", "--as-of", "2026-11-26", "--format", "json"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    totals = {t["currency"]: t["total"] for t in document["totals"]}
    # the generator's own sums: CSV EUR 765083.39 + XLSX EUR 61125.38; XLSX USD 188542.84
    assert totals == {"EUR": "826208.77", "USD": "188542.84"}
    assert document["buckets"] == ["current", "1-30", "31-60", "61-90", "90+"]
    assert len({c["customer_id"] for c in document["customers"]}) >= 60


def test_demo_workspace_checks_clean(monkeypatch, tmp_path):
    monkeypatch.chdir(clean_demo(tmp_path))
    result = CliRunner().invoke(app, ["check", "--json"])

    assert result.exit_code == 0, result.output
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["statement-2026-11.xml"]["transactions"] == 50
    assert files["openstaande_posten.csv"]["invoices"] == 318
    assert files["openstaande_posten.csv"]["left_out"] == 2
    assert files["open_items_export.xlsx"]["invoices"] == 80
    assert files["customers.csv"]["customers"] == 72


def test_demo_aging_after_reconcile_moves_the_payments_from_credits_to_the_invoices(monkeypatch, tmp_path):
    monkeypatch.chdir(clean_demo(tmp_path))
    runner = CliRunner()
    assert runner.invoke(app, ["import", "--as-of", "2026-11-26"]).exit_code == 0
    before = json.loads(runner.invoke(app, ["aging", "--as-of", "2026-11-26", "--format", "json"]).stdout)
    reconciled = json.loads(runner.invoke(app, ["reconcile", "--json"]).stdout)
    after = json.loads(runner.invoke(app, ["aging", "--as-of", "2026-11-26", "--format", "json"]).stdout)

    paid = sum(cents(m["amount"]) for m in reconciled["matches"] if m["currency"] == "EUR" and m["status"] == "auto")
    eur_before = next(t for t in before["totals"] if t["currency"] == "EUR")
    eur_after = next(t for t in after["totals"] if t["currency"] == "EUR")
    assert paid > 0
    # the exports' open amounts (EUR 765083.39 + 61125.38) less the statement's credits (108511.35, `check`) of
    # which the direct debit of 847.42 booked 18 Nov came back on 20 Nov, less the second account's one credit
    # of 155.19: 826208.77 − 107663.93 − 155.19
    assert eur_before["total"] == "718389.65"
    # before reconcile every bank credit is an unapplied payment (a negative item); after it, what was matched
    # lowers the invoices instead: the net balance stays, the credits shrink by what was applied
    assert cents(eur_after["total"]) == cents(eur_before["total"])
    assert cents(eur_after["credits"]) == cents(eur_before["credits"]) + paid


def cents(text: str) -> int:
    return int(text.replace(".", ""))


PROFILE_SAMPLES = Path(__file__).parent / "data" / "profiles"


@pytest.mark.parametrize("expected", sorted(PROFILE_SAMPLES.glob("*.expected.yaml")), ids=lambda p: p.name)
def test_every_sample_export_ages_to_its_hand_written_open_total(expected):
    import yaml

    name = expected.name.removesuffix(".expected.yaml")
    [sample] = [p for p in PROFILE_SAMPLES.glob(f"{name}.*") if p.suffix in (".csv", ".xlsx")]
    figures = yaml.safe_load(expected.read_text(encoding="utf-8"))

    result = CliRunner().invoke(app, ["aging", str(sample), "--profile", name, "--as-of", "2026-11-22",
                                      "--format", "json", "--detail"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    # the open total written by hand in the sample's .expected.yaml (credit notes in it as negative amounts)
    assert {t["currency"]: t["total"] for t in document["totals"]} == \
        {t["currency"]: t["open_amount"] for t in figures["totals"] if t["open_amount"] not in ("0", "0.00")}
    for total in document["totals"]:
        negatives = sum(cents(i["amount"]) for c in document["customers"] if c["currency"] == total["currency"]
                        for i in c["items"] if i["amount"].startswith("-"))
        assert cents(total["credits"]) == negatives
