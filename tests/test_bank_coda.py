"""Belgian CODA files read into canonical bank lines (io/bank/coda.py).

Golden values for the four real files come from ../shared/fixtures/real/SOURCES.md (section coda/);
the small files written here pin the behaviours the real files do not show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from arctl.errors import InputError
from arctl.io.bank.coda import read_coda
from arctl.io.bank.lines import balance_findings
from arctl.model import BANK_COLUMNS

KBC = "coda/oca_kbc_Ontvangen_CODA.2012-01-11-18.59.15.cod"
IBAN_V23 = "coda/oca_Coda_iban_v2_3_single_statement.cod"
SAMPLE1 = "coda/phpcoda_sample1.cod"
SAMPLE5 = "coda/phpcoda_sample5.cod"
ALL = (KBC, IBAN_V23, SAMPLE1, SAMPLE5)


def row(frame, **where):
    """The one row of `frame` whose columns equal `where`."""
    mask = True
    for column, value in where.items():
        mask = mask & (frame[column] == value)
    found = frame[mask]
    assert len(found) == 1, (where, found)
    return found.iloc[0]


def balance(read, kind):
    (found,) = [b for b in read.balances if b.kind == kind]
    return found


# --- small files ---------------------------------------------------------------------------------


def record(fields: dict[int, str]) -> str:
    """A 128-character record with each text placed at its 1-based position, as the standard numbers them."""
    chars = [" "] * 128
    for position, text in fields.items():
        chars[position - 1:position - 1 + len(text)] = text
    assert len(chars) == 128, fields
    return "".join(chars)


IBAN = "BE68539007547034"


def header(date: str = "010224") -> str:
    return record({1: "00000", 6: date, 12: "539", 15: "05", 128: "2"})


def old_balance(amount: str = "000000000100000", number: str = "001", date: str = "310124") -> str:
    return record({1: "12", 3: number, 6: IBAN, 40: "EUR", 43: "0", 44: amount, 59: date, 126: number})


def movement(sequence: str, amount: str, *, detail: str = "0000", ref: str = "", sign: str = "0",
             tx_type: str = "0", comm: str = "", structured: str = "0", glob: str = "0",
             date: str = "010224") -> str:
    return record({1: "21", 3: sequence, 7: detail, 11: ref or f"REF{sequence}{detail}", 32: sign, 33: amount,
                   48: date, 54: tx_type + "0150000", 62: structured, 63: comm, 116: date, 122: "001",
                   125: glob, 126: "0", 128: "0"})


def new_balance(amount: str, number: str = "001", date: str = "010224", sign: str = "0") -> str:
    return record({1: "8", 2: number, 5: IBAN, 39: "EUR", 42: sign, 43: amount, 58: date})


def trailer(records: int, debit: str = "0" * 15, credit: str = "0" * 15) -> str:
    return record({1: "9", 17: f"{records:06d}", 23: debit, 38: credit, 128: "2"})


def write_coda(tmp_path: Path, lines: list[str], *, name: str = "statement.cod", newline: str = "\n",
               encoding: str = "cp1252") -> Path:
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def simple_statement(number: str = "001", old: str = "000000000100000", new: str = "000000000355000",
                     date: str = "010224") -> list[str]:
    """One statement: old balance 100,00, a credit of 255,00, new balance 355,00 (amounts in thousandths)."""
    return [header(date), old_balance(old, number), movement("0001", "000000000255000", comm="INVOICE 2024-001",
                                                             date=date),
            new_balance(new, number, date), trailer(3, credit="000000000255000")]


def test_a_small_file_gives_the_canonical_columns(tmp_path):
    read = read_coda(write_coda(tmp_path, simple_statement()))
    assert read.format == "coda" and read.statements == 1
    assert list(read.frame.columns) == list(BANK_COLUMNS)
    line = read.frame.iloc[0]
    assert (line.account_iban, line.amount, line.currency, line.remittance) == (IBAN, 25500, "EUR",
                                                                                 "INVOICE 2024-001")
    assert line.booking_date == dt.datetime(2024, 2, 1)
    assert read.notices == []


@pytest.mark.parametrize("digit", ["\u00b2", "\u00b9"])   # superscripts: isdigit() is true, int() fails
def test_a_digit_that_is_not_a_decimal_digit_in_a_date_is_refused_naming_the_line(tmp_path, digit):
    """Found by the fuzzer: a date field holding a superscript digit raised ValueError out of the reader."""
    lines = simple_statement()
    lines[3] = lines[3][:60] + digit + lines[3][61:]

    with pytest.raises(InputError) as error:
        read_coda(write_coda(tmp_path, lines))

    assert "line 4" in str(error.value) and "new balance date" in str(error.value)


def test_a_record_of_129_characters_is_refused_naming_line_and_length(tmp_path):
    lines = simple_statement()
    lines[2] = lines[2] + " "
    with pytest.raises(InputError) as error:
        read_coda(write_coda(tmp_path, lines))
    message = str(error.value)
    assert "statement.cod" in message and "line 3" in message and "129 characters" in message


def test_records_whose_trailing_spaces_an_editor_removed_are_padded_and_read_alike(tmp_path):
    # the new-balance record 8 ends in blanks after its date (positions 64-128): trimmed, it is 63 long
    stripped = [line.rstrip() for line in simple_statement()]
    assert [len(line) for line in stripped] == [128, 128, 128, 63, 128]
    expected = read_coda(write_coda(tmp_path, simple_statement(), name="full.cod"))
    read = read_coda(write_coda(tmp_path, stripped, name="trimmed.cod"))
    assert read.frame.drop(columns="source").equals(expected.frame.drop(columns="source"))
    assert read.balances == expected.balances
    assert read.notices == [f"{tmp_path / 'trimmed.cod'}: 1 record shorter than 128 characters (first at line 4) "
                            "padded with spaces: trailing spaces were removed from the file"]


def test_a_movement_cut_off_before_its_globalisation_code_is_refused_naming_the_line(tmp_path):
    lines = simple_statement()
    lines[2] = lines[2][:100]  # positions 101-128 lost: the entry date (116) and globalisation code (125)
    with pytest.raises(InputError) as error:
        read_coda(write_coda(tmp_path, lines))
    assert error.value.message == (
        f"{tmp_path / 'statement.cod'}: line 3: globalisation code ' ' at position 125 is not a digit (the record "
        "is only 100 characters long, not 128: it was cut off, so what it lacks cannot be read)")


def test_an_unknown_record_type_is_refused_naming_the_line(tmp_path):
    lines = simple_statement()
    lines.insert(3, record({1: "7", 2: "1000"}))
    with pytest.raises(InputError) as error:
        read_coda(write_coda(tmp_path, lines))
    message = str(error.value)
    assert "statement.cod" in message and "line 4" in message and "unknown CODA record type '71'" in message


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.cod"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_coda(path)


def test_a_movement_before_the_old_balance_record_is_refused(tmp_path):
    lines = simple_statement()
    lines[1], lines[2] = lines[2], lines[1]
    with pytest.raises(InputError, match="line 2: record 21 before the old-balance record 1"):
        read_coda(write_coda(tmp_path, lines))


def test_an_amount_finer_than_the_currency_is_refused(tmp_path):
    lines = simple_statement()
    lines[2] = movement("0001", "000000000255005")
    with pytest.raises(InputError, match="line 3: amount 255.005"):
        read_coda(write_coda(tmp_path, lines))


def test_several_statements_in_one_file_are_all_read(tmp_path):
    lines = simple_statement("001", date="010224") + simple_statement("002", "000000000355000",
                                                                       "000000000610000", date="020224")
    read = read_coda(write_coda(tmp_path, lines))
    assert read.statements == 2
    assert list(read.frame["source"]) == [f"{tmp_path / 'statement.cod'}:3", f"{tmp_path / 'statement.cod'}:8"]
    assert [b.kind for b in read.balances] == ["OPBD", "CLBD", "OPBD", "CLBD"]
    assert read.frame["txn_id"].is_unique
    assert read.notices == []


def test_cp1252_text_is_decoded(tmp_path):
    lines = simple_statement()
    lines[2] = movement("0001", "000000000255000", comm="Théâtre d'Hélène à Dümùß")
    read = read_coda(write_coda(tmp_path, lines, encoding="cp1252"))
    assert read.frame.iloc[0].remittance == "Théâtre d'Hélène à Dümùß"


def test_details_that_do_not_add_up_to_their_total_book_the_total(tmp_path):
    lines = [header(), old_balance(),
             movement("0001", "000000000300000", tx_type="2", glob="1", comm="BATCH"),
             movement("0001", "000000000100000", detail="0001", tx_type="6"),
             movement("0001", "000000000150000", detail="0002", tx_type="6", glob="1"),
             new_balance("000000000400000"), trailer(5, credit="000000000300000")]
    read = read_coda(write_coda(tmp_path, lines))
    assert list(read.frame["amount"]) == [30000]
    assert any("add up to 250.00, its total is 300.00" in notice for notice in read.notices)


def test_details_sent_without_globalisation_codes_replace_their_total(tmp_path):
    lines = [header(), old_balance(),
             movement("0001", "000000000300000", tx_type="2", comm="CARD PAYMENTS"),
             movement("0001", "000000000100000", detail="0001", tx_type="6", comm="CARD 1"),
             movement("0001", "000000000200000", detail="0002", tx_type="6", comm="CARD 2"),
             new_balance("000000000400000"), trailer(5, credit="000000000300000")]
    read = read_coda(write_coda(tmp_path, lines))
    assert list(read.frame["amount"]) == [10000, 20000]
    assert list(read.frame["remittance"]) == ["CARD 1", "CARD 2"]
    assert read.notices == []


def test_a_free_communication_that_looks_like_an_ogm_stays_remittance(tmp_path):
    lines = simple_statement()
    lines[2] = movement("0001", "000000000255000", comm="+++090/9337/55493+++")
    line = read_coda(write_coda(tmp_path, lines)).frame.iloc[0]
    assert (line.structured_ref, line.remittance) == ("", "+++090/9337/55493+++")


def test_an_rf_creditor_reference_is_a_structured_reference(tmp_path):
    lines = simple_statement()
    lines[2] = movement("0001", "000000000255000", structured="1", comm="100RF18539007547034")
    line = read_coda(write_coda(tmp_path, lines)).frame.iloc[0]
    assert (line.structured_ref, line.remittance) == ("RF18539007547034", "")


# --- oca_kbc: structured OGM, globalised loan repayment, account quirk ----------------------------


def test_kbc_valid_ogm_on_the_3044_45_credit(real_fixture):
    read = read_coda(real_fixture(KBC))
    credit = row(read.frame, amount=304445)
    assert credit.structured_ref == "240283842818"
    assert not [f for f in read.findings if f.field == "structured_ref"]  # the check digits pass


def test_kbc_globalised_loan_repayment_is_booked_as_its_details(real_fixture):
    frame = read_coda(real_fixture(KBC)).frame
    loan = frame[frame["remittance"].str.contains("KBC-INVESTERINGSKREDIET")]
    assert sorted(loan["amount"]) == [-41992, -41992, -5912, -5912]  # capital + interest, twice
    assert -47904 not in set(frame["amount"])  # the 479,04 totals are not booked beside them
    assert len(frame) == 7


def test_kbc_teruggave_free_text(real_fixture):
    line = row(read_coda(real_fixture(KBC)).frame, amount=6374)
    assert line.remittance == "TERUGGAVE 37232481 8400083296 ."
    assert line.structured_ref == ""


def test_kbc_counterparty_iban_and_name_from_record_23(real_fixture):
    line = row(read_coda(real_fixture(KBC)).frame, amount=304445)
    assert (line.counterparty_iban, line.counterparty_name) == ("BE61310126985517", "PARTNER 2")


def test_kbc_account_of_record_1_is_kept_and_the_other_account_of_record_8_noted(real_fixture):
    read = read_coda(real_fixture(KBC))
    assert set(read.frame["account_iban"]) == {"BE46737018594236"}
    assert {b.account for b in read.balances} == {"BE46737018594236"}
    assert any("BE44734024486445" in notice and "record 1" in notice for notice in read.notices)


def test_kbc_new_balance_that_does_not_follow_from_the_lines_is_noted(real_fixture):
    # 11 812,70 + 1 715,11 booked = 13 527,81; record 8 says 13 646,05 (118,24 = the two interest details).
    read = read_coda(real_fixture(KBC))
    assert (balance(read, "OPBD").amount, balance(read, "CLBD").amount) == (1181270, 1364605)
    assert int(read.frame["amount"].sum()) == 171511
    [warning] = balance_findings(read, "nl_BE")
    assert (warning.row, warning.column, warning.severity) == (23, "record 8", "warning")
    assert "difference € 118,24" in warning.message.replace("\xa0", " ")


def test_kbc_bank_reference_shared_by_details_is_not_an_id(real_fixture):
    frame = read_coda(real_fixture(KBC)).frame
    loan = frame[frame["remittance"].str.contains("KBC-INVESTERINGSKREDIET")]
    assert set(loan["bank_ref"]) == {""}
    assert row(frame, amount=304445).txn_id == "BE46737018594236:OL4414AC8BOVSOVSOVERS"


# --- oca Coda_iban_v2_3: CRLF, 32 movement records of which arctl books 30 ------------------------


def test_iban_v23_crlf_file_books_thirty_lines(real_fixture):
    # 32 movement records (16 credits, 16 debits) in 17 top-level movements: two of them are totals
    # (credit 62 095,01 with 1 detail, debit 2 608,00 with 14 details), replaced by their details.
    path = real_fixture(IBAN_V23)
    assert b"\r\n" in path.read_bytes()
    frame = read_coda(path).frame
    assert len(frame) == 30
    assert ((frame["amount"] > 0).sum(), (frame["amount"] < 0).sum()) == (15, 15)


def test_iban_v23_globalised_transfers_are_booked_as_their_details(real_fixture):
    frame = read_coda(real_fixture(IBAN_V23)).frame
    to_central = frame[frame["remittance"] == "OVERBOEKING NAAR CENTRALE REKENING"]
    assert len(to_central) == 14 and int(to_central["amount"].sum()) == -260800
    assert -260800 not in set(frame["amount"])
    assert list(frame["amount"]).count(6209501) == 1  # the credit total's single detail, not both


def test_iban_v23_direct_debit_of_62095_01(real_fixture):
    line = row(read_coda(real_fixture(IBAN_V23)).frame, amount=-6209501)
    assert line.counterparty_name == "AMERICAN EXPRESS"
    assert line.structured_ref == ""  # structured code 107 keeps its text
    assert "PAIEMT.BETALING" in line.remittance


def test_iban_v23_new_balance_is_old_balance_plus_booked_lines(real_fixture):
    read = read_coda(real_fixture(IBAN_V23))
    assert balance(read, "OPBD").amount == 0
    assert balance(read, "CLBD").amount == balance(read, "OPBD").amount + int(read.frame["amount"].sum())
    assert read.notices == []


def test_iban_v23_communication_continued_in_record_22_joins_without_a_space(real_fixture):
    frame = read_coda(real_fixture(IBAN_V23)).frame
    assert row(frame, amount=14830).remittance == "ONG. SG 20-4203595 LOONVERLIES HAMERLYNCK TONY"


def test_iban_v23_counterparty_bban_becomes_its_iban(real_fixture):
    line = row(read_coda(real_fixture(IBAN_V23)).frame, amount=14830)
    assert (line.counterparty_iban, line.counterparty_name) == ("BE42310180203454", "VIVIUM")


# --- phpcoda sample1: four structured references that fail mod 97 ----------------------------------


def test_sample1_four_credits_each_with_its_structured_reference(real_fixture):
    frame = read_coda(real_fixture(SAMPLE1)).frame
    assert list(frame["structured_ref"]) == ["000003505158", "000003515846", "000003154982", "000002133131"]
    assert (frame["amount"] > 0).all()


def test_sample1_references_failing_mod_97_are_kept_and_flagged(real_fixture):
    read = read_coda(real_fixture(SAMPLE1))
    flagged = [f for f in read.findings if f.field == "structured_ref"]
    assert [f.value for f in flagged] == list(read.frame["structured_ref"])
    assert {f.severity for f in flagged} == {"warning"}


def test_sample1_balances_match_the_sum_of_lines(real_fixture):
    read = read_coda(real_fixture(SAMPLE1))
    old, new = balance(read, "OPBD"), balance(read, "CLBD")
    assert (old.amount, new.amount) == (1775212, 1783212)
    assert new.amount - old.amount == int(read.frame["amount"].sum())
    assert not [n for n in read.notices if "new balance" in n]


# --- phpcoda sample5: the same reference free and structured, gaps, unbalanced ---------------------


def test_sample5_free_communication_like_an_ogm_stays_in_remittance(real_fixture):
    first = read_coda(real_fixture(SAMPLE5)).frame.iloc[0]
    assert first.structured_ref == ""
    assert first.remittance.startswith("112/4554/46812 813")


def test_sample5_structured_communication_gives_the_reference(real_fixture):
    second = read_coda(real_fixture(SAMPLE5)).frame.iloc[1]
    assert second.structured_ref == "112455446812"


def test_sample5_sequence_numbers_jump_and_every_movement_is_read(real_fixture):
    read = read_coda(real_fixture(SAMPLE5))
    assert list(read.frame["amount"]) == [176782, 276782, 176782]
    assert [source.rsplit(":", 1)[1] for source in read.frame["source"]] == ["3", "9", "13"]
    assert any("jumps from 0002 to 0009" in notice for notice in read.notices)


def test_sample5_new_balance_not_following_from_the_lines_is_read_and_noted(real_fixture):
    read = read_coda(real_fixture(SAMPLE5))
    assert balance(read, "CLBD").amount == -50001210
    assert balance(read, "CLBD").amount != balance(read, "OPBD").amount + int(read.frame["amount"].sum())
    [warning] = balance_findings(read, "en")
    assert "the closing balance states -€500,012.10" in warning.message
    assert "opening €4,004.10" in warning.message


# --- txn_id ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_txn_id_is_stable_across_two_reads(real_fixture, name):
    path = real_fixture(name)
    assert list(read_coda(path).frame["txn_id"]) == list(read_coda(path).frame["txn_id"])


@pytest.mark.parametrize("name", ALL)
def test_txn_id_is_distinct_per_transaction(real_fixture, name):
    frame = read_coda(real_fixture(name)).frame
    assert frame["txn_id"].is_unique


# --- cross-check against febelfin-coda (Tryton's parser), on the files it accepts -------------------


@pytest.mark.parametrize("name", (IBAN_V23, SAMPLE1))
def test_lines_agree_with_febelfin_coda(real_fixture, name):
    coda = pytest.importorskip("coda", reason="febelfin-coda is not installed (pip install febelfin-coda)")
    if not hasattr(coda, "CODA"):
        pytest.skip("the installed 'coda' package is not febelfin-coda (pycoda installs a package of that name)")
    path = real_fixture(name)
    (statement,) = coda.CODA(str(path)).statements
    theirs = []
    pending = list(statement.moves)
    while pending:  # febelfin-coda nests details under their total; arctl books the details
        move = pending.pop(0)
        if move.moves:
            pending[:0] = move.moves
        else:
            theirs.append((move.entry_date, move.value_date, int(move.amount * 100)))
    read = read_coda(path)
    ours = [(b.date(), v.date(), int(a)) for b, v, a in
            zip(read.frame["booking_date"], read.frame["value_date"], read.frame["amount"], strict=True)]
    assert ours == theirs
    assert balance(read, "OPBD").amount == int(statement.old_balance * 100)
    assert balance(read, "CLBD").amount == int(statement.new_balance * 100)
    assert isinstance(statement.old_balance, Decimal)


def test_the_statement_reaches_its_new_balance_date_not_only_its_last_movement(tmp_path):
    from arctl.io.bank.lines import statement_reach

    # the movement is booked 01/02/2024; the new balance (record 8) is dated 05/02/2024
    lines = simple_statement()
    lines[3] = new_balance("000000000355000", date="050224")
    read = read_coda(write_coda(tmp_path, lines))

    assert statement_reach(read.frame, read.balances) == {IBAN: dt.date(2024, 2, 5)}


def test_an_export_without_balances_reaches_its_newest_booking_date(tmp_path):
    from arctl.io.bank.lines import statement_reach

    read = read_coda(write_coda(tmp_path, simple_statement()))

    assert statement_reach(read.frame, []) == {IBAN: dt.date(2024, 2, 1)}


def test_a_movement_dated_30_february_is_refused_naming_line_and_value(tmp_path):
    lines = simple_statement()
    lines[2] = movement("0001", "000000000255000", date="300224")
    with pytest.raises(InputError) as error:
        read_coda(write_coda(tmp_path, lines))
    assert error.value.message == (f"{tmp_path / 'statement.cod'}: line 3: value date '300224' is not a date: "
                                   "expected DDMMYY")
