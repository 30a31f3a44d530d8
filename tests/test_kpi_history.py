"""`arctl kpi` end to end on a small hand-computed history: an open-items export, a bank statement that pays one
invoice, a later snapshot that no longer lists two invoices (one paid at the bank, one paid where the bank does not
show it) and adds a new one. Every figure below is worked out by hand from the files, not read from the code."""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from state_check import use_state

pytestmark = pytest.mark.state

ACCOUNT = "BE05068123456775"
HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference\n"

# first export, taken on 31 October 2026: five open items of two customers
SNAPSHOT_OCTOBER = HEADER + textwrap.dedent("""\
    F1,K001,Bakkerij Peeters BV,2026-09-01,2026-10-01,EUR,1000.00,1000.00,+++090/9337/55493+++
    F2,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,500.00,500.00,
    F3,K002,Garage Janssens NV,2026-09-15,2026-10-15,EUR,2000.00,2000.00,
    F4,K002,Garage Janssens NV,2026-10-20,2026-11-19,EUR,800.00,800.00,
    CN1,K002,Garage Janssens NV,2026-10-25,2026-10-25,EUR,-100.00,-100.00,
    """)
# second export, taken on 25 November 2026: F1 (paid at the bank on 10 November) and F3 (paid, the bank does not
# show how) are gone; F5 is new
SNAPSHOT_NOVEMBER = HEADER + textwrap.dedent("""\
    F2,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,500.00,500.00,
    F4,K002,Garage Janssens NV,2026-10-20,2026-11-19,EUR,800.00,800.00,
    CN1,K002,Garage Janssens NV,2026-10-25,2026-10-25,EUR,-100.00,-100.00,
    F5,K001,Bakkerij Peeters BV,2026-11-05,2026-12-05,EUR,600.00,600.00,
    """)

# a camt.053 statement (ISO 20022 camt.053.001.02 as the banks publish it) with one credit booked on 10 November:
# Bakkerij Peeters pays F1 with its structured reference
STATEMENT = ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
             "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-11T08:00:00</CreDtTm></GrpHdr>"
             f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>"
             "<Ntry><Amt Ccy=\"EUR\">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
             "<BookgDt><Dt>2026-11-10</Dt></BookgDt><AcctSvcrRef>REF-1</AcctSvcrRef>"
             "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>BAKKERIJ PEETERS</Nm></Dbtr></RltdPties>"
             "<RmtInf><Strd><CdtrRefInf><Ref>090933755493</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls>"
             "</Ntry></Stmt></BkToCstmrStmt></Document>")


def cli(*args):
    return CliRunner().invoke(app, list(args))


def write_export(root, text, taken_on):
    path = root / "exports" / "open_invoices.csv"
    path.write_text(text, encoding="utf-8")
    stamp = dt.datetime.combine(taken_on, dt.time(18, 0), dt.UTC).timestamp()  # the export's time is its file's
    os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def history(tmp_path_factory, module_state_url):
    root = tmp_path_factory.mktemp("kpi")
    (root / "exports" / "bank").mkdir(parents=True)
    (root / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/bank/
            kind: bank
        """), encoding="utf-8")
    use_state(root, module_state_url)
    write_export(root, SNAPSHOT_OCTOBER, dt.date(2026, 10, 31))
    assert cli("-w", str(root), "import", "--as-of", "2026-10-31").exit_code == 0
    (root / "exports" / "bank" / "statement-2026-11-10.xml").write_text(STATEMENT, encoding="utf-8")
    assert cli("-w", str(root), "import", "--as-of", "2026-11-11").exit_code == 0
    reconciled = cli("-w", str(root), "reconcile", "--json")
    assert json.loads(reconciled.stdout)["summary"]["auto"] == 1, reconciled.output
    write_export(root, SNAPSHOT_NOVEMBER, dt.date(2026, 11, 25))
    closing = cli("-w", str(root), "import", "--as-of", "2026-11-25", "--accept-closures")
    assert closing.exit_code == 0, closing.output
    return root


@pytest.fixture(scope="module")
def kpis(history):
    result = cli("-w", str(history), "kpi", "--as-of", "2026-11-30", "--period", "3m", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_period_of_three_months_to_the_end_of_november_is_september_to_november(kpis):
    assert kpis["period"] == {"from": "2026-09-01", "to": "2026-11-30", "days": 91}


def test_payment_dates_come_from_the_bank_and_else_from_the_snapshot_and_the_output_says_how_many(kpis):
    # F1: the bank payment of 10 November; F3: the snapshot of 25 November that no longer lists it
    assert kpis["payment_dates"] == {"invoices_paid": 2, "bank": 1, "snapshot": 1, "bank_percent": 50.0,
                                     "snapshot_percent": 50.0}


def test_days_to_pay_and_days_late_overall(kpis):
    # F1: 10 Nov − 1 Sep = 70 days to pay, 10 Nov − 1 Oct = 40 late; F3: 25 Nov − 15 Sep = 71, 25 Nov − 15 Oct = 41
    assert kpis["overall"] == {"average_days_to_pay": 70.5, "average_days_late": 40.5, "invoices_paid": 2}


def test_the_totals_of_the_currency(kpis):
    (eur,) = kpis["totals"]
    # open on 30 Nov: F2 500 + F4 800 + F5 600 − CN1 100 = 1800; past due: F2 (30 days), F4 (11), CN1 (36):
    # 500 + 800 − 100 = 1200; not yet due: F5 600. Issued 1 Sep – 30 Nov: 1000 + 500 + 2000 + 800 − 100 + 600
    assert (eur["receivables"], eur["overdue"], eur["current"], eur["credit_sales"]) == (
        "1800.00", "1200.00", "600.00", "4800.00")
    assert eur["begin_receivables"] == "0.00"       # nothing was issued before 1 September
    assert eur["overdue_percent"] == 66.7           # 1200 ÷ 1800
    assert eur["dso"] == 34.1                       # 1800 ÷ 4800 × 91 = 34.125
    assert eur["best_possible_dso"] == 11.4         # 600 ÷ 4800 × 91 = 11.375
    assert eur["average_days_delinquent"] == 22.8   # 34.125 − 11.375 = 22.75
    # countback: November's 600 (30 days) leaves 1200, October's 500 + 800 − 100 = 1200 (31 days) takes the rest
    assert eur["countback_dso"] == 61.0
    assert eur["cei_percent"] == 71.4               # (0 + 4800 − 1800) ÷ (0 + 4800 − 600) × 100 = 71.43


def test_per_customer(kpis):
    customers = {row["customer_id"]: row for row in kpis["customers"]}
    peeters, janssens = customers["K001"], customers["K002"]
    # K001: open F2 500 + F5 600; sales F1 1000 + F2 500 + F5 600 = 2100; DSO 1100 ÷ 2100 × 91 = 47.67,
    # best 600 ÷ 2100 × 91 = 26.0, ADD 21.67; F1 paid after 70 days, 40 late
    assert (peeters["receivables"], peeters["overdue"], peeters["credit_sales"]) == ("1100.00", "500.00", "2100.00")
    assert (peeters["dso"], peeters["best_possible_dso"], peeters["average_days_delinquent"]) == (47.7, 26.0, 21.7)
    assert (peeters["average_days_to_pay"], peeters["average_days_late"], peeters["oldest_days_overdue"]) == (
        70.0, 40.0, 30)
    # K002: open F4 800 − CN1 100 = 700, all past due; sales 2000 + 800 − 100 = 2700; DSO 700 ÷ 2700 × 91 = 23.59
    assert (janssens["receivables"], janssens["overdue"], janssens["credit_sales"]) == ("700.00", "700.00", "2700.00")
    assert (janssens["dso"], janssens["best_possible_dso"], janssens["average_days_delinquent"]) == (23.6, 0.0, 23.6)
    assert (janssens["average_days_to_pay"], janssens["average_days_late"], janssens["oldest_days_overdue"]) == (
        71.0, 41.0, 11)


def test_top_overdue_customers_come_most_overdue_first(kpis):
    assert [(row["customer_id"], row["overdue"]) for row in kpis["top_overdue"]] == [
        ("K002", "700.00"), ("K001", "500.00")]


def test_the_trend_rebuilds_each_month_end_from_the_history(kpis):
    assert [(m["month"], m["receivables"], m["overdue"], m["credit_sales"], m["dso"]) for m in kpis["trend"]] == [
        # 30 Sep: F1 and F3 open, neither due yet; sales 3000 over 30 days
        ("2026-09", "3000.00", "0.00", "3000.00", 30.0),
        # 31 Oct: F1 1000 + F2 500 + F3 2000 + F4 800 − CN1 100 = 4200; past due F1, F3, CN1: 2900;
        # sales 500 + 800 − 100 = 1200; 4200 ÷ 1200 × 31 = 108.5
        ("2026-10", "4200.00", "2900.00", "1200.00", 108.5),
        # 30 Nov: as the totals; sales F5 600; 1800 ÷ 600 × 30 = 90
        ("2026-11", "1800.00", "1200.00", "600.00", 90.0),
    ]


def test_a_back_dated_report_sees_the_open_items_of_that_day(history):
    result = cli("-w", str(history), "kpi", "--period", "2026-10-01..2026-10-31", "--json")

    (eur,) = json.loads(result.stdout)["totals"]
    # on 30 Sep F1 and F3 were open (3000); on 31 Oct as in the trend (4200, current F2 + F4 = 1300);
    # October's sales 1200; CEI (3000 + 1200 − 4200) ÷ (3000 + 1200 − 1300) = 0 %: nothing was collected
    assert (eur["begin_receivables"], eur["receivables"], eur["current"]) == ("3000.00", "4200.00", "1300.00")
    assert eur["cei_percent"] == 0.0
    assert eur["dso"] == 108.5                      # 4200 ÷ 1200 × 31


def test_current_days_from_the_command_line_widens_current(history):
    result = cli("-w", str(history), "kpi", "--as-of", "2026-11-30", "--current-days", "30", "--json")

    (eur,) = json.loads(result.stdout)["totals"]
    # at most 30 days past due on 30 Nov: F2 (30), F4 (11), F5 (not due); CN1 (36 days) is not: 1900
    assert eur["current"] == "1900.00"
    assert eur["best_possible_dso"] == 36.0         # 1900 ÷ 4800 × 91 = 36.02
