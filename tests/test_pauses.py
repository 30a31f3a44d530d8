"""Holds, disputes, promises and notes: recorded in the workspace state, with every wrong input refused."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.state import schema
from arctl.workflows import load_workspace, open_store
from state_check import state_execute

pytestmark = pytest.mark.state

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50
    """


@pytest.fixture
def workspace(imported_workspace):
    return imported_workspace(INVOICES)


def cli(*args):
    return CliRunner().invoke(app, [*args, "--as-of", "2026-11-20"])


def recorded(root, what, *args, **kwargs):
    """What the state holds: `recorded(root, "holds", active=True)` calls `Store.holds(active=True)`."""
    store = open_store(load_workspace(root, root, None))
    try:
        return getattr(store, what)(*args, **kwargs)
    finally:
        store.close()


def test_a_customer_is_put_on_hold_and_released(workspace):
    assert cli("hold", "K001", "--reason", "insolvency").exit_code == 0
    assert [(r["target_kind"], r["reason"]) for r in recorded(workspace, "holds", active=True)] == [
        ("customer", "insolvency")]

    result = cli("release", "K001")

    assert result.exit_code == 0, result.output
    assert recorded(workspace, "holds", active=True) == []


def test_an_invoice_can_be_held_until_a_date(workspace):
    result = cli("hold", "2026-0043", "--reason", "legal", "--until", "2027-01-31")

    assert result.exit_code == 0, result.output
    [held] = recorded(workspace, "holds")
    assert (held["target_kind"], str(held["until"])) == ("invoice", "2027-01-31")


def test_a_dispute_is_opened_and_closed(workspace):
    assert cli("dispute", "open", "2026-0042", "--reason", "delivered late").exit_code == 0
    assert cli("dispute", "close", "2026-0042", "--note", "credit note agreed").exit_code == 0

    [dispute] = recorded(workspace, "disputes")
    assert (str(dispute["opened_on"]), str(dispute["closed_on"]), dispute["close_note"]) == (
        "2026-11-20", "2026-11-20", "credit note agreed")


def test_a_promise_to_pay_is_recorded_with_its_date(workspace):
    result = cli("promise", "2026-0042", "--until", "2026-12-15", "--note", "by phone")

    assert result.exit_code == 0, result.output
    assert [str(r["until"]) for r in recorded(workspace, "promises")] == ["2026-12-15"]


def test_a_call_with_its_outcome_goes_into_the_customers_history(workspace):
    result = cli("note", "K002", "pays Friday", "--call", "--outcome", "promise", "--until", "2026-11-27")

    assert result.exit_code == 0, result.output
    [entry] = recorded(workspace, "notes")
    assert (entry["call"], entry["outcome"], str(entry["until"])) == (True, "promise", "2026-11-27")


@pytest.mark.parametrize(("args", "message"), [
    (("hold", "K999", "--reason", "legal"), "'K999' is neither an open invoice nor a customer"),
    (("hold", "K001", "--reason", "bored"), "--reason bored: expected one of insolvency, write_off, legal, other"),
    (("hold", "K001", "--reason", "legal", "--until", "2026-11-01"), "is not after today"),
    (("hold", "K001", "--reason", "legal", "--until", "31/13/2026"), "--until 31/13/2026: not a date; write "
                                                                      "2026-12-15 (ISO), 15/12/2026"),
    (("release", "K001"), "'K001' is not on hold"),
    (("dispute", "open", "2099-0001", "--reason", "x"), "no open invoice '2099-0001'"),
    (("dispute", "close", "2026-0042"), "has no open dispute"),
    (("promise", "2026-0042", "--until", "2026-11-01"), "has already passed"),
    (("note", "K001", "called", "--outcome", "other", "--until", "2026-12-01"), "--until goes with --outcome promise"),
    (("note", "K001", "called", "--outcome", "callback", "--until", "2026-11-19"), "has already passed"),
    (("note", "K001", "called", "--call", "--outcome", "promise"), "needs --until"),
    (("note", "K001", "called", "--call", "--outcome", "maybe"), "--outcome maybe: expected one of"),
    (("note", "K999", "hello"), "no customer 'K999'"),
])
def test_wrong_input_is_refused_with_exit_2_and_a_reason(workspace, args, message):
    result = cli(*args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_second_hold_on_the_same_customer_is_refused(workspace):
    cli("hold", "K001", "--reason", "legal")

    result = cli("hold", "K001", "--reason", "other")

    assert result.exit_code == 2
    assert "already on hold" in result.stderr


def test_a_second_open_dispute_on_one_invoice_is_refused(workspace):
    cli("dispute", "open", "2026-0042", "--reason", "price")

    result = cli("dispute", "open", "2026-0042", "--reason", "again")

    assert result.exit_code == 2, result.output
    assert "Error: invoice 2026-0042 is already disputed" in result.stderr
    assert "hint: `arctl dispute close 2026-0042` ends the dispute" in result.stderr


def test_these_commands_need_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    result = cli("hold", "K001", "--reason", "legal")

    assert result.exit_code == 2
    assert "needs a workspace" in result.stderr


def test_a_version_1_database_is_migrated_keeping_its_data(workspace):
    for table in ("holds", "disputes", "promises", "notes"):
        state_execute(workspace, f"DROP TABLE {table}")
    state_execute(workspace, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")

    result = cli("hold", "K001", "--reason", "legal")

    assert result.exit_code == 0, result.output
    store = open_store(load_workspace(workspace, workspace, None))
    assert (store.version(), store.counts()["open_invoices"]) == (schema.SCHEMA_VERSION, 2)
    store.close()
