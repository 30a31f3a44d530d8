"""Bank exports as German, Austrian and Belgian banks write them: report preambles, German and French headers,
debit/credit columns, files without a header row (columns inferred from the content), and oversized fields.

Every sample below is written by hand from the public description its profile names (the bank's importer
in an open-source project, or its documentation), never copied from a file; IBANs are valid test numbers.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.errors import InputError
from arctl.io.bank.tabular import read_bank_table
from arctl.io.export import read_export
from arctl.io.profile import builtin_names, load_profile
from arctl.model import ReadOptions

OWN_DE = "DE89370400440532013000"
OWN_BE = "BE71096123456769"


def write(tmp_path: Path, text: str, name: str = "bank.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


def lines(read) -> list[tuple]:
    frame = read.frame
    return list(zip(frame["booking_date"].dt.date, frame["amount"], frame["counterparty_name"], strict=True))


# --- German banks ------------------------------------------------------------------------------------------


# Deutsche Bank: preamble, Betrag empty, the amount in Soll (with its minus) or Haben, d.M.yyyy dates and a
# closing Kontostand line (firefly-iii/import-configurations de/deutschebank/Readme.md and public importers).
DEUTSCHE_BANK = """\
    Umsätze Girokonto;Zeitraum: 01.09.2026 - 25.09.2026;
    Neuer Kontostand;2.345,67 EUR
    ;
    Kontoinhaber;Erika Musterfrau
    IBAN;DE89 3704 0044 0532 0130 00
    ;
    Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN / Kontonummer;BIC;Kundenreferenz;Mandatsreferenz;Gläubiger ID;Fremde Gebühren;Betrag;Abweichender Empfänger;Anzahl der Aufträge;Anzahl der Schecks;Soll;Haben;Währung
    24.9.2026;24.9.2026;SEPA-Lastschrift;Muster Software GmbH;Rechnung MS-10023;DE42500105175407324385;COBADEFFXXX;MS-10023;M-99;DE98ZZZ09999999999;;;;;;-119,00;;EUR
    2.9.2026;3.9.2026;SEPA-Gutschrift;Beispiel Handel GmbH;RE-2026-0815;DE17100500000123456789;BELADEBEXXX;;;;;;;;;;1.250,00;EUR
    Kontostand;25.09.2026;;;;;;;;;;;;;;;2.345,67;EUR
    """  # noqa: E501


def test_deutsche_bank_soll_and_haben_make_the_amount_below_a_preamble(tmp_path):
    read = read_bank_table(write(tmp_path, DEUTSCHE_BANK, encoding="cp1252"))

    assert read.format == "CSV (deutsche-bank)"
    # Soll "-119,00" is a debit of 119.00; Haben "1.250,00" a credit of 1 250.00
    assert lines(read) == [(dt.date(2026, 9, 24), -11900, "Muster Software GmbH"),
                           (dt.date(2026, 9, 2), 125000, "Beispiel Handel GmbH")]
    assert read.frame["value_date"].dt.date.tolist() == [dt.date(2026, 9, 24), dt.date(2026, 9, 3)]
    assert read.frame["counterparty_iban"].tolist() == ["DE42500105175407324385", "DE17100500000123456789"]
    assert any("row 10: balance/total row" in n for n in read.notices)


def test_the_account_named_only_in_the_preamble_is_the_lines_account(tmp_path):
    read = read_bank_table(write(tmp_path, DEUTSCHE_BANK))

    assert read.frame["account_iban"].unique().tolist() == [OWN_DE]
    assert "account DE89370400440532013000 taken from row 5 above the header" in " ".join(read.notices)
    assert read.frame["txn_id"].str.startswith(OWN_DE + ":").all()


def test_a_preamble_naming_two_accounts_gives_none(tmp_path):
    text = DEUTSCHE_BANK.replace("Kontoinhaber;Erika Musterfrau", "Gegenkonto;DE75 5121 0800 1245 1261 99")

    read = read_bank_table(write(tmp_path, text))

    assert read.frame["account_iban"].unique().tolist() == [""]
    assert any("no account column" in n for n in read.notices)


# Sparkasse CSV-CAMT V2 (barredterra/camt-to-erpnext README): quoted, DD.MM.YY, "Umsatz vorgemerkt" not booked.
SPARKASSE = f"""\
    "Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";"Waehrung";"Info"
    "{OWN_DE}";"16.09.26";"16.09.26";"GUTSCHR. UEBERWEISUNG";"Rechnung RE-2026-0006";"";"";"RE-2026-0006";"";"";"";"Kunde GmbH";"DE17100500000123456789";"BELADEBEXXX";"2.250,00";"EUR";"Umsatz gebucht"
    "{OWN_DE}";"17.09.26";"17.09.26";"LASTSCHRIFT";"Strom";"DE98ZZZ09999999999";"M1";"";"";"";"";"Stadtwerke";"DE42500105175407324385";"X";"-89,90";"EUR";"Umsatz gebucht"
    "{OWN_DE}";"20.09.26";"20.09.26";"GUTSCHRIFT";"Noch nicht gebucht";"";"";"";"";"";"";"Testperson";"";"";"10,00";"EUR";"Umsatz vorgemerkt"
    """  # noqa: E501


def test_sparkasse_two_digit_years_and_a_line_not_yet_booked(tmp_path):
    read = read_bank_table(write(tmp_path, SPARKASSE, encoding="cp1252"))

    assert read.format == "CSV (sparkasse)"
    assert lines(read) == [(dt.date(2026, 9, 16), 225000, "Kunde GmbH"), (dt.date(2026, 9, 17), -8990, "Stadtwerke")]
    assert read.frame["remittance"].iloc[0] == "Rechnung RE-2026-0006 RE-2026-0006 GUTSCHR. UEBERWEISUNG"
    assert any("1 line(s) not booked by the bank (Info: Umsatz vorgemerkt)" in n for n in read.notices)


# ING Deutschland (siddhantgoel/beancount-ing tests): preamble with the IBAN, two Währung columns.
ING_DE = """\
    Umsatzanzeige;Datei erstellt am: 25.09.2026 12:00
    ;Letztes Update: aktuell

    IBAN;DE89 3704 0044 0532 0130 00
    Kontoname;Girokonto
    Bank;ING
    Kunde;Erika Musterfrau
    Zeitraum;01.09.2026 - 25.09.2026
    Saldo;5.000,00;EUR

    Sortierung;Datum absteigend

    In der CSV-Datei finden Sie alle bereits gebuchten Umsätze. Die vorgemerkten Umsätze werden nicht aufgenommen, auch wenn sie in Ihrem Internetbanking angezeigt werden.

    Buchung;Valuta;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;Betrag;Währung
    08.09.2026;08.09.2026;Kunde GmbH;Gutschrift;Rechnung 2026-0815;6.234,00;EUR;1.234,00;EUR
    05.09.2026;05.09.2026;REWE Filialen;Lastschrift;REWE SAGT DANKE;5.000,00;USD;-50,00;EUR
    """  # noqa: E501


def test_ing_de_reads_the_amount_currency_and_the_preamble_account(tmp_path):
    read = read_bank_table(write(tmp_path, ING_DE, encoding="latin-1"))

    assert read.format == "CSV (ing-de)"
    assert lines(read) == [(dt.date(2026, 9, 8), 123400, "Kunde GmbH"), (dt.date(2026, 9, 5), -5000, "REWE Filialen")]
    assert read.frame["currency"].tolist() == ["EUR", "EUR"]  # the second Währung, not the balance's USD
    assert read.frame["account_iban"].unique().tolist() == [OWN_DE]


# DKB since 2023 (siddhantgoel/beancount-dkb tests/test_ec_v2.py): preamble, DD.MM.YY, "Betrag (€)"; the
# importer strips a trailing " €" from amounts, so one is written here.
DKB = """\
    "Girokonto";"DE89 3704 0044 0532 0130 00"
    ""
    "Kontostand vom 30.09.2026:";"5.000,01 €"
    ""
    "Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";"Zahlungsempfänger*in";"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)";"Gläubiger-ID";"Mandatsreferenz";"Kundenreferenz"
    "01.09.26";"01.09.26";"Gebucht";"Kunde GmbH";"Erika Musterfrau";"Rechnung 2026-0815";"Eingang";"DE17100500000123456789";"1.000,0";"";"";""
    "15.09.26";"15.09.26";"Gebucht";"Erika Musterfrau";"EDEKA//MUENCHEN/DE";"EDEKA SAGT DANKE";"Ausgang";"DE42500105175407324385";"-8,67 €";"";"";""
    "16.09.26";"16.09.26";"Vorgemerkt";"Kunde AG";"Erika Musterfrau";"Rechnung 2026-0816";"Eingang";"DE17100500000123456789";"-1.450";"";"";""
    """  # noqa: E501


def test_dkb_reads_short_years_amounts_with_one_decimal_and_leaves_pending_lines_out(tmp_path):
    read = read_bank_table(write(tmp_path, DKB, encoding="utf-8-sig"))

    assert read.format == "CSV (dkb)"
    assert lines(read) == [(dt.date(2026, 9, 1), 100000, "Kunde GmbH"),
                           (dt.date(2026, 9, 15), -867, "Erika Musterfrau")]
    assert read.frame["account_iban"].unique().tolist() == [OWN_DE]


# Commerzbank (siddhantgoel/beancount-commerzbank, firefly-iii de/commerzbank/csv-giro.json).
COMMERZBANK = f"""\
    Buchungstag;Wertstellung;Umsatzart;Buchungstext;Betrag;Währung;Auftraggeberkonto;Bankleitzahl Auftraggeberkonto;IBAN Auftraggeberkonto;Kategorie
    10.09.2026;10.09.2026;Gutschrift;Kunde GmbH Rechnung RE-2026-0815 End-to-End-Ref.: RE-2026-0815;1.190,00;EUR;532013000;37040044;{OWN_DE};Sonstige Einnahmen
    11.09.2026;11.09.2026;Lastschrift;Stadtwerke Strom Abschlag;-89,90;EUR;532013000;37040044;{OWN_DE};Wohnen
    """  # noqa: E501


def test_commerzbank_takes_the_account_from_iban_auftraggeberkonto(tmp_path):
    read = read_bank_table(write(tmp_path, COMMERZBANK, encoding="utf-8-sig"))

    assert read.format == "CSV (commerzbank)"
    assert read.frame["amount"].tolist() == [119000, -8990]
    assert read.frame["account_iban"].unique().tolist() == [OWN_DE]
    assert "RE-2026-0815" in read.frame["remittance"].iloc[0]


# N26 (siddhantgoel/beancount-n26): comma separated, ISO dates, decimal point.
N26 = """\
    "Booking Date","Value Date","Partner Name","Partner Iban",Type,"Payment Reference","Account Name","Amount (EUR)","Original Amount","Original Currency","Exchange Rate"
    2026-09-03,2026-09-03,"Kunde GmbH",DE17100500000123456789,Credit Transfer,"Invoice 2026-0815","Main Account",1190.00,,,
    2026-09-04,2026-09-04,"Cafe Paris",,Presentment,"-","Main Account",-4.50,-4.50,EUR,1.0
    """  # noqa: E501


def test_n26_reads_iso_dates_and_point_decimals(tmp_path):
    read = read_bank_table(write(tmp_path, N26))

    assert read.format == "CSV (n26)"
    assert lines(read) == [(dt.date(2026, 9, 3), 119000, "Kunde GmbH"), (dt.date(2026, 9, 4), -450, "Cafe Paris")]
    assert read.frame["counterparty_iban"].tolist() == ["DE17100500000123456789", ""]


# --- Austrian and Belgian banks ----------------------------------------------------------------------------


# Raiffeisen ELBA (nblock/ofxstatement-austrian raiffeisen.py): no header, six fields and a trailing ";".
RAIFFEISEN = """\
    28.08.2026;"Gutschrift  Auftraggeber:  Kunde GmbH  Verwendungszweck:  Rechnung 2026-0815";01.09.2026;1.234,56;EUR;28.08.2026 01:11:46:701;
    29.08.2026;"Entgelt Kontoführung";01.09.2026;-6,65;EUR;29.08.2026 00:00:31:010;
    """  # noqa: E501


def test_raiffeisen_at_headerless_export_is_recognised_by_its_shape(tmp_path):
    read = read_bank_table(write(tmp_path, RAIFFEISEN, encoding="cp1252"))

    assert read.format == "CSV (raiffeisen-at)"
    assert read.frame["amount"].tolist() == [123456, -665]
    assert read.frame["value_date"].dt.date.tolist() == [dt.date(2026, 9, 1)] * 2
    assert read.frame["remittance"].iloc[0].startswith("Gutschrift Auftraggeber: Kunde GmbH")


# ING Belgium (public importers of its export): Dutch and French headers.
ING_BE_NL = f"""\
    Rekeningnummer;Naam van de rekening;Rekening tegenpartij;Omzetnummer;Boekingsdatum;Valutadatum;Bedrag;Munteenheid;Omschrijving;Detail van de omzet;Bericht
    {OWN_BE};VOORBEELD BV;BE43068999999501;23;02/03/2026;01/03/2026;1.210,00;EUR;Europese overschrijving;Van KLANT BV;+++090/9337/55493+++
    {OWN_BE};VOORBEELD BV;;24;03/03/2026;03/03/2026;-151,80;EUR;Betaling Bancontact;LOODGIETER PIET;
    """  # noqa: E501
ING_BE_FR = f"""\
    Numéro de compte;Nom du compte;Compte partie adverse;Numéro de mouvement;Date comptable;Date valeur;Montant;Devise;Libellés;Détails du mouvement;Message
    {OWN_BE};EXEMPLE SPRL;BE43068999999501;23;02/03/2026;01/03/2026;1.210,00;EUR;Virement européen;De CLIENT SA;+++090/9337/55493+++
    """  # noqa: E501


@pytest.mark.parametrize(("text", "profile"), [(ING_BE_NL, "ing-be"), (ING_BE_FR, "ing-be-fr")])
def test_ing_belgium_in_dutch_and_in_french(tmp_path, text, profile):
    read = read_bank_table(write(tmp_path, text, encoding="cp1252"))

    assert read.format == f"CSV ({profile})"
    first = read.frame.iloc[0]
    assert (first["amount"], first["counterparty_iban"], first["account_iban"]) == (121000, "BE43068999999501",
                                                                                    OWN_BE)
    assert first["remittance"].startswith("+++090/9337/55493+++")
    assert first["txn_id"] == f"{OWN_BE}:23"


def test_argenta_xlsx_download(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Rekening", "Boekdatum", "Valutadatum", "Referentie", "Beschrijving", "Bedrag", "Munt",
                  "Verrichtingsdatum", "Rekening tegenpartij", "Naam tegenpartij", "Mededeling"])
    sheet.append([OWN_BE, "02-03-2026", "01-03-2026", "B6C02XC0012", "Inkomende overschrijving", 1210.0, "EUR",
                  "01-03-2026", "BE43068999999501", "KLANT BV", "+++090/9337/55493+++"])
    sheet.append([OWN_BE, "04-03-2026", "04-03-2026", "B6C04BC0099", "Betaling bancontact", -67.9, "EUR",
                  "03-03-2026", "", "BAKKERIJ", ""])
    path = tmp_path / "Argenta_BE71096123456769_2026-03-05_120000.xlsx"
    workbook.save(path)

    read = read_bank_table(path)

    assert read.format == "XLSX (argenta)"
    assert lines(read) == [(dt.date(2026, 3, 2), 121000, "KLANT BV"), (dt.date(2026, 3, 4), -6790, "BAKKERIJ")]
    assert read.frame["txn_id"].iloc[0] == f"{OWN_BE}:B6C02XC0012"


# --- generic headers: German and French, debit/credit, signs ------------------------------------------------


def test_french_headers_with_debit_and_credit_columns(tmp_path):
    # a French bank download: Date de l'opération, Libellé, Débit (signed or not), Crédit
    path = write(tmp_path, """\
        Compte courant;FR76 3000 6000 0112 3456 7890 189
        Solde au 30/09/2026;2 345,67
        ;
        Date de l'opération;Date de valeur;Libellé;Débit;Crédit
        02/09/2026;02/09/2026;VIR SEPA CLIENT SA FACTURE 2026-15;;1 250,00
        05/09/2026;05/09/2026;PRLV EDF;-89,90;
        07/09/2026;08/09/2026;CB BOULANGERIE;4,20;
        """)

    read = read_bank_table(path)

    assert read.format == "CSV (bank-generic)"
    assert read.frame["amount"].tolist() == [125000, -8990, -420]
    assert read.frame["remittance"].tolist()[0] == "VIR SEPA CLIENT SA FACTURE 2026-15"
    assert read.frame["account_iban"].unique().tolist() == ["FR7630006000011234567890189"]


def test_german_headers_with_explicit_plus_and_minus_signs(tmp_path):
    path = write(tmp_path, """\
        Buchungstag;Wertstellung;Auftraggeber/Empfänger;Verwendungszweck;Betrag;Währung
        01.09.2026;01.09.2026;Kunde GmbH;RE 2026-0815;+1.190,00;EUR
        02.09.2026;02.09.2026;Stadtwerke;Abschlag;-89,90;EUR
        """)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [119000, -8990]
    assert read.frame["counterparty_name"].tolist() == ["Kunde GmbH", "Stadtwerke"]


def test_soll_haben_xlsx_with_a_preamble(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kontoauszug", "Konto DE89 3704 0044 0532 0130 00"])
    sheet.append(["Zeitraum", "01.09.2026 - 30.09.2026"])
    sheet.append([])
    sheet.append(["Buchungstag", "Wertstellung", "Verwendungszweck", "Soll", "Haben", "Währung"])
    sheet.append([dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 1), "RE 2026-0815 Kunde GmbH", None, 1190, "EUR"])
    sheet.append([dt.datetime(2026, 9, 2), dt.datetime(2026, 9, 2), "Abschlag Strom", 89.9, None, "EUR"])
    path = tmp_path / "konto.xlsx"
    workbook.save(path)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [119000, -8990]
    assert read.frame["account_iban"].unique().tolist() == [OWN_DE]


# --- no header row: columns inferred from the content ---------------------------------------------------------


HEADERLESS = f"""\
    {OWN_BE};01/09/2026;02/09/2026;BE43068999999501;KLANT BV;1.210,00;EUR;+++090/9337/55493+++
    {OWN_BE};03/09/2026;03/09/2026;BE62510007547061;LEVERANCIER NV;-67,90;EUR;factuur 88
    {OWN_BE};05/09/2026;04/09/2026;BE43068999999501;KLANT BV;500,00;EUR;voorschot
    """


def test_a_file_without_header_is_read_from_what_its_columns_hold(tmp_path):
    read = read_bank_table(write(tmp_path, HEADERLESS))

    assert read.format == "CSV (inferred)"
    assert read.frame["amount"].tolist() == [121000, -6790, 50000]
    assert read.frame["account_iban"].unique().tolist() == [OWN_BE]
    assert read.frame["counterparty_iban"].tolist() == ["BE43068999999501", "BE62510007547061", "BE43068999999501"]
    assert read.frame["booking_date"].dt.date.tolist() == [dt.date(2026, 9, 1), dt.date(2026, 9, 3),
                                                           dt.date(2026, 9, 5)]
    assert read.frame["value_date"].dt.date.tolist()[0] == dt.date(2026, 9, 2)
    assert read.frame["remittance"].iloc[0] == "KLANT BV +++090/9337/55493+++"


def test_check_says_which_column_became_what_and_why(tmp_path):
    path = write(tmp_path, HEADERLESS)

    result = CliRunner().invoke(app, ["check", str(path)], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "no header row: the columns were inferred from their content" in output
    assert "column 1 → account_iban: every value is a valid IBAN, the same one on every row" in output
    assert "column 4 → counterparty_iban: every value is a valid IBAN, 2 different ones" in output
    assert "column 2 → booking_date: every value is a date (DD/MM/YYYY); the first date column" in output
    assert "column 3 → value_date: every value is a date (DD/MM/YYYY); the second date column" in output
    assert "column 6 → amount: numbers with decimals and a sign (credit +, debit −)" in output
    assert "column 7 → currency: every value is an ISO 4217 code" in output
    assert "column 5, column 8 → remittance: free text (joined)" in output


def test_check_json_gives_the_inferred_columns(tmp_path):
    import json

    result = CliRunner().invoke(app, ["check", "--json", str(write(tmp_path, HEADERLESS))])

    [entry] = json.loads(result.stdout)["files"]
    assert entry["profile"] == "inferred"
    assert entry["columns"]["amount"] == "column 6"
    assert entry["columns"]["account_iban"] == "column 1"


def test_an_unsigned_debit_credit_pair_without_header_follows_the_usual_order_and_says_so(tmp_path):
    path = write(tmp_path, """\
        01/09/2026;VIR CLIENT SA FACTURE 15;;1250,00
        05/09/2026;PRLV EDF;89,90;
        """)

    read = read_export(path, ReadOptions(kind="bank"))

    assert read.frame["amount"].tolist() == [125000, -8990]
    assert any("column 3 → debit_amount, column 4 → credit_amount: never both filled on one line; column 3 is "
               "the debit because left of the other" in n for n in read.notices)


def test_a_debit_column_with_minus_signs_is_the_debit_whatever_its_place(tmp_path):
    path = write(tmp_path, """\
        01/09/2026;VIR CLIENT SA;1250,00;
        05/09/2026;PRLV EDF;;-89,90
        """)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [125000, -8990]
    assert any("column 4 is the debit because its amounts carry a minus sign" in n for n in read.notices)


def test_an_unsigned_amount_with_a_credit_debit_indicator(tmp_path):
    path = write(tmp_path, """\
        20260901,Kunde BV,1250.00,C,Factuur 15
        20260902,Energie NV,89.90,D,Voorschot
        """)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [125000, -8990]
    assert any("column 4 → direction: C credit, D debit" in n for n in read.notices)


def test_a_running_balance_is_not_taken_for_the_amount(tmp_path):
    # balance 1 000.00 + 250.00 = 1 250.00, then − 89.90 = 1 160.10
    path = write(tmp_path, """\
        01.09.2026;Kunde GmbH RE 15;250,00;1.250,00;EUR
        02.09.2026;Stadtwerke;-89,90;1.160,10;EUR
        03.09.2026;Kunde AG RE 16;10,00;1.170,10;EUR
        """)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [25000, -8990, 1000]
    assert any("column 4 left out: a running balance" in n for n in read.notices)


def test_two_signed_amount_columns_without_header_are_refused_not_guessed(tmp_path):
    path = write(tmp_path, """\
        01.09.2026;Kunde GmbH;250,00;-3,00
        02.09.2026;Stadtwerke;-89,90;7,00
        """)

    with pytest.raises(InputError) as caught:
        read_bank_table(path)

    assert "no header row, and the amount cannot be told from the content: amount-like columns column 3, " \
           "column 4" in caught.value.message
    assert "amount: column 4" in caught.value.hint


def test_a_headerless_xlsx_is_inferred_too(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([dt.datetime(2026, 9, 1), "Kunde GmbH RE 15", 250.5, "EUR"])
    sheet.append([dt.datetime(2026, 9, 2), "Stadtwerke", -89.9, "EUR"])
    path = tmp_path / "umsaetze.xlsx"
    workbook.save(path)

    read = read_bank_table(path)

    assert read.format == "XLSX (inferred)"
    assert read.frame["amount"].tolist() == [25050, -8990]


# --- fields over the csv module's 128 KiB --------------------------------------------------------------------


def test_a_field_over_128_kib_is_read(tmp_path):
    long_text = "Factuur 2026-0815 " + "x" * 200_000
    path = write(tmp_path, f"""\
        Datum;Bedrag;Omschrijving
        01/09/2026;12,50;{long_text}
        02/09/2026;13,50;"{long_text}"
        """)

    read = read_bank_table(path)

    assert read.frame["amount"].tolist() == [1250, 1350]
    assert read.frame["remittance"].str.len().tolist() == [len(long_text)] * 2


def test_a_field_over_one_mib_is_one_error_naming_file_and_line(tmp_path):
    path = write(tmp_path, "Datum;Bedrag;Omschrijving\n01/09/2026;12,50;kort\n02/09/2026;13,50;"
                 + "y" * 1_100_000 + "\n")

    result = CliRunner().invoke(app, ["check", str(path)])

    assert result.exit_code == 3
    assert f"Error: {path}: line 3: a field longer than 1 MiB" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_the_delimiter_sniffer_survives_a_quoted_field_over_one_mib(tmp_path):
    path = write(tmp_path, 'Datum;Bedrag;Omschrijving\n01/09/2026;12,50;"' + "z" * 1_100_000 + '"\n')

    with pytest.raises(InputError) as caught:
        read_bank_table(path)

    assert "line 2: a field longer than 1 MiB" in caught.value.message


# --- every profile names its source ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in builtin_names("bank") if n != "bank-generic"])
def test_every_bank_profile_names_its_public_source_and_what_is_unconfirmed(name):
    text = Path(load_profile(name).origin).read_text(encoding="utf-8")

    assert "Source:" in text or "Sources:" in text
    assert "Unconfirmed:" in text or name in ("kbc", "rabobank", "ing-nl", "knab", "abnamro-tab", "asn")


def test_abnamro_spreadsheet_download(tmp_path):
    # PyCampES/ficamp's ABN AMRO parser: accountNumber, mutationcode, transactiondate (YYYYMMDD), valuedate,
    # startsaldo, endsaldo, amount, description; written here as .xlsx (the bank's .xls reads the same way)
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["accountNumber", "mutationcode", "transactiondate", "valuedate", "startsaldo", "endsaldo",
                  "amount", "description"])
    sheet.append([523962118, "EUR", 20260803, 20260803, 1116.79, 1106.29, -10.5,
                  "BEA   NR:HJQ3LH   03.08.26/22.25 Spar City Sloterdijk AMS,PAS042"])
    sheet.append([523962118, "EUR", 20260805, 20260805, 1079.29, 1094.29, 15,
                  "SEPA Overboeking IBAN: NL91ABNA0417164300 BIC: ABNANL2A Naam: KLANT BV Omschrijving: F-15"])
    path = tmp_path / "XLS260806.xlsx"
    workbook.save(path)

    read = read_bank_table(path)

    assert read.format == "XLSX (abnamro-xls)"
    assert read.frame["amount"].tolist() == [-1050, 1500]
    assert read.frame["booking_date"].dt.date.tolist() == [dt.date(2026, 8, 3), dt.date(2026, 8, 5)]
    assert read.frame["account_iban"].unique().tolist() == ["523962118"]


def test_the_readme_lists_every_bank_profile():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

    missing = [name for name in builtin_names("bank") if f"`{name}`" not in readme]
    assert missing == []


def test_inference_reads_the_real_asn_export_as_its_profile_does(real_fixture):
    # the ASN file has no header; its own profile (asn) is checked against what inference makes of it
    from arctl.io.bank.inferred import column_names, infer_layout
    from arctl.io.bank.tabular import build_bank_lines
    from arctl.io.profile import match_all_columns
    from arctl.io.table import read_table

    path = real_fixture("csv-bank/ofxdutch_asn_transactie-historie_NL00ASNB9999999999_20220717204133.csv")
    table = read_table(path, lambda cells: 0, names=column_names(19))
    inferred = infer_layout(table)
    assert inferred is not None
    read = build_bank_lines(table, inferred.profile, match_all_columns(list(table.frame.columns), inferred.profile),
                            ReadOptions())

    by_profile = read_bank_table(path)
    assert read.frame["amount"].tolist() == by_profile.frame["amount"].tolist()
    assert "column 9 left out: a running balance (it moves by column 11 on every line)" in inferred.evidence


def test_a_filled_betrag_wins_over_soll_and_haben(tmp_path):
    path = write(tmp_path, """\
        Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;Betrag;Soll;Haben;Währung
        10.01.2026;10.01.2026;SEPA Überweisung;Finanzamt;Umsatzsteuer;-248,53;-248,53;;EUR
        11.01.2026;11.01.2026;SEPA Gutschrift;Kunde GmbH;RE 15;;;300,00;EUR
        """)

    read = read_bank_table(path)

    assert read.format == "CSV (deutsche-bank)"
    assert read.frame["amount"].tolist() == [-24853, 30000]


def test_ing_nl_semicolon_download_with_balance_and_tag_columns(tmp_path):
    # the current Mijn ING download: ";" separated, "Saldo na mutatie" and "Tag" added (columns as listed by
    # public importers of it, e.g. CoenJoling/IngExportInlezen's IngExport_Internal: SaldoNaMutatie, Tag)
    path = write(tmp_path, """\
        "Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"
        "20260901";"KLANT BV";"NL91ABNA0417164300";"NL20INGB0001234567";"OV";"Bij";"1210,00";"Overschrijving";"Factuur F-15";"2410,00";""
        "20260902";"ENERGIE NV";"NL91ABNA0417164300";"NL20INGB0001234567";"IC";"Af";"89,90";"Incasso";"Voorschot";"2320,10";""
        """)  # noqa: E501

    read = read_bank_table(path)

    assert read.format == "CSV (ing-nl)"
    assert read.frame["amount"].tolist() == [121000, -8990]


def test_a_column_named_in_the_source_settles_what_inference_cannot(tmp_path):
    path = write(tmp_path, """\
        01.09.2026;Kunde GmbH;250,00;-3,00
        02.09.2026;Stadtwerke;-89,90;7,00
        """)

    read = read_bank_table(path, ReadOptions(kind="bank", columns=(("amount", "column 3"),)))

    assert read.frame["amount"].tolist() == [25000, -8990]
    assert "column 3 → amount: named in the column mapping" in read.notices


def test_a_closing_balance_line_does_not_stop_inference(tmp_path):
    path = write(tmp_path, """\
        01.09.2026;Kunde GmbH RE 15;250,00;EUR
        02.09.2026;Stadtwerke;-89,90;EUR
        03.09.2026;Kunde AG RE 16;10,00;EUR
        Saldo;;1.170,10;
        """)

    read = read_bank_table(path)

    assert read.format == "CSV (inferred)"
    assert read.frame["amount"].tolist() == [25000, -8990, 1000]
    assert any("row 4: balance/total row at the end left out" in n for n in read.notices)


def test_fyrst_export_with_an_account_table_above_the_header(tmp_path):
    # FYRST (Deutsche Bank's business brand), as shown in jlawyerorg/j-lawyer-org issue #2980: an account
    # table (Konto;Filial-/Kontonummer;IBAN;Währung), the period, the last balance, a note, then the header
    path = write(tmp_path, f"""\
        Umsätze
        Konto;Filial-/Kontonummer;IBAN;Währung
        FYRST BASE;123 456789 00;{OWN_DE};EUR

        17.6.2026 - 17.6.2026
        Letzter Kontostand;;;;1234,56;EUR
        Vorgemerkte und noch nicht gebuchte Umsätze sind nicht Bestandteil dieser Übersicht.
        Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN / Kontonummer;BIC;Kundenreferenz;Mandatsreferenz;Gläubiger ID;Fremde Gebühren;Betrag;Abweichender Empfänger;Anzahl der Aufträge;Anzahl der Schecks;Soll;Haben;Währung
        17.6.2026;17.6.2026;SEPA-Gutschrift;Kunde GmbH;RE-2026-0815;DE17100500000123456789;BELADEBEXXX;;;;;;;;;;300,00;EUR
        Kontostand;17.6.2026;;;1.234,56;EUR
        """)  # noqa: E501

    read = read_bank_table(path)

    assert read.format == "CSV (deutsche-bank)"
    assert read.frame[["amount", "account_iban"]].values.tolist() == [[30000, OWN_DE]]
