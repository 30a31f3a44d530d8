"""Dunning plans: the schema, `arctl plan check` with the line of every problem, the consumer rules, `plan show`."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl import workflows
from arctl.cli import app
from arctl.dunning.consumer import parse_consumer_rules
from arctl.dunning.plan import Duration
from arctl.dunning.plan_check import parse_duration
from arctl.errors import ConfigError
from arctl.io.plans import read_consumer_rules, shipped_plans_dir
from arctl.money import Money

REPO = Path(__file__).resolve().parents[1]
SHIPPED = ("standard", "key-accounts", "strict", "consumer-be", "consumer-nl")

# The plan of the workspace-and-dunning issue, exactly as written there.
ISSUE_PLAN = """\
name: Standard B2B
minimum_amount: 25.00            # a customer's overdue total below this gets nothing (company currency)
business_days: BE                # step dates move to the next business day (holidays of this country)
pause_when: [disputed, promised, payment_plan]
steps:
  - id: friendly
    after_due: 7 days
    channel: email
    template: friendly
    new_term: 10 days
  - id: second
    after_previous: 14 days
    channel: email
    template: second
    new_term: 7 days
  - id: call
    after_previous: 7 days
    channel: phone
  - id: demand
    after_previous: 7 days
    channel: registered_letter
    template: demand
    new_term: 8 days
    costs:
      compensation: eu-b2b       # B2B compensation of the company's country, Directive 2011/7/EU
      interest: statutory        # statutory late-payment interest of the company's country
  - id: agency
    after_previous: 10 days
    channel: agency
segments:                        # the first match wins
  - match: {consumer: true, country: BE}
    plan: consumer-be
  - match: {consumer: true, country: NL}
    plan: consumer-nl
  - match: {segment: key}
    plan: key-accounts           # another file in plans/
  - match: {average_days_late_above: 20}
    plan: strict
"""


@pytest.fixture(autouse=True)
def no_workspace(tmp_path, monkeypatch):
    """Every test runs in an empty folder with no workspace around it."""
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def workspace(tmp_path: Path, *, country: str = "BE", currency: str = "EUR") -> Path:
    """A workspace with only its settings and an empty plans/ folder."""
    root = tmp_path / "ws"
    write(root / "arctl.yaml", f"company:\n  name: Test\n  country: {country}\ncurrency: {currency}\n")
    (root / "plans").mkdir()
    return root


def check(tmp_path: Path, text: str, name: str = "plan.yaml"):
    write(tmp_path / name, text)
    return run("plan", "check", name)


def problems(result) -> list[str]:
    """The problem lines of a refused plan (after the `Error: ...: N problem(s):` headline)."""
    return [line.strip() for line in result.stderr.splitlines()[1:] if not line.strip().startswith("hint:")]


ONE_STEP = """\
    name: Small
    steps:
      - id: friendly
        after_due: 7 days
        channel: email
"""


# --- what is accepted ----------------------------------------------------------------------------------


def test_the_shipped_standard_plan_is_the_issue_plan_exactly():
    assert (REPO / "plans" / "standard.yaml").read_text(encoding="utf-8") == ISSUE_PLAN


def test_the_issue_plan_is_accepted_as_written(tmp_path):
    (tmp_path / "standard.yaml").write_text(ISSUE_PLAN, encoding="utf-8")

    result = run("plan", "check", "standard.yaml")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "standard.yaml: valid (Standard B2B, 5 steps)"


def test_the_issue_plan_reads_into_steps_costs_and_segments(tmp_path):
    (tmp_path / "standard.yaml").write_text(ISSUE_PLAN, encoding="utf-8")

    plan = workflows.load_plans("standard.yaml", None).main

    assert [s.id for s in plan.steps] == ["friendly", "second", "call", "demand", "agency"]
    assert [s.channel for s in plan.steps] == ["email", "email", "phone", "registered_letter", "agency"]
    assert plan.steps[0].after_due == Duration(7, "days") and plan.steps[1].after_previous == Duration(14, "days")
    assert plan.steps[3].costs.compensation == "eu-b2b" and plan.steps[3].costs.interest == "statutory"
    assert plan.pause_when == ("disputed", "promised", "payment_plan")
    assert plan.business_days == "BE"
    assert [s.plan for s in plan.segments] == ["consumer-be", "consumer-nl", "key-accounts", "strict"]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_plan_passes_plan_check(name):
    result = run("plan", "check", name)

    assert result.exit_code == 0, result.output
    assert ": valid (" in result.stdout


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_plan_file_passes_plan_check_by_path(name):
    result = run("plan", "check", str(shipped_plans_dir() / f"{name}.yaml"))

    assert result.exit_code == 0, result.output


def test_plan_check_of_standard_also_checks_the_plans_its_segments_lead_to():
    result = run("plan", "check", "standard")

    assert result.exit_code == 0, result.output
    for name in ("consumer-be", "consumer-nl", "key-accounts", "strict"):
        assert f"{name}.yaml: valid (" in result.stdout


def test_a_workspace_plan_comes_before_the_shipped_one_of_the_same_name(tmp_path):
    workspace(tmp_path)
    write(tmp_path / "ws" / "plans" / "standard.yaml", """\
        name: Our own standard
        steps:
          - {id: only, after_due: 3 days, channel: letter}
        """)

    result = run("-w", "ws", "plan", "show", "standard")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Our own standard (ws/plans/standard.yaml)")


def test_a_shipped_plan_is_found_by_name_inside_a_workspace_too(tmp_path):
    workspace(tmp_path)

    result = run("-w", "ws", "plan", "check", "strict")

    assert result.exit_code == 0, result.output


def test_key_accounts_declares_a_call_before_any_letter_and_a_monthly_statement():
    plan = workflows.load_plans("key-accounts", None).main

    assert plan.steps[0].channel == "phone"
    (entry,) = plan.schedule
    assert (entry.every, entry.day, entry.channel, entry.audience) == (Duration(1, "months"), 1, "statement", "open")


def test_strict_calls_on_the_due_date():
    plan = workflows.load_plans("strict", None).main

    assert (plan.steps[0].channel, plan.steps[0].after_due) == ("phone", Duration(0, "days"))


def test_the_plan_set_picks_each_customer_s_plan_by_the_first_matching_segment():
    plans = workflows.load_plans("standard", None)

    assert plans.plan_for(consumer=True, country="BE").key == "consumer-be"
    assert plans.plan_for(consumer=True, country="NL", segment="key").key == "consumer-nl"
    assert plans.plan_for(segment="key", average_days_late=40).key == "key-accounts"
    assert plans.plan_for(country="BE", average_days_late=21, invoices_paid=3).key == "strict"
    assert plans.plan_for(country="BE", average_days_late=20, invoices_paid=3).key == "standard"
    assert plans.plan_for(consumer=True, country="FR") is None  # arctl knows no French consumer rules


# --- amounts and durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("25.00", Money(2500, "EUR")),
    ("25.00 USD", Money(2500, "USD")),
    ("USD 25.00", Money(2500, "USD")),
    ("7,50", Money(750, "EUR")),
    ("1000 JPY", Money(1000, "JPY")),
    ("0.10", Money(10, "EUR")),
])
def test_minimum_amount_is_read_exactly_from_its_text(tmp_path, text, expected):
    write(tmp_path / "plan.yaml", f"minimum_amount: {text}\n" + textwrap.dedent(ONE_STEP))

    plan = workflows.load_plans("plan.yaml", None).main

    assert plan.minimum_amount == expected


def test_an_amount_without_currency_is_in_the_workspace_currency(tmp_path):
    root = workspace(tmp_path, currency="CHF")
    write(root / "plans" / "small.yaml", "minimum_amount: 12.35\n" + textwrap.dedent(ONE_STEP))

    plan = workflows.load_plans("small", workflows.load_workspace(root, tmp_path, None)).main

    assert plan.minimum_amount == Money(1235, "CHF")


@pytest.mark.parametrize(("text", "expected", "days"), [
    ("7 days", Duration(7, "days"), 7),
    ("1 day", Duration(1, "days"), 1),
    ("0 days", Duration(0, "days"), 0),
    ("2 weeks", Duration(2, "weeks"), 14),
    ("1 week", Duration(1, "weeks"), 7),
    ("1 month", Duration(1, "months"), 28),
    ("3 Months", Duration(3, "months"), 84),
])
def test_durations_are_days_weeks_or_months(text, expected, days):
    duration = parse_duration(text)

    assert duration == expected
    assert duration.min_days == days


@pytest.mark.parametrize("text", ["two weeks", "14", "14d", "-3 days", "1.5 days", "a fortnight", "7 days later"])
def test_other_duration_spellings_are_refused(text):
    assert parse_duration(text) is None


def test_a_month_later_than_the_31st_is_the_last_day_of_the_shorter_month():
    assert Duration(1, "months").after(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert Duration(2, "weeks").after(dt.date(2026, 12, 25)) == dt.date(2027, 1, 8)


def test_a_duration_written_in_words_is_a_problem_naming_the_expected_form(tmp_path):
    result = check(tmp_path, """\
        name: Words
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
          - id: second
            after_previous: 14 days
            channel: email
          - id: third
            after_previous: two weeks
            channel: email
        """)

    assert result.exit_code == 2, result.output
    assert problems(result) == [
        'plan.yaml:10: steps[2].after_previous: expected "N days", "N weeks" or "N months" (N a whole number), '
        'got "two weeks"']


def test_a_bad_amount_is_a_problem_naming_the_expected_form(tmp_path):
    result = check(tmp_path, "minimum_amount: lots\n" + textwrap.dedent(ONE_STEP))

    assert result.exit_code == 2, result.output
    assert problems(result) == ['plan.yaml:1: minimum_amount: expected an amount such as 25.00 or "25.00 USD", '
                                'got "lots"']


# --- problems, each with its line ----------------------------------------------------------------------


def test_an_unknown_key_is_a_problem_at_its_line(tmp_path):
    result = check(tmp_path, """\
        name: Typo
        steps:
          - id: friendly
            after_due: 7 days
            chanel: email
        """)

    assert result.exit_code == 2, result.output
    assert "plan.yaml:5: steps[0].chanel: unknown key (expected one of: after_due, after_previous, channel, costs, " \
           "fallback_channel, id, label, new_term, template)" in problems(result)


def test_an_unknown_top_level_key_is_a_problem_at_its_line(tmp_path):
    result = check(tmp_path, textwrap.dedent(ONE_STEP) + "colour: blue\n")

    assert result.exit_code == 2, result.output
    assert problems(result)[0].startswith("plan.yaml:6: colour: unknown key (expected one of: business_days, ")


def test_a_wrong_type_is_a_problem_at_its_line(tmp_path):
    result = check(tmp_path, """\
        name: Types
        pause_when: [disputed, on_holiday]
        steps:
          id: friendly
        """)

    assert result.exit_code == 2, result.output
    assert problems(result) == [
        'plan.yaml:2: pause_when[1]: unknown pause "on_holiday" (expected any of: disputed, promised, payment_plan)',
        "plan.yaml:4: steps: expected a list of steps, each line starting with '- '",
    ]


def test_a_step_id_used_twice_is_a_problem(tmp_path):
    result = check(tmp_path, """\
        name: Twice
        steps:
          - id: reminder
            after_due: 7 days
            channel: email
          - id: reminder
            after_previous: 7 days
            channel: letter
        """)

    assert result.exit_code == 2, result.output
    assert problems(result) == ['plan.yaml:6: steps[1].id: "reminder" is already the id of the step on line 3']


def test_an_unknown_channel_is_a_problem(tmp_path):
    result = check(tmp_path, """\
        name: Fax
        steps:
          - id: friendly
            after_due: 7 days
            channel: fax
        """)

    assert result.exit_code == 2, result.output
    assert problems(result) == ['plan.yaml:5: steps[0].channel: unknown channel "fax" (expected one of: email, '
                                'letter, registered_letter, phone, statement, agency)']


def test_the_first_step_counts_from_the_due_date_and_later_ones_from_the_previous_step(tmp_path):
    result = check(tmp_path, """\
        name: Order
        steps:
          - id: friendly
            after_previous: 7 days
            channel: email
          - id: second
            after_due: 21 days
            channel: email
        """)

    assert result.exit_code == 2, result.output
    assert problems(result) == [
        "plan.yaml:4: steps[0].after_previous: the first step counts from the due date: write after_due: N days",
        "plan.yaml:7: steps[1].after_due: only the first step counts from the due date; later steps say "
        "after_previous: N days",
    ]


def test_costs_on_a_phone_step_are_a_problem(tmp_path):
    result = check(tmp_path, """\
        name: Costly call
        steps:
          - id: call
            after_due: 7 days
            channel: phone
            costs:
              interest: statutory
        """)

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plan.yaml:7: steps[0].costs: a phone step cannot carry costs: costs need a "
                                "document that states them (email, letter, registered_letter)"]


def test_a_segment_naming_a_plan_that_does_not_exist_is_a_problem(tmp_path):
    result = check(tmp_path, textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {segment: key}
            plan: key-acounts
        """))

    assert result.exit_code == 2, result.output
    assert problems(result) == ['plan.yaml:8: segments[0].plan: no plan named "key-acounts" (a file '
                                'key-acounts.yaml in plans/, or a shipped plan)']


def test_a_segment_naming_its_own_plan_is_a_problem(tmp_path):
    result = check(tmp_path, textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {average_days_late_above: 20}
            plan: plan
        """))

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plan.yaml:8: segments[0].plan: refers to this plan itself (plan); name another plan"]


def test_segments_leading_back_in_a_loop_are_a_problem(tmp_path):
    write(tmp_path / "plans" / "gentle.yaml", textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {average_days_late_above: 20}
            plan: harsh
        """))
    write(tmp_path / "plans" / "harsh.yaml", textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {average_days_late_above: 10}
            plan: gentle
        """))

    result = run("plan", "check", "plans/gentle.yaml")

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plans/harsh.yaml:8: segments[0].plan: gentle leads back here in a loop: "
                                "gentle → harsh → gentle; a plan's segments must not lead back to it"]


def test_consumers_sent_to_a_b2b_plan_are_a_problem(tmp_path):
    result = check(tmp_path, textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {consumer: true, country: BE}
            plan: strict
        """))

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plan.yaml:8: segments[0].plan: consumers in Belgium must follow a consumer: BE "
                                "plan; strict is a B2B plan"]


def test_every_problem_is_listed_at_once_in_line_order(tmp_path):
    result = check(tmp_path, """\
        name: Many
        minimum_amount: lots
        steps:
          - id: one
            after_due: soon
            channel: email
          - id: one
            after_previous: 7 days
            channel: pigeon
        segments:
          - match: {segment: x}
            plan: nowhere
        """)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: plan.yaml: 5 problem(s):")
    assert [line.split(":")[1] for line in problems(result)] == ["2", "5", "7", "9", "12"]


def test_a_yaml_syntax_error_names_the_line(tmp_path):
    result = check(tmp_path, """\
        name: Broken
        steps:
          - id: [friendly
        """)

    assert result.exit_code == 2, result.output
    assert "plan.yaml:4: not valid YAML" in result.stderr


def test_a_key_written_twice_names_the_line(tmp_path):
    result = check(tmp_path, "name: One\nname: Two\n" + textwrap.dedent(ONE_STEP).split("\n", 1)[1])

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plan.yaml:2: 'name' appears twice"]


def test_a_missing_plan_file_is_a_usage_error_with_the_shipped_names():
    result = run("plan", "check", "plans/nothere.yaml")

    assert result.exit_code == 2, result.output
    assert "Error: plan file plans/nothere.yaml: no such file" in result.stderr


def test_an_unknown_plan_name_lists_the_shipped_plans():
    result = run("plan", "show", "standrad")

    assert result.exit_code == 2, result.output
    assert "Error: no plan named 'standrad'" in result.stderr
    assert "shipped plans: consumer-be, consumer-nl, key-accounts, standard, strict" in result.stderr


# --- consumer rules ------------------------------------------------------------------------------------

BE_LAW = "breaks a consumer rule — Belgium, Code of Economic Law Book XIX (debts of the consumer): "
NL_LAW = "breaks a consumer rule — Netherlands, art. 6:96 BW and the WIK decree: "


def consumer_plan(country: str, steps: str) -> str:
    # a Belgian consumer plan says whether its customers have regular-supply contracts (last, so that the
    # steps keep their line numbers)
    supply = "regular_supply: false\n" if country == "BE" else ""
    return (f"name: Consumers\nconsumer: {country}\nsteps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")
            + supply)


def test_a_belgian_consumer_plan_with_a_fee_on_the_first_reminder_is_refused_naming_the_rule(tmp_path):
    result = check(tmp_path, consumer_plan("BE", """\
        - id: reminder
          after_due: 7 days
          channel: email
          new_term: 14 days
          costs:
            fee: 5.00
        """))

    assert result.exit_code == 2, result.output
    assert problems(result) == [
        f"plan.yaml:9: steps[0].costs.fee: {BE_LAW}the first reminder is free (no fee, interest or damages) (step "
        "reminder is the first reminder and claims a fee)"]


def test_a_belgian_consumer_plan_whose_first_reminder_gives_less_than_14_days_is_refused(tmp_path):
    result = check(tmp_path, consumer_plan("BE", """\
        - id: reminder
          after_due: 7 days
          channel: email
          new_term: 10 days
        """))

    assert result.exit_code == 2, result.output
    assert problems(result) == [f"plan.yaml:7: steps[0].new_term: {BE_LAW}the first reminder gives at least 14 "
                                "calendar days to pay (step reminder is the first reminder and gives 10 days)"]


BE_FIRST_BY_EMAIL = """\
    - id: reminder
      after_due: 7 days
      channel: email
      new_term: 14 days
    - id: second
      after_previous: {gap}
      channel: letter
      costs:
        fee: 7.50
    """


def test_belgian_consumer_costs_14_days_after_an_e_mail_reminder_are_refused_as_inside_the_waiting_period(tmp_path):
    result = check(tmp_path, consumer_plan("BE", BE_FIRST_BY_EMAIL.replace("{gap}", "14 days")))

    assert result.exit_code == 2, result.output
    assert problems(result) == [
        f"plan.yaml:12: steps[1].costs.fee: {BE_LAW}no costs or interest before the 14-day waiting period after the "
        "first reminder has passed (step second claims a fee 14 days after the first reminder (reminder, by "
        "e-mail); the earliest is 15 days after it)"]


def test_belgian_consumer_costs_15_days_after_an_e_mail_reminder_are_accepted(tmp_path):
    result = check(tmp_path, consumer_plan("BE", BE_FIRST_BY_EMAIL.replace("{gap}", "15 days")))

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("gap", "exit_code"), [("18 days", 2), ("19 days", 0)])
def test_a_belgian_first_reminder_that_may_go_by_post_needs_19_days_before_costs(tmp_path, gap, exit_code):
    # on paper day 1 is the 3rd working day after posting: 5 calendar days after a Wednesday
    steps = BE_FIRST_BY_EMAIL.replace("{gap}", gap).replace("channel: email",
                                                            "channel: email\n      fallback_channel: letter")

    result = check(tmp_path, consumer_plan("BE", steps))

    assert result.exit_code == exit_code, result.output
    if exit_code:
        assert "(reminder, that may go by post); the earliest is 19 days after it)" in result.stderr


def test_the_new_term_of_the_first_reminder_counts_toward_the_waiting_period(tmp_path):
    steps = BE_FIRST_BY_EMAIL.replace("{gap}", "7 days").replace("new_term: 14 days", "new_term: 15 days")

    result = check(tmp_path, consumer_plan("BE", steps))

    assert result.exit_code == 0, result.output


def test_a_belgian_reminder_fee_above_7_50_is_refused(tmp_path):
    steps = BE_FIRST_BY_EMAIL.replace("{gap}", "21 days").replace("fee: 7.50", "fee: 10.00")

    result = check(tmp_path, consumer_plan("BE", steps))

    assert result.exit_code == 2, result.output
    assert problems(result) == [f"plan.yaml:12: steps[1].costs.fee: {BE_LAW}a later reminder costs at most EUR 7.50 "
                                "plus the postage in force (step second asks EUR 10.00)"]


@pytest.mark.parametrize("country", ["BE", "NL"])
def test_the_eur_40_b2b_compensation_is_refused_for_consumers(tmp_path, country):
    steps = BE_FIRST_BY_EMAIL.replace("{gap}", "21 days").replace("fee: 7.50", "compensation: eu-b2b")

    result = check(tmp_path, consumer_plan(country, steps))

    assert result.exit_code == 2, result.output
    assert any("steps[1].costs.compensation: breaks a consumer rule" in p and "EUR 40 B2B compensation never "
               "applies to consumers" in p for p in problems(result)), result.stderr


NL_STEPS = """\
    - id: reminder
      after_due: 7 days
      channel: email
      new_term: 7 days
    - id: costs
      after_previous: {gap}
      channel: letter
      costs:
        collection_costs: wik
    """


def test_a_dutch_consumer_plan_with_wik_costs_before_a_14_day_letter_is_refused_naming_the_rule(tmp_path):
    result = check(tmp_path, consumer_plan("NL", NL_STEPS.replace("{gap}", "30 days")))

    assert result.exit_code == 2, result.output
    assert problems(result) == [
        f"plan.yaml:12: steps[1].costs.collection_costs: {NL_LAW}collection costs only after a valid 14-day letter "
        "(a written demand after the due date, free of costs, giving 14 days) (no step before costs is a 14-day "
        "letter: a letter or e-mail after the due date, without costs, with new_term: 14 days or more)"]


def test_a_dutch_14_day_letter_on_the_due_date_itself_does_not_count(tmp_path):
    steps = NL_STEPS.replace("{gap}", "30 days").replace("after_due: 7 days", "after_due: 0 days").replace(
        "new_term: 7 days", "new_term: 14 days")

    result = check(tmp_path, consumer_plan("NL", steps))

    assert result.exit_code == 2, result.output
    assert "collection costs only after a valid 14-day letter" in result.stderr


@pytest.mark.parametrize(("gap", "exit_code"), [("15 days", 2), ("16 days", 0)])
def test_dutch_wik_costs_wait_until_the_14_days_after_receipt_of_a_posted_letter(tmp_path, gap, exit_code):
    # posted: received the next day at the earliest, 14 days from the day after receipt: costs on day 16
    steps = NL_STEPS.replace("{gap}", gap).replace("channel: email", "channel: letter").replace(
        "new_term: 7 days", "new_term: 14 days")

    result = check(tmp_path, consumer_plan("NL", steps))

    assert result.exit_code == exit_code, result.output
    if exit_code:
        assert "the 14 days start the day after the consumer receives the 14-day letter" in result.stderr


def test_dutch_consumers_owe_legal_interest_not_the_commercial_rate(tmp_path):
    steps = NL_STEPS.replace("{gap}", "21 days").replace("new_term: 7 days", "new_term: 14 days").replace(
        "collection_costs: wik", "collection_costs: wik\n        interest: statutory")

    result = check(tmp_path, consumer_plan("NL", steps))

    assert result.exit_code == 2, result.output
    assert problems(result) == [f"plan.yaml:13: steps[1].costs.interest: {NL_LAW}consumers owe the legal interest of "
                                "art. 6:119 BW, not the commercial rate of art. 6:119a (write interest: legal)"]


def test_dutch_consumers_pay_no_fee_beside_the_wik_scale(tmp_path):
    steps = NL_STEPS.replace("{gap}", "21 days").replace("new_term: 7 days", "new_term: 14 days").replace(
        "collection_costs: wik", "fee: 5.00")

    result = check(tmp_path, consumer_plan("NL", steps))

    assert result.exit_code == 2, result.output
    assert "steps[1].costs.fee: " + NL_LAW + "consumers owe collection costs only on the WIK scale" in result.stderr


def test_consumer_only_costs_are_refused_in_a_b2b_plan(tmp_path):
    result = check(tmp_path, """\
        name: B2B
        steps:
          - id: demand
            after_due: 7 days
            channel: letter
            costs:
              damages: book-xix
        """)

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plan.yaml:7: steps[0].costs.damages: book-xix damages are for Belgian consumers: "
                                "write consumer: BE at the top of a consumer plan"]


def test_the_consumer_marker_names_a_country(tmp_path):
    result = check(tmp_path, "consumer: true\n" + textwrap.dedent(ONE_STEP))

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plan.yaml:1: consumer: say which country's consumer rules apply: expected BE or NL "
                                '(the countries whose consumer rules arctl knows), or false for a B2B plan, got "true"']


def test_every_consumer_rule_has_a_source_and_unconfirmed_ones_are_not_enforced():
    source, doc = read_consumer_rules()
    rules = parse_consumer_rules(doc, source)

    for law in rules.laws.values():
        for rule in law.rules.values():
            assert rule.source and rule.says and rule.confidence in ("V", "S", "U"), rule
    assert rules.laws["BE"].rules["interest_start"].confidence == "U"
    assert rules.rule("BE", "interest_start") is None
    assert rules.laws["NL"].rules["presumed_delivery"].confidence == "U"
    assert rules.rule("NL", "presumed_delivery") is None
    assert rules.rule("BE", "first_reminder_free") is not None


def test_a_broken_consumer_rule_file_is_refused_with_its_lines(tmp_path):
    from arctl.io.yamlfile import load_located

    path = write(tmp_path / "rules.yaml", """\
        BE:
          law: Book XIX
          rules:
            first_reminder_free:
              says: the first reminder is free
              confidence: maybe
        """)

    with pytest.raises(ConfigError) as caught:
        parse_consumer_rules(load_located(path), "rules.yaml")

    assert "rules.yaml:6: BE.rules.first_reminder_free.confidence: expected V, S or U" in caught.value.message
    assert "rules.yaml:5: BE.rules.first_reminder_free.source: missing" in caught.value.message


# --- plan show -----------------------------------------------------------------------------------------


def test_plan_show_standard_prints_the_timeline():
    result = run("plan", "show", "standard")

    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Standard B2B (")
    for sentence in (
        "1. 7 days after the due date — friendly: an e-mail (template friendly), new term 10 days.",
        "2. 14 days later — second: an e-mail (template second), new term 7 days.",
        "3. 7 days later — call: a phone call.",
        "4. 7 days later — demand: a registered letter (template demand), new term 8 days, with costs: EUR 40 "
        "compensation per invoice and statutory late-payment interest.",
        "5. 10 days later — agency: hand-over to the collection agency.",
        "Step dates move to the next business day in Belgium (weekends and public holidays).",
        "Nothing is sent to a customer whose overdue total is below EUR 25.00.",
        "Paused while the invoice is disputed, a promise to pay has not yet expired, or the customer is on a "
        "payment plan; it resumes where it stopped.",
        "- consumers in Belgium follow consumer-be (Consumers in Belgium)",
        "- consumers in the Netherlands follow consumer-nl (Consumers in the Netherlands)",
        "- customers of segment key follow key-accounts (Key accounts)",
        "- customers who pay on average more than 20 days late (over at least 3 invoices paid in the last 12 "
        "months) follow strict (Strict)",
    ):
        assert sentence in text, sentence


def test_plan_show_names_the_dutch_compensation_for_a_dutch_company(tmp_path):
    workspace(tmp_path, country="NL")

    result = run("-w", "ws", "plan", "show", "standard")

    assert result.exit_code == 0, result.output
    assert "with costs: collection costs on the WIK scale (at least EUR 40) and statutory late-payment interest." \
        in result.stdout


def test_plan_show_prints_the_schedule_beside_the_steps():
    result = run("plan", "show", "key-accounts")

    assert result.exit_code == 0, result.output
    assert "1. 5 days after the due date — call: a phone call." in result.stdout
    assert ("Besides the steps, every month (on day 1) — monthly-statement: a statement of account (template "
            "statement) to all customers with open items.") in result.stdout


def test_plan_show_of_strict_says_on_the_due_date():
    result = run("plan", "show", "strict")

    assert result.exit_code == 0, result.output
    assert "1. On the due date — due-date-call: a phone call." in result.stdout


def test_plan_show_of_the_dutch_consumer_plan_marks_the_14_day_letter():
    result = run("plan", "show", "consumer-nl")

    assert result.exit_code == 0, result.output
    assert "new term 14 days counted from the day after delivery (the 14-day letter)" in result.stdout
    assert "For consumers in the Netherlands" in result.stdout


def test_plan_show_of_an_invalid_plan_lists_its_problems(tmp_path):
    write(tmp_path / "plan.yaml", "name: X\nsteps: []\n")

    result = run("plan", "show", "plan.yaml")

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plan.yaml:2: steps: missing: a plan needs at least one step (- id: ..., after_due: "
                                "7 days, channel: email)"]


# --- evidence for a payment-behaviour segment ------------------------------------------------------------


def test_one_payment_27_days_late_is_not_enough_evidence_for_the_strict_plan():
    plans = workflows.load_plans("standard", None)

    # standard.yaml: average_days_late_above 20, min_invoices_paid left at its default of 3
    assert plans.plan_for(country="BE", average_days_late=27, invoices_paid=1).key == "standard"
    assert plans.plan_for(country="BE", average_days_late=27, invoices_paid=2).key == "standard"
    assert plans.plan_for(country="BE", average_days_late=27, invoices_paid=3).key == "strict"


def test_a_rule_can_ask_for_more_paid_invoices_with_min_invoices_paid(tmp_path):
    write(tmp_path / "plans" / "strict.yaml", ONE_STEP)
    write(tmp_path / "plans" / "main.yaml", textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {average_days_late_above: 20, min_invoices_paid: 5}
            plan: strict
        """))

    plans = workflows.load_plans("plans/main.yaml", None)

    assert plans.main.segments[0].match.min_invoices_paid == 5
    assert plans.plan_for(average_days_late=27, invoices_paid=4).key == "main"
    assert plans.plan_for(average_days_late=27, invoices_paid=5).key == "strict"


def test_min_invoices_paid_without_an_average_days_late_rule_is_a_problem(tmp_path):
    write(tmp_path / "plans" / "strict.yaml", ONE_STEP)
    result = check(tmp_path, textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {segment: late, min_invoices_paid: 5}
            plan: strict
        """), name="plans/main.yaml")

    assert result.exit_code == 2, result.output
    assert problems(result) == ["plans/main.yaml:7: segments[0].match.min_invoices_paid: only counts with "
                                "average_days_late_above: say above how many days late on average"]


def test_min_invoices_paid_must_be_a_whole_number_of_at_least_one(tmp_path):
    write(tmp_path / "plans" / "strict.yaml", ONE_STEP)
    result = check(tmp_path, textwrap.dedent(ONE_STEP) + textwrap.dedent("""\
        segments:
          - match: {average_days_late_above: 20, min_invoices_paid: 0}
            plan: strict
        """), name="plans/main.yaml")

    assert result.exit_code == 2, result.output
    assert problems(result) == ['plans/main.yaml:7: segments[0].match.min_invoices_paid: expected a whole number '
                                'of invoices, at least 1, got "0"']
