"""Runs that cannot go wrong quietly: no run back in time, no run blind to payments without a word."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from arctl.cli import app

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bouwbedrijf Maes NV,2026-09-01,2026-10-30,EUR,1210.00,1210.00
    2026-0201,P001,An Peeters,2026-10-05,2026-10-30,EUR,89.50,89.50
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Language,Country,Street,Postal Code,City,Segment,Consumer
    K001,Bouwbedrijf Maes NV,boekhouding@maes.example.be,nl,BE,Kaai 12,2000,Antwerpen,,no
    P001,An Peeters,an.peeters@example.be,nl,BE,Kerkstraat 3,3000,Leuven,,yes
    """


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-02")


def cli(*args):
    return CliRunner().invoke(app, list(args))


def test_a_run_dated_before_the_last_recorded_run_is_refused(workspace):
    assert cli("dunning", "run", "--as-of", "2026-11-06").exit_code == 0

    result = cli("dunning", "run", "--as-of", "2026-11-05")

    assert result.exit_code == 2, result.output
    assert ("--as-of 2026-11-05 is before the last recorded dunning run (2026-11-06); a run cannot go back in "
            "time") in result.stderr


def test_a_dry_run_may_look_at_an_earlier_date(workspace):
    assert cli("dunning", "run", "--as-of", "2026-11-06").exit_code == 0

    result = cli("dunning", "run", "--as-of", "2026-11-05", "--dry-run", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dry_run"] is True


def test_a_run_on_the_same_day_as_the_last_one_is_allowed(workspace):
    assert cli("dunning", "run", "--as-of", "2026-11-06").exit_code == 0

    assert cli("dunning", "run", "--as-of", "2026-11-06").exit_code == 0


def test_a_workspace_without_a_bank_source_is_warned_on_every_run(workspace):
    for day in ("2026-11-06", "2026-11-07"):
        result = cli("dunning", "run", "--as-of", day, "--json")

        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["warnings"][0].startswith(
            "the workspace has no bank source: payments made since the last invoice export cannot be seen")


def test_the_run_names_the_plan_of_each_action_and_why(workspace):
    result = cli("dunning", "run", "--as-of", "2026-11-06", "--json")

    assert result.exit_code == 0, result.output
    plans = {a["customer_id"]: (a["plan"], a["plan_reason"]) for a in json.loads(result.stdout)["actions"]}
    assert plans == {"K001": ("standard", "default plan"), "P001": ("consumer-be", "consumer plan of BE")}
