"""Customer master exports: ids, IBANs, consumers and values that cannot be trusted."""

from __future__ import annotations

import textwrap

from arctl.io.customers import split_ibans
from arctl.io.export import ReadOptions, read_export


def write(tmp_path, text, name="klanten.csv"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_customer_list_is_recognised_without_being_told(tmp_path):
    path = write(tmp_path, """\
        Klantnummer;Naam;E-mailadres;Taal;Land;IBAN;Particulier
        K0001;Bakkerij Peeters BV;boekhouding@peeters.example.be;nl;BE;BE05 0681 2345 6775;nee
        K0002;Jan Janssens;jan@example.be;nl;BE;;ja
        """)
    read = read_export(path)

    assert read.kind == "customers"
    assert read.frame["customer_id"].tolist() == ["K0001", "K0002"]
    assert read.frame["consumer"].tolist() == [False, True]
    assert read.frame["iban"].tolist() == ["BE05068123456775", ""]
    assert read.findings == []


def test_a_duplicate_customer_id_makes_both_rows_unusable(tmp_path):
    path = write(tmp_path, """\
        Customer ID,Name
        C1,Peeters BV
        C1,Peeters NV
        """)
    read = read_export(path, ReadOptions(kind="customers"))

    assert [(f.row, f.message) for f in read.errors] == [(2, "customer id appears more than once"),
                                                         (3, "customer id appears more than once")]
    assert read.valid_rows == 0


def test_an_iban_with_failing_check_digits_is_kept_and_flagged(tmp_path):
    path = write(tmp_path, """\
        Customer ID,Name,IBAN
        C1,Peeters BV,NL50RABO0123456789
        """)
    read = read_export(path, ReadOptions(kind="customers"))

    assert read.frame["iban"].tolist() == ["NL50RABO0123456789"]
    [warning] = read.findings
    assert (warning.severity, warning.row, warning.column) == ("warning", 2, "IBAN")
    assert read.valid_rows == 1


def test_several_ibans_in_one_cell_are_split_printed_or_compact():
    assert split_ibans("BE05 0681 2345 6775 NL91ABNA0417164300") == ["BE05068123456775", "NL91ABNA0417164300"]
    assert split_ibans("BE05068123456775; NL91 ABNA 0417 1643 00") == ["BE05068123456775", "NL91ABNA0417164300"]
