"""Letters wait in the outbox as `to_print` until `arctl outbox printed DATE` records the day they were posted:
the Belgian consumer's waiting period (Book XIX, REFERENCE.md §4) counts from that day, and not before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app

# a Belgian consumer without an e-mail address: the first reminder of the quick plan goes by post
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0201,P001,An Peeters,2026-11-16,2026-12-16,EUR,89.50,89.50
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Street,Postal Code,City,Country,Consumer
    P001,An Peeters,,Kerkstraat 3,3000,Leuven,BE,yes
    """
QUICK_PLAN = (Path(__file__).parent / "data" / "plans" / "quick-be.yaml").read_text(encoding="utf-8")


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-12-01",
                                            config="dunning: {plan: quick-be}\n",
                                            files={"plans/quick-be.yaml": QUICK_PLAN})


def cli(*args: str, code: int = 0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def steps(as_of: str) -> list[tuple[str, str]]:
    result = cli("dunning", "run", "--as-of", as_of, "--json")
    return [(a["step"], a["channel"]) for a in json.loads(result.stdout)["actions"]]


def letter_status() -> tuple[str, str | None]:
    (document,) = json.loads(cli("outbox", "--json").stdout)["documents"]
    return document["status"], document["on"]


def test_a_letter_waits_to_be_printed_and_its_waiting_period_counts_from_its_posting_date(workspace):
    assert steps("2026-12-23") == [("reminder", "letter")]
    assert letter_status() == ("to_print", None)

    # posted the day it was written, the fee would be due on 12 January (tests/test_dunning_consumer.py);
    # not posted yet, the waiting period has not started
    assert steps("2027-01-12") == []

    cli("outbox", "printed", "2027-01-04", "--as-of", "2027-01-12")
    assert letter_status() == ("printed", "2027-01-04")

    # posted on Monday 4 January 2027: day 1 is the 3rd Belgian working day after posting, Thursday 7 January
    # (Tue 5, Wed 6, Thu 7); the reminder's 14 days end on day 14 = 20 January and Book XIX's 14-day waiting
    # period (7 January + 14 days) ends the day before 21 January: the fee comes on Thursday 21 January
    assert steps("2027-01-20") == []
    assert steps("2027-01-21") == [("second", "letter")]


def test_a_posting_date_after_today_is_refused(workspace):
    steps("2026-12-23")

    result = cli("outbox", "printed", "2026-12-28", "--as-of", "2026-12-23", code=2)

    assert "Error: posting date 2026-12-28 is after today (2026-12-23)" in result.output
    assert letter_status() == ("to_print", None)


def test_the_written_date_reading_counts_a_letter_from_the_day_it_was_written(invoices_and_customers_workspace):
    invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-12-01",
                                     config="dunning: {plan: quick-be}\nlaw: {letter_period_from: written_date}\n",
                                     files={"plans/quick-be.yaml": QUICK_PLAN})
    steps("2026-12-23")

    assert steps("2027-01-12") == [("second", "letter")]   # as if posted on 23 December


def test_the_letters_of_a_database_from_before_count_as_posted_on_the_day_they_were_written(workspace):
    from sqlalchemy import create_engine, text

    steps("2026-12-23")
    engine = create_engine(f"sqlite:///{workspace / '.arctl' / 'state.sqlite'}")
    with engine.begin() as connection:   # the state as arctl left it before it tracked printing (version 8)
        connection.execute(text("DROP TABLE deliveries"))
        connection.execute(text("UPDATE meta SET value = '8' WHERE key = 'schema_version'"))
    engine.dispose()

    assert letter_status() == ("printed", "2026-12-23")
    assert steps("2027-01-12") == [("second", "letter")]   # timed as before (tests/test_dunning_consumer.py)
