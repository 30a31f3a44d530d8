"""Belgian consumers through `arctl dunning run`: no fee before the waiting period after the first reminder has
passed, timed from how that reminder actually went (by e-mail, or by post when there is no address)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0201,P001,An Peeters,2026-11-16,2026-12-16,EUR,89.50,89.50
    2026-0202,P002,Jan Claes,2026-11-16,2026-12-16,EUR,89.50,89.50
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Street,Postal Code,City,Country,Consumer
    P001,An Peeters,,Kerkstraat 3,3000,Leuven,BE,yes
    P002,Jan Claes,jan.claes@example.be,Molenweg 8,2800,Mechelen,BE,yes
    """
QUICK_PLAN = (Path(__file__).parent / "data" / "plans" / "quick-be.yaml").read_text(encoding="utf-8")


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-12-01",
                                            config="dunning: {plan: quick-be}\n",
                                            files={"plans/quick-be.yaml": QUICK_PLAN})


def actions(as_of: str) -> list[tuple]:
    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return [(a["customer_id"], a["step"], a["channel"],
             [{"kind": c["kind"], "amount": c["amount"]} for c in a["costs"]])
            for a in json.loads(result.stdout)["actions"]]


def test_the_first_reminder_goes_by_post_to_a_consumer_without_an_email_address(workspace):
    assert actions("2026-12-23") == [("P001", "reminder", "letter", []), ("P002", "reminder", "email", [])]


def posted(day: str) -> None:
    """The bookkeeper posts the day's letters that day (`arctl outbox printed`)."""
    result = CliRunner().invoke(app, ["outbox", "printed", day, "--as-of", day])
    assert result.exit_code == 0, result.output


def test_the_fee_waits_for_the_waiting_period_after_a_posted_reminder(workspace):
    actions("2026-12-23")  # a Wednesday: by post the period starts on Tuesday 29 December (Christmas, weekend)
    posted("2026-12-23")

    # the plan's 19 days end on Monday 11 January: the e-mailed reminder's period ended on 6 January
    assert actions("2027-01-11") == [("P002", "second", "letter", [{"kind": "fee", "amount": "7.50"}])]
    assert actions("2027-01-12") == [("P001", "second", "letter", [{"kind": "fee", "amount": "7.50"}])]


def test_dunning_status_shows_the_date_after_the_waiting_period(workspace):
    actions("2026-12-23")
    posted("2026-12-23")

    result = CliRunner().invoke(app, ["dunning", "status", "--as-of", "2027-01-04", "--json"])
    assert result.exit_code == 0, result.output
    dates = {i["invoice_id"]: i["next_step_date"] for i in json.loads(result.stdout)["invoices"]}
    assert dates == {"2026-0201": "2027-01-12", "2026-0202": "2027-01-11"}
