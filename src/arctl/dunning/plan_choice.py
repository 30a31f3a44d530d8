"""Why a customer follows the plan it follows: the route through the segments, in words a bookkeeper checks.

The engine chooses the plan (`CustomerFacts.plan_in`, or `--plan`); this module says why, given the plan
the engine chose, so that `dunning run`, `dunning status`, `explain` and `customer show` give one answer:
"strict: average 27 days late over 4 invoices paid in the last 12 months, rule: more than 20".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from arctl.dunning.plan import PlanSet, Segment, SegmentMatch

if TYPE_CHECKING:
    from arctl.dunning.engine import CustomerFacts

FORCED = "--plan"
OWN = "own plan set by a person"
DEFAULT = "default plan"


@dataclass(frozen=True, slots=True)
class PlanChoice:
    plan: str      # the plan's key
    reason: str    # why, with the customer's own figures

    def __str__(self) -> str:
        return f"{self.plan}: {self.reason}"


def plan_choice(plans: PlanSet, facts: CustomerFacts, chosen: str, *, forced: str | None = None) -> PlanChoice:
    """Why a customer with `facts` follows the plan `chosen` (the key the engine chose); `forced`: the plan
    given with `--plan`, if any."""
    plan, how = plans.route(consumer=facts.consumer, country=facts.country, segment=facts.segment,
                            average_days_late=facts.average_days_late, own_plan=facts.plan,
                            invoices_paid=facts.invoices_paid)
    if forced is not None and chosen == forced:
        return PlanChoice(chosen, FORCED)
    if facts.plan is not None and chosen == facts.plan:
        return PlanChoice(chosen, OWN)
    start = plans.home if how == "home" else plans.root
    if plan is None or plan.key != chosen or how == "fallback" or start is None:
        found = next((p for p in plans.plans if p.key == chosen), None)
        if found is not None and found.consumer:
            why = f": no segment of {plans.root} leads there" if how == "fallback" else ""
            return PlanChoice(chosen, f"consumer plan of {found.consumer}{why}")
        return PlanChoice(chosen, "chosen by the plan rules")
    route = plans.segment_path(start, consumer=facts.consumer, country=facts.country, segment=facts.segment,
                               average_days_late=facts.average_days_late, invoices_paid=facts.invoices_paid)
    hops = [segment for _, segment in route[1:] if segment is not None]
    if not hops:
        return PlanChoice(chosen, DEFAULT + _too_little_evidence(plans, facts, chosen))
    return PlanChoice(chosen, "; then ".join(_segment_reason(segment, facts) for segment in hops))


def _segment_reason(segment: Segment, facts: CustomerFacts) -> str:
    match = segment.match
    parts = []
    if match.consumer and len(match.countries) == 1:
        parts.append(f"consumer plan of {match.countries[0]}")
    else:
        if match.consumer is not None:
            parts.append("consumer" if match.consumer else "business customer")
        if match.countries:
            parts.append(f"country {(facts.country or '').upper()}")
    if match.segments:
        parts.append(f"segment {facts.segment}")
    if match.average_days_late_above is not None:
        parts.append(f"{_behaviour(facts)}, rule: more than {match.average_days_late_above}")
    return ", ".join(parts)


def _behaviour(facts: CustomerFacts) -> str:
    days = facts.average_days_late or 0
    shown = f"{days:.0f}" if days == int(days) else f"{days:.1f}"
    count = facts.invoices_paid
    return f"average {shown} days late over {count} invoice{'' if count == 1 else 's'} paid in the last 12 months"


def _too_little_evidence(plans: PlanSet, facts: CustomerFacts, chosen: str) -> str:
    """A late-payment rule the customer's average meets but not on enough paid invoices: said, so that nobody
    wonders why a late payer is not on the stricter plan."""
    plan = next(p for p in plans.plans if p.key == chosen)
    for segment in plan.segments:
        match = segment.match
        if match.average_days_late_above is None or facts.average_days_late is None:
            continue
        others = SegmentMatch(match.consumer, match.countries, match.segments, None)
        if facts.average_days_late > match.average_days_late_above and facts.invoices_paid < match.min_invoices_paid \
                and others.matches(consumer=facts.consumer, country=facts.country, segment=facts.segment,
                                   average_days_late=None):
            return (f" ({_behaviour(facts)}: too few for {segment.plan}, whose rule more than "
                    f"{match.average_days_late_above} needs at least {match.min_invoices_paid})")
    return ""
