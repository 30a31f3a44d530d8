"""`arctl dunning status`: every open invoice's place in its plan, from the workspace state."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from arctl.cli import app

pytestmark = pytest.mark.state

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-30,EUR,1210.00,1210.00,+++090/9337/55493+++
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-13,EUR,302.50,302.50,
    """

PAYMENT = ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"
           "<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id>"
           "<Acct><Id><IBAN>BE05068123456775</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">1210.00</Amt>"
           "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>"
           "<AcctSvcrRef>REF-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>090933755493</Ref>"
           "</CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>")


@pytest.fixture
def workspace(imported_workspace):
    return imported_workspace(INVOICES)


def status(*args):
    result = CliRunner().invoke(app, ["dunning", "status", "--as-of", "2026-11-20", "--json", *args])
    return result, (json.loads(result.stdout) if result.exit_code == 0 else None)


def test_status_lists_each_open_invoice_with_its_next_step_and_date(workspace):
    result, document = status()

    assert result.exit_code == 0, result.output
    assert document["as_of"] == "2026-11-20"
    first = document["invoices"][0]
    assert first == {"invoice_id": "2026-0042", "customer_id": "K001", "open_amount": "1210.00", "currency": "EUR",
                     "due_date": "2026-10-30", "days_overdue": 21, "plan": "standard", "last_step": None,
                     "last_step_date": None, "next_step": "friendly", "next_step_date": "2026-11-06",
                     "paused": None, "plan_reason": "default plan"}


def test_a_payment_matched_at_the_bank_takes_the_invoice_off_the_list(workspace):
    (workspace / "exports" / "bank.xml").write_text(PAYMENT, encoding="utf-8")
    CliRunner().invoke(app, ["import", "--kind", "bank", "exports/bank.xml"])
    CliRunner().invoke(app, ["reconcile"])

    _, document = status()

    assert [i["invoice_id"] for i in document["invoices"]] == ["2026-0043"]


def test_a_disputed_invoice_shows_its_pause(workspace):
    CliRunner().invoke(app, ["dispute", "open", "2026-0043", "--reason", "price", "--as-of", "2026-11-18"])

    _, document = status()

    assert {i["invoice_id"]: i["paused"] for i in document["invoices"]} == {"2026-0042": None,
                                                                            "2026-0043": "disputed"}


def test_status_for_one_customer(workspace):
    _, document = status("--customer", "K002")

    assert [i["invoice_id"] for i in document["invoices"]] == ["2026-0043"]


def test_one_plan_for_everybody_with_plan(workspace):
    _, document = status("--plan", "strict")

    assert {i["plan"] for i in document["invoices"]} == {"strict"}


@pytest.mark.parametrize(("args", "message"), [
    (("--customer", "K999"), "Error: no open invoices of customer 'K999'"),
    (("--plan", "nonexistent"), "Error: no plan named 'nonexistent'"),
])
def test_status_refuses_what_it_cannot_show(workspace, args, message):
    result, _ = status(*args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_status_needs_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    result, _ = status()

    assert result.exit_code == 2
    assert "needs a workspace" in result.stderr


UNKNOWN_CREDIT = ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
                  "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr><Stmt>"
                  "<Id>S2</Id><Acct><Id><IBAN>BE05068123456775</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">77.00</Amt>"
                  "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-19</Dt></BookgDt>"
                  "<AcctSvcrRef>REF-7</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>GARAGE JANSSENS</Nm></Dbtr>"
                  "</RltdPties><RmtInf><Ustrd>voorschot</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt>"
                  "</BkToCstmrStmt></Document>")


def test_a_customer_with_an_unallocated_credit_at_the_bank_is_held_for_review(workspace):
    (workspace / "exports" / "bank.xml").write_text(UNKNOWN_CREDIT, encoding="utf-8")
    CliRunner().invoke(app, ["import", "--kind", "bank", "exports/bank.xml"])
    CliRunner().invoke(app, ["reconcile"])

    run = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--allow-stale-bank", "--json",
                                   "--dry-run"])

    skipped = {s["invoice_id"]: s["reason"] for s in json.loads(run.stdout)["skipped"]}
    assert skipped["2026-0043"] == "payment_to_review"


TYPO_CREDIT = UNKNOWN_CREDIT.replace("GARAGE JANSSENS", "BAKKERY PETRS")  # 83 % like 'Bakkerij Peeters BV'


def payer_of_unmatched_credit_and_held(name_score: str | None) -> tuple[str, dict[str, str]]:
    """What `reconcile` says of an unallocated credit and what the dunning run then holds back."""
    if name_score:
        with open("arctl.yaml", "a", encoding="utf-8") as config:
            config.write(f"matching:\n  name_score: {name_score}\n")
    with open("exports/bank.xml", "w", encoding="utf-8") as bank:
        bank.write(TYPO_CREDIT)
    assert CliRunner().invoke(app, ["import", "--kind", "bank", "exports/bank.xml"]).exit_code == 0
    reconciled = CliRunner().invoke(app, ["reconcile", "--json"])
    run = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--allow-stale-bank", "--json",
                                   "--dry-run"])
    assert reconciled.exit_code == 0 and run.exit_code == 0, reconciled.output + run.output
    [unmatched] = json.loads(reconciled.stdout)["unmatched"]
    held = {s["invoice_id"]: s["reason"] for s in json.loads(run.stdout)["skipped"]
            if s["reason"] == "payment_to_review"}
    return unmatched["reason"], held


def test_with_a_lower_name_score_reconcile_and_dunning_both_know_the_payer(workspace):
    reason, held = payer_of_unmatched_credit_and_held("80")

    assert reason.startswith("payer K001 known by name")
    assert held == {"2026-0042": "payment_to_review"}


def test_with_the_default_name_score_neither_reconcile_nor_dunning_guesses_the_payer(workspace):
    reason, held = payer_of_unmatched_credit_and_held(None)

    assert reason == "no reference, invoice number or known payer"
    assert held == {}


def test_a_paused_invoice_waits_for_the_pause_not_for_a_date_already_past(workspace):
    # 2026-0042 was due on 2026-10-30: without the dispute its friendly reminder was due long before 2026-11-20.
    CliRunner().invoke(app, ["dispute", "open", "2026-0042", "--reason", "price", "--as-of", "2026-11-01"])

    result = CliRunner().invoke(app, ["dunning", "status", "--as-of", "2026-11-20"], env={"COLUMNS": "200"})

    line = next(line for line in result.stdout.splitlines() if "2026-0042" in line)
    assert "once the pause ends" in line
    assert re.findall(r"\d{4}-\d{2}-\d{2}", line.replace("2026-0042", "")) == ["2026-10-30"]  # the due date only
