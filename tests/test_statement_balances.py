"""`arctl check` on a bank statement checks its balances: opening + credits - debits = closing, per account and
statement, in every structured format (MT940 :60F:/:62F:, camt OPBD/CLBD, CODA record 1 / record 8).

A difference is a warning (exit 0, the lines are still usable) naming file, line, account and statement with
the expected and the stated closing balance in the workspace's money format; a statement that does not state
both balances is not warned about. The statements are written by hand from the formats' public
descriptions: SWIFT MT 940 fields 60F/61/62F; ISO 20022 camt.053 `Stmt/Bal` with `Tp/CdOrPrtry/Cd` OPBD, PRCD
and CLBD; Febelfin CODA 2.x records 0, 1, 21, 8 and 9 at their standard positions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app

BE = "BE68539007547034"
NL = "NL91ABNA0417164300"


@pytest.fixture()
def runner(tmp_path, monkeypatch):
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def check_json(runner: CliRunner, path: Path) -> dict:
    result = runner.invoke(app, ["check", str(path), "--json", "--locale", "nl_BE"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["files"]
    return entry


def warnings_of(entry: dict) -> list[dict]:
    return [p for p in entry["problems"] if p["severity"] == "warning" and p["field"] == "balance"]


def plain(text: str) -> str:
    """Babel writes a no-break space between the euro sign and the amount in nl_BE."""
    return text.replace("\xa0", " ")


# --- MT940 ---------------------------------------------------------------------------------------


def mt940(closing: str, *, opening: str = ":60F:C240229EUR1000,00\n", number: str = "940S240301",
          account: str = BE) -> str:
    return (f":20:{number}\n:25:{account}\n:28C:00012/1\n{opening}"
            ":61:2403010301C250,00NTRFNONREF//B1\n:86:Factuur 2024-017\n"
            ":61:2403010301D50,00NTRFNONREF//B2\n:86:Bankkosten\n"
            f":62F:{closing}\n-\n")


def test_mt940_closing_balance_that_does_not_add_up_is_a_warning_with_both_figures(tmp_path, runner):
    # 1.000,00 + 250,00 - 50,00 = 1.200,00 expected; the statement states 1.250,00 (50,00 more)
    path = tmp_path / "statement.sta"
    path.write_text(mt940("C240301EUR1250,00"), encoding="latin-1")

    (warning,) = warnings_of(check_json(runner, path))

    assert (warning["row"], warning["column"], plain(warning["value"])) == (9, ":62F:", "€ 1.250,00")
    assert plain(warning["message"]) == (
        f"account {BE}, statement 940S240301/00012/1: the balances do not add up: opening € 1.000,00 + credits "
        "€ 250,00 - debits € 50,00 = € 1.200,00 expected, the closing balance states € 1.250,00 (difference € 50,00)")


def test_mt940_statement_that_adds_up_has_no_problems_on_screen(tmp_path, runner):
    path = tmp_path / "statement.sta"
    path.write_text(mt940("C240301EUR1200,00"), encoding="latin-1")

    result = runner.invoke(app, ["check", str(path)])

    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_mt940_only_the_statement_that_does_not_add_up_is_named(tmp_path, runner):
    # BE: 1.200,00 as expected; NL: 1.000,00 + 250,00 - 50,00 = 1.200,00 expected, 1.190,00 stated
    path = tmp_path / "statement.sta"
    path.write_text(mt940("C240301EUR1200,00") + mt940("C240301EUR1190,00", number="940N240301", account=NL),
                    encoding="latin-1")

    (warning,) = warnings_of(check_json(runner, path))

    assert warning["row"] == 19  # the :62F: of the second statement (lines 11-20)
    assert plain(warning["message"]).startswith(f"account {NL}, statement 940N240301/00012/1: ")
    assert plain(warning["message"]).endswith("the closing balance states € 1.190,00 (difference € -10,00)")


def test_mt940_statement_without_opening_balance_is_not_warned_about(tmp_path, runner):
    path = tmp_path / "statement.sta"
    path.write_text(mt940("C240301EUR9999,99", opening=""), encoding="latin-1")

    assert warnings_of(check_json(runner, path)) == []


# --- camt.053 ------------------------------------------------------------------------------------


def camt(balances: str) -> str:
    entries = "".join(
        f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        "<BookgDt><Dt>2024-03-01</Dt></BookgDt><ValDt><Dt>2024-03-01</Dt></ValDt></Ntry>\n"
        for amount, indicator in (("250.00", "CRDT"), ("50.00", "DBIT"), ("75.00", "CRDT")))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\n"
            "<GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-03-01T08:00:00</CreDtTm></GrpHdr>\n"
            f"<Stmt><Id>STMT-2024-061</Id><Acct><Id><IBAN>{NL}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
            f"{balances}{entries}</Stmt></BkToCstmrStmt></Document>\n")


def bal(kind: str, amount: str, indicator: str = "CRDT") -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{kind}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amount}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\n")


def test_camt_closing_balance_that_does_not_add_up_is_a_warning_at_its_line(tmp_path, runner):
    # 1.000,00 + (250,00 + 75,00) - 50,00 = 1.275,00 expected; CLBD states 1.257,00
    path = tmp_path / "statement.xml"
    path.write_text(camt(bal("OPBD", "1000.00") + bal("CLBD", "1257.00")), encoding="utf-8")

    (warning,) = warnings_of(check_json(runner, path))

    assert (warning["row"], warning["column"]) == (6, "Bal CLBD")
    assert plain(warning["message"]) == (
        f"account {NL}, statement STMT-2024-061: the balances do not add up: opening € 1.000,00 + credits € 325,00 "
        "- debits € 50,00 = € 1.275,00 expected, the closing balance states € 1.257,00 (difference € -18,00)")


def test_camt_previous_closing_balance_serves_as_the_opening(tmp_path, runner):
    # PRCD -100,00 (debit) + 325,00 - 50,00 = 175,00: as stated, no warning; 175,01 stated: a warning
    path = tmp_path / "statement.xml"
    path.write_text(camt(bal("PRCD", "100.00", "DBIT") + bal("CLBD", "175.00")), encoding="utf-8")
    assert warnings_of(check_json(runner, path)) == []

    path.write_text(camt(bal("PRCD", "100.00", "DBIT") + bal("CLBD", "175.01")), encoding="utf-8")
    assert len(warnings_of(check_json(runner, path))) == 1


def test_camt_statement_with_only_a_closing_balance_is_not_warned_about(tmp_path, runner):
    path = tmp_path / "statement.xml"
    path.write_text(camt(bal("CLBD", "9999.99")), encoding="utf-8")

    assert warnings_of(check_json(runner, path)) == []


# --- CODA ----------------------------------------------------------------------------------------


def record(fields: dict[int, str]) -> str:
    """A 128-character CODA record with each text at its 1-based Febelfin position."""
    chars = [" "] * 128
    for position, text in fields.items():
        chars[position - 1:position - 1 + len(text)] = text
    return "".join(chars)


def coda(new_balance: str) -> str:
    """Old balance 100,000 (3 implied decimals: 100,00), one credit 255,00, the given new balance."""
    return "\n".join([
        record({1: "00000", 6: "010224", 12: "539", 15: "05", 128: "2"}),
        record({1: "12", 3: "001", 6: BE, 40: "EUR", 43: "0", 44: "000000000100000", 59: "310124", 126: "001"}),
        record({1: "21", 3: "0001", 7: "0000", 11: "REF0001", 32: "0", 33: "000000000255000", 48: "010224",
                54: "00150000", 62: "0", 63: "INVOICE 2024-001", 116: "010224", 122: "001", 125: "0", 126: "0",
                128: "0"}),
        record({1: "8", 2: "001", 5: BE, 39: "EUR", 42: "0", 43: new_balance, 58: "010224"}),
        record({1: "9", 17: "000003", 23: "0" * 15, 38: "000000000255000", 128: "2"}),
    ]) + "\n"


def test_coda_new_balance_that_does_not_add_up_is_a_warning_naming_record_8(tmp_path, runner):
    # 100,00 + 255,00 - 0,00 = 355,00 expected; record 8 states 355,50
    path = tmp_path / "statement.cod"
    path.write_text(coda("000000000355500"), encoding="cp1252")

    (warning,) = warnings_of(check_json(runner, path))

    assert (warning["row"], warning["column"]) == (4, "record 8")
    assert plain(warning["message"]) == (
        f"account {BE}, statement 001/2024-01-31: the balances do not add up: opening € 100,00 + credits € 255,00 "
        "- debits € 0,00 = € 355,00 expected, the closing balance states € 355,50 (difference € 0,50)")


def test_coda_new_balance_that_adds_up_is_not_warned_about(tmp_path, runner):
    path = tmp_path / "statement.cod"
    path.write_text(coda("000000000355000"), encoding="cp1252")

    assert warnings_of(check_json(runner, path)) == []


def test_coda_with_trailing_spaces_removed_is_checked_as_coda(tmp_path, runner):
    # an editor trimmed every record; before, the file was not recognised ("no header row found")
    path = tmp_path / "statement.cod"
    path.write_text("\n".join(line.rstrip() for line in coda("000000000355000").splitlines()) + "\n",
                    encoding="cp1252")

    entry = check_json(runner, path)

    assert (entry["format"], entry["transactions"]) == ("coda", 1)
    assert any("padded with spaces" in notice for notice in entry["notices"])
