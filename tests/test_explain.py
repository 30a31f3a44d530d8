"""`arctl explain`: why an invoice is, or is not, in the day's run, with its amounts, steps and dates."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from arctl.cli import app

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
