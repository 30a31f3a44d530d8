"""MT940 as banks really send it: every variant the standard allows, in small files written by hand.

The files follow the SWIFT field specification of MT 940 (SWIFT User Handbook, "MT 940 Customer Statement
Message" and "Field 61: Statement Line": `6!n[4!n]2a[1!a]15d1!a3!c16x[//16x]` + `[34x]` on the next line),
as the banks' own format descriptions reproduce it (Rabobank "Format Description MT940" 2.4, ING
"Mijn ING Zakelijk MT940 Structured", Deutsche Bank "MT940 Format Description"): value date, optional
entry date, debit/credit mark, optional funds code (third letter of the currency), amount with a decimal
comma, transaction type (`N`, `F` or `S` and three characters), the account owner's reference, an optional
`//` bank reference and optional supplementary details. Optional fields: `:13D:`, `:21:`, the
`/sequence` of `:28C:`, `:61:` and `:86:`, `:64:`, `:65:`. A FIN message is wrapped in SOH (0x01) and
ETX (0x03) around its `{1:}{2:}{3:}{4: ... -}` blocks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.errors import InputError
from arctl.io.bank.lines import balance_findings
from arctl.io.bank.mt940 import read_mt940
from arctl.io.bank.read import detect_bank_format, read_bank

IBAN = "BE68539007547034"


def statement(*lines_61: str, opening: str = "C240229EUR1000,00", closing: str = "C240301EUR1000,00",
              head: str = ":20:940S240301\n:25:BE68539007547034\n:28C:00012/1\n") -> str:
    """One statement: head tags, the opening balance, the given `:61:` blocks, the closing balance, `-`."""
    body = "".join(f":61:{block}\n" for block in lines_61)
    return f"{head}:60F:{opening}\n{body}:62F:{closing}\n-\n"


def write(tmp_path: Path, text: str, name: str = "statement.sta") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1"))
    return path


def only_line(tmp_path: Path, text: str) -> pd.Series:
    frame = read_mt940(write(tmp_path, text)).frame
    assert len(frame) == 1
    return frame.iloc[0]


# --- the :61: statement line -----------------------------------------------------------------------


def test_a_line_without_entry_date_is_booked_on_its_value_date(tmp_path):
    row = only_line(tmp_path, statement("240301C250,00NTRFNONREF//B4C01MT0000001", closing="C240301EUR1250,00"))
    assert row["value_date"] == row["booking_date"] == pd.Timestamp("2024-03-01")
    assert (row["amount"], row["bank_ref"]) == (25000, "B4C01MT0000001")


def test_a_two_letter_type_padded_with_a_space_before_the_reference(tmp_path):
    row = only_line(tmp_path, statement("2403010301D12,50NIT NONREF", closing="C240301EUR987,50"))
    assert row["amount"] == -1250
    assert row["bank_ref"] == ""  # NONREF is no id
    assert row["txn_id"].startswith(f"{IBAN}:h")


def test_a_type_that_ends_the_line_without_any_reference(tmp_path):
    row = only_line(tmp_path, statement("2403010301C250,00NAC", closing="C240301EUR1250,00"))
    assert (row["amount"], row["bank_ref"]) == (25000, "")


def test_a_two_letter_type_followed_straight_by_the_bank_reference(tmp_path):
    row = only_line(tmp_path, statement("240301C250,00NET//4958843", closing="C240301EUR1250,00"))
    assert (row["amount"], row["bank_ref"]) == (25000, "4958843")


def test_a_three_digit_swift_message_type_and_a_numeric_ing_type(tmp_path):
    text = statement("240301C1500,00S103REF12345//B4C01MT0000002", "240301C1,50N078NONREF//20002424669822",
                     closing="C240301EUR2501,50")
    frame = read_mt940(write(tmp_path, text)).frame
    assert list(frame["amount"]) == [150000, 150]
    assert list(frame["bank_ref"]) == ["B4C01MT0000002", "20002424669822"]


def test_a_lone_type_letter_and_a_missing_customer_reference_before_the_bank_reference(tmp_path):
    text = statement("240301C250,00N", "240301D50,00NTRF//B4C01MT0000003", closing="C240301EUR1200,00")
    frame = read_mt940(write(tmp_path, text)).frame
    assert list(frame["amount"]) == [25000, -5000]
    assert list(frame["bank_ref"]) == ["", "B4C01MT0000003"]


def test_a_space_before_the_amount_or_a_line_break_inside_the_61_is_read(tmp_path):
    text = statement("2403010301C 250,00NTRFNONREF//B1", "2403010301D\n50,00NTRFNONREF//B2",
                     closing="C240301EUR1200,00")
    frame = read_mt940(write(tmp_path, text)).frame
    assert list(frame["amount"]) == [25000, -5000]
    assert list(frame["bank_ref"]) == ["B1", "B2"]


def test_a_funds_code_after_the_mark_is_not_part_of_the_amount(tmp_path):
    # DR: debit, funds code R (third letter of EUR); "20," is 20,00
    row = only_line(tmp_path, statement("2403010301DR20,NTRFNONREF//B1", closing="C240301EUR980,00"))
    assert (row["amount"], row["reversal"]) == (-2000, False)


def test_supplementary_details_on_the_next_line_give_the_counterparty(tmp_path):
    text = statement("240301C250,00NTRFNONREF//B4C01MT0000001\nBE71096123456769", closing="C240301EUR1250,00")
    row = only_line(tmp_path, text)
    assert row["counterparty_iban"] == "BE71096123456769"
    text = statement("240301C250,00NTRFNONREF//B4C01MT0000001\nKLANT BV", closing="C240301EUR1250,00")
    assert only_line(tmp_path, text)["counterparty_name"] == "KLANT BV"


# --- optional fields left out ----------------------------------------------------------------------


def test_optional_13d_and_21_are_read_past_and_86_64_65_may_be_missing(tmp_path):
    head = ":20:940S240301\n:21:NONREF\n:13D:2403011200+0100\n:25:BE68539007547034\n:28C:12\n"
    text = statement("240301C250,00NTRFNONREF//B1", "240301D50,00NTRFNONREF//B2", head=head,
                     closing="C240301EUR1200,00")
    read = read_mt940(write(tmp_path, text))
    assert list(read.frame["amount"]) == [25000, -5000]
    assert [b.kind for b in read.balances] == ["OPBD", "CLBD"]
    assert balance_findings(read, "en") == []  # 1000,00 + 250,00 - 50,00 = 1200,00


def test_a_statement_without_28c_is_named_by_its_20_alone(tmp_path):
    head = ":20:940S240301\n:25:BE68539007547034\n"
    read = read_mt940(write(tmp_path, statement("240301C250,00NTRFNONREF//B1", head=head)))
    assert [s.statement for s in read.statement_balances] == ["940S240301"]


def test_a_statement_number_without_its_sequence_is_the_statement_id(tmp_path):
    head = ":20:940S240301\n:25:BE68539007547034\n:28C:00012\n"
    read = read_mt940(write(tmp_path, statement("240301C250,00NTRFNONREF//B1", head=head)))
    assert [s.statement for s in read.statement_balances] == ["940S240301/00012"]


def test_a_quiet_day_without_any_61_is_a_statement_with_no_lines(tmp_path):
    path = write(tmp_path, statement())
    read = read_bank(path)
    assert detect_bank_format(path) == "mt940"
    assert (read.format, read.statements, len(read.frame)) == ("mt940", 1, 0)
    assert [(b.kind, b.date) for b in read.balances] == [("OPBD", dt.date(2024, 2, 29)),
                                                          ("CLBD", dt.date(2024, 3, 1))]


def test_without_opening_balance_the_currency_comes_from_the_closing_balance(tmp_path):
    text = ":20:940S240301\n:25:BE68539007547034\n:61:240301C250,00NTRFNONREF//B1\n:62F:C240301EUR1250,00\n-\n"
    read = read_mt940(write(tmp_path, text))
    assert list(read.frame["currency"]) == ["EUR"]
    assert balance_findings(read, "en") == []  # nothing to compare with: no warning


# --- SWIFT FIN wrapping ----------------------------------------------------------------------------


def test_a_fin_message_wrapped_in_soh_blocks_and_etx_is_read(tmp_path):
    text = ("\x01{1:F01BBRUBEBBAXXX0000000000}{2:O9401200240301BBRUBEBBAXXX00000000002403011200N}{4:\n"
            + statement("240301C250,00NTRFNONREF//B1", closing="C240301EUR1250,00").replace("-\n", "")
            + "-}\x03")
    path = write(tmp_path, text)
    read = read_bank(path)
    assert detect_bank_format(path) == "mt940"
    assert (read.statements, list(read.frame["amount"])) == (1, [25000])


def test_two_messages_ended_by_dash_etx_and_started_by_soh_on_one_line(tmp_path):
    first = statement("240301C250,00NTRFNONREF//B1", closing="C240301EUR1250,00")
    second = statement("240304D100,00NTRFNONREF//B2", opening="C240301EUR1250,00", closing="C240304EUR1150,00",
                       head=":20:940S240304\n:25:BE68539007547034\n:28C:00013/1\n")
    text = "\x01" + first.replace("-\n", "-\x03\x01") + second.replace("-\n", "-\x03")
    read = read_mt940(write(tmp_path, text))
    assert read.statements == 2
    assert list(read.frame["bank_ref"]) == ["B1", "B2"]
    assert balance_findings(read, "en") == []


def test_a_message_without_soh_that_starts_with_its_tags_is_detected(tmp_path):
    path = write(tmp_path, "\x01" + statement("240301C250,00NTRFNONREF//B1", closing="C240301EUR1250,00")
                 .replace("-\n", "-\x03"))
    assert detect_bank_format(path) == "mt940"


# --- bad values: one clear error, never a traceback ------------------------------------------------


@pytest.mark.parametrize(("text", "line", "value"), [
    (statement(opening="C240230EUR1000,00"), 4, "'240230'"),                       # 30 February
    (statement("240230C250,00NTRFNONREF//B1"), 5, "'240230'"),
    (statement("2403010230C250,00NTRFNONREF//B1"), 5, "'0230'"),                   # entry date 30 February
    (statement("240301C250,005NTRFNONREF//B1"), 5, "250,005"),                     # 3 decimals in EUR
    (statement(closing="C240301EUR1O00,00"), 5, "'C240301EUR1O00,00'"),            # letter O for zero
    (statement(closing="C240301EUX1000,00"), 5, "'EUX'"),
])
def test_a_bad_date_or_amount_names_file_line_statement_and_value(tmp_path, text, line, value):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        read_mt940(path)
    message = raised.value.message
    assert message.startswith(f"{path}: line {line}: statement 940S240301/00012/1: ")
    assert value in message


def test_check_on_a_bad_date_prints_one_error_line_and_exits_3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    path = write(tmp_path, statement(opening="C240230EUR1000,00"))
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "240230" in errors[0] and str(path) in errors[0]
