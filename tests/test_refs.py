"""refs: every written form of a reference reads to one value, failed checks are flags, and what we make reads back."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban, iso11649
from stdnum.be import ogm_vcs

from arctl.refs import (
    Reference,
    corrections,
    find_references,
    format_ogm,
    format_rf,
    generate_ogm,
    generate_rf,
    iban_of_bban,
    is_valid_ogm,
    normalise_invoice_number,
    ogm_for_invoice,
    parse_reference,
)

REFS_SOURCE = Path(__file__).resolve().parents[1] / "src" / "arctl" / "refs.py"


# --- Belgian structured communication (OGM/VCS) ---------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "+++090/9337/55493+++",
        "***090/9337/55493***",
        "+++ 090 / 9337 / 55493 +++",
        "+++090933755493+++",
        "090/9337/55493",
        "090 9337 55493",
        "090933755493",
        "  090933755493\n",
    ],
)
def test_every_written_form_of_an_ogm_reads_to_its_12_digits(text):
    assert parse_reference(text) == Reference("ogm", "090933755493", True, text.strip())


def test_the_reference_md_example_ogm_is_valid():
    assert parse_reference("+++010/8068/17183+++") == Reference("ogm", "010806817183", True, "+++010/8068/17183+++")


def test_a_base_divisible_by_97_has_check_digits_97():
    assert parse_reference("+++000/0000/09797+++").valid
    assert not parse_reference("+++000/0000/09700+++").valid


def test_the_kbc_coda_structured_reference_is_a_valid_ogm():
    assert parse_reference("240283842818") == Reference("ogm", "240283842818", True, "240283842818")


def test_bare_digits_failing_the_ogm_check_are_no_reference_in_free_text():
    assert parse_reference("000003505158") is None


def test_bare_digits_failing_the_ogm_check_are_a_flagged_ogm_in_a_structured_field():
    assert parse_reference("000003505158", assume_ogm=True) == Reference("ogm", "000003505158", False, "000003505158")


def test_a_printed_ogm_failing_its_check_is_kept_and_flagged():
    assert parse_reference("+++000/0035/05158+++") == Reference("ogm", "000003505158", False, "+++000/0035/05158+++")


def test_a_printed_ogm_of_the_wrong_length_is_kept_and_flagged():
    reference = parse_reference("+++090/9337/5549+++")
    assert (reference.kind, reference.valid) == ("ogm", False)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_the_ogm_check_agrees_with_python_stdnum(digits):
    reference = parse_reference(digits, assume_ogm=True)
    assert (reference.kind == "ogm" and reference.valid) == ogm_vcs.is_valid(digits)


def test_is_valid_ogm_takes_only_the_12_digits():
    assert is_valid_ogm("010806817183")
    assert not is_valid_ogm("+++010/8068/17183+++")  # written forms are read by parse_reference
    assert not is_valid_ogm("010806817180")


@pytest.mark.parametrize("bban", ["539007547034", "539-0075470-34", "539 0075470 34"])
def test_a_belgian_account_number_becomes_its_iban(bban):
    assert iban_of_bban(bban) == "BE68539007547034"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_a_belgian_account_number_passing_its_check_gives_a_valid_iban_and_any_other_none(digits):
    found = iban_of_bban(digits)

    if ogm_vcs.is_valid(digits):
        assert found == "BE" + found[2:4] + digits and iban.is_valid(found, check_country=False)
    else:
        assert found is None


# --- ISO 11649 RF creditor reference ---------------------------------------------------------------

@pytest.mark.parametrize("text", ["RF18539007547034", "RF18 5390 0754 7034", "rf18 5390 0754 7034", "rf18539007547034"])
def test_every_written_form_of_the_iso_11649_example_reads_compact_and_valid(text):
    assert parse_reference(text) == Reference("rf", "RF18539007547034", True, text)


def test_an_rf_reference_with_wrong_check_digits_is_kept_and_flagged():
    assert parse_reference("RF19 5390 0754 7034") == Reference("rf", "RF19539007547034", False, "RF19 5390 0754 7034")


def test_an_rf_reference_longer_than_25_characters_is_flagged():
    assert not parse_reference("RF18" + "1" * 22).valid


# --- Dutch betalingskenmerk ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["5000 0567 8901 2345", "5000056789012345", "5 000 0567 8901 2345"])
def test_the_betaalvereniging_16_digit_example_is_valid(text):
    assert parse_reference(text) == Reference("nl", "5000056789012345", True, text)


def test_the_betaalvereniging_14_digit_example_with_length_code_is_valid():
    assert parse_reference("12 2345 3462 2567") == Reference("nl", "12234534622567", True, "12 2345 3462 2567")


def test_a_16_digit_kenmerk_with_a_wrong_check_digit_is_kept_and_flagged():
    assert parse_reference("1000 0567 8901 2345") == Reference("nl", "1000056789012345", False, "1000 0567 8901 2345")


def test_the_ing_mt940_fixture_kenmerk_fails_its_check():
    # REFERENCE.md: computed check digit 8, printed 9; anonymised data that must never auto-match.
    assert parse_reference("9001123412341234") == Reference("nl", "9001123412341234", False, "9001123412341234")


def test_a_16_digit_structured_field_stays_dutch_even_when_ogm_is_assumed():
    assert parse_reference("4654654654654654", assume_ogm=True).kind == "nl"


def test_twelve_digits_failing_the_ogm_check_but_passing_the_dutch_one_are_dutch():
    assert parse_reference("701234567890") == Reference("nl", "701234567890", True, "701234567890")


def test_a_kenmerk_whose_length_code_does_not_match_its_length_is_flagged():
    # check digit right for the digits, but L=2 announces 12 digits after it where there are 11
    assert find_references("betalingskenmerk 4212345678901") == [
        Reference("nl", "4212345678901", False, "4212345678901")
    ]


@pytest.mark.parametrize("text", ["", "   ", "factuur 2026-0042", "42", "1234567", "20-05-2011", "RF", "hello"])
def test_a_text_that_is_not_one_reference_reads_as_none(text):
    assert parse_reference(text) is None


# --- references in free text -----------------------------------------------------------------------

def test_a_printed_ogm_is_found_after_an_invoice_number():
    assert find_references("Betaling factuur 2026-0042 +++090/9337/55493+++") == [
        Reference("ogm", "090933755493", True, "+++090/9337/55493+++")
    ]


def test_a_printed_ogm_with_stars_and_spaces_inside_is_found():
    assert find_references("MEDEDELING *** 090 / 9337 / 55493 *** DANK U") == [
        Reference("ogm", "090933755493", True, "*** 090 / 9337 / 55493 ***")
    ]


def test_a_slashed_ogm_without_plus_signs_is_found_and_flagged_when_it_fails():
    # phpcoda sample5: the payer typed the reference by hand and it fails mod 97
    assert find_references("112/4554/46812   813") == [Reference("ogm", "112455446812", False, "112/4554/46812")]


def test_a_printed_ogm_failing_its_check_is_found_and_flagged():
    assert find_references("ref +++000/0035/05158+++") == [
        Reference("ogm", "000003505158", False, "+++000/0035/05158+++")
    ]


def test_the_abn_amro_betalingskenmerk_is_found_and_flagged_as_15_digits_is_no_valid_form():
    text = "BETALINGSKENM. 000000042188659 BETREFT FACTUUR D.D. 20-05-2011"
    assert find_references(text) == [Reference("nl", "000000042188659", False, "000000042188659")]


def test_the_abn_amro_fixture_kenmerk_does_not_swallow_the_wrapped_line_after_it(real_fixture):
    lines = real_fixture("mt940/jejik_abnamro.sta").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "BETALINGSKENM." in line)
    remittance = " ".join(lines[start:start + 3])
    assert [(r.kind, r.value, r.valid) for r in find_references(remittance)] == [("nl", "000000042188659", False)]


def test_a_spaced_16_digit_kenmerk_after_the_word_is_found_whole():
    assert find_references("Betalingskenmerk: 5000 0567 8901 2345 dank") == [
        Reference("nl", "5000056789012345", True, "5000 0567 8901 2345")
    ]


def test_a_number_shorter_than_7_digits_after_betalingskenm_is_no_betalingskenmerk():
    assert find_references("/REMI/BETALINGSKENM. 231732INCASS") == []


def test_a_date_after_kenmerk_is_no_betalingskenmerk():
    assert find_references("Kenmerk: 02-02-2023 17:01") == []


def test_a_phone_number_of_12_digits_failing_the_ogm_check_is_not_found():
    assert find_references("Vragen? Bel 003224567890 of mail naar info@example.be") == []


def test_bare_12_digits_passing_the_ogm_check_are_found():
    assert find_references("BETALING 240283842818 DANK") == [Reference("ogm", "240283842818", True, "240283842818")]


def test_bare_12_digits_inside_a_longer_number_are_not_found():
    assert find_references("rekening 9240283842818") == []


def test_an_rf_reference_is_found_without_the_words_after_it():
    assert find_references("Ref RF18 5390 0754 7034 voor factuur 12") == [
        Reference("rf", "RF18539007547034", True, "RF18 5390 0754 7034")
    ]


def test_an_rf_reference_in_lower_case_is_found():
    assert find_references("betaling rf18539007547034.") == [
        Reference("rf", "RF18539007547034", True, "rf18539007547034")
    ]


def test_an_rf_reference_failing_its_check_is_found_and_flagged():
    assert find_references("RF19 5390 0754 7034 NR 42") == [
        Reference("rf", "RF19539007547034", False, "RF19 5390 0754 7034")
    ]


def test_references_come_in_text_order_each_once():
    text = "RF18 5390 0754 7034, +++090/9337/55493+++ en nogmaals 090933755493"
    assert [(r.kind, r.value) for r in find_references(text)] == [("rf", "RF18539007547034"), ("ogm", "090933755493")]


def test_a_text_without_references_gives_an_empty_list():
    assert find_references("Factuur 2026-0042 van 12-03-2026, bedrag 1.234,56") == []
    assert find_references("") == []


# --- formatting and generating ---------------------------------------------------------------------

def test_format_ogm_prints_plus_signs_and_slashes():
    assert format_ogm("010806817183") == "+++010/8068/17183+++"


def test_format_ogm_refuses_anything_but_12_digits():
    with pytest.raises(ValueError, match="expected 12 digits"):
        format_ogm("01080681718")


def test_format_rf_prints_groups_of_four():
    assert format_rf("rf18539007547034") == "RF18 5390 0754 7034"


def test_format_rf_refuses_a_text_that_is_no_rf_reference():
    with pytest.raises(ValueError, match="not an RF reference"):
        format_rf("BE18539007547034")


def test_generate_ogm_zero_pads_the_number_and_adds_the_check():
    assert generate_ogm(108068171) == "010806817183"
    assert generate_ogm(97) == "000000009797"


@pytest.mark.parametrize("number", [-1, 10**10])
def test_generate_ogm_refuses_a_number_beyond_10_digits(number):
    with pytest.raises(ValueError, match="does not fit the 10 digits"):
        generate_ogm(number)


@given(st.integers(min_value=0, max_value=10**10 - 1))
def test_generate_ogm_always_gives_a_valid_ogm_that_reads_back(number):
    ogm = generate_ogm(number)
    assert int(ogm[:10]) == number
    assert parse_reference(format_ogm(ogm)) == Reference("ogm", ogm, True, format_ogm(ogm))
    assert find_references(f"Betaling {format_ogm(ogm)} dank") == [Reference("ogm", ogm, True, format_ogm(ogm))]


def test_generate_rf_gives_the_iso_11649_example():
    assert generate_rf("539007547034") == "RF18539007547034"


def test_generate_rf_refuses_a_reference_longer_than_21_characters():
    with pytest.raises(ValueError, match="1-21 letters"):
        generate_rf("1" * 22)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=21))
def test_generate_rf_always_gives_a_valid_rf_that_reads_back(reference):
    rf = generate_rf(reference)
    assert rf == "RF" + rf[2:4] + reference.upper()
    assert iso11649.is_valid(rf)
    assert parse_reference(format_rf(rf)) == Reference("rf", rf, True, format_rf(rf))


@given(st.text(alphabet="0123456789", min_size=1, max_size=21))
def test_a_generated_numeric_rf_is_found_in_text_as_printed(reference):
    printed = format_rf(generate_rf(reference))
    assert [(r.value, r.text) for r in find_references(f"Ref. {printed}, dank")] == [(generate_rf(reference), printed)]


# --- an OGM for invoices that have none ------------------------------------------------------------

def test_ogm_for_an_invoice_number_of_digits_shows_the_number():
    assert ogm_for_invoice("2026-0042") == "002026004240"


def test_ogm_for_invoice_is_the_same_for_every_spelling_of_the_number():
    assert ogm_for_invoice("2026-0042") == ogm_for_invoice("INV 2026/0042") == ogm_for_invoice("Factuur nr. 20260042")


def test_ogm_for_invoice_is_stable_across_runs_and_machines():
    # a hash pinned here: Python's hash() is salted per process, SHA-256 is not
    assert ogm_for_invoice("A-42") == "824552623409"


def test_ogm_for_invoice_keeps_letters_apart():
    assert ogm_for_invoice("A-42") != ogm_for_invoice("B-42")


@pytest.mark.parametrize("invoice_id", ["2026-0042-0001-77", "VF/2026/ABC", "x", "FACT 00000000000000001234"])
def test_ogm_for_invoice_gives_a_valid_ogm_for_any_number(invoice_id):
    assert parse_reference(ogm_for_invoice(invoice_id)).valid


def test_ogm_for_invoice_refuses_an_empty_number():
    with pytest.raises(ValueError, match="not an invoice number"):
        ogm_for_invoice(" - ")


# --- invoice numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["2026-0042", "2026/0042", "INV 2026 0042", "inv-2026-0042", "FACT 2026.0042", "Factuur nr. 2026/0042",
     "F2026-0042", "NR: 2026 0042", "No. 2026-0042", "20260042"],
)
def test_every_spelling_of_an_invoice_number_normalises_equally(text):
    assert normalise_invoice_number(text) == "20260042"


def test_leading_zeros_of_an_invoice_number_are_dropped():
    assert normalise_invoice_number("F0042") == normalise_invoice_number("42") == "42"


@pytest.mark.parametrize(
    ("left", "right"),
    [("42", "2026-0042"), ("2026-0042", "2026-0043"), ("2026-42", "2026-0042"), ("A-42", "B-42")],
)
def test_different_invoice_numbers_stay_different(left, right):
    assert normalise_invoice_number(left) != normalise_invoice_number(right)


def test_a_prefix_is_only_dropped_before_digits():
    assert normalise_invoice_number("NORD-12") == "nord12"


# --- layering --------------------------------------------------------------------------------------

def test_refs_imports_only_the_standard_library_and_stdnum():
    tree = ast.parse(REFS_SOURCE.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    roots = {name.split(".")[0] for name in imported}
    assert roots <= set(sys.stdlib_module_names) | {"stdnum"}, roots


# --- what a mistyped reference stands for -----------------------------------------------------------


def test_an_ogm_with_wrong_check_digits_stands_for_its_first_ten_digits_with_the_right_ones():
    # 0909337554 mod 97 = 93 (909337554 = 97 * 9374613 + 93)
    assert "090933755493" in [r.value for r in corrections(parse_reference("090933755401", assume_ogm=True))]


@pytest.mark.parametrize("typed", ["090933756493", "090933575493", "190933755493"])
def test_an_ogm_one_digit_off_or_with_neighbours_swapped_stands_for_the_right_one(typed):
    found = corrections(parse_reference(typed, assume_ogm=True))

    assert "090933755493" in [r.value for r in found]
    assert all(r.kind == "ogm" and r.valid and ogm_vcs.is_valid(r.value) for r in found)


def test_an_rf_with_wrong_check_digits_or_one_character_off_stands_for_the_right_one():
    # RF18 5390 0754 7034 is REFERENCE.md's example (ISO 11649)
    assert "RF18539007547034" in [r.value for r in corrections(parse_reference("RF19539007547034"))]
    assert "RF18539007547034" in [r.value for r in corrections(parse_reference("RF18539007547044"))]
    assert all(iso11649.is_valid(r.value) for r in corrections(parse_reference("RF18539007547044")))


_BODY_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _one_slip_away(value: str) -> list[str]:
    """The definition: every body with one character changed (digit for digit, letter for letter) or two
    neighbours swapped, kept where ISO 11649's check (python-stdnum) passes."""
    body, found = value[4:], []
    for i, ch in enumerate(body):
        pool = "0123456789" if ch.isdecimal() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        found.extend(body[:i] + other + body[i + 1:] for other in pool if other != ch)
        if i + 1 < len(body) and body[i + 1] != ch:
            found.append(body[:i] + body[i + 1] + ch + body[i + 2:])
    return [value[:4] + variant for variant in found if iso11649.is_valid(value[:4] + variant)]


@given(body=st.text(_BODY_CHARACTERS, min_size=1, max_size=21), check=st.integers(0, 99),
       slip=st.integers(0, 20), to=st.sampled_from(_BODY_CHARACTERS))
def test_the_corrections_of_an_rf_are_exactly_the_valid_references_one_slip_away(body, check, slip, to):
    slipped = body if slip >= len(body) else body[:slip] + to + body[slip + 1:]
    value = f"RF{check:02d}{slipped}"
    expected = [] if iso11649.is_valid(value) else list(dict.fromkeys([generate_rf(slipped),
                                                                       *_one_slip_away(value)]))
    assert [r.value for r in corrections(parse_reference(value))] == expected


def test_a_dutch_reference_with_neighbours_swapped_stands_for_the_right_one():
    # 5000 0567 8901 2345 is the Betaalvereniging's example; ...2354 has check digit 3, not 5
    assert "5000056789012345" in [r.value for r in corrections(parse_reference("5000056789012354"))]


def test_a_valid_reference_has_no_corrections():
    assert corrections(parse_reference("090933755493")) == []
