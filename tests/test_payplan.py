"""Payment plans: installments, payments on them, missed ones ending the plan, and the commands."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.dunning.payplan import reminders_due, schedule, state
from arctl.dunning.plan import Duration
from state_check import state_engine

pytestmark = pytest.mark.state

MONTH = Duration(1, "months")


def test_installments_split_the_total_with_the_rest_on_the_last():
    parts = schedule(100000, 3, dt.date(2026, 12, 15), MONTH)

    assert [(p.due_date.isoformat(), p.amount) for p in parts] == [
        ("2026-12-15", 33333), ("2027-01-15", 33333), ("2027-02-15", 33334)]


def test_monthly_installments_keep_the_day_of_the_first_one():
    parts = schedule(30000, 3, dt.date(2027, 1, 31), MONTH)

    assert [p.due_date.isoformat() for p in parts] == ["2027-01-31", "2027-02-28", "2027-03-31"]


def test_payments_pay_the_installments_in_order():
    parts = schedule(60000, 3, dt.date(2026, 12, 1), Duration(2, "weeks"))

    found = state(parts, 30000, dt.date(2026, 12, 20))

    assert [(s.paid, s.status) for s in found.installments] == [(20000, "paid"), (10000, "due"), (0, "open")]
    assert found.outcome == "active"


def test_two_installments_unpaid_a_week_after_their_date_end_the_plan():
    parts = schedule(60000, 3, dt.date(2026, 12, 1), Duration(2, "weeks"))

    assert state(parts, 20000, dt.date(2027, 1, 4)).outcome == "active"
    ended = state(parts, 20000, dt.date(2027, 1, 5))
    assert (ended.outcome, ended.ended_on) == ("ended", dt.date(2027, 1, 5))


def test_a_fully_paid_plan_is_completed():
    parts = schedule(60000, 3, dt.date(2026, 12, 1), Duration(2, "weeks"))

    assert state(parts, 60000, dt.date(2026, 12, 2)).outcome == "completed"


def test_an_unpaid_installment_is_reminded_once_the_day_after_its_date():
    parts = schedule(60000, 3, dt.date(2026, 12, 1), Duration(2, "weeks"))

    assert reminders_due(state(parts, 0, dt.date(2026, 12, 1)), dt.date(2026, 12, 1), set()) == []
    [due] = reminders_due(state(parts, 0, dt.date(2026, 12, 2)), dt.date(2026, 12, 2), set())
    assert due.number == 1
    assert reminders_due(state(parts, 0, dt.date(2026, 12, 3)), dt.date(2026, 12, 3), {1}) == []


INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-30,EUR,600.00,600.00
    2026-0043,K001,Bakkerij Peeters BV,2026-10-05,2026-11-13,EUR,300.00,300.00
    2026-0050,K002,Garage Janssens NV,2026-10-05,2026-11-13,EUR,99.00,99.00
    """


@pytest.fixture
def workspace(imported_workspace):
    return imported_workspace(INVOICES)


def cli(*args):
    return CliRunner().invoke(app, [*args, "--as-of", "2026-11-20"])


def test_a_plan_is_agreed_and_shown(workspace):
    created = cli("payplan", "create", "K001", "--invoices", "2026-0042,2026-0043", "--installments", "3",
                  "--first", "2026-12-15", "--json")

    assert created.exit_code == 0, created.output
    plan = json.loads(created.stdout)
    assert (plan["total"], plan["every"], plan["outcome"]) == ("900.00", "1 month", "active")
    assert [i["amount"] for i in plan["installments"]] == ["300.00", "300.00", "300.00"]
    shown = cli("payplan", "show", "K001")
    assert shown.exit_code == 0 and "Payment plan 1 of K001" in shown.stdout


def test_the_plans_invoices_are_paused_and_resume_when_it_is_cancelled(workspace):
    cli("payplan", "create", "K001", "--invoices", "2026-0042", "--installments", "2", "--first", "2026-12-15")
    status = json.loads(cli("dunning", "status", "--json").stdout)
    assert {i["invoice_id"]: i["paused"] for i in status["invoices"]}["2026-0042"] == "payment_plan"

    assert cli("payplan", "cancel", "K001").exit_code == 0
    # like a closed dispute, a cancelled plan holds through its last day; dunning resumes the next day
    later = CliRunner().invoke(app, ["dunning", "status", "--json", "--as-of", "2026-11-23"])
    assert {i["invoice_id"]: i["paused"] for i in json.loads(later.stdout)["invoices"]}["2026-0042"] is None


@pytest.mark.parametrize(("args", "message"), [
    (("--invoices", "2099-0001"), "no open invoice '2099-0001'"),
    (("--invoices", "2026-0050"), "belongs to K002, not K001"),
    (("--invoices", "2026-0042", "--installments", "1"), "expected 2 to 60 installments"),
    (("--invoices", "2026-0042", "--first", "2026-11-01"), "cannot be due before today"),
    (("--invoices", "2026-0042", "--every", "fortnightly"), "--every fortnightly: expected 1m, 2w, 14d"),
])
def test_wrong_plans_are_refused(workspace, args, message):
    defaults = {"--installments": "3", "--first": "2026-12-15"}
    extra = [item for key, value in defaults.items() if key not in args for item in (key, value)]

    result = cli("payplan", "create", "K001", *args, *extra)

    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_an_invoice_is_on_one_running_plan_at_a_time(workspace):
    cli("payplan", "create", "K001", "--invoices", "2026-0042", "--installments", "2", "--first", "2026-12-15")

    result = cli("payplan", "create", "K001", "--invoices", "2026-0042", "--installments", "3", "--first",
                 "2026-12-15")

    assert result.exit_code == 2
    assert "already on payment plan 1" in result.stderr


def test_show_and_cancel_need_a_plan(workspace):
    assert "has no payment plan" in cli("payplan", "show", "K002").stderr
    assert "has no running payment plan" in cli("payplan", "cancel", "K002").stderr


def recorded_reminders(root):
    from sqlalchemy import text

    engine = state_engine(root)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT plan, step, payment_plan FROM dunning_actions")).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_an_installment_reminder_is_recorded_with_its_payment_plan_not_a_dunning_plan(workspace):
    cli("payplan", "create", "K001", "--invoices", "2026-0042", "--installments", "2", "--first", "2026-11-23")

    run = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-24", "--plan", "standard"])

    assert run.exit_code == 0, run.output
    assert ("", "installment-1", 1) in recorded_reminders(workspace)


def test_a_version_5_database_moves_payplan_n_into_the_payment_plan_column(workspace):
    from sqlalchemy import text

    from arctl.state import schema

    cli("payplan", "create", "K001", "--invoices", "2026-0042", "--installments", "2", "--first", "2026-11-23")
    engine = state_engine(workspace)
    with engine.begin() as connection:  # as version 5 recorded an installment reminder
        connection.execute(text("ALTER TABLE dunning_actions DROP COLUMN payment_plan"))
        connection.execute(text(
            "INSERT INTO dunning_actions (as_of, customer_id, plan, step, channel, currency, amount_due, total_due, "
            "document, delivery, created_at) VALUES ('2026-11-24', 'K001', 'payplan-1', 'installment-1', 'email', "
            "'EUR', 30000, 30000, '', 'person', '2026-11-24T09:00:00')"))
        connection.execute(text("UPDATE meta SET value = '5' WHERE key = 'schema_version'"))
    engine.dispose()

    assert cli("payplan", "show", "K001").exit_code == 0  # any command brings the state up to date

    # (the plan's confirmation, written when it was agreed, is recorded too: step payment-plan-1)
    assert [row for row in recorded_reminders(workspace) if row[1] != "payment-plan-1"] == [("", "installment-1", 1)]
    engine = state_engine(workspace)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    engine.dispose()
    assert version == str(schema.SCHEMA_VERSION) and schema.SCHEMA_VERSION >= 6
