"""`arctl explain`: why an invoice is, or is not, in the day's run, with its amounts, steps and dates."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from arctl.cli import app

pytestmark = pytest.mark.state

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-30,EUR,1210.00,1210.00,+++090/9337/55493+++
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-13,EUR,302.50,302.50,
    2026-0044,K003,Brouwerij Smet NV,2026-10-20,2026-12-20,EUR,99.00,99.00,
    """
PAYMENT = ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"
           "<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id>"
           "<Acct><Id><IBAN>BE05068123456775</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">1210.00</Amt>"
           "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-19</Dt></BookgDt>"
           "<AcctSvcrRef>REF-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>090933755493</Ref>"
           "</CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>")


@pytest.fixture
def workspace(imported_workspace):
    return imported_workspace(INVOICES)


def explain(invoice, as_of="2026-11-20"):
    result = CliRunner().invoke(app, ["explain", invoice, "--as-of", as_of, "--locale", "en_GB"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_paid_invoice_says_which_payment_paid_it(workspace):
    (workspace / "exports" / "bank.xml").write_text(PAYMENT, encoding="utf-8")
    CliRunner().invoke(app, ["import", "--kind", "bank", "exports/bank.xml"])
    CliRunner().invoke(app, ["reconcile"])

    text = explain("2026-0042")

    assert "open now: €0.00 — the export showed €1,210.00, payments matched at the bank: €1,210.00" in text
    assert "paid €1,210.00 on 2026-11-19 by BE05068123456775:REF-1 (structured_reference, auto)" in text
    assert "not in the run of 2026-11-20: it is paid" in text


def test_a_disputed_invoice_says_since_when(workspace):
    CliRunner().invoke(app, ["dispute", "open", "2026-0042", "--reason", "price", "--as-of", "2026-11-10"])

    text = explain("2026-0042")

    assert "pause: disputed since 2026-11-10" in text
    assert "not in the run of 2026-11-20: it is disputed" in text


def test_a_held_invoice_says_it_is_on_hold(workspace):
    CliRunner().invoke(app, ["hold", "K001", "--reason", "insolvency", "--as-of", "2026-11-10"])

    text = explain("2026-0042")

    assert "pause: held since 2026-11-10" in text
    assert "not in the run of 2026-11-20: it is on hold" in text


def test_an_invoice_not_yet_due_gives_its_next_step_and_date(workspace):
    text = explain("2026-0044")

    assert "not in the run of 2026-11-20: its next step is not due yet" in text
    assert "next step: friendly on 2026-12-28" in text


def test_a_due_invoice_is_in_the_run(workspace):
    text = explain("2026-0043")

    assert "in the run of 2026-11-20: step friendly" in text


def test_an_invoice_after_a_step_shows_its_history(workspace):
    CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-06"])

    text = explain("2026-0042")

    assert "steps taken: friendly on 2026-11-06" in text
    assert "next step: second on 2026-11-20" in text or "in the run of 2026-11-20: step second" in text


def test_an_unknown_invoice_is_refused(workspace):
    result = CliRunner().invoke(app, ["explain", "2099-0001"])

    assert result.exit_code == 2
    assert "no invoice '2099-0001'" in result.stderr


CREDIT = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-30,EUR,1210.00,1210.00,
    2026-CN07,K001,Bakkerij Peeters BV,2026-10-15,2026-10-15,EUR,-605.00,-605.00,
    """


def test_right_after_a_run_the_invoice_was_in_that_run_with_its_step(workspace):
    assert CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20"]).exit_code == 0

    text = explain("2026-0043")

    # the workspace knows no e-mail address of K002: the step was recorded for a person to take
    assert "in the run of 2026-11-20: step friendly, for a person to contact" in text
    assert "not in the run" not in text


def test_a_paused_invoice_gives_the_pause_its_reason_and_no_date_in_the_past(workspace):
    CliRunner().invoke(app, ["dispute", "open", "2026-0042", "--reason", "delivery incomplete",
                             "--as-of", "2026-11-03"])

    text = explain("2026-0042")

    # due 2026-10-30 + 7 days = 2026-11-06, already past on 2026-11-20: the step waits for the dispute instead
    assert "pause: disputed since 2026-11-03: delivery incomplete" in text
    assert "next step: friendly once the pause ends" in text
    assert "2026-11-06" not in text


def test_explain_names_the_plan_and_why(workspace):
    assert "plan: standard: default plan" in explain("2026-0042")


def test_a_credit_note_gets_its_own_verdict(imported_workspace):
    imported_workspace(CREDIT)

    text = explain("2026-CN07")

    assert "a credit note: never dunned; what is open of it is set against what the customer owes" in text
    assert "next step" not in text
