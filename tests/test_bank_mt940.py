"""MT940 files read into canonical bank lines (io/bank/mt940.py).

Golden values for the seven real files come from ../shared/fixtures/real/SOURCES.md (section mt940/);
the small files written here pin the behaviours the real files do not show.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd
import pytest

from arctl.errors import InputError
from arctl.io.bank.lines import balance_findings
from arctl.io.bank.mt940 import read_mt940
from arctl.model import BANK_COLUMNS

ING = "mt940/oca_ing-nl_test-ing.940"
SNS = "mt940/oca_sns_test-sns.940"
RABO = "mt940/phpmt940_rabobank_sample3.sta"
ABN = "mt940/jejik_abnamro.sta"
KNAB = "mt940/jejik_knab.sta"
TRIODOS = "mt940/jejik_triodos.sta"
BETTERPLACE = "mt940/betterplace_de_sepa_snippet.sta"
ALL = (ING, SNS, RABO, ABN, KNAB, TRIODOS, BETTERPLACE)
# the files the `mt-940` package (5.1.1) accepts; it refuses ING's (wrapped :28C:) and SNS's (two-line :61:)
ACCEPTED_BY_MT940_PACKAGE = (RABO, ABN, KNAB, TRIODOS, BETTERPLACE)


def counts(frame: pd.DataFrame) -> tuple[int, int, int]:
    """(transactions, credits, debits) by the sign of the amount."""
    return len(frame), int((frame["amount"] > 0).sum()), int((frame["amount"] < 0).sum())


def line_at(frame: pd.DataFrame, line: int) -> pd.Series:
    """The bank line whose :61: starts at physical line `line`."""
    rows = frame[frame["source"].str.endswith(f":{line}")]
    assert len(rows) == 1, f"no single :61: at line {line}"
    return rows.iloc[0]


def balance_warnings(read):
    """What `arctl check` says about the statements' balances (lines.balance_findings)."""
    return balance_findings(read, "en")


def write(tmp_path: Path, text: str, name: str = "statement.sta", *, encoding: str = "utf-8",
          newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


MINIMAL = """\
:20:STMT1
:25:NL91ABNA0417164300
:28C:1/1
:60F:C240229EUR100,00
:61:2403010301C25,50NTRFNONREF//BANKREF1
:86:/EREF/E2E1//CNTP/NL02RABO0123456789/RABONL2U/KLANT BV/UTRECHT//REMI/USTD//Factuur 2024-001/
:62F:C240301EUR125,50
-
"""


# --- every file ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_frame_has_the_canonical_bank_columns(real_fixture, name):
    read = read_mt940(real_fixture(name))
    assert list(read.frame.columns) == list(BANK_COLUMNS)
    assert read.format == "mt940"


@pytest.mark.parametrize("name", ALL)
def test_txn_ids_are_stable_across_two_reads_and_distinct(real_fixture, name):
    path = real_fixture(name)
    first, second = read_mt940(path).frame, read_mt940(path).frame
    assert list(first["txn_id"]) == list(second["txn_id"])
    assert first["txn_id"].is_unique


@pytest.mark.parametrize("name", ALL)
def test_source_names_file_and_the_physical_line_of_the_61(real_fixture, name):
    path = real_fixture(name)
    physical = path.read_text(encoding="latin-1").splitlines()
    for source in read_mt940(path).frame["source"]:
        file, _, line = source.rpartition(":")
        assert file == str(path)
        assert physical[int(line) - 1].startswith(":61:")


# --- ING (oca_ing-nl_test-ing.940) -------------------------------------------------------------


def test_ing_one_statement_eight_transactions_four_credits_four_debits(real_fixture):
    read = read_mt940(real_fixture(ING))
    assert read.statements == 1
    assert counts(read.frame) == (8, 4, 4)
    assert set(read.frame["currency"]) == {"EUR"}


def test_ing_account_with_currency_glued_on_is_the_iban(real_fixture):
    read = read_mt940(real_fixture(ING))
    assert set(read.frame["account_iban"]) == {"NL77INGB0574908765"}


def test_ing_remi_strd_gives_the_betalingskenmerk_as_structured_ref(real_fixture):
    frame = read_mt940(real_fixture(ING)).frame
    row = frame[frame["structured_ref"] == "9001123412341234"].iloc[0]
    assert row["amount"] == 3200
    assert row["counterparty_iban"] == "NL32INGB0000012345"
    assert row["counterparty_name"] == "J.Janssen"


def test_ing_two_returns_are_marked_reversal(real_fixture):
    frame = read_mt940(real_fixture(ING)).frame
    returns = frame[frame["reversal"]]
    assert sorted(returns["amount"]) == [-1275, 157]
    assert sorted(returns["bank_ref"]) == ["00000000001007", "00000000001010"]


def test_ing_values_wrapped_anywhere_are_joined_without_a_space(real_fixture):
    frame = read_mt940(real_fixture(ING)).frame
    assert line_at(frame, 39)["remittance"] == "CONTRIBUTIE FEB 2014"          # "CO" / "NTRIBUTIE"
    assert line_at(frame, 9)["counterparty_name"] == "ING BANK NV INZAKE WEB"  # "/INGBNL2" / "A/ING BANK"
    assert line_at(frame, 21)["remittance"] == "EV123REP123412T1234"           # "MND" / "-" / "EV01" inside
    assert line_at(frame, 31)["remittance"] == "TOTAAL 1 POSTEN"


def test_ing_bank_reference_wrapped_onto_the_next_line_is_completed(real_fixture):
    frame = read_mt940(real_fixture(ING)).frame
    assert line_at(frame, 9)["bank_ref"] == "00000000001005"   # "//00000000001" / "005"
    assert line_at(frame, 51)["bank_ref"] == "00000000001012"  # followed by "/" / "TRCD/00108/"
    assert frame["txn_id"].str.startswith("NL77INGB0574908765:000000000010").all()


def test_ing_free_text_keeps_invoice_and_customer_number(real_fixture):
    frame = read_mt940(real_fixture(ING)).frame
    assert line_at(frame, 17)["remittance"] == "Factuurnr 123456 Klantnr 00123"


def test_ing_balances_opening_closing_available_and_two_forward(real_fixture):
    read = read_mt940(real_fixture(ING))
    assert [(b.kind, b.date, b.amount) for b in read.balances] == [
        ("OPBD", dt.date(2014, 2, 19), 66223),
        ("CLBD", dt.date(2014, 2, 20), 56435),
        ("CLAV", dt.date(2014, 2, 20), 56435),
        ("FWAV", dt.date(2014, 2, 21), 56435),
        ("FWAV", dt.date(2014, 2, 24), 56435),
    ]


def test_ing_closing_equals_opening_plus_lines(real_fixture):
    read = read_mt940(real_fixture(ING))
    assert 66223 + int(read.frame["amount"].sum()) == 56435
    assert balance_warnings(read) == []
    assert read.findings == []


def test_ing_statement_level_86_after_the_closing_balance_is_not_a_transaction(real_fixture):
    frame = read_mt940(real_fixture(ING)).frame
    assert not frame["remittance"].str.contains("SUM").any()


# --- SNS (oca_sns_test-sns.940) ----------------------------------------------------------------


def test_sns_three_statements_eight_transactions_one_credit_seven_debits(real_fixture):
    read = read_mt940(real_fixture(SNS))
    assert read.statements == 3
    frame = read.frame
    assert len(frame) == 8
    assert int((frame["amount"] < 0).sum()) == 7
    assert int((frame["amount"] == 0).sum()) == 1  # the one credit is C0,00


def test_sns_zero_amount_informational_line_is_kept(real_fixture):
    row = line_at(read_mt940(real_fixture(SNS)).frame, 50)
    assert row["amount"] == 0
    assert row["remittance"].startswith("Mobiel betalen is vanaf nu niet meer mogelijk")


def test_sns_counterparty_iban_and_name_from_the_first_86_line(real_fixture):
    row = line_at(read_mt940(real_fixture(SNS)).frame, 6)
    assert row["counterparty_iban"] == "NL49RABO0166416932"
    assert row["counterparty_name"] == "gerrits glas en schilderwerk"
    assert row["remittance"] == "Factuur 17227/248/20"
    assert row["amount"] == -71313


def test_sns_grid_lines_of_65_characters_are_joined_without_a_space(real_fixture):
    frame = read_mt940(real_fixture(SNS)).frame
    vitens = line_at(frame, 21)["remittance"]
    assert "Factuurnr 072304597540 VNKlantnr 00000000000" in vitens
    assert "Incassant ID: NL84ZZZ050695810000" in vitens
    assert "thuismy.t-mobile.nl" in line_at(frame, 71)["remittance"]


def test_sns_card_payment_keeps_the_bank_reference(real_fixture):
    row = line_at(read_mt940(real_fixture(SNS)).frame, 14)
    assert row["bank_ref"] == "228ohu/972795"
    assert row["remittance"].startswith("Jumbo Wijchen B.V. >WIJCHEN 27.12.2017")


def test_sns_closed_statements_balance_and_the_unclosed_one_is_named(real_fixture):
    read = read_mt940(real_fixture(SNS))
    assert read.findings == []
    assert balance_warnings(read) == []
    frame = read.frame
    assert 302696 + int(frame[frame["booking_date"] == "2017-12-27"]["amount"].sum()) == 226452
    assert 226452 + int(frame[frame["booking_date"] == "2017-12-28"]["amount"].sum()) == 225357
    assert any("0000000000/363/1" in notice for notice in read.notices)  # no :62F: in the third


# --- Rabobank (phpmt940_rabobank_sample3.sta) --------------------------------------------------


def test_rabobank_two_statements_twelve_transactions_eight_credits_four_debits(real_fixture):
    read = read_mt940(real_fixture(RABO))
    assert read.statements == 2
    assert counts(read.frame) == (12, 8, 4)


def test_rabobank_one_payment_for_two_invoices_keeps_both_numbers(real_fixture):
    row = line_at(read_mt940(real_fixture(RABO)).frame, 13)
    assert row["remittance"] == "NR.201303-111/11.3.2013 NR.201303-112/11.3.2013"
    assert row["counterparty_name"] == "Bedrijf B.V."
    assert row["counterparty_iban"] == "0663616476"  # old account number on the :61: supplementary line
    assert row["amount"] == 16990                     # 000000000169,90


def test_rabobank_value_date_outside_the_period_is_kept_and_booked_on_the_closing_date(real_fixture):
    read = read_mt940(real_fixture(RABO))
    row = line_at(read.frame, 18)
    assert row["value_date"] == pd.Timestamp("2013-11-25")
    assert row["booking_date"] == pd.Timestamp("2013-04-03")
    assert any("value date outside" in notice for notice in read.notices)


def test_rabobank_name_wrapped_at_65_characters_is_joined_without_a_space(real_fixture):
    row = line_at(read_mt940(real_fixture(RABO)).frame, 7)
    assert row["counterparty_name"] == "Nespresso Nederland B.V."
    assert row["counterparty_iban"] == "NL96RBOS0523149468"


def test_rabobank_accw_gives_the_counterparty_iban(real_fixture):
    row = line_at(read_mt940(real_fixture(RABO)).frame, 70)
    assert row["counterparty_iban"] == "NL54INGB0006752576"
    assert row["counterparty_name"] == "Hr A B Huibers en/of Mw S L Huibers-Huveneers"
    assert row["remittance"] == "1000122-P5549161"


def test_rabobank_invoice_numbers_in_remittance(real_fixture):
    remittances = list(read_mt940(real_fixture(RABO)).frame["remittance"])
    assert "Factuur 307472" in remittances
    assert "Ref: 201302-080" in remittances
    assert any(text.startswith("factuurnummer 201303-128") for text in remittances)


def test_rabobank_balances_are_inconsistent_and_reported(real_fixture):
    # the sample's balances do not follow from its lines (1147,95 + 387,56 is not 1190,35)
    read = read_mt940(real_fixture(RABO))
    assert [finding.row for finding in balance_warnings(read)] == [28, 74]
    assert all(finding.severity == "warning" for finding in balance_warnings(read))


# --- ABN AMRO classic (jejik_abnamro.sta) ------------------------------------------------------


def test_abn_two_statements_ten_debits(real_fixture):
    read = read_mt940(real_fixture(ABN))
    assert read.statements == 2
    assert counts(read.frame) == (10, 0, 10)
    assert set(read.frame["account_iban"]) == {"517852257"}


def test_abn_betalingskenmerk_in_free_text_is_the_structured_ref(real_fixture):
    row = line_at(read_mt940(real_fixture(ABN)).frame, 8)
    assert row["structured_ref"] == "000000042188659"
    assert "BETALINGSKENM. 000000042188659 5314606715 BETREFT FACTUUR D.D. 20-05-2011" in row["remittance"]
    assert (row["counterparty_iban"], row["counterparty_name"]) == ("428428", "KPN - DIGITENNE")


def test_abn_amounts_without_decimals(real_fixture):
    frame = read_mt940(real_fixture(ABN)).frame
    assert line_at(frame, 8)["amount"] == -900      # 9,
    assert line_at(frame, 23)["amount"] == -10700   # 107,
    assert line_at(frame, 38)["amount"] == -1500    # 15,


def test_abn_entry_date_is_the_booking_date(real_fixture):
    row = line_at(read_mt940(real_fixture(ABN)).frame, 12)  # 1105210523
    assert row["value_date"] == pd.Timestamp("2011-05-21")
    assert row["booking_date"] == pd.Timestamp("2011-05-23")


def test_abn_28_and_28c_and_intermediate_balances(real_fixture):
    read = read_mt940(real_fixture(ABN))
    assert [(b.kind, b.amount) for b in read.balances] == [
        ("OPBD", 323628), ("CLBD", 87684), ("OPBD", 287684), ("CLBD", 184975)]
    assert read.frame["txn_id"].str.startswith("517852257:h").all()  # NONREF: hashed ids


def test_abn_balances_are_inconsistent_and_reported(real_fixture):
    # 3236,28 - 321,44 is 2914,84, not 876,84; 2876,84 - 24,49 is 2852,35, not 1849,75
    read = read_mt940(real_fixture(ABN))
    assert [(finding.row, finding.column) for finding in balance_warnings(read)] == [(27, ":62F:"), (40, ":62M:")]


# --- Knab (jejik_knab.sta) ---------------------------------------------------------------------


def test_knab_two_statements_three_transactions_two_credits_one_debit(real_fixture):
    read = read_mt940(real_fixture(KNAB))
    assert read.statements == 2
    assert counts(read.frame) == (3, 2, 1)


def test_knab_debit_for_two_invoices_with_rek_and_naam(real_fixture):
    row = line_at(read_mt940(real_fixture(KNAB)).frame, 14)
    assert row["remittance"] == "FACTUUR 201403110, 201403113"
    assert row["counterparty_iban"] == "NL65INGB0123456789"
    assert row["counterparty_name"] == "PICQER"
    assert row["amount"] == -726000


def test_knab_bank_reference_is_the_id_and_the_timestamp_customer_reference_is_not(real_fixture):
    row = line_at(read_mt940(real_fixture(KNAB)).frame, 17)  # C500NTRF29-07-2014 10:05//B4G29PGDCK1QFV3E
    assert row["amount"] == 50000
    assert row["bank_ref"] == "B4G29PGDCK1QFV3E"
    assert row["txn_id"] == "123456789:B4G29PGDCK1QFV3E"


def test_knab_first_statement_balances_second_does_not(real_fixture):
    # 0, + 500 = 500,; but 3058,98 - 7260 + 500 is -3701,02, not 798,98
    read = read_mt940(real_fixture(KNAB))
    assert read.balances[0].amount + 50000 == read.balances[1].amount == 50000
    assert [finding.row for finding in balance_warnings(read)] == [20]


# --- Triodos (jejik_triodos.sta) ---------------------------------------------------------------


def test_triodos_one_statement_two_debits(real_fixture):
    read = read_mt940(real_fixture(TRIODOS))
    assert read.statements == 1
    assert counts(read.frame) == (2, 0, 2)
    assert set(read.frame["account_iban"]) == {"0390123456"}


def test_triodos_counterparty_account_from_marker_10_and_description_from_20_to_24(real_fixture):
    frame = read_mt940(real_fixture(TRIODOS)).frame
    first = line_at(frame, 5)
    assert first["counterparty_iban"] == "0987654321"
    assert first["remittance"] == "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010"
    assert line_at(frame, 9)["remittance"] == "HUUR KANTOOR - FEB 2010"


def test_triodos_balances_are_inconsistent_and_reported(real_fixture):
    # 4975,09 - 715,70 is 4259,39, not 4370,79
    assert [finding.row for finding in balance_warnings(read_mt940(real_fixture(TRIODOS)))] == [12]


# --- German/ZKA (betterplace_de_sepa_snippet.sta) ----------------------------------------------


def test_german_two_statements_for_two_accounts_eleven_transactions(real_fixture):
    read = read_mt940(real_fixture(BETTERPLACE))
    assert read.statements == 2
    assert counts(read.frame) == (11, 8, 3)
    assert list(dict.fromkeys(read.frame["account_iban"])) == ["50880050/0194787400888", "50880050/0194791600888"]


def test_german_cr_with_funds_code_r_is_a_credit_not_a_reversal(real_fixture):
    row = line_at(read_mt940(real_fixture(BETTERPLACE)).frame, 5)  # 0709070904CR50990,05
    assert row["amount"] == 5099005
    assert not row["reversal"]


def test_german_iban_from_31_is_joined_across_lines(real_fixture):
    row = line_at(read_mt940(real_fixture(BETTERPLACE)).frame, 5)  # ?31DE1450880 / 0500194785000
    assert row["counterparty_iban"] == "DE14508800500194785000"
    assert row["counterparty_name"] == "KARL KAUFMANN"


def test_german_remittance_is_the_svwz_text(real_fixture):
    frame = read_mt940(real_fixture(BETTERPLACE)).frame
    assert line_at(frame, 10)["remittance"] == "Strukturierter Verwendungszweck 30030004 DE"
    assert line_at(frame, 5)["remittance"] == "Verw CTSc-01 BC-PPP TFNr 22 004"


def test_german_entry_date_before_the_value_date(real_fixture):
    row = line_at(read_mt940(real_fixture(BETTERPLACE)).frame, 5)
    assert row["value_date"] == pd.Timestamp("2007-09-07")
    assert row["booking_date"] == pd.Timestamp("2007-09-04")


def test_german_returned_transfers_gvc_159_are_reversals(real_fixture):
    frame = read_mt940(real_fixture(BETTERPLACE)).frame
    assert sorted(frame[frame["reversal"]]["amount"]) == [-8, 33533, 1500000, 91531155]


def test_german_first_statement_balances_second_does_not(real_fixture):
    # account ...4787400888: 766656,49 + 358593,91 = 1125250,40; the second is 300,08 off
    read = read_mt940(real_fixture(BETTERPLACE))
    first = read.frame[read.frame["account_iban"] == "50880050/0194787400888"]
    assert read.balances[0].amount + int(first["amount"].sum()) == read.balances[1].amount
    assert [finding.row for finding in balance_warnings(read)] == [55]


# --- cross-check with the mt-940 package -------------------------------------------------------


@pytest.mark.parametrize("name", ACCEPTED_BY_MT940_PACKAGE)
def test_amounts_and_dates_agree_with_the_mt940_package(real_fixture, name):
    mt940 = pytest.importorskip("mt940", reason="the mt-940 package (pip install mt-940) is not installed")
    path = real_fixture(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = list(mt940.parse(str(path)))
    ours = read_mt940(path).frame
    assert len(ours) == len(theirs)

    def day(value) -> dt.date:
        return dt.date(value.year, value.month, value.day)

    for (_, row), transaction in zip(ours.iterrows(), theirs, strict=True):
        data = transaction.data
        assert row["amount"] == int(data["amount"].amount * 100)
        assert row["value_date"].date() == day(data["date"])
        if data.get("entry_date"):
            assert row["booking_date"].date() == day(data["entry_date"])


# --- small files -------------------------------------------------------------------------------


def test_minimal_statement_reads_one_credit_with_its_details(tmp_path):
    read = read_mt940(write(tmp_path, MINIMAL))
    assert read.statements == 1
    row = read.frame.iloc[0]
    assert row["txn_id"] == "NL91ABNA0417164300:BANKREF1"
    assert (row["amount"], row["currency"]) == (2550, "EUR")
    assert row["booking_date"] == pd.Timestamp("2024-03-01")
    assert (row["counterparty_name"], row["counterparty_iban"]) == ("KLANT BV", "NL02RABO0123456789")
    assert row["remittance"] == "Factuur 2024-001"
    assert row["source"].endswith("statement.sta:5")
    assert read.findings == []


def test_rc_mark_is_a_reversal_booked_as_a_debit(tmp_path):
    text = MINIMAL.replace("C25,50NTRF", "RC25,50NTRF").replace("C240301EUR125,50", "C240301EUR74,50")
    row = read_mt940(write(tmp_path, text)).frame.iloc[0]
    assert row["reversal"]
    assert row["amount"] == -2550


def test_broken_61_raises_input_error_naming_file_and_line(tmp_path):
    path = write(tmp_path, MINIMAL.replace(":61:2403010301C25,50NTRF", ":61:2403010301X25,50NTRF"))
    with pytest.raises(InputError) as raised:
        read_mt940(path)
    assert str(path) in raised.value.message
    assert "line 5" in raised.value.message


def test_file_that_is_not_mt940_raises_input_error(tmp_path):
    path = write(tmp_path, "Datum;Bedrag;Omschrijving\n01-03-2024;25,50;Factuur 2024-001\n", "export.csv")
    with pytest.raises(InputError, match="not an MT940 statement"):
        read_mt940(path)


def test_crlf_and_cr_line_ends_read_like_lf(tmp_path):
    expected = read_mt940(write(tmp_path, MINIMAL, "lf.sta")).frame.drop(columns="source")
    for newline, name in (("\r\n", "crlf.sta"), ("\r", "cr.sta")):
        frame = read_mt940(write(tmp_path, MINIMAL, name, newline=newline)).frame.drop(columns="source")
        pd.testing.assert_frame_equal(frame, expected)


def test_cp1252_file_is_decoded_with_a_notice(tmp_path):
    text = MINIMAL.replace("Factuur 2024-001", "Factuur 2024-001 café €")
    read = read_mt940(write(tmp_path, text, encoding="cp1252"))
    assert read.frame.iloc[0]["remittance"] == "Factuur 2024-001 café €"
    assert any("cp1252" in notice for notice in read.notices)


def test_entry_date_in_the_next_year_crosses_the_year_end(tmp_path):
    text = MINIMAL.replace(":61:2403010301C", ":61:2312310102C").replace(":62F:C240301", ":62F:C240102")
    row = read_mt940(write(tmp_path, text)).frame.iloc[0]
    assert row["value_date"] == pd.Timestamp("2023-12-31")
    assert row["booking_date"] == pd.Timestamp("2024-01-02")


def test_swift_blocks_and_header_lines_are_stripped_between_statements(tmp_path):
    second = MINIMAL.replace("STMT1", "STMT2").replace("BANKREF1", "BANKREF2")
    text = ("{1:F01ABNANL2AXXXX0000000000}{2:O940ABNANL2AXXXXN}{3:{108:X}}{4:\n" + MINIMAL.replace("-\n", "")
            + "-}{5:{CHK:123}}\nABNANL2A\n940\nABNANL2A\n" + second)
    read = read_mt940(write(tmp_path, text))
    assert read.statements == 2
    assert list(read.frame["bank_ref"]) == ["BANKREF1", "BANKREF2"]


def test_identical_nonref_lines_get_hashed_ids_with_occurrence_numbers(tmp_path):
    text = """\
:20:STMT1
:25:NL91ABNA0417164300
:28C:1/1
:60F:C240229EUR100,00
:61:2403010301C25,50NTRFNONREF
:86:BETALING
:61:2403010301C25,50NTRFNONREF
:86:BETALING
:62F:C240301EUR151,00
-
"""
    frame = read_mt940(write(tmp_path, text)).frame
    assert list(frame["bank_ref"]) == ["", ""]
    first, second = frame["txn_id"]
    assert first.startswith("NL91ABNA0417164300:h") and first.endswith("-1")
    assert second == first[:-1] + "2"


def test_closing_balance_that_does_not_follow_from_the_lines_is_a_warning(tmp_path):
    read = read_mt940(write(tmp_path, MINIMAL.replace("C240301EUR125,50", "C240301EUR125,51")))
    assert [(f.row, f.column, f.severity) for f in balance_warnings(read)] == [(7, ":62F:", "warning")]


def test_the_statement_reaches_its_closing_balance_date_not_only_its_last_line(tmp_path):
    from arctl.io.bank.lines import statement_reach

    # the only line is of 2024-03-01; the closing balance :62F: is dated 2024-03-05
    read = read_mt940(write(tmp_path, MINIMAL.replace(":62F:C240301", ":62F:C240305")))

    assert statement_reach(read.frame, read.balances) == {"NL91ABNA0417164300": dt.date(2024, 3, 5)}
