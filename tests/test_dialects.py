"""How arctl reads the dialects real invoice exports come in: encodings, delimiters, number and date
spellings, row numbers, spreadsheets, validation of the rows, and what `--on-error` does with bad rows.

Every test writes a small export of its own into `tmp_path` and reads it with `read_export` (or through
the CLI where the behaviour belongs to a command).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.io.export import ExportRead, ReadOptions, read_export

HEADER = "Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand"
XLSX_HEADER = ["Factuurnummer", "Klantnummer", "Klant", "Factuurdatum", "Vervaldatum", "Valuta", "Bedrag",
               "Openstaand"]


# --- helpers ------------------------------------------------------------------------------------


def write_text(tmp_path: Path, text: str, *, name: str = "openstaande_posten.csv",
               encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


def read(path: Path, **options) -> ExportRead:
    return read_export(path, ReadOptions(**options))


def single_amount_file(tmp_path: Path, *amounts: str) -> Path:
    """A semicolon export whose Bedrag and Openstaand columns hold `amounts`, one invoice per value."""
    lines = [HEADER] + [
        f"2026-{42 + i:04d};K{100 + i};Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;{amount};{amount}"
        for i, amount in enumerate(amounts)
    ]
    return write_text(tmp_path, "\n".join(lines) + "\n")


def dated_file(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    """A semicolon export whose Factuurdatum/Vervaldatum columns hold `pairs`, one invoice per pair."""
    lines = [HEADER] + [
        f"2026-{42 + i:04d};K{100 + i};Brouwerij Het Anker NV;{issue};{due};EUR;1.210,00;1.210,00"
        for i, (issue, due) in enumerate(pairs)
    ]
    return write_text(tmp_path, "\n".join(lines) + "\n")


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def column_of(read_result: ExportRead, column: str) -> list:
    return read_result.frame[column].tolist()


# --- encodings ----------------------------------------------------------------------------------


def test_utf8_without_bom_is_read(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Brasserie Café Amélie;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
    """)

    result = read(path)

    assert result.detected["encoding"] == "UTF-8"
    assert column_of(result, "customer_name") == ["Brasserie Café Amélie"]
    assert column_of(result, "amount") == [123456]


def test_utf8_with_bom_is_read_and_the_bom_is_not_part_of_the_first_header(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Brasserie Café Amélie;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
    """, encoding="utf-8-sig")

    result = read(path)

    assert result.detected["encoding"] == "UTF-8 with BOM"
    assert result.mapping["invoice_id"] == "Factuurnummer"
    assert column_of(result, "invoice_id") == ["2026-0042"]
    assert column_of(result, "customer_name") == ["Brasserie Café Amélie"]


def test_utf16_tab_export_from_excel_is_read(tmp_path):
    text = textwrap.dedent("""\
        Factuurnummer\tKlantnummer\tKlant\tFactuurdatum\tVervaldatum\tValuta\tBedrag\tOpenstaand
        2026-0042\tK100\tBoulangerie Noël\t01-10-2026\t31-10-2026\tEUR\t1.234,56\t1.234,56
        2026-0043\tK101\tBrouwerij De Koninck NV\t02-10-2026\t01-11-2026\tEUR\t980,00\t0,00
    """).replace("\n", "\r\n")
    path = tmp_path / "openstaande_posten.txt"
    path.write_bytes(text.encode("utf-16"))

    result = read(path)

    assert result.detected["encoding"] == "UTF-16 with BOM"
    assert result.detected["delimiter"] == "tab"
    assert result.detected["format"] == "TSV"
    assert column_of(result, "customer_name") == ["Boulangerie Noël", "Brouwerij De Koninck NV"]
    assert column_of(result, "amount") == [123456, 98000]
    assert column_of(result, "open_amount") == [123456, 0]
    assert result.findings == []


def test_cp1252_export_keeps_accented_names(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Crêperie Hélène;01-10-2026;31-10-2026;EUR;€ 1.234,56;€ 1.234,56
        2026-0043;K101;Bakkerij Noël Ceulemans;02-10-2026;01-11-2026;EUR;€ 80,00;€ 80,00
    """, encoding="cp1252")

    result = read(path)

    assert result.detected["encoding"] == "Windows-1252"
    assert column_of(result, "customer_name") == ["Crêperie Hélène", "Bakkerij Noël Ceulemans"]
    assert column_of(result, "amount") == [123456, 8000]


def test_latin1_fallback_for_bytes_cp1252_leaves_undefined(tmp_path):
    # 0x81 is undefined in cp1252, so only Latin-1 can decode this file
    raw = textwrap.dedent("""\
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand;Mededeling
        2026-0042;K100;Crêperie Hélène;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56;code \x81
    """).encode("latin-1")
    path = tmp_path / "openstaande_posten.csv"
    path.write_bytes(raw)

    result = read(path)

    assert result.detected["encoding"] == "Latin-1"
    assert column_of(result, "customer_name") == ["Crêperie Hélène"]
    assert column_of(result, "amount") == [123456]


# --- delimiters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "shown"), [(",", ","), (";", ";"), ("\t", "tab"), ("|", "|")],
                         ids=["comma", "semicolon", "tab", "pipe"])
def test_delimiter_is_detected(tmp_path, delimiter, shown):
    rows = [
        ["Factuurnummer", "Klantnummer", "Klant", "Factuurdatum", "Vervaldatum", "Valuta", "Bedrag", "Openstaand"],
        ["2026-0042", "K100", "Bakkerij Peeters BV", "2026-10-01", "2026-10-31", "EUR", "1234.56", "1234.56"],
        ["2026-0043", "K101", "Garage Janssens", "2026-10-02", "2026-11-01", "EUR", "99.95", "49.95"],
    ]
    path = tmp_path / "export.csv"
    path.write_text("".join(delimiter.join(row) + "\n" for row in rows), encoding="utf-8")

    result = read(path)

    assert result.detected["delimiter"] == shown
    assert column_of(result, "customer_name") == ["Bakkerij Peeters BV", "Garage Janssens"]
    assert column_of(result, "amount") == [123456, 9995]
    assert column_of(result, "open_amount") == [123456, 4995]


# --- decimal marks and amount spellings ------------------------------------------------------------


@pytest.mark.parametrize(("text", "minor"), [
    ("1.234,56", 123456),
    ("1,234.56", 123456),
    ("1\u202f234,56", 123456),
    ("-12,50", -1250),
    ("(12.50)", -1250),
    ("12,50-", -1250),
    ("€ 1.234,56", 123456),
], ids=["dot-thousands-comma-decimal", "comma-thousands-dot-decimal", "narrow-nbsp-thousands",
        "leading-minus", "parentheses", "trailing-minus", "euro-sign"])
def test_amount_spelling_is_read_in_minor_units(tmp_path, text, minor):
    path = single_amount_file(tmp_path, text)

    result = read(path)

    assert result.findings == []
    assert column_of(result, "amount") == [minor]
    assert column_of(result, "open_amount") == [minor]


def test_column_of_only_ambiguous_thousands_gives_a_notice(tmp_path):
    path = single_amount_file(tmp_path, "1.500", "2.750")

    result = read(path)

    notices = [n for n in result.notices if "1.500" in n or "2.750" in n]
    assert notices, result.notices
    assert "decimal" in notices[0]
    # a semicolon file is read with a decimal comma: "1.500" is one thousand five hundred
    assert column_of(result, "amount") == [150000, 275000]


def test_column_mixing_thousands_and_short_decimals_decides_comma(tmp_path):
    path = single_amount_file(tmp_path, "1.234,56", "12,5", "1.500")

    result = read(path)

    assert result.detected["decimal"] == ","
    assert column_of(result, "amount") == [123456, 1250, 150000]
    assert not [n for n in result.notices if "decimal" in n], result.notices


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("issue", "due"), [
    ("2026-03-15", "2026-04-14"),
    ("20260315", "20260414"),
    ("15-03-2026", "14-04-2026"),
    ("15/03/2026", "14/04/2026"),
    ("15.03.2026", "14.04.2026"),
    ("15/03/26", "14/04/26"),
], ids=["ISO", "YYYYMMDD", "DD-MM-YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "DD/MM/YY"])
def test_date_format_is_recognised(tmp_path, issue, due):
    path = dated_file(tmp_path, (issue, due))

    result = read(path)

    assert result.findings == []
    assert column_of(result, "issue_date") == [ts("2026-03-15")]
    assert column_of(result, "due_date") == [ts("2026-04-14")]


def test_due_date_column_is_datetime64(tmp_path):
    path = dated_file(tmp_path, ("15-03-2026", "14-04-2026"))

    result = read(path)

    assert pd.api.types.is_datetime64_dtype(result.frame["due_date"])
    assert pd.api.types.is_datetime64_dtype(result.frame["issue_date"])


def test_month_first_dates_are_read_month_first_when_a_value_proves_it(tmp_path):
    path = dated_file(tmp_path, ("03/04/2026", "04/03/2026"), ("12/01/2026", "12/31/2026"))

    result = read(path)

    assert column_of(result, "issue_date") == [ts("2026-03-04"), ts("2026-12-01")]
    assert column_of(result, "due_date") == [ts("2026-04-03"), ts("2026-12-31")]
    assert not [n for n in result.notices if "MM/DD/YYYY" in n], result.notices


def test_ambiguous_dates_are_read_day_first_with_a_notice_naming_both_formats(tmp_path):
    path = dated_file(tmp_path, ("03/04/2026", "03/05/2026"), ("10/04/2026", "10/05/2026"))

    result = read(path)

    assert column_of(result, "issue_date") == [ts("2026-04-03"), ts("2026-04-10")]
    assert column_of(result, "due_date") == [ts("2026-05-03"), ts("2026-05-10")]
    notices = [n for n in result.notices if "DD/MM/YYYY" in n and "MM/DD/YYYY" in n]
    assert notices, result.notices


def test_date_format_option_overrides_detection(tmp_path):
    path = dated_file(tmp_path, ("03/04/2026", "03/05/2026"), ("10/04/2026", "10/05/2026"))

    result = read(path, date_format="MM/DD/YYYY")

    assert column_of(result, "issue_date") == [ts("2026-03-04"), ts("2026-10-04")]
    assert column_of(result, "due_date") == [ts("2026-03-05"), ts("2026-10-05")]
    assert not [n for n in result.notices if "MM/DD/YYYY" in n], result.notices


def test_ambiguous_issue_dates_follow_the_unambiguous_due_dates_without_a_notice(tmp_path):
    # the due dates can only be month first (05/18), so the issue dates are month first too
    path = dated_file(tmp_path, ("04/03/2026", "05/18/2026"), ("04/10/2026", "05/25/2026"))

    result = read(path)

    assert column_of(result, "due_date") == [ts("2026-05-18"), ts("2026-05-25")]
    assert column_of(result, "issue_date") == [ts("2026-04-03"), ts("2026-04-10")]
    assert not [n for n in result.notices if "MM/DD/YYYY" in n or "DD/MM/YYYY" in n], result.notices


# --- row numbers ----------------------------------------------------------------------------------


def test_finding_below_a_title_block_names_the_line_a_text_editor_shows(tmp_path):
    path = write_text(tmp_path, """
        Openstaande posten per 22-11-2026
        Bakkerij Peeters BV - debiteurenbeheer
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0040;K100;Brouwerij De Koninck NV;01-10-2026;31-10-2026;EUR;1.210,00;1.210,00
        2026-0041;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
        2026-0042;K102;Slagerij Vermeulen;03-10-2026;31-02-2026;EUR;99,95;99,95
    """)

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(6, "Vervaldatum")]
    assert result.findings[0].value == "31-02-2026"


def test_embedded_newline_in_a_quoted_field_does_not_shift_later_line_numbers(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0040;K100;"Brouwerij De Koninck NV
        t.a.v. boekhouding";01-10-2026;31-10-2026;EUR;1.210,00;1.210,00
        2026-0041;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
        2026-0042;K102;Slagerij Vermeulen;03-10-2026;31-02-2026;EUR;99,95;99,95
    """)

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(5, "Vervaldatum")]
    assert column_of(result, "customer_name")[0] == "Brouwerij De Koninck NV\nt.a.v. boekhouding"


def test_finding_on_a_row_with_an_embedded_newline_names_the_line_where_the_row_starts(tmp_path):
    # the bad due date and the start of the row are on line 3; only the remark runs on to line 4
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand;Mededeling
        2026-0040;K100;Brouwerij De Koninck NV;01-10-2026;31-10-2026;EUR;1.210,00;1.210,00;
        2026-0042;K102;Slagerij Vermeulen;03-10-2026;31-02-2026;EUR;99,95;99,95;"levering 2 dozen
        rest volgt"
    """)

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(3, "Vervaldatum")]


# --- XLSX -----------------------------------------------------------------------------------------


TITLE_BLOCK: list[list[object]] = [["Openstaande posten"], ["Afgedrukt op 22-11-2026"], []]


def test_xlsx_header_is_found_below_a_title_block(tmp_path):
    path = write_xlsx(tmp_path / "posten.xlsx", {"Posten": TITLE_BLOCK + [
        XLSX_HEADER,
        ["2026-0042", "K100", "Bakkerij Peeters BV", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "EUR",
         1234.56, 1234.56],
    ]})

    result = read(path)

    assert result.detected["format"] == "XLSX"
    assert column_of(result, "invoice_id") == ["2026-0042"]
    assert column_of(result, "amount") == [123456]
    assert any("above the header" in n for n in result.notices), result.notices


def test_xlsx_real_date_cells_are_read_as_dates(tmp_path):
    path = write_xlsx(tmp_path / "posten.xlsx", {"Posten": [
        XLSX_HEADER,
        ["2026-0042", "K100", "Bakkerij Peeters BV", dt.datetime(2026, 3, 4), dt.datetime(2026, 4, 3), "EUR",
         100, 100],
        ["2026-0043", "K101", "Garage Janssens BVBA", dt.datetime(2026, 12, 1), dt.datetime(2026, 12, 31), "EUR",
         200, 200],
    ]})

    result = read(path)

    assert result.findings == []
    assert column_of(result, "issue_date") == [ts("2026-03-04"), ts("2026-12-01")]
    assert column_of(result, "due_date") == [ts("2026-04-03"), ts("2026-12-31")]
    assert not [n for n in result.notices if "fit" in n], result.notices


def test_xlsx_date_given_as_serial_number_is_read_as_a_date(tmp_path):
    serial = 46000  # days after 1899-12-30 in Excel's counting
    path = write_xlsx(tmp_path / "posten.xlsx", {"Posten": [
        XLSX_HEADER,
        ["2026-0042", "K100", "Bakkerij Peeters BV", dt.datetime(2025, 11, 9), serial, "EUR", 100, 100],
    ]})

    result = read(path)

    assert result.findings == []
    assert column_of(result, "due_date") == [ts("1899-12-30") + pd.Timedelta(days=serial)]
    assert column_of(result, "due_date") == [ts("2025-12-09")]


def test_xlsx_float_noise_is_read_as_the_cents_the_sheet_shows(tmp_path):
    path = write_xlsx(tmp_path / "posten.xlsx", {"Posten": [
        XLSX_HEADER,
        ["2026-0042", "K100", "Bakkerij Peeters BV", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "EUR",
         0.1 + 0.2, 0.1 + 0.2],
    ]})

    result = read(path)

    assert result.findings == []
    assert column_of(result, "amount") == [30]
    assert column_of(result, "open_amount") == [30]


def test_xlsx_trailing_total_row_is_left_out_with_a_notice(tmp_path):
    path = write_xlsx(tmp_path / "posten.xlsx", {"Posten": [
        XLSX_HEADER,
        ["2026-0042", "K100", "Bakkerij Peeters BV", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "EUR",
         1000, 1000],
        ["2026-0043", "K101", "Garage Janssens BVBA", dt.date(2026, 10, 2), dt.date(2026, 11, 1), "EUR",
         500, 250],
        ["Totaal", None, None, None, None, None, 1500, 1250],
    ]})

    result = read(path)

    assert column_of(result, "invoice_id") == ["2026-0042", "2026-0043"]
    assert result.rows == 2
    assert result.valid_rows == 2
    assert result.findings == []
    assert any("total" in n.lower() and "left out" in n for n in result.notices), result.notices


def test_xlsx_sheet_option_picks_the_named_sheet(tmp_path):
    path = write_xlsx(tmp_path / "posten.xlsx", {
        "Vorig jaar": [
            XLSX_HEADER,
            ["2025-0311", "K100", "Bakkerij Peeters BV", dt.date(2025, 10, 1), dt.date(2025, 10, 31), "EUR",
             75, 75],
        ],
        "Openstaand": [
            XLSX_HEADER,
            ["2026-0042", "K101", "Garage Janssens BVBA", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "EUR",
             1234.56, 1234.56],
        ],
    })

    result = read(path, sheet="Openstaand")

    assert result.detected["sheet"] == "Openstaand"
    assert column_of(result, "invoice_id") == ["2026-0042"]


def test_xlsx_empty_first_sheet_is_passed_over_for_the_next_sheet_with_data(tmp_path):
    path = write_xlsx(tmp_path / "posten.xlsx", {
        "Voorblad": [],
        "Openstaand": [
            XLSX_HEADER,
            ["2026-0042", "K101", "Garage Janssens BVBA", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "EUR",
             1234.56, 1234.56],
        ],
    })

    result = read(path)

    assert result.detected["sheet"] == "Openstaand"
    assert column_of(result, "invoice_id") == ["2026-0042"]
    assert any("Voorblad" in n and "Openstaand" in n for n in result.notices), result.notices


def test_xlsx_findings_name_excel_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "posten.xlsx", {"Posten": TITLE_BLOCK + [
        XLSX_HEADER,  # row 4
        ["2026-0040", "K100", "Bakkerij Peeters BV", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "EUR", 10, 10],
        ["2026-0041", "K101", "Garage Janssens BVBA", dt.date(2026, 10, 2), dt.date(2026, 11, 1), "EUR", 20, 20],
        ["2026-0042", "K102", "Slagerij Vermeulen", dt.date(2026, 10, 3), "eind november", "EUR", 30, 30],
    ]})

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(7, "Vervaldatum")]


# --- validation -----------------------------------------------------------------------------------


def test_duplicate_invoice_numbers_make_both_rows_unusable_and_are_reported_once(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
        2026-0042;K102;Slagerij Vermeulen;03-10-2026;02-11-2026;EUR;99,95;99,95
    """)

    result = read(path)

    duplicates = [f for f in result.findings if f.column == "Factuurnummer"]
    assert [(f.row, f.message) for f in duplicates] == [
        (2, "invoice number appears on 2 rows (rows 2, 4); none of them is used")]
    assert column_of(result, "invoice_id") == ["2026-0043"]
    assert result.valid_rows == 1


def test_due_date_before_issue_date_is_reported(tmp_path):
    path = dated_file(tmp_path, ("15-10-2026", "14-11-2026"), ("15-10-2026", "15-09-2026"))

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(3, "Vervaldatum")]
    assert "before" in result.findings[0].message


def test_unknown_currency_code_is_reported(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EURO;1.234,56;1.234,56
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
    """)

    result = read(path)

    assert [(f.row, f.column, f.value) for f in result.findings] == [(2, "Valuta", "EURO")]
    assert "currency" in result.findings[0].message
    assert column_of(result, "invoice_id") == ["2026-0043"]


def test_empty_customer_id_is_reported(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
    """)

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(2, "Klantnummer")]
    assert result.valid_rows == 1


def test_open_amount_larger_than_amount_is_reported(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;1.234,56;1.334,56
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
    """)

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(2, "Openstaand")]
    assert "larger" in result.findings[0].message


def test_open_amount_of_opposite_sign_is_reported(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;1.234,56;-234,56
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
    """)

    result = read(path)

    assert [(f.row, f.column) for f in result.findings] == [(2, "Openstaand")]
    assert "opposite sign" in result.findings[0].message


def test_customer_ids_are_derived_from_names_when_there_is_no_customer_id_column(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
        2026-0043;Café Dupont S.A.;02-10-2026;01-11-2026;EUR;450,00;450,00
    """)

    result = read(path)

    assert column_of(result, "customer_id") == ["bakkerij-peeters-bv", "cafe-dupont-s-a"]
    assert any("no customer-id column" in n for n in result.notices), result.notices
    assert result.findings == []


def test_draft_and_cancelled_invoices_are_left_out_without_problems(tmp_path):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand;Status
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56;Verzonden
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;;EUR;450,00;450,00;Concept
        2026-0044;K102;Slagerij Vermeulen;03-10-2026;02-11-2026;EUR;99,95;99,95;Geannuleerd
        2026-0045;K103;Brouwerij Het Anker NV;04-10-2026;03-11-2026;EUR;2.000,00;500,00;Deels betaald
    """)

    result = read(path)

    assert column_of(result, "invoice_id") == ["2026-0042", "2026-0045"]
    assert result.findings == []
    assert result.valid_rows == result.rows == 4
    assert result.left_out == 2
    assert any("left out" in n for n in result.notices), result.notices


def _per_line_profile(tmp_path: Path) -> Path:
    path = tmp_path / "factuurlijnen.yaml"
    path.write_text(textwrap.dedent("""\
        name: factuurlijnen
        extends: generic
        rows: per_line
        amounts: per_line
    """), encoding="utf-8")
    return path


def test_per_line_export_groups_lines_into_one_invoice(tmp_path):
    profile = _per_line_profile(tmp_path)
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;100,00;100,00
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;250,00;250,00
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;50,50;50,50
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;0,00
    """)

    result = read(path, profile=str(profile))

    assert result.profile.rows == "per_line"
    assert result.findings == []
    assert column_of(result, "invoice_id") == ["2026-0042", "2026-0043"]
    assert column_of(result, "amount") == [40050, 45000]
    assert column_of(result, "open_amount") == [40050, 0]


def test_per_line_export_reports_lines_that_disagree_on_the_due_date(tmp_path):
    profile = _per_line_profile(tmp_path)
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;100,00;100,00
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;30-11-2026;EUR;250,00;250,00
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;0,00
    """)

    result = read(path, profile=str(profile))

    disagreements = [f for f in result.findings if f.column == "Vervaldatum"]
    assert [f.row for f in disagreements] == [3]
    assert "2026-0042" in disagreements[0].message and "row 2" in disagreements[0].message
    assert column_of(result, "invoice_id") == ["2026-0043"]


# --- --on-error -----------------------------------------------------------------------------------


@pytest.fixture()
def runner(tmp_path, monkeypatch):
    """A CLI runner outside any workspace (so no arctl.yaml of the repository is picked up)."""
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _export_with_one_bad_row(tmp_path: Path) -> Path:
    return write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
        2026-0043;K101;Garage Janssens BVBA;02-10-2026;31-02-2026;EUR;450,00;450,00
        2026-0044;K102;Slagerij Vermeulen;03-10-2026;02-11-2026;EUR;99,95;99,95
    """)


def test_on_error_fail_exits_3_naming_file_and_row(tmp_path, runner):
    path = _export_with_one_bad_row(tmp_path)

    result = runner.invoke(app, ["aging", str(path), "--as-of", "2026-11-22", "--on-error", "fail"])

    assert result.exit_code == 3, result.output
    assert f"{path}:3" in result.stderr
    assert "Traceback" not in result.output


def test_on_error_skip_warns_on_stderr_and_still_reports(tmp_path, runner):
    path = _export_with_one_bad_row(tmp_path)

    result = runner.invoke(app, ["aging", str(path), "--as-of", "2026-11-22", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert f"warning: {path}: 1 unusable row(s) left out of the report: row 3;" in result.stderr
    report = json.loads(result.stdout)
    assert [c["customer_id"] for c in report["customers"]] == ["K100", "K102"]
    (total,) = report["totals"]
    assert (total["currency"], total["total"]) == ("EUR", "1334.51")
    assert total["buckets"] == {"current": "0.00", "1-30": "1334.51", "31-60": "0.00", "61-90": "0.00", "90+": "0.00"}
