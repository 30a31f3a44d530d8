"""Dates on the command line: ISO, or as the workspace's locale writes them; an ambiguous one echoed in words.
Then what those dates record: a promise, a hold with its note, the day to call a customer back.

The orders are CLDR's short date formats (Babel): nl_BE d/MM/y (day first), en_US M/d/yy (month first),
de_DE dd.MM.yy.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.cli.dates import parse_date
from arctl.errors import UsageError
from arctl.workflows import load_workspace, open_store

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50
    """


@pytest.fixture
def workspace(imported_workspace):
    return imported_workspace(INVOICES)   # no locale in arctl.yaml: nl_BE, the default


def cli(*args, env=None):
    return CliRunner().invoke(app, [*args], env=env)


def set_locale(root: Path, locale: str) -> None:
    config = root / "arctl.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"locale: {locale}\n", encoding="utf-8")


def stored(root, what, *args):
    store = open_store(load_workspace(root, root, None))
    try:
        return getattr(store, what)(*args)
    finally:
        store.close()


# --- the forms read ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "locale", "day"), [
    ("2026-12-15", "nl_BE", dt.date(2026, 12, 15)),
    ("20261215", "en_US", dt.date(2026, 12, 15)),
    ("15/12/2026", "nl_BE", dt.date(2026, 12, 15)),
    ("15-12-2026", "nl_NL", dt.date(2026, 12, 15)),
    ("15.12.2026", "de_DE", dt.date(2026, 12, 15)),
    ("15/12/26", "fr_BE", dt.date(2026, 12, 15)),
    ("12/15/2026", "en_US", dt.date(2026, 12, 15)),
    ("2026/12/15", "nl_BE", dt.date(2026, 12, 15)),
    ("15 december 2026", "nl_BE", dt.date(2026, 12, 15)),
    ("15 déc. 2026", "fr_BE", dt.date(2026, 12, 15)),
    ("Dec 15, 2026", "en_US", dt.date(2026, 12, 15)),
    ("15. Dezember 2026", "de_DE", dt.date(2026, 12, 15)),
])
def test_a_date_is_read_in_iso_or_as_the_locale_writes_it(text, locale, day):
    assert parse_date(text, "--until", locale) == (day, False)


def test_an_ambiguous_day_and_month_follow_the_locale_and_are_marked_ambiguous():
    assert parse_date("05/12/2026", "--until", "nl_BE") == (dt.date(2026, 12, 5), True)
    assert parse_date("05/12/2026", "--until", "en_US") == (dt.date(2026, 5, 12), True)


def test_without_a_locale_an_ambiguous_date_is_refused_and_an_unambiguous_one_read():
    assert parse_date("15/12/2026", "--as-of", None) == (dt.date(2026, 12, 15), False)
    with pytest.raises(UsageError, match="could be either way round and no locale says which"):
        parse_date("05/12/2026", "--as-of", None)


def test_a_date_in_the_other_order_than_the_locale_is_refused_not_swapped():
    with pytest.raises(UsageError, match=r"12/15/2026 \(month/day/year as en_US writes dates\)"):
        parse_date("15/12/2026", "--until", "en_US")


# --- on the command line -------------------------------------------------------------------------------


def test_promise_until_a_date_written_the_belgian_way_records_that_date(workspace):
    result = cli("promise", "2026-0042", "--until", "15/12/2026", "--as-of", "2026-11-20")

    assert result.exit_code == 0, result.output
    assert [row["until"] for row in stored(workspace, "promises")] == [dt.date(2026, 12, 15)]
    assert "promise recorded: invoice 2026-0042 by 2026-12-15 (15 December 2026)" in result.stdout


def test_an_ambiguous_date_is_echoed_back_in_words_on_stderr(workspace):
    result = cli("hold", "K001", "--reason", "legal", "--until", "05/12/2026", "--as-of", "2026-11-20")

    assert result.exit_code == 0, result.output
    assert ("note: --until 05/12/2026 is 2026-12-05 (5 December 2026): day/month/year as nl_BE writes dates"
            in result.stderr)
    assert "customer K001 on hold (legal) until 2026-12-05 (5 December 2026)" in result.stdout


def test_the_workspace_locale_decides_the_order(workspace):
    set_locale(workspace, "en_US")

    result = cli("promise", "2026-0042", "--until", "01/02/2027", "--as-of", "2026-11-20")

    assert result.exit_code == 0, result.output
    assert [row["until"] for row in stored(workspace, "promises")] == [dt.date(2027, 1, 2)]   # January 2nd


def test_as_of_is_read_in_the_locale_too(workspace):
    result = cli("aging", "--as-of", "26/11/2026", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-11-26"


def test_payplan_first_is_read_in_the_locale(workspace):
    result = cli("payplan", "create", "K001", "--invoices", "2026-0042", "--installments", "2", "--first",
                 "15/12/2026", "--as-of", "2026-11-20", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["installments"][0]["due_date"] == "2026-12-15"


def test_an_unparseable_date_is_one_error_line_naming_the_accepted_forms(workspace):
    result = cli("aging", "--as-of", "31/02/2026")

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        "Error: --as-of 31/02/2026: not a date; write 2026-12-15 (ISO), 15/12/2026 (day/month/year as nl_BE "
        "writes dates), 15 December 2026 or today")


def test_outside_a_workspace_the_environment_locale_reads_the_date(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    export = tmp_path / "open.csv"
    export.write_text(INVOICES.replace("    ", ""), encoding="utf-8")

    dutch = cli("aging", str(export), "--as-of", "05/12/2026", "--format", "json",
                env={"LC_ALL": "", "LC_TIME": "", "LANG": "nl_BE.UTF-8"})
    unknown = cli("aging", str(export), "--as-of", "05/12/2026", env={"LC_ALL": "", "LC_TIME": "", "LANG": "C"})

    assert json.loads(dutch.stdout)["as_of"] == "2026-12-05"
    assert unknown.exit_code == 2
    assert "could be either way round and no locale says which" in unknown.stderr


# --- callbacks and hold notes --------------------------------------------------------------------------


def test_a_callback_with_its_day_is_recorded_and_shown_by_customer_show(workspace):
    noted = cli("note", "K002", "asks to call back after the board meeting", "--outcome", "callback", "--until",
                "05/12/2026", "--as-of", "2026-11-20")
    shown = cli("customer", "show", "K002", "--as-of", "2026-12-05")

    assert noted.exit_code == 0, noted.output
    assert "call recorded for K002: call back on 2026-12-05 (5 December 2026)" in noted.stdout
    assert "call back on 2026-12-05 (due): asks to call back after the board meeting" in shown.stdout
    assert [(n["call"], n["outcome"], n["until"]) for n in stored(workspace, "notes", "K002")] == [
        (True, "callback", dt.date(2026, 12, 5))]


def test_a_callback_is_shown_by_explain_for_the_customers_invoices(workspace):
    cli("note", "K002", "call back Friday", "--call", "--outcome", "callback", "--until", "2026-11-27",
        "--as-of", "2026-11-20")

    result = cli("explain", "2026-0043", "--as-of", "2026-11-20")

    assert "call back on 2026-11-27: call back Friday (call of 2026-11-20)" in result.stdout


def test_a_later_call_answers_the_callback(workspace):
    cli("note", "K002", "call back Friday", "--outcome", "callback", "--until", "2026-11-27", "--as-of", "2026-11-20")
    cli("note", "K002", "reached them, pays Monday", "--outcome", "promise", "--until", "2026-11-30",
        "--as-of", "2026-11-27")

    result = cli("customer", "show", "K002", "--as-of", "2026-11-27", "--json")

    assert json.loads(result.stdout)["call_back_on"] is None


def test_hold_keeps_its_note_and_customer_show_and_explain_show_it(workspace):
    held = cli("hold", "K001", "--reason", "insolvency", "--note", "curator Mr Maes, file 2026/123",
               "--as-of", "2026-11-20")
    shown = cli("customer", "show", "K001", "--as-of", "2026-11-20")
    explained = cli("explain", "2026-0042", "--as-of", "2026-11-20")

    assert held.exit_code == 0, held.output
    assert [row["note"] for row in stored(workspace, "holds")] == ["curator Mr Maes, file 2026/123"]
    assert "on hold since 2026-11-20 (insolvency): curator Mr Maes, file 2026/123" in shown.stdout
    assert "held since 2026-11-20: insolvency (curator Mr Maes, file 2026/123)" in explained.stdout


def test_the_dunning_run_lists_the_calls_to_return_that_day(workspace):
    cli("note", "K002", "asks to call back after the board meeting", "--outcome", "callback", "--until",
        "2026-11-24", "--as-of", "2026-11-20")

    early = cli("dunning", "run", "--dry-run", "--allow-stale-bank", "--as-of", "2026-11-23", "--json")
    due = cli("dunning", "run", "--dry-run", "--allow-stale-bank", "--as-of", "2026-11-24")

    assert json.loads(early.stdout)["callbacks"] == []
    assert ("call back K002 (due 2026-11-24): asks to call back after the board meeting (call of 2026-11-20)"
            in due.stdout)
