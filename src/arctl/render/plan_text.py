"""A dunning plan as an English timeline a sales colleague understands (`arctl plan show`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from arctl.money import Money, plain_amount

_CHANNEL_WORDS = {
    "email": "an e-mail",
    "letter": "a letter",
    "registered_letter": "a registered letter",
    "phone": "a phone call",
    "statement": "a statement of account",
    "agency": "hand-over to the collection agency",
}
_FALLBACK_WORDS = {"email": "by e-mail", "letter": "by letter", "registered_letter": "by registered letter",
                   "phone": "by phone", "statement": "as a statement of account", "agency": "through the agency"}
_FALLBACK_WHEN = {"email": "without an e-mail address", "phone": "without a phone number"}
_PAUSE_WORDS = {"disputed": "the invoice is disputed", "promised": "a promise to pay has not yet expired",
                "payment_plan": "the customer is on a payment plan"}
# countries whose English name takes "the"; dunning/plan_set.py keeps its own copy for its messages (render/
# and dunning/ may not import each other)
_WITH_THE = {"NL", "US", "GB", "AE", "CZ", "PH", "DO", "CF", "BS", "GM", "MV", "VA"}


# What the timeline reads of the plan model (arctl.dunning.plan), which render/ may not import: the
# dataclasses there have these attributes. Properties, because those dataclasses are frozen.


class DurationLike(Protocol):
    @property
    def count(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def min_days(self) -> int: ...


class CostsLike(Protocol):
    def __bool__(self) -> bool: ...
    @property
    def compensation(self) -> str | None: ...
    @property
    def interest(self) -> str | None: ...
    @property
    def fee(self) -> Money | None: ...
    @property
    def damages(self) -> str | None: ...
    @property
    def collection_costs(self) -> str | None: ...


class StepLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def after_due(self) -> DurationLike | None: ...
    @property
    def after_previous(self) -> DurationLike | None: ...
    @property
    def template(self) -> str | None: ...
    @property
    def new_term(self) -> DurationLike | None: ...
    @property
    def fallback_channel(self) -> str | None: ...
    @property
    def costs(self) -> CostsLike: ...


class SegmentMatchLike(Protocol):
    @property
    def consumer(self) -> bool | None: ...
    @property
    def countries(self) -> tuple[str, ...]: ...
    @property
    def segments(self) -> tuple[str, ...]: ...
    @property
    def average_days_late_above(self) -> int | None: ...
    @property
    def min_invoices_paid(self) -> int: ...


class SegmentLike(Protocol):
    @property
    def match(self) -> SegmentMatchLike: ...
    @property
    def plan(self) -> str: ...


class ScheduleEntryLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def every(self) -> DurationLike: ...
    @property
    def channel(self) -> str: ...
    @property
    def template(self) -> str | None: ...
    @property
    def day(self) -> int | None: ...
    @property
    def audience(self) -> str: ...


class PlanLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def regular_supply(self) -> bool | None: ...
    @property
    def letter_window(self) -> DurationLike: ...
    @property
    def name(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def steps(self) -> Sequence[StepLike]: ...
    @property
    def minimum_amount(self) -> Money | None: ...
    @property
    def business_days(self) -> str | None: ...
    @property
    def pause_when(self) -> Sequence[str]: ...
    @property
    def segments(self) -> Sequence[SegmentLike]: ...
    @property
    def schedule(self) -> Sequence[ScheduleEntryLike]: ...
    @property
    def consumer(self) -> str | None: ...
    @property
    def description(self) -> str: ...


class PlanSetLike(Protocol):
    @property
    def plans(self) -> Sequence[PlanLike]: ...
    @property
    def main(self) -> PlanLike: ...


def describe_plan_set(plans: PlanSetLike, company_country: str = "BE") -> list[str]:
    """The set's main plan as a timeline, one line per sentence; segments name the set's other plans."""
    return describe_plan(plans.main, {p.key: p for p in plans.plans}, company_country)


def describe_plan(plan: PlanLike, plans: Mapping[str, PlanLike], company_country: str = "BE") -> list[str]:
    """One plan as a timeline; `plans` (by key) give the titles of the plans its segments lead to."""
    lines = [f"{plan.name} ({plan.source})"]
    if plan.description:
        lines.append(plan.description)
    if plan.consumer:
        lines.append(f"For consumers in {_country_name(plan.consumer)}: checked against the consumer rules of "
                     f"{_country_name(plan.consumer)}.")
    if plan.consumer == "BE" and plan.regular_supply is not None:
        lines.append("Its customers have regular-supply contracts: reminders for up to 3 missed due dates a year "
                     "are free, so no step charges a fee." if plan.regular_supply else
                     "Its customers have no regular-supply contracts.")
    if plan.consumer == "NL":
        lines.append(f"One 14-day letter for all claims: an invoice whose 14-day letter falls due within "
                     f"{plan.letter_window} joins a letter that goes out, and the WIK is computed on their sum.")
    lines.append("")
    for index, step in enumerate(plan.steps):
        lines.append(f"  {index + 1}. {_step_sentence(step, index == 0, plan, company_country)}")
    lines.append("")
    lines.append('"Later" counts from the day the previous step was taken, and a step never comes before the new '
                 "term of the previous one has ended. Each step is taken once per invoice.")
    if plan.business_days:
        lines.append(f"Step dates move to the next business day in {_country_name(plan.business_days)} "
                     "(weekends and public holidays).")
    if plan.minimum_amount is not None:
        lines.append(f"Nothing is sent to a customer whose overdue total is below {_amount(plan.minimum_amount)}.")
    if plan.pause_when:
        lines.append("Paused while " + _or_list([_PAUSE_WORDS[p] for p in plan.pause_when]) + "; it resumes "
                     "where it stopped.")
    else:
        lines.append("Never paused: disputes, promises and payment plans do not stop it.")
    for entry in plan.schedule:
        rhythm = f"every {entry.every}" if entry.every.count != 1 else f"every {entry.every.unit[:-1]}"
        if entry.day:
            rhythm += f" (on day {entry.day})"
        who = "customers with an overdue item" if entry.audience == "overdue" else "customers with open items"
        words = f"{rhythm} — {entry.id}: {_CHANNEL_WORDS.get(entry.channel, entry.channel)}"
        if entry.template:
            words += f" (template {entry.template})"
        lines.append(f"Besides the steps, {words} to all {who}.")
    if plan.segments:
        lines.append("")
        lines.append("Other customers follow another plan (the first that fits):")
        for segment in plan.segments:
            target = plans.get(segment.plan)
            title = f" ({target.name})" if target is not None and target.name != segment.plan else ""
            lines.append(f"  - {_segment_words(segment)} follow {segment.plan}{title}")
        lines.append("See them with `arctl plan show NAME`.")
    return lines


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + (", or " if len(items) > 2 else " or ") + items[-1]


def _country_name(code: str) -> str:
    from babel import Locale

    name = Locale("en").territories.get(code, code)
    return f"the {name}" if code in _WITH_THE else name


def _amount(money: Money) -> str:
    return f"{money.currency} {plain_amount(money.amount, money.currency)}"


def _cost_words(costs: CostsLike, company_country: str) -> str:
    words = []
    if costs.compensation:
        words.append({"BE": "EUR 40 compensation per invoice",
                      "NL": "collection costs on the WIK scale (at least EUR 40)"}.get(
            company_country, "the fixed B2B compensation (Directive 2011/7/EU, at least EUR 40)"))
    if costs.collection_costs:
        words.append("collection costs on the WIK scale")
    if costs.damages:
        words.append("flat damages up to the Book XIX scale")
    if costs.fee is not None:
        words.append(f"a fee of {_amount(costs.fee)}")
    if costs.interest:
        words.append("statutory late-payment interest" if costs.interest == "statutory" else "legal interest")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _when(step: StepLike, first: bool) -> str:
    if first:
        if step.after_due is None or step.after_due.count == 0:
            return "On the due date"
        return f"{step.after_due} after the due date"
    return f"{step.after_previous} later"


def _step_sentence(step: StepLike, first: bool, plan: PlanLike, company_country: str) -> str:
    what = _CHANNEL_WORDS.get(step.channel, step.channel)
    sentence = f"{_when(step, first)} — {step.id}: {what}"
    if step.template:
        sentence += f" (template {step.template})"
    if step.fallback_channel:
        when = _FALLBACK_WHEN.get(step.channel, f"who cannot be reached by {step.channel}")
        sentence += f", {_FALLBACK_WORDS[step.fallback_channel]} to customers {when}"
    if step.new_term:
        sentence += f", new term {step.new_term}"
        if plan.consumer == "NL" and step.new_term.min_days >= 14:
            sentence += " counted from the day after delivery (the 14-day letter)"
    if step.costs:
        sentence += f", with costs: {_cost_words(step.costs, company_country)}"
    return sentence + "."


def _segment_words(segment: SegmentLike) -> str:
    match = segment.match
    who = "consumers" if match.consumer else ("business customers" if match.consumer is False else "customers")
    parts = [who]
    if match.countries:
        parts.append("in " + " or ".join(_country_name(c) for c in match.countries))
    if match.segments:
        parts.append(("of segment " if len(match.segments) == 1 else "of segments ") + " or ".join(match.segments))
    if match.average_days_late_above is not None:
        parts.append(f"who pay on average more than {match.average_days_late_above} days late (over at least "
                     f"{match.min_invoices_paid} invoices paid in the last 12 months)")
    return " ".join(parts)
