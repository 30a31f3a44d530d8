"""aging: days overdue = as-of date − due date, bucketed per customer and currency, totals per currency."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from arctl.cli import app
from arctl.reports.aging import aging, bucket_labels

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


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["C1", "C2", "C3"]), st.sampled_from(["EUR", "USD"]),
                          st.integers(-200, 200), st.integers(-10**9, 10**9)), min_size=1, max_size=40))
def test_aging_total_equals_the_sum_of_open_amounts(rows):
    frame = invoices(*[(f"I{i}", c, cur, (pd.Timestamp(AS_OF) - pd.Timedelta(days=d)).strftime("%Y-%m-%d"), a)
                       for i, (c, cur, d, a) in enumerate(rows)])
    report = aging(frame, AS_OF)
    for total in report.totals:
        assert total.total == int(frame.loc[frame["currency"] == total.currency, "open_amount"].sum())
        assert sum(total.buckets) == total.total
        assert total.total == sum(r.total for r in report.customers if r.currency == total.currency)


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
    # before reconcile every bank credit is an unapplied payment (a negative item); after it, what was matched
    # lowers the invoices instead: the net balance stays, the credits shrink by what was applied
    assert cents(eur_after["total"]) == cents(eur_before["total"])
    assert cents(eur_after["credits"]) == cents(eur_before["credits"]) + paid


def cents(text: str) -> int:
    return int(text.replace(".", ""))
