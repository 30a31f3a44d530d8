"""Scheduled documents beside the steps: the key accounts' monthly statement of account, once per period."""

from __future__ import annotations

import datetime as dt
import textwrap

import pandas as pd
import pytest

from arctl.dunning.engine import CustomerFacts, Pause
from arctl.dunning.schedule import Sent, scheduled_due
from arctl.workflows import load_plans

STANDARD = load_plans("standard", None)      # its segments send segment "key" customers to key-accounts
KEY = {"K001": CustomerFacts(segment="key"), "K002": CustomerFacts(segment="key")}


def items(*rows):
    """rows: (invoice_id, customer_id, open cents, due date[, currency])."""
    return pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "currency": [r[4] if len(r) > 4 else "EUR" for r in rows],
        "due_date": pd.to_datetime([r[3] for r in rows]).astype("datetime64[s]"),
        "open_amount": [r[2] for r in rows],
    })


OVERDUE = items(("2026-0042", "K001", 121000, dt.date(2026, 10, 15)))


def due(frame, as_of, sent=(), pauses=(), customers=None, plans=STANDARD):
    return [(a.customer_id, a.step, a.currency) for a in
            scheduled_due(frame, KEY if customers is None else customers, plans, sent, pauses, as_of)]


def test_the_monthly_statement_goes_out_on_the_first_business_day_of_the_month():
    # 1 November 2026 is a Sunday (and All Saints' Day): the statement waits for Monday the 2nd
    assert due(OVERDUE, dt.date(2026, 11, 1)) == []
    assert due(OVERDUE, dt.date(2026, 11, 2)) == [("K001", "monthly-statement", "EUR")]


def test_the_statement_goes_out_once_per_month():
    sent = [Sent("K001", "monthly-statement", "EUR", dt.date(2026, 11, 2))]

    assert due(OVERDUE, dt.date(2026, 11, 2), sent) == []
    assert due(OVERDUE, dt.date(2026, 11, 30), sent) == []
    assert due(OVERDUE, dt.date(2026, 12, 1), sent) == [("K001", "monthly-statement", "EUR")]


def test_a_statement_missed_on_its_day_goes_out_at_the_next_run():
    sent = [Sent("K001", "monthly-statement", "EUR", dt.date(2026, 10, 1))]

    assert due(OVERDUE, dt.date(2026, 11, 10), sent) == [("K001", "monthly-statement", "EUR")]


def test_after_months_without_a_run_only_the_current_months_statement_goes_out():
    sent = [Sent("K001", "monthly-statement", "EUR", dt.date(2026, 8, 3))]

    assert due(OVERDUE, dt.date(2026, 11, 10), sent) == [("K001", "monthly-statement", "EUR")]


def test_a_step_of_the_same_day_does_not_count_as_the_statement():
    sent = [Sent("K001", "call", "EUR", dt.date(2026, 11, 2))]

    assert due(OVERDUE, dt.date(2026, 11, 2), sent) == [("K001", "monthly-statement", "EUR")]


def test_key_accounts_with_only_items_not_yet_due_get_a_statement():
    frame = items(("2026-0101", "K002", 50000, dt.date(2026, 12, 20)))

    assert due(frame, dt.date(2026, 11, 2)) == [("K002", "monthly-statement", "EUR")]


def test_customers_of_other_plans_get_no_statement():
    frame = items(("2026-0042", "K001", 121000, dt.date(2026, 10, 15)),
                  ("2026-0050", "C007", 80000, dt.date(2026, 10, 15)))

    assert due(frame, dt.date(2026, 11, 2), customers={"K001": CustomerFacts(segment="key")}) == [
        ("K001", "monthly-statement", "EUR")]


def test_a_customer_without_open_items_gets_no_statement():
    frame = items(("2026-0042", "K001", 0, dt.date(2026, 10, 15)))

    assert due(frame, dt.date(2026, 11, 2)) == []


def test_a_customer_on_hold_gets_no_statement():
    hold = Pause("held", "K001", None, dt.date(2026, 10, 20))

    assert due(OVERDUE, dt.date(2026, 11, 2), pauses=[hold]) == []


def test_a_held_invoice_does_not_stop_the_customers_statement():
    hold = Pause("held", "K001", "2026-0042", dt.date(2026, 10, 20))

    assert due(OVERDUE, dt.date(2026, 11, 2), pauses=[hold]) == [("K001", "monthly-statement", "EUR")]


def test_the_statement_lists_every_open_item_with_credit_notes_and_the_balance():
    frame = items(("2026-0042", "K001", 121000, dt.date(2026, 10, 15)),
                  ("2026-0101", "K001", 50000, dt.date(2026, 12, 20)),
                  ("CN-2026-007", "K001", -20000, dt.date(2026, 10, 1)),
                  ("2026-0077", "K001", 30000, dt.date(2026, 10, 20), "USD"))

    actions = scheduled_due(frame, KEY, STANDARD, [], [], dt.date(2026, 11, 2))

    assert [(a.currency, a.invoices, a.amount_due) for a in actions] == [
        ("EUR", ("CN-2026-007", "2026-0042", "2026-0101"), 151000),
        ("USD", ("2026-0077",), 30000)]
    assert {(a.plan, a.planned_channel, a.template) for a in actions} == {("key-accounts", "statement", "statement")}
    assert {a.channel for a in actions} == {"letter"}  # K001 has no e-mail address here


def plan_with_schedule(tmp_path, schedule: str):
    path = tmp_path / "statements.yaml"
    path.write_text(textwrap.dedent("""\
        name: Statements
        business_days: BE
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
        schedule:
        """) + textwrap.indent(textwrap.dedent(schedule), "  "), encoding="utf-8")
    return load_plans(str(path), None)


@pytest.mark.parametrize(("as_of", "expected"), [
    (dt.date(2026, 10, 1), True),    # a quarter begins (Thursday)
    (dt.date(2026, 11, 2), False),   # the quarter's statement was sent on 1 October
    (dt.date(2027, 1, 4), True),     # 1 January is New Year's Day, then a weekend
])
def test_a_quarterly_statement_follows_the_calendar_quarters(tmp_path, as_of, expected):
    plans = plan_with_schedule(tmp_path, """\
        - id: quarterly
          every: 3 months
          day: 1
          channel: statement
          for: open
        """)
    sent = [Sent("K001", "quarterly", "EUR", dt.date(2026, 10, 1))] if as_of > dt.date(2026, 10, 1) else []

    assert bool(due(OVERDUE, as_of, sent, plans=plans)) is expected


def test_a_rhythm_without_a_day_counts_from_the_last_document(tmp_path):
    plans = plan_with_schedule(tmp_path, """\
        - id: fortnightly
          every: 2 weeks
          channel: email
          for: overdue
        """)
    sent = [Sent("K001", "fortnightly", "EUR", dt.date(2026, 11, 2))]

    assert due(OVERDUE, dt.date(2026, 11, 2), plans=plans) == [("K001", "fortnightly", "EUR")]  # the first at once
    assert due(OVERDUE, dt.date(2026, 11, 13), sent, plans=plans) == []
    assert due(OVERDUE, dt.date(2026, 11, 16), sent, plans=plans) == [("K001", "fortnightly", "EUR")]


def test_for_overdue_leaves_out_customers_with_nothing_overdue(tmp_path):
    plans = plan_with_schedule(tmp_path, """\
        - id: fortnightly
          every: 2 weeks
          channel: email
          for: overdue
        """)
    frame = items(("2026-0101", "K002", 50000, dt.date(2026, 12, 20)))

    assert due(frame, dt.date(2026, 11, 2), plans=plans) == []


def test_a_statement_goes_by_e_mail_to_a_customer_with_an_address():
    frame = items(("2026-0042", "K001", 121000, dt.date(2026, 10, 15)))
    facts = {"K001": CustomerFacts(segment="key", has_email=True)}

    [action] = scheduled_due(frame, facts, STANDARD, [], [], dt.date(2026, 11, 2))

    assert (action.kind, action.planned_channel, action.channel) == ("statement", "statement", "email")
