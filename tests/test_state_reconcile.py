"""Reconciliation in a workspace: matches are stored, people confirm and undo them, returns reopen."""

from __future__ import annotations

import json
import textwrap

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.reconcile.open_items import open_items
from arctl.workflows import load_workspace, open_store

pytestmark = pytest.mark.state

ACCOUNT = "BE05068123456775"
PAYER_IBAN = "NL91ABNA0417164300"

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00,+++090/9337/55493+++
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50,
    2026-0044,K002,Garage Janssens NV,2026-10-06,2026-11-05,EUR,99.00,99.00,
    """


def entry(ref_id, amount, *, credit=True, name="", iban="", structured="", text="", reversal=False, day="20"):
    parties = ""
    if name or iban:
        side, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        parties = (f"<RltdPties><{side}><Nm>{name}</Nm></{side}>"
                   + (f"<{account}><Id><IBAN>{iban}</IBAN></Id></{account}>" if iban else "") + "</RltdPties>")
    remittance = ""
    if structured:
        remittance = f"<RmtInf><Strd><CdtrRefInf><Ref>{structured}</Ref></CdtrRefInf></Strd></RmtInf>"
    elif text:
        remittance = f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>"
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt>" + ("<RvslInd>true</RvslInd>" if reversal else "")
            + f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>2026-11-{day}</Dt></BookgDt><AcctSvcrRef>{ref_id}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls>{parties}{remittance}</TxDtls></NtryDtls></Ntry>")


def statement(*entries, statement_id="S1"):
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{''.join(entries)}"
            "</Stmt></BkToCstmrStmt></Document>")


PAID_BY_REFERENCE = entry("REF-1", "1210.00", name="BAKKERIJ PEETERS", structured="090933755493")
# a private person pays the garage's invoice: not the customer's name, so a match by hand needs --force
UNKNOWN_PAYER = entry("REF-2", "302.50", name="J. JANSSENS", iban=PAYER_IBAN, text="betaling")


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "open_invoices.csv").write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    (tmp_path / "exports" / "bank-1.xml").write_text(statement(PAID_BY_REFERENCE, UNKNOWN_PAYER), encoding="utf-8")
    (tmp_path / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/bank-1.xml
            kind: bank
        """), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-11-21"]).exit_code == 0
    return tmp_path


def cli(*args):
    return CliRunner().invoke(app, list(args))


def open_amounts(root):
    store = open_store(load_workspace(root, root, None))
    try:
        items = open_items(store.invoice_items(), store.applied_allocations())
        return dict(zip(items["invoice_id"], items["open_amount"], strict=True))
    finally:
        store.close()


def test_reconcile_in_a_workspace_stores_its_matches_and_pays_the_invoices(workspace):
    result = cli("reconcile", "--json")

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [(m["invoice_id"], m["status"]) for m in document["matches"]] == [("2026-0042", "auto")]
    assert open_amounts(workspace) == {"2026-0042": 0, "2026-0043": 30250, "2026-0044": 9900}


def test_reconciling_again_matches_nothing_twice(workspace):
    cli("reconcile")

    document = json.loads(cli("reconcile", "--json").stdout)

    assert document["matches"] == []
    assert open_amounts(workspace)["2026-0042"] == 0


def test_a_payment_matched_by_hand_pays_the_invoice_and_its_iban_is_remembered(workspace):
    cli("reconcile")

    result = cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")

    assert result.exit_code == 0, result.output
    assert "remembered NL91ABNA0417164300" in result.stdout
    assert open_amounts(workspace)["2026-0043"] == 0
    store = open_store(load_workspace(workspace, workspace, None))
    assert store.known_ibans() == {PAYER_IBAN: "K002"}
    store.close()


def test_a_remembered_iban_identifies_the_payer_of_the_next_statement(workspace):
    cli("reconcile")
    cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")
    (workspace / "exports" / "bank-2.xml").write_text(
        statement(entry("REF-3", "99.00", name="J. JANSSENS", iban=PAYER_IBAN, day="24"), statement_id="S2"),
        encoding="utf-8")
    cli("import", "--kind", "bank", "exports/bank-2.xml")

    document = json.loads(cli("reconcile", "--json").stdout)

    assert [(m["invoice_id"], m["rule"], m["status"]) for m in document["matches"]] == [
        ("2026-0044", "payer_amount", "auto")]


def test_a_partial_allocation_by_hand_leaves_the_rest_open(workspace):
    result = cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--amount", "100,00", "--force")

    assert result.exit_code == 0, result.output
    assert open_amounts(workspace)["2026-0043"] == 20250


def test_unmatch_reopens_the_invoice_and_leaves_the_payment_to_a_person(workspace):
    cli("reconcile")

    result = cli("unmatch", f"{ACCOUNT}:REF-1")

    assert result.exit_code == 0, result.output
    assert open_amounts(workspace)["2026-0042"] == 121000
    assert json.loads(cli("reconcile", "--json").stdout)["matches"] == []


def test_a_returned_payment_in_a_later_statement_undoes_its_match(workspace):
    cli("reconcile")
    (workspace / "exports" / "bank-2.xml").write_text(statement(
        entry("REF-9", "1210.00", credit=False, name="BAKKERIJ PEETERS", reversal=True, day="23"),
        statement_id="S2"), encoding="utf-8")
    cli("import", "--kind", "bank", "exports/bank-2.xml")

    result = cli("reconcile")

    assert result.exit_code == 0, result.output
    assert f"{ACCOUNT}:REF-1 was returned ({ACCOUNT}:REF-9)" in result.stderr
    assert open_amounts(workspace)["2026-0042"] == 121000


@pytest.mark.parametrize(("args", "message"), [
    (("match", "BE00:NOPE", "2026-0043"), "no bank transaction 'BE00:NOPE'"),
    (("match", f"{ACCOUNT}:REF-2", "2099-0001"), "no open invoice '2099-0001'"),
    (("match", f"{ACCOUNT}:REF-2", "2026-0043", "--amount", "400.00"), "cannot allocate 40000"),
    (("match", f"{ACCOUNT}:REF-2", "2026-0043", "--amount", "twelve"), "Error: --amount twelve: "),
    (("unmatch", f"{ACCOUNT}:REF-2"), "has no match to undo"),
])
def test_match_and_unmatch_refuse_what_cannot_be_done(workspace, args, message):
    result = cli(*args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_match_needs_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    result = cli("match", "X", "Y")

    assert result.exit_code == 2
    assert "needs a workspace" in result.stderr


def add_statement(root, *entries, statement_id="S2"):
    (root / "exports" / f"{statement_id}.xml").write_text(statement(*entries, statement_id=statement_id),
                                                          encoding="utf-8")
    assert cli("import", "--kind", "bank", f"exports/{statement_id}.xml").exit_code == 0


def known_ibans(root):
    store = open_store(load_workspace(root, root, None))
    try:
        return store.known_ibans()
    finally:
        store.close()


def statuses(root, txn):
    store = open_store(load_workspace(root, root, None))
    try:
        return [(row["invoice_id"], row["status"]) for row in store.matches(f"{ACCOUNT}:{txn}").to_dict("records")]
    finally:
        store.close()


# --- a match by hand onto a customer the evidence does not support asks for --force ---------------------


def test_match_onto_a_customer_whose_name_is_not_the_payers_asks_for_force_and_says_why(workspace):
    result = cli("match", f"{ACCOUNT}:REF-2", "2026-0043")

    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"Error: {ACCOUNT}:REF-2 -> invoice 2026-0043: the bank's payer 'J. JANSSENS' is not the name of customer "
        "K002 (Garage Janssens NV): name score 72, 90 needed; add --force to match anyway")
    assert open_amounts(workspace)["2026-0043"] == 30250
    assert known_ibans(workspace) == {}


def test_match_with_force_matches_and_notes_what_it_overrode(workspace):
    result = cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")

    assert result.exit_code == 0, result.output
    assert "note: matched with --force although the bank's payer 'J. JANSSENS' is not the name" in result.stderr
    assert open_amounts(workspace)["2026-0043"] == 0


def test_a_payer_whose_name_is_the_customers_is_matched_by_hand_without_force(workspace):
    add_statement(workspace, entry("REF-3", "99.00", name="GARAGE JANSSENS", iban="BE68539007547034", day="24"))

    result = cli("match", f"{ACCOUNT}:REF-3", "2026-0044")

    assert result.exit_code == 0, result.output


def test_a_payer_whose_iban_is_already_known_for_the_customer_needs_no_force_whatever_its_name(workspace):
    cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")
    add_statement(workspace, entry("REF-3", "99.00", name="J. JANSSENS", iban=PAYER_IBAN, day="24"))

    result = cli("match", f"{ACCOUNT}:REF-3", "2026-0044")

    assert result.exit_code == 0, result.output


def test_match_onto_a_customer_on_hold_asks_for_force_and_says_why(workspace):
    add_statement(workspace, entry("REF-3", "99.00", name="GARAGE JANSSENS", iban="BE68539007547034", day="24"))
    assert cli("hold", "K002", "--reason", "insolvency", "--as-of", "2026-11-22").exit_code == 0

    result = cli("match", f"{ACCOUNT}:REF-3", "2026-0044", "--as-of", "2026-11-25")

    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"Error: {ACCOUNT}:REF-3 -> invoice 2026-0044: customer K002 (Garage Janssens NV) is on hold (insolvency); "
        "add --force to match anyway")
    assert cli("match", f"{ACCOUNT}:REF-3", "2026-0044", "--as-of", "2026-11-25", "--force").exit_code == 0


def test_a_hold_that_ended_before_the_date_does_not_stop_a_match_by_hand(workspace):
    add_statement(workspace, entry("REF-3", "99.00", name="GARAGE JANSSENS", iban="BE68539007547034", day="24"))
    cli("hold", "2026-0044", "--reason", "other", "--until", "2026-11-23", "--as-of", "2026-11-22")

    result = cli("match", f"{ACCOUNT}:REF-3", "2026-0044", "--as-of", "2026-11-25")

    assert result.exit_code == 0, result.output


# --- unmatch forgets what the match taught -----------------------------------------------------------------


def test_unmatch_forgets_the_iban_the_manual_match_taught(workspace):
    cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")

    result = cli("unmatch", f"{ACCOUNT}:REF-2")

    assert result.exit_code == 0, result.output
    assert f"forgot {PAYER_IBAN} as customer K002's account" in result.stdout
    assert known_ibans(workspace) == {}


def test_after_unmatch_a_later_payment_from_that_account_is_not_matched_to_that_customer(workspace):
    cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")
    cli("unmatch", f"{ACCOUNT}:REF-2")
    add_statement(workspace, entry("REF-3", "99.00", name="J. JANSSENS", iban=PAYER_IBAN, day="24"))

    document = json.loads(cli("reconcile", "--json").stdout)

    assert [m for m in document["matches"] if m["bank_txn"] == f"{ACCOUNT}:REF-3"] == []
    assert open_amounts(workspace)["2026-0044"] == 9900


def test_automatic_matches_that_rested_only_on_the_learned_iban_become_suggestions_again(workspace):
    cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")
    add_statement(workspace, entry("REF-3", "99.00", name="J. JANSSENS", iban=PAYER_IBAN, day="24"))
    cli("reconcile")
    assert statuses(workspace, "REF-3") == [("2026-0044", "auto")]

    result = cli("unmatch", f"{ACCOUNT}:REF-2")

    assert result.exit_code == 0, result.output
    assert f"1 payment(s) matched automatically by that account are suggestions again: {ACCOUNT}:REF-3" in result.stdout
    assert statuses(workspace, "REF-3") == [("2026-0044", "suggested")]
    assert open_amounts(workspace)["2026-0044"] == 9900


def test_unmatch_keeps_an_iban_that_another_standing_manual_match_taught(workspace):
    cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")
    add_statement(workspace, entry("REF-3", "99.00", name="J. JANSSENS", iban=PAYER_IBAN, day="24"))
    cli("match", f"{ACCOUNT}:REF-3", "2026-0044")

    result = cli("unmatch", f"{ACCOUNT}:REF-3")

    assert result.exit_code == 0, result.output
    assert "forgot" not in result.stdout
    assert known_ibans(workspace) == {PAYER_IBAN: "K002"}
    assert statuses(workspace, "REF-2") == [("2026-0043", "manual")]


def test_unmatch_keeps_an_iban_the_customer_file_lists_for_that_customer(workspace):
    cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")
    add_statement(workspace, entry("REF-3", "99.00", name="J. JANSSENS", iban=PAYER_IBAN, day="24"))
    cli("reconcile")
    (workspace / "exports" / "customers.csv").write_text(
        f"Customer ID,Name,IBAN\nK002,Garage Janssens NV,{PAYER_IBAN}\n", encoding="utf-8")
    assert cli("import", "--kind", "customers", "exports/customers.csv").exit_code == 0

    result = cli("unmatch", f"{ACCOUNT}:REF-2")

    assert result.exit_code == 0, result.output
    assert "forgot" not in result.stdout and "suggestions again" not in result.stdout
    assert statuses(workspace, "REF-3") == [("2026-0044", "auto")]
