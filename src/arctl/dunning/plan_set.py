"""Validating a plan set: the plan in use with every plan its segments lead to, checked and built together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from arctl.config import DocumentChecker, problem_report
from arctl.dunning.consumer import CONSUMER_COUNTRIES, ConsumerRules
from arctl.dunning.consumer_law import consumer_problems
from arctl.dunning.plan import CONSUMER_PLANS, Plan, PlanSet, Segment
from arctl.dunning.plan_check import PlanDocument, check_plan
from arctl.errors import ConfigError

# countries whose English name takes "the"; render/plan_text.py keeps its own copy for the timeline (render/
# and dunning/ may not import each other)
_WITH_THE = {"NL", "US", "GB", "AE", "CZ", "PH", "DO", "CF", "BS", "GM", "MV", "VA"}


def set_problems(plans: Mapping[str, Plan], root: str, broken: Iterable[str] = ()) -> list[tuple[str, int, str]]:
    """Segment references: every named plan exists, none leads back in a loop, consumers go to consumer plans.

    `broken` names plans that exist but have problems of their own: they are not checked further here.
    """
    problems: list[tuple[str, int, str]] = []
    broken = set(broken)
    for plan in plans.values():
        check = DocumentChecker(plan.source)
        for index, segment in enumerate(plan.segments):
            key = f"segments[{index}].plan"
            if not segment.plan:
                continue
            if segment.plan == plan.key:
                check.add(None, key, f'refers to this plan itself ({plan.key}); name another plan', line=segment.line)
                continue
            target = plans.get(segment.plan)
            if target is None and segment.plan not in broken:
                check.add(None, key, f'no plan named "{segment.plan}" (a file {segment.plan}.yaml in plans/, or a '
                          "shipped plan)", line=segment.line)
            if target is None:
                continue
            wanted = _consumer_target(plan, segment)
            if wanted is not None and target.consumer is None or (
                    wanted not in (None, "any") and target.consumer != wanted):
                who = ("consumers" if wanted == "any" else
                       f"consumers in {_country_name(wanted or '')}")
                marker = "a consumer plan" if wanted == "any" else f"a consumer: {wanted} plan"
                check.add(None, key, f"{who} must follow {marker}; {segment.plan} is "
                          f"{'a B2B plan' if target.consumer is None else 'a consumer: ' + target.consumer + ' plan'}",
                          line=segment.line)
        problems += check.problems
    problems += _loops(plans, root)
    return problems


def own_plan_problem(plan: Plan, *, consumer: bool, country: str | None) -> str | None:
    """Why a customer may not follow `plan` as their own plan: a consumer follows a consumer plan of their own
    country (any consumer plan while their country is unknown: the person who sets it vouches for it)."""
    country = (country or "").upper()
    if not consumer:
        return None
    if plan.consumer is None:
        return f"{plan.key} is a B2B plan and the customer is a consumer: choose a consumer plan"
    if country and plan.consumer != country:
        if country not in CONSUMER_COUNTRIES:
            return (f"{plan.key} is a consumer: {plan.consumer} plan and the customer is a consumer in "
                    f"{_country_name(country)}, whose consumer rules arctl does not know: a person must dun them")
        return (f"{plan.key} is a consumer: {plan.consumer} plan and the customer is a consumer in "
                f"{_country_name(country)}: choose a consumer: {country} plan")
    return None


def with_routes(plans: PlanSet, *, forced: bool, home: str | None) -> PlanSet:
    """The plan set with the routes of `dunning run`: `forced` when its root is applied to every business
    customer, `home` the workspace's plan (consumers follow its segments when the forced plan's do not lead
    them to a consumer plan), and each country's fallback consumer plan (consumer-be, consumer-nl) where the
    set holds it as a consumer plan of that country."""
    keys = {plan.key: plan for plan in plans.plans}
    fallbacks = {country: key for country, key in CONSUMER_PLANS.items()
                 if key in keys and keys[key].consumer == country}
    return replace(plans, forced=forced, home=home if home in keys and home != plans.root else None,
                   fallbacks=fallbacks)


def no_route(plans: PlanSet, country: str | None) -> str:
    """Why no plan reaches a consumer, and how to give them one."""
    country = (country or "").upper()
    if not country:
        return ("their country is unknown: add it to the customer export, or give them a consumer plan with "
                "`arctl customer set ID --plan consumer-be` (or consumer-nl)")
    if country not in CONSUMER_COUNTRIES:
        return (f"arctl knows the consumer rules of {' and '.join(_country_name(c) for c in CONSUMER_COUNTRIES)} "
                f"only, not those of {_country_name(country)}: a person must dun them")
    start = plans.home or plans.root
    return (f"no consumer: {country} plan: add a segment `match: {{consumer: true, country: {country}}}` leading "
            f"to one in plans/{start}.yaml, or a plan plans/{CONSUMER_PLANS[country]}.yaml")


def _consumer_target(plan: Plan, segment: Segment) -> str | None:
    """What kind of plan a segment must lead to: a consumer plan of one country, any consumer plan, or anything."""
    if plan.consumer:
        return plan.consumer
    if segment.match.consumer:
        countries = [c for c in segment.match.countries if c in CONSUMER_COUNTRIES]
        if len(set(countries)) == 1 and len(segment.match.countries) == 1:
            return countries[0]
        return "any"
    return None


def _loops(plans: Mapping[str, Plan], root: str) -> list[tuple[str, int, str]]:
    problems: list[tuple[str, int, str]] = []
    reported: set[tuple[str, str]] = set()

    def visit(key: str, path: list[str]) -> None:
        plan = plans.get(key)
        if plan is None:
            return
        for index, segment in enumerate(plan.segments):
            target = segment.plan
            if target == key or target not in plans:
                continue
            if target in path:
                cycle = path[path.index(target):] + [key, target]
                if (key, target) not in reported:
                    reported.add((key, target))
                    check = DocumentChecker(plan.source)
                    check.add(None, f"segments[{index}].plan", f"{target} leads back here in a loop: "
                              f"{' → '.join(cycle)}; a plan's segments must not lead back to it", line=segment.line)
                    problems.extend(check.problems)
                continue
            visit(target, path + [key])

    visit(root, [])
    return problems


def build_plan_set(root: str, documents: Iterable[PlanDocument], rules: ConsumerRules, *, currency: str,
                   unreadable: Mapping[str, str] | None = None, headline: str | None = None) -> PlanSet:
    """Validate the plan `root` and every plan its segments lead to; ConfigError lists every problem of all of them.

    `documents` are the plan files io found (a segment naming a plan that is not among them is a problem);
    `unreadable` maps the names of plan files that were found but are not valid YAML to the message saying
    why (segments naming them are not reported as naming a missing plan).
    """
    unreadable = unreadable or {}
    problems: list[tuple[str, int, str]] = [(message, 0, message) for message in unreadable.values()]
    plans: dict[str, Plan] = {}
    for document in documents:
        plan, found = check_plan(document, currency)
        problems += found
        if not found:  # consumer rules are judged on a plan that reads correctly, not on a partial one
            problems += consumer_problems(plan, rules)
        plans[plan.key] = plan
    problems += set_problems(plans, root, broken=unreadable)
    if problems:
        raise ConfigError(problem_report(problems, headline or f"plan {root}"),
                          hint="fix these lines; `arctl plan show` explains a valid plan")
    return PlanSet(root, tuple(plans.values()), rules)


def _country_name(code: str) -> str:
    from babel import Locale

    name = Locale("en").territories.get(code, code)
    return f"the {name}" if code in _WITH_THE else name
