"""Bank exports in CSV, TSV and XLSX read through bank profiles into canonical bank lines.

The real exports under ../shared/fixtures/real/ (csv-bank/, xlsx-bank/) are read to the counts, sums and
traits that SOURCES.md records; small files written here pin down each profile rule, the generic profile,
the Belfius and BNP Paribas Fortis layouts, and what happens to a file that is not a bank export.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from arctl.errors import ConfigError, InputError
from arctl.io.bank.read import detect_bank_format, is_bank_file, read_bank
from arctl.io.bank.tabular import read_bank_table
from arctl.io.export import read_export
from arctl.io.profile import load_profile
from arctl.model import BANK_COLUMNS, ReadOptions

RABOBANK = "csv-bank/bank2ynab_rabobank_CSV_A_20180414_112204.csv"
KBC = "csv-bank/bank2ynab_kbc_export_BE11123456789012_20180304_1422.csv"
ING = "csv-bank/ofxdutch_ing-nl_ing_ok.csv"
KNAB = "csv-bank/ofxdutch_knab_transactieoverzicht_ok.csv"
ASN = "csv-bank/ofxdutch_asn_transactie-historie_NL00ASNB9999999999_20220717204133.csv"
ABN_TAB = "csv-bank/abnamro_TXT_SAMPLE.TAB"
OCA_XLSX = "xlsx-bank/oca_meta_data_separated_credit_debit.xlsx"


def write(tmp_path: Path, text: str, name: str = "bank.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


def credits_and_debits(frame) -> tuple[int, int, int, int]:
    """(number of credits, their sum, number of debits, their sum), in minor units."""
    credits, debits = frame[frame["amount"] > 0], frame[frame["amount"] < 0]
    return len(credits), int(credits["amount"].sum()), len(debits), int(debits["amount"].sum())


def rows_of(read) -> list[int]:
    return [int(source.rsplit(":", 1)[1]) for source in read.frame["source"]]


# --- Rabobank CSV_A -----------------------------------------------------------------------------------


def test_rabobank_reads_three_lines_with_signed_decimal_comma_amounts(real_fixture):
    read = read_bank_table(real_fixture(RABOBANK))

    assert read.format == "CSV (rabobank)"
    assert read.frame["amount"].tolist() == [-33749, 5000, -75000]
    assert credits_and_debits(read.frame) == (1, 5000, 2, -108749)
    assert read.frame["booking_date"].dt.date.tolist() == [dt.date(2018, 3, 1), dt.date(2018, 3, 14),
                                                           dt.date(2018, 3, 16)]


def test_rabobank_latin1_file_with_double_cr_line_ends_keeps_its_row_numbers(real_fixture):
    path = real_fixture(RABOBANK)
    assert b"\r\r\n" in path.read_bytes() and b"initi\xebrende" in path.read_bytes()

    read = read_export(path, ReadOptions(kind="bank"))

    assert read.detected["encoding"] == "Windows-1252"  # the superset of ISO-8859-1 that decodes it
    assert rows_of(read) == [2, 3, 4]


def test_rabobank_line_without_its_opening_quote_is_reported_and_kept(real_fixture):
    read = read_bank_table(real_fixture(RABOBANK))

    [finding] = read.findings
    assert (finding.row, finding.column, finding.field, finding.severity) == (3, "IBAN/BBAN", "account_iban",
                                                                              "warning")
    assert finding.value == 'NL77RABO0311467415"'
    assert "opening quote is missing" in finding.message
    assert read.frame["account_iban"].tolist() == ["NL77RABO0311467415"] * 3


def test_rabobank_volgnr_is_the_bank_reference_in_the_txn_id(real_fixture):
    read = read_bank_table(real_fixture(RABOBANK))

    assert read.frame["txn_id"].tolist() == ["NL77RABO0311467415:000000000000009565",
                                             "NL77RABO0311467415:000000000000009590",
                                             "NL77RABO0311467415:000000000000009591"]


def test_rabobank_loan_interest_keeps_the_old_account_number_and_no_name(real_fixture):
    first = read_bank_table(real_fixture(RABOBANK)).frame.iloc[0]

    assert (first["counterparty_iban"], first["counterparty_name"], first["remittance"]) == (
        "3114904483", "", "RENTE LENING")


# --- KBC ----------------------------------------------------------------------------------------------


def test_kbc_fee_is_one_debit_of_3_40_with_padding_stripped(real_fixture):
    read = read_bank_table(real_fixture(KBC))

    assert read.format == "CSV (kbc)"
    [line] = read.frame.to_dict("records")
    assert (line["account_iban"], line["amount"], line["currency"]) == ("BE11123456789012", -340, "EUR")
    assert line["remittance"] == "BIJDRAGE 01-02-2018 - 28-02-2018 28-02 KBC-PLUSREKENING"
    assert (line["counterparty_name"], line["counterparty_iban"], line["structured_ref"]) == ("", "", "")
    assert read.findings == []


def test_kbc_dates_are_day_first_and_valuta_is_the_value_date(real_fixture):
    read = read_bank_table(real_fixture(KBC))

    line = read.frame.iloc[0]
    assert (line["booking_date"].date(), line["value_date"].date()) == (dt.date(2018, 2, 28), dt.date(2018, 2, 28))
    assert "dates Datum DD/MM/YYYY, Valuta DD/MM/YYYY" in read.notices[0]


# --- ING Netherlands (Af/Bij) -------------------------------------------------------------------------


def test_ing_unsigned_amounts_take_their_sign_from_af_bij(real_fixture):
    read = read_bank_table(real_fixture(ING))

    assert read.format == "CSV (ing-nl)"
    assert read.frame["amount"].tolist() == [-125, 125, 0, 2000, -31, -31]
    assert credits_and_debits(read.frame) == (2, 2125, 3, -187)
    assert "currency taken as EUR (default of profile 'ing-nl')" in read.notices


def test_ing_dates_are_read_as_yyyymmdd(real_fixture):
    read = read_bank_table(real_fixture(ING))

    assert read.frame["booking_date"].dt.date.tolist()[2:4] == [dt.date(2020, 2, 13), dt.date(2019, 12, 13)]


def test_ing_two_identical_rows_stay_two_lines_with_their_own_txn_id(real_fixture):
    read = read_bank_table(real_fixture(ING))

    twins = read.frame.iloc[4:6]
    assert twins["remittance"].nunique() == 1 and twins["amount"].tolist() == [-31, -31]
    first, second = twins["txn_id"].tolist()
    assert first != second
    assert first.endswith("-1") and second.endswith("-2") and first[:-2] == second[:-2]


# --- Knab ---------------------------------------------------------------------------------------------


def test_knab_skips_the_title_row_and_reads_28_lines(real_fixture):
    read = read_bank_table(real_fixture(KNAB))

    assert read.format == "CSV (knab)"
    assert "1 line(s) above the header skipped (title or section rows)" in read.notices
    assert len(read.frame) == 28
    assert rows_of(read)[:2] == [3, 4]


def test_knab_c_d_flag_signs_amounts_with_and_without_decimals(real_fixture):
    read = read_bank_table(real_fixture(KNAB))

    assert credits_and_debits(read.frame) == (13, 2083477, 15, -2082776)
    assert read.frame["amount"].tolist()[:3] == [-82775, 82775, -250000]  # D 827,75 / C 827,75 / D 2500


def test_knab_unique_referentie_is_the_txn_id(real_fixture):
    read = read_bank_table(real_fixture(KNAB))

    assert read.frame["bank_ref"].is_unique
    assert (read.frame["txn_id"] == "NL99KNAB9999999999:" + read.frame["bank_ref"]).all()
    assert read.frame["txn_id"].iloc[0] == "NL99KNAB9999999999:B9F21PGYA068V2KD"


# --- ASN Bank (no header) -----------------------------------------------------------------------------


def test_asn_headerless_file_is_recognised_by_its_shape(real_fixture):
    read = read_bank_table(real_fixture(ASN))

    assert read.format == "CSV (asn)"
    assert "no header row: columns read by position as profile 'asn' declares" in read.notices
    assert rows_of(read) == list(range(1, 12))


def test_asn_dot_decimal_amounts_give_eleven_lines(real_fixture):
    read = read_bank_table(real_fixture(ASN))

    assert credits_and_debits(read.frame) == (3, 328692, 8, -333312)
    assert read.frame["amount"].iloc[1] == -20000  # -200.00


def test_asn_journal_date_is_the_booking_date_and_can_follow_the_value_date(real_fixture):
    line = read_bank_table(real_fixture(ASN)).frame.iloc[5]

    assert (line["booking_date"].date(), line["value_date"].date()) == (dt.date(2022, 6, 29), dt.date(2022, 6, 28))
    assert line["txn_id"] == "NL00ASNB9999999999:29-06-2022 50139616"


def test_asn_single_quotes_around_the_description_are_removed(real_fixture):
    read = read_bank_table(real_fixture(ASN))

    assert read.frame["remittance"].iloc[3] == "DIVIDEND 27/06/2022"
    assert not read.frame["remittance"].str.contains("'").any()


# --- ABN AMRO TXT/TAB (no header, comments) -------------------------------------------------------------


def test_abnamro_tab_skips_comments_and_blank_lines_and_reads_26_lines(real_fixture):
    read = read_bank_table(real_fixture(ABN_TAB))

    assert read.format == "TSV (abnamro-tab)"
    assert "14 comment line(s) starting with '#' skipped" in read.notices
    assert len(read.frame) == 26
    assert rows_of(read)[:4] == [14, 15, 16, 20]


def test_abnamro_tab_holds_two_accounts(real_fixture):
    read = read_bank_table(real_fixture(ABN_TAB))

    assert read.frame["account_iban"].value_counts().to_dict() == {"123456789": 23, "112233445": 3}
    assert read.statements == 2
    assert credits_and_debits(read.frame) == (5, 184675, 21, -396554)


def test_abnamro_tab_terugboeking_lines_are_reversals(real_fixture):
    read = read_bank_table(real_fixture(ABN_TAB))

    reversals = read.frame[read.frame["reversal"]]
    assert reversals["source"].str.rsplit(":", n=1).str[1].tolist() == ["15", "28"]
    assert reversals["amount"].tolist() == [2500, 999]


# --- OCA xlsx (metadata block, text dates, Debit/Credit text columns) ---------------------------------


def test_oca_xlsx_finds_the_header_below_four_metadata_rows(real_fixture):
    read = read_bank_table(real_fixture(OCA_XLSX))

    assert read.format == "XLSX (bank-generic)"
    assert "4 row(s) above the header skipped (title block)" in read.notices
    assert rows_of(read) == [6, 7, 8, 9]


def test_oca_xlsx_separate_debit_and_credit_text_columns_give_four_lines(real_fixture):
    read = read_bank_table(real_fixture(OCA_XLSX))

    assert read.frame["amount"].tolist() == [-5000, -10000, -8068, 130000]
    assert read.frame["remittance"].iloc[1] == "LABEL 2 CLIENTS X"
    assert read.findings == []


def test_oca_xlsx_text_dates_are_day_first_with_the_ambiguity_said(real_fixture):
    read = read_bank_table(real_fixture(OCA_XLSX))

    assert read.frame["booking_date"].dt.date.tolist() == [dt.date(2020, 4, 1)] * 2 + [dt.date(2020, 4, 2)] * 2
    assert any(n.startswith("Date: dates such as 01/04/20 fit DD/MM/YY and MM/DD/YY; read as DD/MM/YY")
               for n in read.notices)


def test_oca_xlsx_balance_footer_is_not_a_transaction(real_fixture):
    read = read_bank_table(real_fixture(OCA_XLSX))

    assert "row 10: balance/total row at the end left out (not a transaction)" in read.notices
    assert len(read.frame) == 4


# --- every reader gives the canonical frame -----------------------------------------------------------


@pytest.mark.parametrize("relative", [RABOBANK, KBC, ING, KNAB, ASN, ABN_TAB, OCA_XLSX])
def test_every_real_export_gives_the_declared_bank_columns(real_fixture, relative):
    frame = read_bank_table(real_fixture(relative)).frame

    assert list(frame.columns) == list(BANK_COLUMNS)
    assert str(frame["amount"].dtype) == "int64"
    assert str(frame["booking_date"].dtype) == "datetime64[s]"
    assert frame["txn_id"].is_unique


# --- profile rules, each on a small file --------------------------------------------------------------


def test_sign_rule_reads_unsigned_amounts_by_the_indicator(tmp_path):
    path = write(tmp_path, """\
        Datum;Bedrag;Richting;Omschrijving
        01-03-2026;12,50;Bij;factuur 1
        02-03-2026;7,25;Af;kosten
        """)
    profile = write(tmp_path, """\
        name: signed-by-flag
        kind: bank
        columns:
          booking_date: [Datum]
          amount: [Bedrag]
          remittance: [Omschrijving]
        sign:
          column: [Richting]
          credit: [Bij]
          debit: [Af]
        """, "signed-by-flag.yaml")

    read = read_bank_table(path, ReadOptions(profile=str(profile)))

    assert read.frame["amount"].tolist() == [1250, -725]


def test_an_unknown_indicator_is_an_error_naming_file_row_and_column(tmp_path):
    path = write(tmp_path, """\
        "Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","MutatieSoort","Mededelingen"
        "20260301","Klant BV","NL99INGB9999999999","","OV","Bij","10,00","Overschrijving","factuur 7"
        "20260302","Klant BV","NL99INGB9999999999","","OV","Plus","11,00","Overschrijving","factuur 8"
        """)

    read = read_bank_table(path)

    [error] = read.findings
    assert (error.file, error.row, error.column, error.value) == (str(path), 3, "Af Bij", "Plus")
    assert error.message == "not a credit/debit indicator: expected Bij (credit) or Af (debit)"
    assert read.frame["amount"].tolist() == [1000]


def test_credit_and_debit_columns_make_one_signed_amount(tmp_path):
    path = write(tmp_path, """\
        Date,Description,Debit,Credit,Currency
        2026-03-01,Invoice 12,,100.00,EUR
        2026-03-02,Bank fee,2.50,,EUR
        2026-03-03,Card,-4.00,,EUR
        """)

    read = read_bank_table(path)

    assert read.format == "CSV (bank-generic)"
    assert read.frame["amount"].tolist() == [10000, -250, -400]


def test_a_line_with_both_credit_and_debit_is_an_error(tmp_path):
    path = write(tmp_path, """\
        Date,Description,Debit,Credit
        2026-03-01,Invoice 12,1.00,100.00
        2026-03-02,Invoice 13,,50.00
        """)

    read = read_bank_table(path)

    [error] = read.findings
    assert (error.row, error.column, error.field) == (2, "Credit", "credit_amount")
    assert error.message == "both the credit and the debit column hold an amount: expected one of them"
    assert read.frame["amount"].tolist() == [5000]


def test_join_puts_every_listed_column_into_the_remittance(tmp_path):
    path = write(tmp_path, """\
        "IBAN/BBAN","Munt","Volgnr","Datum","Rentedatum","Bedrag","Naam tegenpartij","Omschrijving-1","Omschrijving-2","Omschrijving-3"
        "NL77RABO0311467415","EUR","000000000000000001","2026-03-02","2026-03-02","+121,00","Klant BV","Factuur 2026-0012"," ","en 2026-0013"
        """)

    read = read_bank_table(path)

    assert read.format == "CSV (rabobank)"
    assert read.frame["remittance"].tolist() == ["Factuur 2026-0012 en 2026-0013"]


def test_headerless_profile_reads_columns_by_position(tmp_path):
    profile = write(tmp_path, """\
        name: my-bank
        kind: bank
        headerless: [booking_date, amount, counterparty_name, remittance]
        date_format: DD.MM.YYYY
        """, "my-bank.yaml")
    path = write(tmp_path, """\
        01.03.2026;100,00;Klant BV;factuur 12
        02.03.2026;-5,00;Bank;kosten
        """)

    read = read_bank_table(path, ReadOptions(profile_dirs=(tmp_path,)))

    assert read.format == "CSV (my-bank)"
    assert read.frame["amount"].tolist() == [10000, -500]
    assert read.frame["counterparty_name"].tolist() == ["Klant BV", "Bank"]
    assert load_profile(str(profile)).headerless[0] == "booking_date"


def test_a_file_with_a_header_is_not_taken_for_a_headerless_layout(tmp_path):
    path = write(tmp_path, """\
        17-06-2022,NL00ASNB9999999999,,,,,,EUR,1.00,EUR,2.00,17-06-2022,17-06-2022,1,NGM,1,,,1
        """)
    headed = write(tmp_path, """\
        Date,Amount,Description
        2026-03-01,1.00,x
        """, "headed.csv")

    assert read_bank_table(path).format == "CSV (asn)"
    assert read_bank_table(headed).format == "CSV (bank-generic)"


def test_comment_prefix_skips_comment_lines_but_keeps_line_numbers(tmp_path):
    profile = write(tmp_path, """\
        name: commented
        kind: bank
        comment_prefix: "//"
        columns:
          booking_date: [Date]
          amount: [Amount]
        """, "commented.yaml")
    path = write(tmp_path, """\
        Date,Amount
        // exported by hand
        2026-03-01,1.00
        """)

    read = read_bank_table(path, ReadOptions(profile=str(profile)))

    assert rows_of(read) == [3]
    assert "1 comment line(s) starting with '//' skipped" in read.notices


def test_reversal_column_marks_a_returned_payment(tmp_path):
    path = write(tmp_path, """\
        Date,Amount,Description,Return reason
        2026-03-01,100.00,Invoice 12,
        2026-03-04,-100.00,Invoice 12,AC04
        """)

    read = read_bank_table(path)

    assert read.frame["reversal"].tolist() == [False, True]


def test_reversal_words_mark_a_reversal_in_the_remittance(tmp_path):
    profile = write(tmp_path, """\
        name: storno
        kind: bank
        columns:
          booking_date: [Datum]
          amount: [Betrag]
          remittance: [Verwendungszweck]
        reversal:
          words: [Storno, Rücklastschrift]
        """, "storno.yaml")
    path = write(tmp_path, """\
        Datum;Betrag;Verwendungszweck
        01.03.2026;-10,00;RÜCKLASTSCHRIFT Rechnung 5
        02.03.2026;-10,00;Rechnung 6
        """)

    read = read_bank_table(path, ReadOptions(profile=str(profile)))

    assert read.frame["reversal"].tolist() == [True, False]


def test_lines_the_bank_did_not_execute_are_left_out_with_a_notice(tmp_path):
    path = write(tmp_path, """\
        Date,Amount,Description,Status
        2026-03-01,100.00,Invoice 12,Booked
        2026-03-02,-40.00,Card,Rejected
        """)

    read = read_export(path, ReadOptions(kind="bank"))

    assert read.frame["amount"].tolist() == [10000]
    assert read.left_out == 1
    assert "1 line(s) not booked by the bank (Status: Rejected) left out" in read.notices


def test_text_quote_is_removed_only_around_whole_values(tmp_path):
    profile = write(tmp_path, """\
        name: quoted
        kind: bank
        columns:
          booking_date: [Date]
          amount: [Amount]
          remittance: [Text]
        text_quote: "'"
        """, "quoted.yaml")
    path = write(tmp_path, """\
        Date,Amount,Text
        2026-03-01,1.00,'factuur 12'
        2026-03-02,1.00,l'addition
        """)

    read = read_bank_table(path, ReadOptions(profile=str(profile)))

    assert read.frame["remittance"].tolist() == ["factuur 12", "l'addition"]


# --- the generic profile ------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [
    "Date,Value date,Amount,Currency,Counterparty,Counterparty IBAN,Structured reference,Description,Account",
    "Boekingsdatum,Valutadatum,Bedrag,Munt,Tegenpartij,Tegenrekening,Gestructureerde mededeling,Omschrijving,"
    "Rekeningnummer",
    "Date d'opération,Date valeur,Montant,Devise,Contrepartie,Compte contrepartie,Communication structurée,"
    "Communication,Compte",
    "Buchungstag,Wertstellung,Betrag,Währung,Auftraggeber,IBAN Zahlungsbeteiligter,Zahlungsreferenz,"
    "Verwendungszweck,Konto",
])
def test_generic_profile_reads_the_usual_headers_in_four_languages(tmp_path, header):
    path = write(tmp_path, header + "\n"
                 + "2026-03-02,2026-03-01,121.00,EUR,Klant BV,BE68 5390 0754 7034,+++090/9337/55493+++,"
                   "factuur 12,BE71 0961 2345 6769\n")

    read = read_bank_table(path)

    assert read.format == "CSV (bank-generic)"
    [line] = read.frame.to_dict("records")
    assert (line["booking_date"].date(), line["value_date"].date()) == (dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    assert (line["amount"], line["currency"], line["counterparty_name"]) == (12100, "EUR", "Klant BV")
    assert (line["counterparty_iban"], line["account_iban"]) == ("BE68539007547034", "BE71096123456769")
    assert (line["structured_ref"], line["remittance"]) == ("+++090/9337/55493+++", "factuur 12")
    assert line["txn_id"].startswith("BE71096123456769:h")


def test_generic_profile_decides_the_decimal_mark_per_file(tmp_path):
    comma = write(tmp_path, "Datum;Bedrag\n01-03-2026;1.234,56\n02-03-2026;-0,50\n", "comma.csv")
    point = write(tmp_path, "Date,Amount\n2026-03-01,\"1,234.56\"\n2026-03-02,-0.50\n", "point.csv")

    assert read_bank_table(comma).frame["amount"].tolist() == [123456, -50]
    assert read_bank_table(point).frame["amount"].tolist() == [123456, -50]


def test_an_ambiguous_date_column_follows_the_other_date_column(tmp_path):
    path = write(tmp_path, """\
        Date;Value date;Amount
        03/04/2026;03/04/2026;1,00
        05/04/2026;25/04/2026;1,00
        """)

    read = read_bank_table(path)

    assert read.frame["booking_date"].dt.date.tolist() == [dt.date(2026, 4, 3), dt.date(2026, 4, 5)]
    assert not any("fit" in notice for notice in read.notices)


def test_a_bad_amount_is_an_error_and_the_other_lines_stay(tmp_path):
    path = write(tmp_path, """\
        Date,Amount,Description
        2026-03-01,12.50,ok
        2026-03-02,twelve,not ok
        """)

    read = read_export(path, ReadOptions(kind="bank"))

    [error] = read.errors
    assert (error.file, error.row, error.column, error.field, error.value) == (str(path), 3, "Amount", "amount",
                                                                             "twelve")
    assert (read.rows, read.valid_rows, len(read.frame)) == (2, 1, 1)


def test_a_closing_balance_row_without_a_date_is_left_out_with_its_row(tmp_path):
    path = write(tmp_path, """\
        Datum;Bedrag;Omschrijving
        01-03-2026;10,00;factuur 1
        Nieuw saldo;1.010,00;
        """)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [1000]
    assert "row 3: balance/total row at the end left out (not a transaction)" in read.notices
    assert read.findings == []


def test_a_last_line_whose_text_starts_with_total_is_still_a_transaction(tmp_path):
    path = write(tmp_path, """\
        Date,Amount,Description
        2026-03-01,10.00,Invoice 1
        2026-03-02,-55.10,Total Energies fuel card
        """)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [1000, -5510]


def test_an_empty_booking_date_is_an_error(tmp_path):
    path = write(tmp_path, """\
        Date,Amount
        ,12.50
        2026-03-02,1.00
        """)

    read = read_bank_table(path)

    [error] = read.findings
    assert (error.row, error.column, error.message) == (2, "Date", "empty: expected the booking date")


def test_an_unknown_layout_is_refused_naming_the_file_and_its_headers(tmp_path):
    path = write(tmp_path, """\
        Klant,Factuurnummer,Totaal
        Dupont,F-1,10.00
        """)

    with pytest.raises(InputError) as caught:
        read_bank_table(path)

    assert caught.value.exit_code == 3
    assert str(path) in caught.value.message
    assert "required column missing: booking date" in caught.value.message
    assert "Klant, Factuurnummer, Totaal" in caught.value.hint


# --- Belfius and BNP Paribas Fortis (layouts from public code; no real file under a licence) -----------


BELFIUS_NL = """\
    Boekingsdatum vanaf;01/03/2026
    Boekingsdatum tot en met;31/03/2026
    Bedrag vanaf;
    Bedrag tot en met;
    Rekeninguittrekselnummer vanaf;
    Rekeninguittrekselnummer tot en met;
    Mededeling;
    Naam tegenpartij bevat;
    Rekening tegenpartij;
    Laatste saldo;4.507,21 EUR
    Datum/uur van het laatste saldo;31/03/2026 12:46:57
    ;
    Rekening;Boekingsdatum;Rekeninguittrekselnummer;Transactienummer;Rekening tegenpartij;Naam tegenpartij bevat;Straat en nummer;Postcode en plaats;Transactie;Valutadatum;Bedrag;Devies;BIC;Landcode;Mededelingen
    BE81 0637 5694 4024;02/03/2026;00010;51;BE68 5390 0754 7034;KLANT BV;Kerkstraat 1;9000 Gent;OVERSCHRIJVING VAN KLANT BV;01/03/2026;1.210,00;EUR;GKCCBEBB;BE;+++090/9337/55493+++
    BE81 0637 5694 4024;03/03/2026;;;;Bancontact Payconiq Co;;3200 Aarschot;BANCONTACT - AANKOOP;03/03/2026;-67,90;EUR;;BE;BANCONTACT - AANKOOP
    """


def test_belfius_export_is_recognised_below_its_filter_block(tmp_path):
    read = read_bank_table(write(tmp_path, BELFIUS_NL, encoding="cp1252"))

    assert read.format == "CSV (belfius)"
    assert "12 line(s) above the header skipped (title or section rows)" in read.notices
    assert read.frame["amount"].tolist() == [121000, -6790]
    first = read.frame.iloc[0]
    assert (first["account_iban"], first["counterparty_iban"]) == ("BE81063756944024", "BE68539007547034")
    assert first["remittance"] == "+++090/9337/55493+++ OVERSCHRIJVING VAN KLANT BV"
    assert first["value_date"].date() == dt.date(2026, 3, 1)


def test_belfius_french_export_reads_with_its_own_profile(tmp_path):
    path = write(tmp_path, """\
        Date de comptabilisation à partir de;01/03/2026
        Dernier solde;69.462,74 EUR
        ;
        Compte;Date de comptabilisation;Numéro d'extrait;Numéro de transaction;Compte contrepartie;Nom contrepartie contient;Rue et numéro;Code postal et localité;Transaction;Date valeur;Montant;Devise;BIC;Code pays;Communications
        BE31 0689 4940 0055;09/03/2026;;;BE97 7785 9868 3449;ACP RES. LE BOSQUET;RUE MURILLO 11;1000 BRUXELLES;VERSEMENT F2026-345;09/03/2026;1299,56;EUR;GKCCBEBB;BE;F2026-345
        """)

    read = read_bank_table(path)

    assert read.format == "CSV (belfius-fr)"
    assert read.frame[["amount", "counterparty_name"]].values.tolist() == [[129956, "ACP RES. LE BOSQUET"]]


def test_bnp_paribas_fortis_export_leaves_refused_lines_out(tmp_path):
    path = write(tmp_path, """\
        Volgnummer;Uitvoeringsdatum;Valutadatum;Bedrag;Valuta rekening;Rekeningnummer;Type verrichting;Tegenpartij;Naam van de tegenpartij;Mededeling;Details;Status;Reden van weigering
        2026-00127;02/03/2026;01/03/2026;121,00;EUR;BE68539007547034;Overschrijving in euro;BE20914001278412;KLANT BV;+++090/9337/55493+++;OVERSCHRIJVING IN EURO VAN KLANT BV BANKREFERENTIE : 2603021200;Geaccepteerd;
        2026-;03/03/2026;03/03/2026;-50,00;EUR;BE68539007547034;Overschrijving in euro;BE11000000000000;LEVERANCIER;factuur 9;OVERSCHRIJVING IN EURO;Geweigerd;Onvoldoende saldo
        """, encoding="utf-8-sig")

    read = read_export(path, ReadOptions(kind="bank"))

    assert read.profile.name == "bnp-paribas-fortis"
    assert read.frame["amount"].tolist() == [12100]
    assert "1 line(s) not booked by the bank (Status: Geweigerd) left out" in read.notices
    line = read.frame.iloc[0]
    assert (line["counterparty_iban"], line["counterparty_name"]) == ("BE20914001278412", "KLANT BV")
    assert line["remittance"].startswith("+++090/9337/55493+++ OVERSCHRIJVING IN EURO")


def test_bnp_paribas_fortis_french_export_reads_with_its_own_profile(tmp_path):
    path = write(tmp_path, """\
        Nº de séquence;Date d'exécution;Date valeur;Montant;Devise du compte;Numéro de compte;Type de transaction;Contrepartie;Nom de la contrepartie;Communication;Détails;Statut;Motif du refus
        2023-00127;28/03/2023;28/03/2023;18;EUR;BE00010001000101;Virement en euros;BE00020002000202;Dupont;facture 12;VIREMENT EN EUROS DU COMPTE BE00020002000202;Accepté;
        """, encoding="cp1252")

    read = read_bank_table(path)

    assert read.format == "CSV (bnp-paribas-fortis-fr)"
    assert read.frame[["amount", "account_iban"]].values.tolist() == [[1800, "BE00010001000101"]]


# --- named profiles, profile checks, read_export ------------------------------------------------------


@pytest.mark.parametrize("name", ["kbc", "rabobank", "ing-nl", "knab", "abnamro-tab", "asn", "belfius",
                                  "belfius-fr", "bnp-paribas-fortis", "bnp-paribas-fortis-fr"])
def test_every_named_bank_profile_cites_its_source_and_says_what_is_unconfirmed(name):
    profile = load_profile(name)
    text = Path(profile.origin).read_text(encoding="utf-8")

    assert profile.kind == "bank"
    assert "Source:" in text or "Sources:" in text
    if name.startswith(("belfius", "bnp")):
        assert "Unconfirmed:" in text


def test_bank_rules_in_an_invoice_profile_are_refused(tmp_path):
    profile = write(tmp_path, """\
        name: wrong
        kind: invoices
        sign:
          column: [Af Bij]
          credit: [Bij]
          debit: [Af]
        """, "wrong.yaml")

    with pytest.raises(ConfigError) as caught:
        load_profile(str(profile))

    assert "sign: only bank profiles (kind: bank) use this key" in str(caught.value)


def test_a_sign_rule_without_debit_values_is_refused(tmp_path):
    profile = write(tmp_path, """\
        name: half
        kind: bank
        sign:
          column: [CD]
          credit: [C]
        """, "half.yaml")

    with pytest.raises(ConfigError) as caught:
        load_profile(str(profile))

    assert "sign: debit: expected a list of values" in str(caught.value)


def test_read_export_hands_a_recognised_bank_export_to_the_bank_reader(real_fixture):
    read = read_export(real_fixture(KNAB))

    assert (read.kind, read.profile.name, read.rows, read.valid_rows) == ("bank", "knab", 28, 28)
    assert list(read.frame.columns) == list(BANK_COLUMNS)


def test_read_export_reads_a_bank_export_when_told_the_kind(tmp_path):
    path = write(tmp_path, "Date,Amount,Description\n2026-03-01,1.00,x\n")

    read = read_export(path, ReadOptions(kind="bank"))

    assert (read.kind, read.profile.name, len(read.frame)) == ("bank", "bank-generic", 1)


def test_read_bank_reads_a_tabular_export(real_fixture):
    read = read_bank(real_fixture(KBC))

    assert read.format == "CSV (kbc)"
    assert read.frame["amount"].tolist() == [-340]


# --- detecting the format from the content ------------------------------------------------------------


EXPECTED_FORMAT = {"camt053": "camt", "camt054": "camt", "mt940": "mt940", "coda": "coda", "csv-bank": "table",
                   "xlsx-bank": "table"}


@pytest.mark.parametrize("folder", sorted(EXPECTED_FORMAT))
def test_detect_bank_format_knows_every_real_fixture_folder(real_fixture, folder):
    files = sorted(p for p in real_fixture(folder).iterdir() if p.is_file())

    assert files
    assert {p.name: detect_bank_format(p) for p in files} == {p.name: EXPECTED_FORMAT[folder] for p in files}


def test_detect_bank_format_refuses_xml_that_is_not_camt(tmp_path):
    path = write(tmp_path, "<?xml version='1.0'?>\n<Invoice><ID>1</ID></Invoice>\n", "invoice.xml")

    with pytest.raises(InputError) as caught:
        detect_bank_format(path)

    assert f"{path}: an XML file, but not an ISO 20022 camt.052/053/054 bank statement (root element Invoice)" \
        == caught.value.message


def test_detect_bank_format_needs_every_record_within_128_characters_and_of_a_coda_type(tmp_path):
    record = "0" + "0" * 127
    coda = write(tmp_path, f"{record}\n{'1' + ' ' * 127}\n", "a.cod")
    trimmed = write(tmp_path, f"{record}\n1 trailing spaces trimmed\n", "b.cod")  # padded by the CODA reader
    long = write(tmp_path, f"{record}\n{'1' + ' ' * 128}\n", "c.cod")
    text = write(tmp_path, f"{record}\nDate;Amount\n", "d.cod")

    assert [detect_bank_format(p) for p in (coda, trimmed, long, text)] == ["coda", "coda", "table", "table"]



def test_is_bank_file_asks_the_kind_then_the_profile_then_the_content(tmp_path):
    record = "0" + "0" * 127
    coda = write(tmp_path, f"{record}\n{'1' + ' ' * 127}\n", "statement.txt")
    table = write(tmp_path, "Date,Amount,Description\n2026-03-01,1.00,x\n")

    assert [is_bank_file(coda), is_bank_file(table)] == [True, False]
    assert [is_bank_file(coda, ReadOptions(kind="invoices")), is_bank_file(table, ReadOptions(kind="bank"))] \
        == [False, True]
    assert [is_bank_file(table, ReadOptions(profile="kbc")), is_bank_file(coda, ReadOptions(profile="generic"))] \
        == [True, False]
