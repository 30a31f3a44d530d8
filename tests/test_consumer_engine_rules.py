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


# --- the Dutch one 14-day letter for all claims ---------------------------------------------------------------

def _nl_decision(as_of, history, window: str | None = None, law=None):
    import datetime as dt  # noqa: F401 (dates below)

    import pandas as pd

    from arctl.dunning.engine import CustomerFacts, decide
    from arctl.workflows import load_plans

    plans = load_plans("consumer-nl", None)
    if window is not None:
        from dataclasses import replace

        from arctl.dunning.plan_check import parse_duration

        plans = replace(plans, plans=tuple(replace(p, one_letter_window=parse_duration(window))
                                           for p in plans.plans))
    frame = pd.DataFrame({
        "invoice_id": ["2026-0401", "2026-0402"], "customer_id": ["N001", "N001"], "currency": "EUR",
        "due_date": pd.to_datetime(["2026-10-01", "2026-10-06"]).astype("datetime64[s]"),
        "open_amount": [20000, 15000]})
    customers = {"N001": CustomerFacts(consumer=True, country="NL", has_email=True)}
    return decide(frame, customers, plans, history, (), as_of, law=law)


def _reminders():
    import datetime as dt

    from arctl.dunning.engine import Taken

    # consumer-nl: reminder 7 days after the due date (new term 7 days), the 14-day letter 10 days later
    return [Taken("2026-0401", "reminder", dt.date(2026, 10, 8), "email"),
            Taken("2026-0402", "reminder", dt.date(2026, 10, 13), "email")]


def test_an_invoice_whose_14_day_letter_falls_due_within_the_window_joins_today_s_letter():
    import datetime as dt

    # 2026-0401: reminder 8 Oct + 10 days = Sunday 18 Oct -> Monday 19 October; 2026-0402: reminder 13 Oct
    # + 10 days = Friday 23 October, 4 days later: within the default window of 14 days, so one letter
    decision = _nl_decision(dt.date(2026, 10, 19), _reminders())

    assert [(a.step, a.invoices) for a in decision.actions] == [("fourteen-day-letter", ("2026-0401", "2026-0402"))]
    assert decision.skipped == ()


def test_with_a_window_of_0_days_each_invoice_gets_its_14_day_letter_on_its_own_date():
    import datetime as dt

    decision = _nl_decision(dt.date(2026, 10, 19), _reminders(), window="0 days")

    assert [(a.step, a.invoices) for a in decision.actions] == [("fourteen-day-letter", ("2026-0401",))]


def test_the_wik_of_the_cost_step_is_computed_on_the_sum_of_the_claims_of_one_14_day_letter():
    import datetime as dt

    from arctl.dunning.claims import Law
    from arctl.dunning.engine import Taken
    from arctl.dunning.limits import parse_limits
    from arctl.io.legal import load_rates, read_limits

    history = [*_reminders(), Taken("2026-0401", "fourteen-day-letter", dt.date(2026, 10, 19), "letter"),
               Taken("2026-0402", "fourteen-day-letter", dt.date(2026, 10, 19), "letter")]
    law = Law("NL", parse_limits(read_limits()), {"nl-consumer": load_rates("nl-consumer")})
    # the letter of 19 October + 21 days = Monday 9 November
    decision = _nl_decision(dt.date(2026, 11, 9), history, law=law)

    [action] = decision.actions
    assert action.invoices == ("2026-0401", "2026-0402")
    # WIK on 200.00 + 150.00 = 350.00: 15 % = 52.50 (above the 40.00 minimum); two letters would claim 40 + 40
    assert [c.amount for c in action.costs if c.kind == "collection_costs"] == [5250]


def test_one_letter_window_belongs_to_dutch_consumer_plans_only(tmp_path):
    result = check(tmp_path, "name: B2B\none_letter_window: 7 days\n" + textwrap.dedent(BE_STEPS))

    assert result.exit_code == 2, result.output
    assert "plan.yaml:2: one_letter_window: only a consumer: NL plan has a 14-day letter that other invoices join " \
           "(art. 6:96(7) BW); remove it here" in result.stderr


def test_the_14_day_letter_states_the_exact_wik_amount_of_the_next_step_and_the_day_it_is_due():
    import datetime as dt

    from arctl.dunning.claims import Law
    from arctl.dunning.limits import parse_limits
    from arctl.io.legal import load_rates, read_limits

    law = Law("NL", parse_limits(read_limits()), {"nl-consumer": load_rates("nl-consumer")})
    decision = _nl_decision(dt.date(2026, 10, 19), _reminders(), law=law)

    [action] = decision.actions
    assert action.step == "fourteen-day-letter" and action.costs == () and action.consumer == "NL"
    # art. 6:96(6) BW: the letter states the WIK on the sum of the principals in it (REFERENCE.md 5.2, 5.3):
    # 200.00 + 150.00 = 350.00, 15 % = 52.50 (above the 40.00 minimum); the statutory interest of art. 6:119 BW
    # is named, its amount grows until payment
    assert [(c.kind, c.amount) for c in action.announced] == [("collection_costs", 5250), ("interest", 0)]
    # posted Monday 19 October: presumed delivered Wednesday 21 October (the 2nd day, not counting Sundays,
    # Mondays or holidays), the 14 days run 22 October to 4 November: the last day to pay
    assert action.pay_by == dt.date(2026, 11, 4)


def test_a_belgian_consumers_first_reminder_states_the_damages_that_would_follow():
    import datetime as dt

    import pandas as pd

    from arctl.dunning.claims import Law
    from arctl.dunning.engine import CustomerFacts, decide
    from arctl.dunning.limits import parse_limits
    from arctl.io.legal import load_rates, read_limits
    from arctl.workflows import load_plans

    law = Law("BE", parse_limits(read_limits()), {"be-legal": load_rates("be-legal")})
    frame = pd.DataFrame({"invoice_id": ["2026-0501"], "customer_id": ["P001"], "currency": "EUR",
                          "due_date": pd.to_datetime(["2026-10-01"]).astype("datetime64[s]"), "open_amount": [40000]})
    customers = {"P001": CustomerFacts(consumer=True, country="BE", has_email=True)}

    decision = decide(frame, customers, load_plans("consumer-be", None), [], (), dt.date(2026, 10, 8), law=law)

    [action] = decision.actions
    assert action.step == "reminder" and action.costs == () and action.consumer == "BE"
    # consumer-be.yaml: the second reminder's fee of 7.50, then the Book XIX damages on a balance of 400.00:
    # 30 + 10 % of (400 - 150) = 55.00 (REFERENCE.md section 4), and the legal interest
    assert [(c.kind, c.amount) for c in action.announced] == [("fee", 750), ("damages", 5500), ("interest", 0)]
