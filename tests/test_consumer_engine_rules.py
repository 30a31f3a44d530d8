"""The consumer rules the engine applies, or that a plan must settle because arctl lacks the data (issue 15):
Belgian regular-supply contracts (Book XIX: reminders for up to 3 missed due dates per calendar year are free)
and the Dutch one 14-day letter for all claims, the WIK on their sum (art. 6:96(7) BW)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from typer.testing import CliRunner

from arctl.cli import app

BE_LAW = "Belgium, Code of Economic Law Book XIX (debts of the consumer)"
BE_STEPS = """\
    steps:
      - id: reminder
        after_due: 7 days
        channel: email
        new_term: 14 days
      - id: second
        after_previous: 21 days
        channel: letter
        new_term: 14 days
        costs:
          fee: 7.50
    """


def check(tmp_path: Path, text: str):
    (tmp_path / "plan.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return CliRunner().invoke(app, ["plan", "check", str(tmp_path / "plan.yaml")])


def test_a_belgian_consumer_plan_that_does_not_say_whether_its_customers_have_regular_supply_contracts_is_refused(
        tmp_path):
    result = check(tmp_path, "name: Consumers\nconsumer: BE\n" + textwrap.dedent(BE_STEPS))

    assert result.exit_code == 2, result.output
    assert f"plan.yaml:2: regular_supply: missing — {BE_LAW}: for regular-supply contracts reminders for up to 3 " \
           "missed due dates per calendar year are free; say whether this plan's customers have regular-supply " \
           "contracts (energy, water, subscriptions): regular_supply: false, or regular_supply: true (then no " \
           "step may charge a fee)" in result.stderr


def test_a_plan_for_customers_without_regular_supply_contracts_may_charge_the_later_reminder_fee(tmp_path):
    result = check(tmp_path, "name: Consumers\nconsumer: BE\nregular_supply: false\n" + textwrap.dedent(BE_STEPS))

    assert result.exit_code == 0, result.output


def test_a_regular_supply_plan_may_not_charge_a_fee_as_arctl_cannot_count_missed_due_dates(tmp_path):
    result = check(tmp_path, "name: Consumers\nconsumer: BE\nregular_supply: true\n" + textwrap.dedent(BE_STEPS))

    assert result.exit_code == 2, result.output
    assert f"plan.yaml:14: steps[1].costs.fee: breaks a consumer rule — {BE_LAW}: for regular-supply contracts " \
           "reminders for up to 3 missed due dates per calendar year are free (the plan says regular_supply: true " \
           "and arctl cannot count a contract's missed due dates (at most 3 a year), so step second may not charge " \
           "a fee)" in result.stderr


def test_a_regular_supply_plan_without_a_fee_is_valid(tmp_path):
    steps = BE_STEPS.replace("        costs:\n          fee: 7.50\n", "")
    result = check(tmp_path, "name: Consumers\nconsumer: BE\nregular_supply: true\n" + textwrap.dedent(steps))

    assert result.exit_code == 0, result.output


def test_regular_supply_belongs_to_belgian_consumer_plans_only(tmp_path):
    result = check(tmp_path, "name: B2B\nregular_supply: false\n" + textwrap.dedent(BE_STEPS))

    assert result.exit_code == 2, result.output
    assert "plan.yaml:2: regular_supply: only a consumer: BE plan says whether its customers have regular-supply " \
           "contracts (Book XIX); remove it here" in result.stderr


def test_the_shipped_belgian_consumer_plan_says_its_customers_have_no_regular_supply_contracts():
    result = CliRunner().invoke(app, ["plan", "check", "consumer-be"])

    assert result.exit_code == 0, result.output
