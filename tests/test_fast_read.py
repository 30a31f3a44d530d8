"""The fast read of a plain CSV export (pyarrow's reader, whole-column conversions) gives what the exact read gives.

Each export is read twice, once with the fast reader and once with the exact one (pandas' C reader or the csv
module), and the canonical frames, findings, notices and detected dialect must be identical. The amounts of a
column converted at once must be those `money.parse_amount` gives value by value, and its errors the same.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

import arctl.io.table as table_module
from arctl.io import arrowcsv
from arctl.io.dialect import parse_dates, parse_money
from arctl.io.export import ExportRead, ReadOptions, read_export
from arctl.money import AmountError, parse_amount

EU_HEADER = "Factuurnummer;Klantnummer;Klantnaam;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand"
ISO_HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due"

EU_ROWS = """\
2026-000101;K00001;Schrijnwerkerij Aerts BV;15-07-2026;29-07-2026;EUR;1.234,56;1.234,56
2026-000102;K00001;Schrijnwerkerij Aerts BV;19-08-2026;19-08-2026;EUR;-48,40;-48,40
2026-000103;K00002;"Bakkerij De Smet; Zonen";01-09-2026;01-10-2026;EUR;12.345.678,90;100,00
2026-000104;K00002;Bakkerij De Smet;01-09-2026;31-02-2026;EUR;250,00;250,00
2026-000105;K00003;Garage Peeters;02-09-2026;02-10-2026;EUR;12,3,4;12,3,4
2026-000106;K00003;Garage Peeters;02-09-2026;02-10-2026;EUR;1.234.56;1.234.56
2026-000107;K00004;Drukkerij Maes;03-09-2026;03-10-2026;EUR;;
2026-000108;K00004;Drukkerij Maes;03-09-2026;03-10-2026;EUR;€ 1.500,00;€ 1.500,00
2026-000109;K00005;Café Müller;04-09-2026;;EUR;99,5;99,5
2026-000110;K00005;Café Müller;04-09-2026;04-10-2026;JPY;1.500;1.500
2026-000111;K00006;Van Damme;05-09-2026;05-10-2026;EUR;-1.234,56;-1.234,56
2026-000111;K00006;Van Damme;05-09-2026;05-10-2026;EUR;10,00;10,00
2026-000112;K00007;Janssens;06-09-2026;06-10-2026;EUR;(12,50);(12,50)
2026-000113;K00007;Janssens;06-09-2026;06-10-2026;XXX;12,50;12,50
2026-000114;K00008;Claes;07-09-2026;07-10-2026;EUR;99999999999999999;99999999999999999
2026-000115;K00008;Claes;07-09-2026;07-10-2026;EUR;1.234,567;1.234,567
2026-000116;K00009;  Wouters  ;08-09-2026;08-10-2026; eur ; 7,25 ; 7,25
"""

ISO_ROWS = '''\
2026-000201,K00001,Schrijnwerkerij Aerts BV,2026-07-15,2026-07-29,EUR,"1,234.56","1,234.56"
2026-000202,K00001,"Aerts, BV",2026-08-19,2026-08-19,EUR,-48.40,-48.40
2026-000203,K00002,Bakkerij De Smet,2026-09-01,2026-02-31,EUR,250,250
2026-000204,K00002,Bakkerij De Smet,2026-09-01,2026-10-01,USD,"1,234.5.6",12
2026-000205,K00003,Garage Peeters,2026-09-02,2026-10-02,GBP,£12.50,£12.50
2026-000206,K00003,Garage Peeters,2026-09-02,,EUR,,
2026-000207,K00004,"Drukkerij ""Maes""",2026-09-03,2026-10-03,BHD,1.234,1.234
'''


def write(tmp_path: Path, text: str, *, name: str = "export.csv", encoding: str = "utf-8",
          newline: str = "\n", bom: bool = False) -> Path:
    path = tmp_path / name
    body = textwrap.dedent(text).replace("\n", newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body)
    return path


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch, **options) -> tuple[ExportRead, ExportRead, int]:
    """The read with the fast reader, the read with the exact one, and how often the fast reader answered."""
    answered = []
    original = arrowcsv.arrow_records

    def counted(*args, **kwargs):
        frame = original(*args, **kwargs)
        answered.append(frame is not None)
        return frame

    monkeypatch.setattr(table_module, "arrow_records", counted)
    fast = read_export(path, ReadOptions(**options))
    monkeypatch.setattr(table_module, "FAST_READER", False)
    exact = read_export(path, ReadOptions(**options))
    monkeypatch.setattr(table_module, "FAST_READER", True)
    return fast, exact, sum(answered)


def assert_same(fast: ExportRead, exact: ExportRead) -> None:
    pd.testing.assert_frame_equal(fast.frame, exact.frame)
    assert fast.findings == exact.findings
    assert fast.notices == exact.notices
    assert fast.detected == exact.detected
    assert (fast.rows, fast.valid_rows, fast.left_out) == (exact.rows, exact.valid_rows, exact.left_out)


@pytest.mark.parametrize(("newline", "bom", "encoding"), [
    ("\n", False, "utf-8"), ("\r\n", False, "utf-8"), ("\n", True, "utf-8"), ("\r\n", False, "cp1252"),
])
def test_a_european_export_with_every_kind_of_value_reads_the_same_both_ways(tmp_path, monkeypatch, newline, bom,
                                                                          encoding):
    path = write(tmp_path, EU_HEADER + "\n" + EU_ROWS, newline=newline, bom=bom, encoding=encoding)
    fast, exact, answered = both_ways(path, monkeypatch)
    assert answered == 1
    assert_same(fast, exact)
    by_row = {(f.row, f.column): f.message for f in fast.findings}
    assert by_row[(5, "Vervaldatum")] == "not a date: expected DD-MM-YYYY"
    assert by_row[(6, "Bedrag")] == "'12,3,4' has the decimal mark ',' more than once"
    assert by_row[(7, "Bedrag")] == ("'1.234.56' does not fit the decimal mark ',': "
                                     "expected thousands in groups of three")
    assert by_row[(8, "Openstaand")] == "empty: expected an amount"
    assert by_row[(16, "Bedrag")] == "'99999999999999999' is too large to be an amount"
    assert by_row[(17, "Bedrag")] == "'1.234,567' has more decimals than EUR allows (2)"
    amounts = dict(zip(fast.frame["invoice_id"], fast.frame["amount"], strict=True))
    assert amounts["2026-000101"] == 123456
    assert amounts["2026-000102"] == -4840
    assert amounts["2026-000103"] == 1234567890
    assert amounts["2026-000108"] == 150000
    assert amounts["2026-000110"] == 1500  # yen: no decimals, the point groups thousands
    assert amounts["2026-000112"] == -1250
    assert amounts["2026-000116"] == 725
    assert "2026-000111" not in amounts  # on two rows: neither is used


def test_an_iso_export_with_quoted_separators_reads_the_same_both_ways(tmp_path, monkeypatch):
    path = write(tmp_path, ISO_HEADER + "\n" + ISO_ROWS)
    fast, exact, answered = both_ways(path, monkeypatch)
    assert answered == 1
    assert_same(fast, exact)
    names = dict(zip(fast.frame["invoice_id"], fast.frame["customer_name"], strict=True))
    assert names["2026-000202"] == "Aerts, BV"
    assert names["2026-000207"] == 'Drukkerij "Maes"'
    amounts = dict(zip(fast.frame["invoice_id"], fast.frame["amount"], strict=True))
    assert amounts["2026-000201"] == 123456
    assert amounts["2026-000205"] == 1250
    assert amounts["2026-000207"] == 1234  # three decimals in Bahraini dinar


@pytest.mark.parametrize("text", [
    # a line break inside quotes, a blank line, a ragged row, a title block above the header, no final newline
    ISO_HEADER + '\n2026-1,K1,"Aerts\nBV",2026-07-15,2026-07-29,EUR,10.00,10.00\n',
    ISO_HEADER + "\n2026-1,K1,Aerts,2026-07-15,2026-07-29,EUR,10.00,10.00\n\n2026-2,K1,Aerts,2026-07-15,"
                 "2026-07-29,EUR,5.00,5.00\n",
    ISO_HEADER + "\n2026-1,K1,Aerts,2026-07-15,2026-07-29,EUR,10.00,10.00,extra\n"
                 "2026-2,K1,Aerts,2026-07-15,2026-07-29,EUR,5.00,5.00\n",
    "Open items per 30-09-2026\n\n" + ISO_HEADER + "\n2026-1,K1,Aerts,2026-07-15,2026-07-29,EUR,10.00,10.00\n",
    ISO_HEADER + "\n2026-1,K1,Aerts,2026-07-15,2026-07-29,EUR,10.00,10.00",
    ISO_HEADER + "\n2026-1,K1,Aerts,2026-07-15,2026-07-29,EUR,10.00,10.00\n , , , , , , , \n",
])
def test_files_the_fast_reader_leaves_to_the_exact_one_read_the_same(tmp_path, monkeypatch, text):
    path = write(tmp_path, text)
    fast, exact, _ = both_ways(path, monkeypatch)
    assert_same(fast, exact)


def test_the_fast_reader_declines_what_it_cannot_read_line_for_line(tmp_path):
    raw = (ISO_HEADER + '\n2026-1,K1,"Aerts\nBV",2026-07-15,2026-07-29,EUR,10.00,10.00\n').encode()
    assert arrowcsv.arrow_records(raw, "utf-8", ",", 1, 8, 1 << 20) is None  # two lines, one record
    assert arrowcsv.arrow_records(raw, "utf-16", ",", 1, 8, 1 << 20) is None
    assert arrowcsv.arrow_records(b"a,b\n1,2\n\xff\xfe,3\n", "utf-8", ",", 1, 2, 1 << 20) is None  # not UTF-8
    assert arrowcsv.arrow_records(b"a,b\n1,2\n3,4,5\n", "utf-8", ",", 1, 2, 1 << 20) is None  # a ragged row
    assert arrowcsv.arrow_records(b'a,b\n1,2\n"3,4\n', "utf-8", ",", 1, 2, 1 << 20) is None  # a quote left open
    assert arrowcsv.arrow_records(b"a,b\n1,2\n", "utf-8", ",", 1, 2, 2) is not None
    assert arrowcsv.arrow_records(b"a,b\n1,2345\n", "utf-8", ",", 1, 2, 3) is None  # a field past the limit


@pytest.mark.parametrize("mark", [",", "."])
def test_amounts_converted_at_once_are_those_parse_amount_gives_one_by_one(mark):
    values = ["1.234,56", "1,234.56", "-1.234,56", "12,5", "12.5", "0,01", "007", "-0", "1.234", "1,234",
              "12,3,4", "1.234.56", "€ 12,50", "12,50-", "(7,00)", "", "  3,10 ", "1234567890123456",
              "99999999999999999", "1.234,567", "12,", ",5", "+5", "1e5", "١٢٣", "12 345,67", "-", "1.2.3,4"]
    currencies = ["EUR", "JPY", "BHD", "USD"]
    rows = [(v, c) for v in values for c in currencies]
    minor, errors = parse_money(pd.Series([v for v, _ in rows], dtype=str),
                                pd.Series([c for _, c in rows], dtype=str), mark)
    for (value, currency), got, error in zip(rows, minor.tolist(), errors.tolist(), strict=True):
        if not value.strip():
            assert (got, error) == (0, "empty: expected an amount")
            continue
        try:
            expected, message = parse_amount(value.strip(), currency, mark), ""
        except AmountError as exc:
            expected, message = 0, str(exc)
        assert (got, error) == (expected, message), (value, currency)


def test_dates_parsed_once_per_distinct_text_keep_the_row_order():
    values = pd.Series(["15-07-2026", "", "31-02-2026", "15-07-2026", "01-01-2027 10:30", "garbage"], dtype=str)
    parsed = parse_dates(values, "DD-MM-YYYY")
    assert parsed.dtype == "datetime64[s]"
    assert [None if pd.isna(v) else v.date().isoformat() for v in parsed] == [
        "2026-07-15", None, None, "2026-07-15", "2027-01-01", None]


def test_spreadsheet_cells_converted_a_column_at_a_time_are_those_converted_one_by_one():
    import datetime as dt

    from arctl.io.table import _cell_text, _cell_texts

    grid = [
        ["2026-1", 29.63, dt.date(2026, 7, 15), dt.datetime(2026, 7, 15, 0, 0), "  Aerts BV ", 1, True, None],
        ["2026-2", 0.1 + 0.2, dt.date(2026, 7, 15), dt.datetime(2026, 7, 15, 9, 30), "", 2, False, ""],
        ["2026-3", 1e16, "", "", "Café", "", "", 3.5],
        ["", -0.0, dt.date(2027, 1, 1), dt.datetime(2027, 1, 1), " ", 10**17, True, dt.date(2026, 1, 1)],
        ["2026-5", "", dt.date(2027, 1, 1), "", "x", 7, "", 1.5e-7],
    ]
    assert _cell_texts(grid) == [[_cell_text(value) for value in row] for row in grid]
    assert _cell_texts(grid)[2][1] == "10000000000000000"
    assert _cell_texts([[1.0, "a"], [2.5]]) == [["1", "a"], ["2.5"]]  # rows of unequal length, cell by cell


def test_the_decimal_mark_decided_from_the_votes_of_all_rows_is_the_one_the_distinct_values_decide():
    import random

    from arctl.io.dialect import _marks_shown, decide_decimal_mark

    def reference(values: list[str], fallback: str) -> str:
        distinct = pd.Series(pd.Series(values, dtype=str).loc[lambda s: s.str.strip().ne("")].unique(), dtype=str)
        marks = _marks_shown(distinct.str.replace(r"[^\d.,]", "", regex=True))
        dots, commas = int(marks.eq(".").sum()), int(marks.eq(",").sum())
        return ("." if dots >= commas else ",") if dots or commas else fallback

    pieces = ["1", "12", "123", "1.234", "1,234", ",5", ".50", ",567", ".1", "-", "€ ", " EUR", "", "7,00", "0.25"]
    generator = random.Random(19)
    for _ in range(400):
        values = ["".join(generator.choice(pieces) for _ in range(generator.randint(0, 3)))
                  for _ in range(generator.randint(1, 12))]
        values += values[:generator.randint(0, 3)]  # repeated values count once
        for fallback in (".", ","):
            assert decide_decimal_mark(pd.Series(values, dtype=str), None, fallback).mark == reference(
                values, fallback), values
