"""camt.053 / camt.054 files read into canonical bank lines (io/bank/camt.py).

Golden values for the real files come from ../shared/fixtures/real/SOURCES.md; the small files
written here pin the behaviours the real files do not show.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from arctl.errors import InputError
from arctl.io.bank.camt import read_camt
from arctl.io.bank.lines import Balance
from arctl.model import BANK_COLUMNS

ABN = "camt053/oca_abnamro-style_test-camt053.xml"
GENKGO = "camt053/genkgo_camt053.v2.minimal.xml"
TRYTON = "camt053/tryton_be_camt.053.001.02.xml"
CAMT054 = "camt054/oca_test-camt054.xml"


def write_camt(tmp_path: Path, entries: str, *, version: str = "camt.053.001.08", balances: str = "",
               name: str = "statement.xml") -> Path:
    """A one-statement camt.053 file for account NL91ABNA0417164300 holding `entries` (and `balances`)."""
    body = textwrap.dedent(f"""\
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}">
          <BkToCstmrStmt>
            <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T08:00:00</CreDtTm></GrpHdr>
            <Stmt>
              <Id>STMT-1</Id>
              <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
        {{balances}}
        {{entries}}
            </Stmt>
          </BkToCstmrStmt>
        </Document>
        """)
    path = tmp_path / name
    path.write_text(body.replace("{balances}", balances).replace("{entries}", entries), encoding="utf-8")
    return path


def entry(amount: str = "12.50", *, indicator: str = "CRDT", status: str = "<Sts><Cd>BOOK</Cd></Sts>",
          booking: str = "<Dt>2024-03-01</Dt>", reference: str = "", details: str = "", extra: str = "") -> str:
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{extra}{status}"
            f"<BookgDt>{booking}</BookgDt><ValDt><Dt>2024-03-01</Dt></ValDt>"
            f"{f'<AcctSvcrRef>{reference}</AcctSvcrRef>' if reference else ''}"
            f"{f'<NtryDtls>{details}</NtryDtls>' if details else ''}</Ntry>\n")


# --- the ABN AMRO-style camt.053.001.02 ----------------------------------------------------------


def test_abn_amro_three_entries_give_four_transactions_with_exact_signed_amounts(real_fixture):
    read = read_camt(real_fixture(ABN))

    assert read.format == "camt.053.001.02"
    assert read.statements == 1
    assert read.frame["amount"].tolist() == [-75425, -56405, -10000, 140531]
    assert str(read.frame["amount"].dtype) == "int64"
    assert set(read.frame["currency"]) == {"EUR"}
    assert set(read.frame["account_iban"]) == {"NL77ABNA0574908765"}
    assert read.findings == []


def test_abn_amro_returned_batch_lines_are_reversals_and_the_others_are_not(real_fixture):
    read = read_camt(real_fixture(ABN))

    assert read.frame["reversal"].tolist() == [False, True, True, False]


def test_abn_amro_batch_split_is_announced(real_fixture):
    read = read_camt(real_fixture(ABN))

    assert "1 batched entry split into 2 transactions" in read.notices


def test_abn_amro_credit_without_rmtinf_keeps_additional_info_and_end_to_end_id(real_fixture):
    credit = read_camt(real_fixture(ABN)).frame.iloc[3]

    assert "#RD PARTY MEDIA CUSNO 90782 4210773" in credit["remittance"]
    assert credit["remittance"].endswith("EREF 115")
    assert credit["structured_ref"] == ""


def test_abn_amro_credit_counterparty_is_the_debtor(real_fixture):
    credit = read_camt(real_fixture(ABN)).frame.iloc[3]

    assert (credit["counterparty_name"], credit["counterparty_iban"]) == ("3rd party Media", "NL69ABNA0522123643")


def test_abn_amro_debit_counterparty_is_the_creditor(real_fixture):
    debit = read_camt(real_fixture(ABN)).frame.iloc[0]

    assert (debit["counterparty_name"], debit["counterparty_iban"]) == ("INSURANCE COMPANY TESTX",
                                                                        "NL46ABNA0499998748")


def test_abn_amro_states_opening_and_closing_booked_balances(real_fixture):
    read = read_camt(real_fixture(ABN))

    assert read.balances == [
        Balance("NL77ABNA0574908765", "EUR", "OPBD", dt.date(2014, 1, 5), 1556827),
        Balance("NL77ABNA0574908765", "EUR", "CLBD", dt.date(2014, 1, 5), 1512112),
    ]


def test_abn_amro_source_points_at_the_entry_or_at_the_split_transaction(real_fixture):
    path = real_fixture(ABN)
    read = read_camt(path)

    lines = path.read_text(encoding="utf-8").splitlines()
    sources = [int(source.rpartition(":")[2]) for source in read.frame["source"]]
    assert [lines[n - 1].strip() for n in sources] == ["<Ntry>", "<TxDtls>", "<TxDtls>", "<Ntry>"]
    assert sources == [50, 144, 185, 228]


# --- genkgo, tryton, camt.054 --------------------------------------------------------------------


def test_genkgo_credit_with_value_date_after_booking_and_belgian_structured_ref(real_fixture):
    read = read_camt(real_fixture(GENKGO))

    line = read.frame.iloc[0]
    assert len(read.frame) == 1
    assert (line["amount"], line["currency"]) == (885, "EUR")
    assert line["booking_date"] == dt.datetime(2014, 12, 31)
    assert line["value_date"] == dt.datetime(2015, 1, 2)
    assert line["structured_ref"] == "4654654654654654"
    assert line["counterparty_name"] == "NAME NAME"


def test_genkgo_balances_keep_four_currencies_and_four_types_with_jpy_in_whole_yen(real_fixture):
    read = read_camt(real_fixture(GENKGO))

    assert [(b.kind, b.currency, b.amount, b.date) for b in read.balances] == [
        ("OPBD", "EUR", 1815, dt.date(2014, 12, 30)),
        ("CLBD", "SEK", -2700, dt.date(2014, 12, 31)),
        ("OPAV", "CHF", 3500, dt.date(2014, 12, 30)),
        ("CLAV", "JPY", -2700, dt.date(2014, 12, 31)),
    ]


def test_tryton_debit_takes_the_creditor_from_the_later_versions_pty_element(real_fixture):
    read = read_camt(real_fixture(TRYTON))

    line = read.frame.iloc[0]
    assert len(read.frame) == 1
    assert (line["amount"], line["currency"]) == (-10000, "EUR")
    assert line["booking_date"] == dt.datetime(2009, 4, 29)
    assert line["value_date"] == dt.datetime(2009, 4, 25)
    assert line["remittance"] == "INV 2150135"
    assert (line["counterparty_name"], line["counterparty_iban"]) == ("Supplier", "DE79370400440123619900")


def test_tryton_entry_reference_is_the_bank_ref_and_the_txn_id(real_fixture):
    line = read_camt(real_fixture(TRYTON)).frame.iloc[0]

    assert line["bank_ref"] == "Bank Reference"
    assert line["txn_id"] == "BE55442968847144:Bank Reference"


def test_camt054_notification_credit_keeps_the_swiss_qr_reference_as_given(real_fixture):
    read = read_camt(real_fixture(CAMT054))

    line = read.frame.iloc[0]
    assert read.format == "camt.054.001.04"
    assert len(read.frame) == 1
    assert (line["amount"], line["currency"]) == (500, "EUR")
    assert line["structured_ref"] == "000000000000000000000000003"
    assert read.balances == []


def test_camt054_transaction_reference_wins_over_the_entry_reference(real_fixture):
    line = read_camt(real_fixture(CAMT054)).frame.iloc[0]

    assert line["bank_ref"] == "15180015077602405"


def test_every_real_file_gives_the_canonical_columns(real_fixture):
    for name in (ABN, GENKGO, TRYTON, CAMT054):
        frame = read_camt(real_fixture(name)).frame
        assert list(frame.columns) == list(BANK_COLUMNS)


# --- txn_id --------------------------------------------------------------------------------------


def test_txn_ids_are_the_same_when_the_file_is_read_again(real_fixture):
    for name in (ABN, GENKGO, TRYTON, CAMT054):
        path = real_fixture(name)
        assert read_camt(path).frame["txn_id"].tolist() == read_camt(path).frame["txn_id"].tolist()


def test_txn_ids_do_not_depend_on_where_the_file_lies(real_fixture, tmp_path):
    original = real_fixture(ABN)
    copy = tmp_path / "copy.xml"
    copy.write_bytes(original.read_bytes())

    assert read_camt(copy).frame["txn_id"].tolist() == read_camt(original).frame["txn_id"].tolist()


def test_the_two_transactions_of_a_batched_entry_get_distinct_ids(real_fixture):
    ids = read_camt(real_fixture(ABN)).frame["txn_id"].tolist()

    assert ids[1] != ids[2]
    assert len(set(ids)) == 4


def test_a_batched_entry_reference_gets_the_transaction_index_appended(tmp_path):
    details = ("<Btch><NbOfTxs>2</NbOfTxs></Btch>"
               "<TxDtls><Amt Ccy=\"EUR\">10.00</Amt></TxDtls>"
               "<TxDtls><Amt Ccy=\"EUR\">2.50</Amt></TxDtls>")
    read = read_camt(write_camt(tmp_path, entry("12.50", reference="BANK-77", details=details)))

    assert read.frame["bank_ref"].tolist() == ["BANK-77-1", "BANK-77-2"]
    assert read.frame["txn_id"].tolist() == ["NL91ABNA0417164300:BANK-77-1", "NL91ABNA0417164300:BANK-77-2"]
    assert read.frame["amount"].tolist() == [1000, 250]


# --- versions and statuses -----------------------------------------------------------------------


def test_camt053_version_8_with_status_code_element_is_booked(tmp_path):
    read = read_camt(write_camt(tmp_path, entry("99.95")))

    assert read.format == "camt.053.001.08"
    assert read.frame["amount"].tolist() == [9995]
    assert read.frame["booking_date"].tolist() == [dt.datetime(2024, 3, 1)]
    assert read.notices == []


def test_pending_and_information_entries_are_left_out_with_a_notice_counting_them(tmp_path):
    entries = (entry("1.00") + entry("2.00", status="<Sts><Cd>PDNG</Cd></Sts>")
               + entry("3.00", status="<Sts>PDNG</Sts>") + entry("4.00", status="<Sts>INFO</Sts>"))
    read = read_camt(write_camt(tmp_path, entries))

    assert read.frame["amount"].tolist() == [100]
    assert "3 entries not booked left out: 1 information only (INFO), 2 pending (PDNG)" in read.notices


def test_booking_date_time_gives_its_date_part(tmp_path):
    read = read_camt(write_camt(tmp_path, entry(booking="<DtTm>2024-02-29T23:15:00+01:00</DtTm>")))

    assert read.frame["booking_date"].tolist() == [dt.datetime(2024, 2, 29)]


def test_balance_in_debit_is_negative(tmp_path):
    balance = ("<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">1234.56</Amt>"
               "<CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>")
    read = read_camt(write_camt(tmp_path, "", balances=balance))

    assert read.balances == [Balance("NL91ABNA0417164300", "EUR", "CLBD", dt.date(2024, 3, 1), -123456)]


# --- transactions inside an entry ----------------------------------------------------------------


def test_a_transaction_of_a_batch_carries_its_own_credit_debit_indicator(tmp_path):
    details = ("<TxDtls><Amt Ccy=\"EUR\">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>"
               "<TxDtls><Amt Ccy=\"EUR\">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>")
    read = read_camt(write_camt(tmp_path, entry("10.00", details=details)))

    assert read.frame["amount"].tolist() == [1500, -500]
    assert read.findings == []


def test_a_batch_whose_transactions_do_not_add_up_is_split_with_a_warning(tmp_path):
    details = ("<TxDtls><Amt Ccy=\"EUR\">15.00</Amt></TxDtls>"
               "<TxDtls><Amt Ccy=\"EUR\">5.00</Amt></TxDtls>")
    read = read_camt(write_camt(tmp_path, entry("10.00", details=details)))

    assert read.frame["amount"].tolist() == [1500, 500]
    assert [(f.severity, f.column) for f in read.findings] == [("warning", "Ntry/Amt")]


def test_a_batch_with_a_transaction_without_amount_stays_one_line_of_the_entry_total(tmp_path):
    details = "<TxDtls><Amt Ccy=\"EUR\">15.00</Amt></TxDtls><TxDtls/>"
    read = read_camt(write_camt(tmp_path, entry("20.00", details=details)))

    assert read.frame["amount"].tolist() == [2000]
    assert [(f.severity, f.column) for f in read.findings] == [("warning", "TxDtls/Amt")]


def test_the_ultimate_debtor_names_a_credit_whose_debtor_has_no_name(tmp_path):
    details = ("<TxDtls><RltdPties><Dbtr/><DbtrAcct><Id><IBAN>BE68 5390 0754 7034</IBAN></Id></DbtrAcct>"
               "<UltmtDbtr><Pty><Nm>Ultimate Customer NV</Nm></Pty></UltmtDbtr></RltdPties></TxDtls>")
    line = read_camt(write_camt(tmp_path, entry(details=details))).frame.iloc[0]

    assert (line["counterparty_name"], line["counterparty_iban"]) == ("Ultimate Customer NV", "BE68539007547034")


def test_the_statement_owner_is_never_the_counterparty(tmp_path):
    # a reversed customer payment that keeps the original's parties: the creditor is ourselves
    details = ("<TxDtls><RltdPties>"
               "<Dbtr><Nm>Customer BV</Nm></Dbtr><DbtrAcct><Id><IBAN>NL02ABNA0123456789</IBAN></Id></DbtrAcct>"
               "<Cdtr><Nm>Us</Nm></Cdtr><CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct>"
               "</RltdPties></TxDtls>")
    line = read_camt(write_camt(tmp_path, entry(indicator="DBIT", extra="<RvslInd>true</RvslInd>",
                                                details=details))).frame.iloc[0]

    assert (line["counterparty_name"], line["counterparty_iban"]) == ("Customer BV", "NL02ABNA0123456789")
    assert line["reversal"]


def test_remittance_joins_every_unstructured_line_and_leaves_out_notprovided(tmp_path):
    details = ("<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
               "<RmtInf><Ustrd>Invoice 2024-001</Ustrd><Ustrd>and 2024-002</Ustrd></RmtInf></TxDtls>")
    line = read_camt(write_camt(tmp_path, entry(details=details))).frame.iloc[0]

    assert line["remittance"] == "Invoice 2024-001 and 2024-002"


def test_an_rf_creditor_reference_is_the_structured_ref_stripped(tmp_path):
    details = ("<TxDtls><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
               "<Issr>ISO</Issr></Tp><Ref>  RF18539007547034 </Ref></CdtrRefInf></Strd></RmtInf></TxDtls>")
    line = read_camt(write_camt(tmp_path, entry(details=details))).frame.iloc[0]

    assert line["structured_ref"] == "RF18539007547034"


# --- files that are refused ----------------------------------------------------------------------


def test_truncated_xml_is_refused_naming_the_file_and_the_line(tmp_path):
    full = write_camt(tmp_path, entry()).read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(full[: full.index("<ValDt>")], encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_camt(cut)

    assert "cut.xml" in caught.value.message
    assert "line 9" in caught.value.message


def test_a_document_type_declaration_with_an_entity_is_refused_for_safety(tmp_path):
    path = tmp_path / "entity.xml"
    path.write_text(textwrap.dedent("""\
        <?xml version="1.0"?>
        <!DOCTYPE Document [<!ENTITY lol "lol">]>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&lol;</BkToCstmrStmt></Document>
        """), encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_camt(path)

    assert "refused for safety" in caught.value.message


@pytest.mark.parametrize("encoding", ["UTF-88", "shift_jis", "hex", "idna"])
def test_a_declared_encoding_that_cannot_be_read_is_refused_naming_it(tmp_path, encoding):
    """Found by the fuzzer: a misspelt, multi-byte or non-text encoding in the XML declaration raised
    LookupError or ValueError out of the XML parser."""
    path = write_camt(tmp_path, "")
    path.write_bytes(path.read_bytes().replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode()))

    with pytest.raises(InputError) as caught:
        read_camt(path)

    assert f"the encoding '{encoding}'" in caught.value.message
    assert "statement.xml: line 1" in caught.value.message


def test_an_xml_file_that_is_not_camt_is_refused_naming_its_root(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>\n", encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_camt(path)

    assert "<rss>" in caught.value.message


def test_a_payment_order_document_is_refused_naming_its_message(tmp_path):
    path = tmp_path / "pain.xml"
    path.write_text("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">"
                    "<CstmrCdtTrfInitn/></Document>\n", encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_camt(path)

    assert "Document/CstmrCdtTrfInitn" in caught.value.message


def test_an_entry_with_an_unreadable_amount_is_left_out_with_an_error_at_its_line(tmp_path):
    read = read_camt(write_camt(tmp_path, entry("1.00") + entry("12,5O")))

    assert read.frame["amount"].tolist() == [100]
    [finding] = read.findings
    assert (finding.severity, finding.row, finding.column, finding.value) == ("error", 10, "Ntry/Amt", "12,5O")


def test_a_text_file_that_is_not_xml_is_refused_before_parsing(tmp_path):
    path = tmp_path / "statement.xml"
    path.write_text(":20:STARTUMS\n:25:NL91ABNA0417164300\n", encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_camt(path)

    assert "not XML" in caught.value.message


# --- impossible dates ----------------------------------------------------------------------------


def test_a_balance_dated_30_february_refuses_the_file_naming_statement_balance_and_value(tmp_path):
    balance = ("<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">12.50</Amt>"
               "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-30</Dt></Dt></Bal>")
    path = write_camt(tmp_path, entry(), balances=balance)

    with pytest.raises(InputError) as caught:
        read_camt(path)

    assert caught.value.message == (
        f"{path}: line 8: statement STMT-1: '2026-02-30' is not a date (day is out of range for month): expected "
        "YYYY-MM-DD (balance CLBD, Bal/Dt)")


def test_an_entry_booked_on_30_february_is_left_out_with_an_error_naming_statement_and_value(tmp_path):
    read = read_camt(write_camt(tmp_path, entry("1.00") + entry("2.00", booking="<Dt>2026-02-30</Dt>")))

    assert read.frame["amount"].tolist() == [100]
    [finding] = read.findings
    assert (finding.severity, finding.row, finding.column, finding.value) == ("error", 10, "Ntry/BookgDt",
                                                                             "2026-02-30")
    assert finding.message.startswith("statement STMT-1: '2026-02-30' is not a date")


def test_check_on_a_balance_dated_30_february_prints_one_error_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from arctl.cli import app

    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    balance = ("<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">12.50</Amt>"
               "<CdtDbtInd>CRDT</CdtDbtInd><Dt><DtTm>2026-02-30T00:00:00</DtTm></Dt></Bal>")
    path = write_camt(tmp_path, entry(), balances=balance)

    result = CliRunner().invoke(app, ["check", str(path)])

    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "2026-02-30" in errors[0] and str(path) in errors[0]
