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

    assert [(f.row, f.message) for f in read.errors] == [
        (2, "customer id appears on 2 rows (rows 2, 3); none of them is used")]
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


# VAT numbers. Belgium: "BE" + 10 digits, the first 0 or 1; the last two are 97 - (the first eight mod 97).
#   BE 0403.019.261: 04030192 mod 97 = 36 (97 * 41548 = 4030156), 97 - 36 = 61 -> valid; ...262 -> invalid.
# Netherlands: "NL" + 9 digits + "B" + 2 digits; the first 9 digits weighted 9, 8, ..., 2, 1*(-1) sum to 0 mod 11:
#   NL004495445B01: 0*9 + 0*8 + 4*7 + 4*6 + 9*5 + 5*4 + 4*3 + 4*2 = 137, 137 mod 11 = 5 = last digit -> valid;
#   NL004495446B01 -> invalid.
def test_vat_numbers_are_checked_with_their_countrys_check_digits(tmp_path):
    path = write(tmp_path, """\
        Klantnummer;Naam;Land;BTW-nummer
        K1;Peeters BV;BE;BE 0403.019.261
        K2;Janssens BV;BE;BE0403019262
        K3;De Vries BV;NL;NL004495445B01
        K4;Jansen BV;NL;NL004495446B01
        K5;Dupont SA;BE;0403.019.262
        K6;Dupuis SA;BE;0403.019.261
        K7;Müller GmbH;DE;
        """)
    read = read_export(path, ReadOptions(kind="customers"))

    assert [(f.row, f.value, f.severity) for f in read.findings] == [
        (3, "BE0403019262", "warning"), (5, "NL004495446B01", "warning"),
        (6, "0403.019.262", "warning")]  # K5: no prefix, checked as Belgian from the country column
    assert read.findings[0].message == ("not a valid VAT number (check digits or length fail); kept, "
                                        "check it with the customer")
    assert len(read.frame) == 7  # a warning keeps the customer


def test_a_greek_vat_number_uses_the_el_prefix_and_a_swiss_one_its_own_check(tmp_path):
    # EL094259216: the Greek example of python-stdnum's own documentation (EL, not GR, in the EU VIES system);
    # CHE-116.281.710 MWST: the Swiss UID format (stdnum.ch.vat), mod 11 check digit.
    path = write(tmp_path, """\
        Customer ID,Name,Country,VAT Number
        C1,Papadopoulos AE,GR,EL094259216
        C2,Papadopoulos AE,GR,EL094259217
        C3,Muster AG,CH,CHE-116.281.710 MWST
        C4,Muster AG,CH,CHE-116.281.711 MWST
        """)
    read = read_export(path, ReadOptions(kind="customers"))

    assert [f.row for f in read.findings] == [3, 5]
