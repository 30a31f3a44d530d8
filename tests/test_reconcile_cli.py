"""`arctl reconcile` and `arctl check` on bank files, end to end through the command line."""

from __future__ import annotations

import json
import textwrap

import openpyxl
import pytest
from typer.testing import CliRunner

from arctl.cli import app

pytestmark = pytest.mark.state

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00,+++090/9337/55493+++
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50,
    """

CAMT = """\
    <?xml version="1.0" encoding="UTF-8"?>
    <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
      <BkToCstmrStmt>
        <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr>
        <Stmt>
          <Id>S-2026-11-20</Id>
          <Acct><Id><IBAN>BE05068123456775</IBAN></Id></Acct>
          <Ntry>
            <Amt Ccy="EUR">1210.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
            <BookgDt><Dt>2026-11-20</Dt></BookgDt><ValDt><Dt>2026-11-20</Dt></ValDt>
            <AcctSvcrRef>REF-0001</AcctSvcrRef>
            <NtryDtls><TxDtls>
              <RltdPties><Dbtr><Nm>BAKKERIJ PEETERS</Nm></Dbtr></RltdPties>
              <RmtInf><Strd><CdtrRefInf><Ref>090933755493</Ref></CdtrRefInf></Strd></RmtInf>
            </TxDtls></NtryDtls>
          </Ntry>
          {extra}
        </Stmt>
      </BkToCstmrStmt>
    </Document>
    """

UNKNOWN_CREDIT = """\
          <Ntry>
            <Amt Ccy="EUR">55.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
            <BookgDt><Dt>2026-11-20</Dt></BookgDt>
            <AcctSvcrRef>REF-0002</AcctSvcrRef>
            <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>FOD FINANCIEN</Nm></Dbtr></RltdPties>
            <RmtInf><Ustrd>Terugbetaling belasting</Ustrd></RmtInf></TxDtls></NtryDtls>
          </Ntry>"""


@pytest.fixture
def runner():
    return CliRunner()


def files(tmp_path, extra=""):
    invoices = tmp_path / "open_invoices.csv"
    invoices.write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    statement = tmp_path / "statement.xml"
    statement.write_text(textwrap.dedent(CAMT).replace("{extra}", extra), encoding="utf-8")
    return invoices, statement


def test_reconcile_json_has_the_contract_shape(tmp_path, runner):
    invoices, statement = files(tmp_path)

    result = runner.invoke(app, ["reconcile", str(invoices), str(statement), "--json"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["matches"] == [{
        "bank_txn": "BE05068123456775:REF-0001", "invoice_id": "2026-0042", "amount": "1210.00", "currency": "EUR",
        "rule": "structured_reference", "confidence": 1.0, "status": "auto", "note": ""}]
    assert document["unmatched"] == []
    assert document["summary"] == {"bank_lines": 1, "auto": 1, "suggested": 0, "unmatched": 0, "ignored": 0}


def test_fail_on_unmatched_exits_0_when_every_credit_is_matched(tmp_path, runner):
    invoices, statement = files(tmp_path)

    result = runner.invoke(app, ["reconcile", str(invoices), str(statement), "--fail-on-unmatched"])

    assert result.exit_code == 0, result.output


def test_fail_on_unmatched_exits_1_when_a_credit_is_left_unmatched(tmp_path, runner):
    invoices, statement = files(tmp_path, UNKNOWN_CREDIT)

    result = runner.invoke(app, ["reconcile", str(invoices), str(statement), "--fail-on-unmatched", "--json"])

    assert result.exit_code == 1, result.output
    [unmatched] = json.loads(result.stdout)["unmatched"]
    assert (unmatched["bank_txn"], unmatched["amount"], unmatched["counterparty"]) == (
        "BE05068123456775:REF-0002", "55.00", "FOD FINANCIEN")


def test_without_fail_on_unmatched_leftovers_still_exit_0(tmp_path, runner):
    invoices, statement = files(tmp_path, UNKNOWN_CREDIT)

    assert runner.invoke(app, ["reconcile", str(invoices), str(statement)]).exit_code == 0


def test_matches_go_to_an_xlsx_with_matched_suggested_and_unmatched_sheets(tmp_path, runner):
    invoices, statement = files(tmp_path, UNKNOWN_CREDIT)
    output = tmp_path / "matches.xlsx"

    result = runner.invoke(app, ["reconcile", str(invoices), str(statement), "-o", str(output)])

    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == ["matched", "suggested", "unmatched"]
    matched = list(workbook["matched"].iter_rows(values_only=True))
    assert matched[1][:3] == ("BE05068123456775:REF-0001", "2026-0042", 1210)
    assert [row[0] for row in workbook["unmatched"].iter_rows(min_row=2, values_only=True)] == [
        "BE05068123456775:REF-0002"]


def test_matches_go_to_a_csv_with_a_sheet_column(tmp_path, runner):
    invoices, statement = files(tmp_path, UNKNOWN_CREDIT)
    output = tmp_path / "matches.csv"

    runner.invoke(app, ["reconcile", str(invoices), str(statement), "-o", str(output)])

    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("sheet,bank_txn,invoice_id,amount")
    assert lines[1].startswith("matched,BE05068123456775:REF-0001,2026-0042,1210.00")
    assert lines[2].startswith("unmatched,BE05068123456775:REF-0002,,55.00")


def test_an_output_file_that_is_neither_xlsx_nor_csv_is_refused(tmp_path, runner):
    invoices, statement = files(tmp_path)

    result = runner.invoke(app, ["reconcile", str(invoices), str(statement), "-o", str(tmp_path / "m.txt")])

    assert result.exit_code == 2
    assert "expected a .xlsx or .csv file" in result.stderr


def test_reconcile_needs_a_bank_statement_beside_the_invoices(tmp_path, runner):
    invoices, _ = files(tmp_path)

    result = runner.invoke(app, ["reconcile", str(invoices)])

    assert result.exit_code == 2
    assert "at least one bank statement" in result.stderr


def test_a_truncated_statement_is_refused_naming_file_and_line(tmp_path, runner):
    invoices, statement = files(tmp_path)
    statement.write_text(statement.read_text(encoding="utf-8")[:600], encoding="utf-8")

    result = runner.invoke(app, ["reconcile", str(invoices), str(statement)])

    assert result.exit_code == 3
    assert str(statement) in result.stderr and "line" in result.stderr


def test_a_name_score_outside_50_to_100_is_refused(tmp_path, runner):
    invoices, statement = files(tmp_path)

    result = runner.invoke(app, ["reconcile", str(invoices), str(statement), "--name-score", "120"],
                           env={"COLUMNS": "200"})  # Typer's error box on one line

    assert result.exit_code == 2, result.output
    # refused by the option's declared range (Typer's own usage error), before anything is read
    assert "Invalid value for '--name-score': Input should be less than or equal to 100" in result.stderr


def test_check_reads_a_camt_statement_as_bank_transactions(real_fixture, runner):
    result = runner.invoke(app, ["check", str(real_fixture("camt053/oca_abnamro-style_test-camt053.xml")), "--json"])

    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["files"]
    assert (entry["kind"], entry["transactions"]) == ("bank", 4)
    assert entry["totals"] == [{"currency": "EUR", "credits": "1405.31", "debits": "1418.30", "amount": "-12.99"}]


def test_check_reads_a_bank_csv_through_its_profile(real_fixture, runner):
    result = runner.invoke(app, ["check", str(real_fixture("csv-bank/ofxdutch_knab_transactieoverzicht_ok.csv")),
                                 "--json"])

    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["files"]
    assert (entry["kind"], entry["profile"], entry["transactions"]) == ("bank", "knab", 28)


def test_check_kind_bank_on_a_broken_mt940_exits_3(tmp_path, runner):
    path = tmp_path / "statement.sta"
    path.write_text(":20:STMT\n:25:NL91ABNA0417164300\n:28C:1/1\n:60F:C261120EUR100,00\n:61:BROKEN\n:62F:C261120EUR100,00\n",
                    encoding="utf-8")

    result = runner.invoke(app, ["check", "--kind", "bank", str(path)])

    assert result.exit_code == 3, result.output
    assert ":61:" in result.stderr or "line 5" in result.stderr


def test_real_coda_references_whose_check_digits_fail_are_only_suggested(real_fixture, tmp_path, runner):
    invoices = tmp_path / "open_invoices.csv"
    invoices.write_text(textwrap.dedent("""\
        Invoice No.,Customer ID,Customer,Due Date,Currency,Amount Due,Payment Reference
        F-1,C1,Klant een,2026-10-31,EUR,5.00,000003505158
        """), encoding="utf-8")

    result = runner.invoke(app, ["reconcile", str(invoices), str(real_fixture("coda/phpcoda_sample1.cod")), "--json"])

    assert result.exit_code == 0, result.output
    statuses = {(m["invoice_id"], m["rule"], m["status"]) for m in json.loads(result.stdout)["matches"]}
    assert statuses == {("F-1", "structured_reference", "suggested")}


def test_a_real_coda_structured_communication_pays_its_invoice(real_fixture, tmp_path, runner):
    invoices = tmp_path / "open_invoices.csv"
    invoices.write_text(textwrap.dedent("""\
        Invoice No.,Customer ID,Customer,Due Date,Currency,Amount Due,Payment Reference
        2011-0099,C9,Klant negen,2011-12-31,EUR,3044.45,+++240/2838/42818+++
        """), encoding="utf-8")

    result = runner.invoke(app, ["reconcile", str(invoices),
                                 str(real_fixture("coda/oca_kbc_Ontvangen_CODA.2012-01-11-18.59.15.cod")), "--json"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [(m["invoice_id"], m["amount"], m["status"]) for m in document["matches"]] == [
        ("2011-0099", "3044.45", "auto")]


def test_fail_on_unmatched_exits_1_when_a_credit_is_only_suggested(real_fixture, tmp_path, runner):
    invoices = tmp_path / "open_invoices.csv"
    invoices.write_text(textwrap.dedent("""\
        Invoice No.,Customer ID,Customer,Due Date,Currency,Amount Due,Payment Reference
        F-1,C1,Klant een,2026-10-31,EUR,5.00,000003505158
        F-2,C2,Klant twee,2026-10-31,EUR,25.00,000003515846
        F-3,C3,Klant drie,2026-10-31,EUR,20.00,000003154982
        F-4,C4,Klant vier,2026-10-31,EUR,30.00,000002133131
        """), encoding="utf-8")

    result = runner.invoke(app, ["reconcile", str(invoices), str(real_fixture("coda/phpcoda_sample1.cod")),
                                 "--fail-on-unmatched", "--json"])

    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)["summary"]
    assert (summary["auto"], summary["suggested"], summary["unmatched"]) == (0, 4, 0)


def test_the_collector_is_paused_around_the_matcher_and_left_as_it_was_after():
    import gc

    from arctl.workflows.reconciling import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller that paused it itself keeps it paused
    finally:
        gc.enable()
