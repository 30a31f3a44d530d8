"""The consumer-law checks of a plan: the Belgian (Book XIX) and Dutch (art. 6:96 BW, WIK) rules it must keep."""

from __future__ import annotations

from arctl.config import DocumentChecker
from arctl.dunning.consumer import ConsumerRule, ConsumerRules
from arctl.dunning.plan import PAPER_CHANNELS, Costs, Plan, Step
from arctl.dunning.plan_check import parse_plan_amount
from arctl.money import Money, plain_amount


def consumer_problems(plan: Plan, rules: ConsumerRules) -> list[tuple[str, int, str]]:
    """Every consumer rule of the plan's country that the plan breaks, each naming the rule."""
    if plan.consumer is None:
        return _b2b_problems(plan)
    check = DocumentChecker(plan.source)
    if plan.consumer == "BE":
        _belgian_consumer(check, plan, rules)
        _regular_supply(check, plan, rules)
    else:
        _dutch_consumer(check, plan, rules)
    return check.problems


def _b2b_problems(plan: Plan) -> list[tuple[str, int, str]]:
    """Costs that exist only for consumers of one country make no sense in a B2B plan."""
    check = DocumentChecker(plan.source)
    for index, step in enumerate(plan.steps):
        if step.costs.damages:
            check.add(None, f"steps[{index}].costs.damages", "book-xix damages are for Belgian consumers: write "
                      "consumer: BE at the top of a consumer plan", line=step.line_of("costs.damages"))
        if step.costs.collection_costs:
            check.add(None, f"steps[{index}].costs.collection_costs", "collection_costs: wik is for Dutch consumers "
                      "(consumer: NL); in a B2B plan compensation: eu-b2b already means the WIK scale for a Dutch "
                      "company", line=step.line_of("costs.collection_costs"))
    return check.problems


def _broken(check: DocumentChecker, rules: ConsumerRules, country: str, rule: ConsumerRule, step_index: int, step: Step,
            key: str, detail: str) -> None:
    """`key` is the step's key that breaks the rule (".costs.fee"); the problem points at its line."""
    check.add(None, f"steps[{step_index}]{key}", f"breaks a consumer rule — {rules.law(country)}: {rule.says} "
              f"({detail})", line=step.line_of(key.lstrip(".")))


_COST_WORDS = {"compensation": "the EUR 40 compensation", "interest": "interest", "fee": "a fee",
               "damages": "damages", "collection_costs": "collection costs"}


def _costs_key(costs: Costs) -> str:
    """The key a problem about these costs points at: the one cost, or the costs as a whole."""
    return f".costs.{costs.kinds[0]}" if len(costs.kinds) == 1 else ".costs"


def _claims(costs: Costs) -> str:
    words = [_COST_WORDS[kind] for kind in costs.kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _gaps(plan: Plan) -> list[int]:
    """The fewest calendar days from the first step to each step: each step waits its own time and at least
    until the new term of the step before it has ended (the engine's rule)."""
    days, result = 0, []
    for index, step in enumerate(plan.steps):
        if index:
            previous = plan.steps[index - 1]
            days += max(step.wait.min_days, previous.new_term.min_days if previous.new_term else 0)
        result.append(days)
    return result


def _worst_start(working_days: int) -> int:
    """The most calendar days, over the days of a week without public holidays, from a sending date to its
    `working_days`-th working day (Monday to Friday)."""
    worst = 0
    for weekday in range(7):
        day, counted = 0, 0
        while counted < working_days:
            day += 1
            if (weekday + day) % 7 < 5:
                counted += 1
        worst = max(worst, day)
    return worst


def _belgian_consumer(check: DocumentChecker, plan: Plan, rules: ConsumerRules) -> None:
    gaps = _gaps(plan)
    first = next((i for i, step in enumerate(plan.steps) if step.written), None)
    for index, step in enumerate(plan.steps):
        costs = step.costs
        rule = rules.rule("BE", "no_b2b_compensation")
        if rule and costs.compensation:
            _broken(check, rules, "BE", rule, index, step, ".costs.compensation", "compensation: eu-b2b is B2B only")
        if costs.collection_costs:
            check.add(None, f"steps[{index}].costs.collection_costs", "collection_costs: wik is Dutch law; a "
                      "consumer: BE plan claims damages: book-xix", line=step.line_of("costs.collection_costs"))
        rule = rules.rule("BE", "reminder_fee_max")
        if rule and costs.fee is not None:
            cap = parse_plan_amount(rule.values["amount"], "EUR")
            if costs.fee.currency != cap.currency or costs.fee.amount > cap.amount:
                _broken(check, rules, "BE", rule, index, step, ".costs.fee",
                        f"step {step.id} asks {_amount(costs.fee)}")
        if first is not None and index == first:
            rule = rules.rule("BE", "first_reminder_free")
            if rule and costs:
                _broken(check, rules, "BE", rule, index, step, _costs_key(costs),
                        f"step {step.id} is the first reminder and claims {_claims(costs)}")
            rule = rules.rule("BE", "first_reminder_term")
            if rule and (step.new_term is None or step.new_term.min_days < rule.number("days")):
                _broken(check, rules, "BE", rule, index, step, ".new_term",
                        f"step {step.id} is the first reminder and gives {step.new_term or 'no new term'}")
        elif costs and first is not None and index > first:
            rule = rules.rule("BE", "waiting_period")
            if rule is None:
                continue
            reminder = plan.steps[first]
            paper = _may_go_by_post(reminder)
            start = (_worst_start(rule.number("start_paper_working_days")) if paper
                     else rule.number("start_electronic_days"))
            needed = start + rule.number("days")
            if gaps[index] - gaps[first] < needed:
                medium = "that may go by post" if paper else "by e-mail"
                _broken(check, rules, "BE", rule, index, step, _costs_key(costs),
                        f"step {step.id} claims {_claims(costs)} {gaps[index] - gaps[first]} days after the first "
                        f"reminder ({reminder.id}, {medium}); the earliest is {needed} days after it")
        elif costs:
            rule = rules.rule("BE", "first_reminder_free")
            if rule:
                _broken(check, rules, "BE", rule, index, step, _costs_key(costs), f"step {step.id} claims "
                        f"{_claims(costs)} before any written reminder")


def _regular_supply(check: DocumentChecker, plan: Plan, rules: ConsumerRules) -> None:
    """Book XIX keeps reminders free for up to 3 missed due dates a year under a regular-supply contract. arctl
    has no contract data, so the plan must say whether its customers have such contracts; and as arctl cannot
    count a contract's missed due dates, a plan that says they do may not charge a reminder fee."""
    rule = rules.confirmed("BE", "free_reminders_regular_supply")
    if rule is None:
        return
    if plan.regular_supply is None:
        check.add(None, "regular_supply", f"missing — {rules.law('BE')}: {rule.says}; say whether this plan's "
                  "customers have regular-supply contracts (energy, water, subscriptions): regular_supply: false, "
                  "or regular_supply: true (then no step may charge a fee)", line=plan.lines.get("consumer", 0))
        return
    if plan.regular_supply:
        for index, step in enumerate(plan.steps):
            if step.costs.fee is not None:
                _broken(check, rules, "BE", rule, index, step, ".costs.fee",
                        f"the plan says regular_supply: true and arctl cannot count a contract's missed due dates "
                        f"(at most {rule.values.get('per_year', '3')} a year), so step {step.id} may not charge "
                        "a fee")


def fourteen_day_letters(plan: Plan, rules: ConsumerRules | None) -> frozenset[str]:
    """The ids of a consumer: NL plan's steps that are 14-day letters (see `_fourteen_day_letter`)."""
    rule = rules.rule("NL", "fourteen_day_letter") if rules is not None and plan.consumer == "NL" else None
    if rule is None:
        return frozenset()
    due_offset = plan.steps[0].after_due.min_days if plan.steps and plan.steps[0].after_due else 0
    return frozenset(step.id for step, gap in zip(plan.steps, _gaps(plan), strict=True)
                     if _fourteen_day_letter(step, due_offset + gap, rule))


def _fourteen_day_letter(step: Step, days_after_due: int, rule: ConsumerRule) -> bool:
    """A written step sent after the due date, without collection costs, giving at least the 14 days."""
    return (step.written and days_after_due >= 1 and step.new_term is not None
            and step.new_term.min_days >= rule.number("days")
            and not (step.costs.collection_costs or step.costs.fee or step.costs.compensation))


def _dutch_consumer(check: DocumentChecker, plan: Plan, rules: ConsumerRules) -> None:
    gaps = _gaps(plan)
    due_offset = plan.steps[0].after_due.min_days if plan.steps and plan.steps[0].after_due else 0
    letter_rule = rules.rule("NL", "fourteen_day_letter")
    letters: list[int] = []
    for index, step in enumerate(plan.steps):
        costs = step.costs
        rule = rules.rule("NL", "no_b2b_compensation")
        if rule and costs.compensation:
            _broken(check, rules, "NL", rule, index, step, ".costs.compensation", "compensation: eu-b2b is B2B only")
        rule = rules.rule("NL", "wik_scale_only")
        if rule and (costs.fee is not None or costs.damages):
            what, key = ("a fee", ".costs.fee") if costs.fee is not None else ("book-xix damages", ".costs.damages")
            _broken(check, rules, "NL", rule, index, step, key, f"step {step.id} claims {what}")
        rule = rules.rule("NL", "consumer_interest")
        if rule and costs.interest == "statutory":
            _broken(check, rules, "NL", rule, index, step, ".costs.interest", "write interest: legal")
        if letter_rule and costs.collection_costs:
            term_rule = rules.rule("NL", "fourteen_day_term")
            valid = [i for i in letters
                     if term_rule is None or gaps[index] - gaps[i] >= _nl_needed(plan.steps[i], term_rule)]
            if not valid:
                if letters:
                    before = plan.steps[letters[-1]]
                    needed = _nl_needed(before, term_rule) if term_rule else 0
                    medium = "that may go by post" if _may_go_by_post(before) else "by e-mail"
                    detail = (f"step {step.id} comes {gaps[index] - gaps[letters[-1]]} days after the 14-day letter "
                              f"({before.id}, {medium}); the earliest is {needed} days after it")
                    _broken(check, rules, "NL", term_rule or letter_rule, index, step, ".costs.collection_costs",
                            detail)
                else:
                    _broken(check, rules, "NL", letter_rule, index, step, ".costs.collection_costs",
                            f"no step before {step.id} is a 14-day letter: a letter or e-mail after the due date, "
                            f"without costs, with new_term: {letter_rule.number('days')} days or more")
        if letter_rule and _fourteen_day_letter(step, due_offset + gaps[index], letter_rule):
            letters.append(index)


def _nl_needed(letter: Step, rule: ConsumerRule) -> int:
    """Fewest days from sending the 14-day letter to the first day costs may be due: the 14 days start the day
    after receipt, and a posted letter is received the day after posting at the earliest."""
    receipt = rule.number("post_days") if _may_go_by_post(letter) else 0
    return receipt + rule.number("days") + 1


def _may_go_by_post(step: Step) -> bool:
    return step.channel in PAPER_CHANNELS or step.fallback_channel in PAPER_CHANNELS


def _amount(money: Money) -> str:
    return f"{money.currency} {plain_amount(money.amount, money.currency)}"
