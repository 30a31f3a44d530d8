"""The KPI formulas (reports/kpi.py) on REFERENCE.md section 7's worked examples and README "KPIs"' examples,
the writers (formula-safe CSV, the label → text summary), and the `kpi:` settings of arctl.yaml."""

from __future__ import annotations

import csv
import datetime as dt
import io
import textwrap

import pandas as pd
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import KpiSettings
from arctl.model import KpiFigures
from arctl.render.kpi import kpi_csv, kpi_summary
from arctl.reports.kpi import (
    collection_effectiveness,
    countback_dso,
    kpi_report,
    payment_dates,
    period_start,
    receivables_on,
    standard_dso,
)


def invoices(*rows):
    """rows: (invoice_id, customer_id, issue, due, amount in cents[, closed_on])."""
    return pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "customer_name": [f"Klant {r[1]}" for r in rows], "currency": "EUR",
        "issue_date": pd.to_datetime([r[2] for r in rows]), "due_date": pd.to_datetime([r[3] for r in rows]),
        "amount": [r[4] for r in rows], "open_amount": [r[4] for r in rows],
        "closed_on": pd.to_datetime([r[5] if len(r) > 5 else None for r in rows]),
    })


def allocations(*rows):
    """rows: (invoice_id, booked, amount in cents)."""
    return pd.DataFrame({"invoice_id": [r[0] for r in rows], "booking_date": pd.to_datetime([r[1] for r in rows]),
                         "amount": [r[2] for r in rows]})


# --- REFERENCE.md section 7.2, worked examples ---------------------------------------------------------------

def test_countback_dso_of_the_reference_example():
    # 212,000 less 100,000 (30 days) less 80,000 (30 days) leaves 32,000 of 70,000: 30 + 30 + 32/70 × 30
    assert round(countback_dso(212_000_00, [(100_000_00, 30), (80_000_00, 30), (70_000_00, 30)]), 1) == 73.7


def test_dso_best_possible_dso_and_average_days_delinquent_of_the_reference_example():
    dso = standard_dso(15_000_00, 10_000_00, 30)            # 15,000 ÷ 10,000 × 30
    best = standard_dso(4_000_00, 10_000_00, 30)            # 4,000 current ÷ 10,000 × 30

    assert (dso, best, dso - best) == (45.0, 12.0, 33.0)


def test_cei_over_three_months_adds_the_total_credit_sales():
    # (6,200 + 10,890 − 6,340) ÷ (6,200 + 10,890 − 3,590) = 10,750 ÷ 13,500
    assert round(collection_effectiveness(6_200_00, 10_890_00, 6_340_00, 3_590_00), 1) == 79.6


def test_cei_with_the_average_month_of_sales_setting():
    # CreditGuru: monthly sales 10,890 ÷ 3 = 3,630: (6,200 + 3,630 − 6,340) ÷ (6,200 + 3,630 − 3,590) = 3,490 ÷ 6,240
    assert round(collection_effectiveness(6_200_00, 10_890_00, 6_340_00, 3_590_00, months=3), 1) == 55.9


# --- README "KPIs", examples -----------------------------------------------------------------------------------

def test_the_payment_date_is_the_bank_payment_that_completed_the_invoice_else_the_closing_snapshot():
    frame = invoices(("F1", "K1", "2026-09-01", "2026-10-01", 1000_00),
                     ("F3", "K2", "2026-09-15", "2026-10-15", 2000_00, "2026-11-25"),
                     ("F4", "K2", "2026-10-20", "2026-11-19", 800_00))
    found = payment_dates(frame, allocations(("F1", "2026-10-20", 600_00), ("F1", "2026-11-10", 400_00),
                                             ("F4", "2026-11-20", 300_00)))

    assert list(found["paid_on"].dt.strftime("%Y-%m-%d").fillna("")) == ["2026-11-10", "2026-11-25", ""]
    assert list(found["paid_by"]) == ["bank", "snapshot", ""]   # F4 is only partly paid


def test_receivables_on_a_past_day_are_rebuilt_from_the_payments_booked_by_then():
    frame = invoices(("F1", "K1", "2026-09-01", "2026-10-01", 1000_00),
                     ("CN1", "K1", "2026-10-25", "2026-10-25", -100_00))
    paid = allocations(("F1", "2026-10-20", 600_00), ("F1", "2026-11-10", 400_00))

    assert list(receivables_on(frame, paid, dt.date(2026, 9, 30))) == [1000_00, 0]
    assert list(receivables_on(frame, paid, dt.date(2026, 10, 31))) == [400_00, -100_00]
    assert list(receivables_on(frame, paid, dt.date(2026, 11, 30))) == [0, -100_00]


def test_an_invoice_closed_by_a_snapshot_is_open_until_that_day():
    frame = invoices(("F3", "K2", "2026-09-15", "2026-10-15", 2000_00, "2026-11-25"))

    assert list(receivables_on(frame, allocations(), dt.date(2026, 11, 24))) == [2000_00]
    assert list(receivables_on(frame, allocations(), dt.date(2026, 11, 25))) == [0]


def test_credit_sales_are_the_invoices_less_the_credit_notes_issued_in_the_period():
    frame = invoices(("A", "K1", "2026-09-10", "2026-10-10", 1000_00), ("B", "K1", "2026-10-10", "2026-11-10", 500_00),
                     ("CN", "K1", "2026-11-01", "2026-11-01", -100_00),
                     ("OLD", "K1", "2026-08-31", "2026-09-30", 700_00))

    (eur,) = kpi_report(frame, allocations(), dt.date(2026, 9, 1), dt.date(2026, 11, 30)).totals

    assert eur.credit_sales == 1400_00                      # 1,000 + 500 − 100; OLD was issued before


def test_days_to_pay_and_days_late_count_an_early_payment_as_zero_days_late():
    frame = invoices(("F1", "K1", "2026-09-01", "2026-10-01", 1000_00),
                     ("F3", "K2", "2026-09-15", "2026-10-15", 2000_00, "2026-11-25"),
                     ("E", "K1", "2026-10-01", "2026-10-31", 100_00))
    report = kpi_report(frame, allocations(("F1", "2026-11-10", 1000_00), ("E", "2026-10-26", 100_00)),
                        dt.date(2026, 9, 1), dt.date(2026, 11, 30))

    # F1: 70 days to pay, 40 late; F3: 71 and 41; E: paid 25 days after issue, 5 days early: 0 late
    assert report.average_days_to_pay == pytest.approx((70 + 71 + 25) / 3)
    assert report.average_days_late == pytest.approx((40 + 41 + 0) / 3)
    assert (report.paid_by_bank, report.paid_by_snapshot) == (2, 1)


def test_the_overdue_share_is_overdue_over_all_open():
    figures = KpiFigures(None, None, "EUR", 1800_00, 600_00, 1200_00, 4800_00, None, None, None, None, None, 0)

    assert round(figures.overdue_share, 1) == 66.7


def test_an_item_thirty_days_past_due_is_current_only_with_current_days_30():
    frame = invoices(("F2", "K1", "2026-10-01", "2026-10-31", 500_00))
    by_default = kpi_report(frame, allocations(), dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    wider = kpi_report(frame, allocations(), dt.date(2026, 9, 1), dt.date(2026, 11, 30), KpiSettings(current_days=30))

    assert (by_default.totals[0].current, by_default.totals[0].overdue) == (0, 500_00)
    assert (wider.totals[0].current, wider.totals[0].overdue) == (500_00, 500_00)


def test_the_trend_month_dso_is_its_receivables_over_its_sales_times_its_days():
    frame = invoices(("A", "K1", "2026-10-05", "2026-11-04", 3000_00), ("B", "K1", "2026-10-20", "2026-11-19", 1200_00))
    report = kpi_report(frame, allocations(), dt.date(2026, 10, 1), dt.date(2026, 10, 31))

    (october,) = report.trend
    assert (october.month, october.receivables, october.credit_sales) == ("2026-10", 4200_00, 4200_00)
    assert october.dso == 31.0                              # 4,200 ÷ 4,200 × 31


@pytest.mark.parametrize(("end", "months", "days", "start"), [
    (dt.date(2026, 11, 30), 3, 0, dt.date(2026, 9, 1)),     # to a month's end: whole months, 91 days
    (dt.date(2026, 11, 15), 3, 0, dt.date(2026, 8, 16)),
    (dt.date(2026, 11, 30), 0, 90, dt.date(2026, 9, 2)),
    (dt.date(2026, 2, 28), 1, 0, dt.date(2026, 2, 1)),
])
def test_the_period_ends_on_the_as_of_date(end, months, days, start):
    assert period_start(end, months=months, days=days) == start


def test_countback_dso_needs_the_history_to_cover_the_receivables():
    assert countback_dso(500_00, [(100_00, 30), (100_00, 31)]) is None
    assert countback_dso(0, []) == 0.0


def test_without_credit_sales_there_is_no_dso():
    assert standard_dso(1000_00, 0, 91) is None


# --- writers --------------------------------------------------------------------------------------------------

def test_the_csv_writes_no_formula():
    frame = invoices(("A", "=HYPERLINK(\"http://x\")", "2026-10-05", "2026-10-20", 300_00))
    frame["customer_name"] = "@SUM(A1:A9)"

    text = kpi_csv(kpi_report(frame, allocations(), dt.date(2026, 9, 1), dt.date(2026, 11, 30)))

    customer, name, currency, receivables = next(csv.reader(io.StringIO(text.splitlines()[1])))[:4]
    assert (customer, name, currency, receivables) == ("'=HYPERLINK(\"http://x\")", "'@SUM(A1:A9)", "EUR", "300.00")


def test_the_summary_maps_labels_to_formatted_values():
    frame = invoices(("A", "K1", "2026-10-05", "2026-11-04", 1500_00))
    summary = kpi_summary(kpi_report(frame, allocations(), dt.date(2026, 9, 1), dt.date(2026, 11, 30)), "en_GB")

    assert summary["Receivables (EUR)"] == "€1,500.00"
    assert summary["DSO (EUR)"] == "91.0 days"              # 1,500 ÷ 1,500 × 91
    assert summary["Overdue share (EUR)"] == "100.0 %"
    assert summary["Payment dates"] == "–"


# --- settings and the command's errors -------------------------------------------------------------------------

def workspace(tmp_path, settings: str = ""):
    (tmp_path / "arctl.yaml").write_text("company: {name: Voorbeeld, country: BE}\n" + textwrap.dedent(settings),
                                         encoding="utf-8")
    return tmp_path


def test_a_wrong_kpi_setting_is_named_with_its_line(tmp_path):
    root = workspace(tmp_path, """\
        kpi:
          current_days: thirty
          cei_sales: average
        """)

    result = CliRunner().invoke(app, ["-w", str(root), "kpi"])

    assert result.exit_code == 2, result.output
    assert "arctl.yaml:3: kpi.current_days: expected a whole number of days from 0 (not yet due) to 365" in (
        result.output)
    assert "arctl.yaml:4: kpi.cei_sales: expected total or monthly_average, got 'average'" in result.output


def test_the_kpi_settings_are_read(tmp_path):
    from arctl.workflows import load_workspace

    root = workspace(tmp_path, "kpi: {current_days: 30, cei_sales: monthly_average}\n")

    assert load_workspace(root, root, None).config.kpi == KpiSettings(30, "monthly_average")


def test_kpi_before_any_import_says_to_import_first(tmp_path):
    result = CliRunner().invoke(app, ["-w", str(workspace(tmp_path)), "kpi"])

    assert result.exit_code == 2, result.output
    assert "no invoices in the workspace yet" in result.output


def test_a_period_that_is_not_one_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["-w", str(workspace(tmp_path)), "kpi", "--period", "quarter"])

    assert result.exit_code == 2, result.output
    assert "--period quarter: expected a number of months (3m), of days (90d), or FROM..TO" in result.output


def test_kpi_outside_a_workspace_says_it_needs_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    result = CliRunner().invoke(app, ["kpi"])

    assert result.exit_code == 2, result.output
    assert "arctl kpi needs a workspace" in result.output


def test_each_currency_has_its_own_figures():
    frame = invoices(("A", "K1", "2026-11-01", "2026-12-01", 1000_00), ("B", "K2", "2026-11-01", "2026-11-15", 300_00))
    frame.loc[1, "currency"] = "USD"

    report = kpi_report(frame, allocations(), dt.date(2026, 11, 1), dt.date(2026, 11, 30))

    assert [(f.currency, f.receivables, f.overdue) for f in report.totals] == [("EUR", 1000_00, 0),
                                                                                ("USD", 300_00, 300_00)]
    assert [(f.customer_id, f.currency) for f in report.top_overdue] == [("K2", "USD")]
