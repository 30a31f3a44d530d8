"""The dunning plan model: plans, their steps, costs, segments and scheduled documents, as frozen dataclasses.

`arctl.dunning.plan_check` builds them from a plan file and says what the YAML keys mean;
`arctl.dunning.plan_set` validates a plan with every plan its segments lead to.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, field

from arctl.dunning.consumer import ConsumerRules
from arctl.money import Money

CHANNELS = ("email", "letter", "registered_letter", "phone", "statement", "agency")
WRITTEN_CHANNELS = ("email", "letter", "registered_letter")   # documents that state amounts, terms and costs
PAPER_CHANNELS = ("letter", "registered_letter")
SCHEDULE_CHANNELS = ("statement", "email", "letter", "phone")
PAUSES = ("disputed", "promised", "payment_plan")
COST_VALUES = {
    "compensation": ("eu-b2b",),
    "interest": ("statutory", "legal"),
    "damages": ("book-xix",),
    "collection_costs": ("wik",),
}
COST_KEYS = ("compensation", "interest", "fee", "damages", "collection_costs")
AUDIENCES = ("overdue", "open")
CONSUMER_PLANS = {"BE": "consumer-be", "NL": "consumer-nl"}  # the plan a consumer falls back to, per country
MIN_INVOICES_PAID = 3   # evidence an average-days-late rule needs unless it says `min_invoices_paid`
# how long a dispute may stay open before `arctl todo` lists it for a person (`dispute_max_days`): a working
# default, not law; a plan says its own
DISPUTE_MAX_DAYS = 30


@dataclass(frozen=True, slots=True)
class Duration:
    """`7 days`, `2 weeks`, `1 month`: weeks are 7 days; months are calendar months."""

    count: int
    unit: str  # "days", "weeks" or "months"

    @property
    def min_days(self) -> int:
        """The fewest calendar days it can span (a month counts 28): what a static check may rely on."""
        return self.count * {"days": 1, "weeks": 7, "months": 28}[self.unit]

    def after(self, day: dt.date) -> dt.date:
        """The date this long after `day`; a month later than 31 January is the last day of February."""
        if self.unit != "months":
            return day + dt.timedelta(days=self.min_days)
        month_index = day.month - 1 + self.count
        year, month = day.year + month_index // 12, month_index % 12 + 1
        return dt.date(year, month, min(day.day, monthrange(year, month)[1]))

    def __str__(self) -> str:
        singular = self.unit[:-1]
        return f"{self.count} {singular if self.count == 1 else self.unit}"


ONE_LETTER_WINDOW = Duration(14, "days")   # the default `one_letter_window` of a consumer: NL plan


@dataclass(frozen=True, slots=True)
class Costs:
    """What a step adds to the principal; None where the step adds nothing of that kind."""

    compensation: str | None = None      # "eu-b2b": the company country's B2B compensation (BE EUR 40, NL WIK >= 40)
    interest: str | None = None          # "statutory" (commercial late-payment rate) or "legal" (consumer/civil rate)
    fee: Money | None = None             # a fixed reminder fee
    damages: str | None = None           # "book-xix": Belgian consumer flat damages, at most the Book XIX scale
    collection_costs: str | None = None  # "wik": Dutch extrajudicial collection costs on the WIK scale

    def __bool__(self) -> bool:
        return any(getattr(self, key) is not None for key in COST_KEYS)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(key for key in COST_KEYS if getattr(self, key) is not None)


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    channel: str
    after_due: Duration | None = None        # the first step: after the invoice's due date
    after_previous: Duration | None = None   # every later step: after the previous step was taken
    template: str | None = None
    new_term: Duration | None = None
    fallback_channel: str | None = None
    costs: Costs = Costs()
    line: int = 0                                            # the line of the step's first key
    key_lines: Mapping[str, int] = field(default_factory=dict)  # "new_term", "costs", "costs.fee" ... -> line
    label: str = ""      # how people call the step ("Call after second reminder"); its id when the plan gives none

    @property
    def shown(self) -> str:
        """The step as a person reads it: its label, else its id in words ("second-call" -> "Second call")."""
        return self.label or self.id.replace("-", " ").replace("_", " ").capitalize()

    def line_of(self, key: str) -> int:
        """The line of `key` ("costs.fee") in the step, else of its nearest parent, else of the step."""
        while key:
            if key in self.key_lines:
                return self.key_lines[key]
            key = key.rpartition(".")[0]
        return self.line

    @property
    def wait(self) -> Duration:
        return self.after_due if self.after_due is not None else self.after_previous  # type: ignore[return-value]

    @property
    def written(self) -> bool:
        return self.channel in WRITTEN_CHANNELS


@dataclass(frozen=True, slots=True)
class SegmentMatch:
    """Conditions that must all hold; an absent one holds for everybody."""

    consumer: bool | None = None
    countries: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    average_days_late_above: int | None = None
    min_invoices_paid: int = MIN_INVOICES_PAID   # the average counts only over at least this many paid invoices

    def matches(self, *, consumer: bool, country: str | None, segment: str | None,
                average_days_late: float | int | None, invoices_paid: int = 0) -> bool:
        if self.consumer is not None and consumer != self.consumer:
            return False
        if self.countries and (country or "").upper() not in self.countries:
            return False
        if self.segments and (segment or "").casefold() not in {s.casefold() for s in self.segments}:
            return False
        return self.average_days_late_above is None or (
            average_days_late is not None and average_days_late > self.average_days_late_above
            and invoices_paid >= self.min_invoices_paid)


@dataclass(frozen=True, slots=True)
class Segment:
    match: SegmentMatch
    plan: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    """A customer-level document on a rhythm (a monthly statement of account), beside the steps."""

    id: str
    every: Duration
    channel: str
    template: str | None = None
    day: int | None = None
    fallback_channel: str | None = None
    audience: str = "overdue"   # `for:` overdue (customers with an overdue item) or open (any open item)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    key: str                     # the file name without .yaml: how segments and --plan name it
    name: str
    source: str                  # the file, as messages show it
    steps: tuple[Step, ...]
    minimum_amount: Money | None = None
    business_days: str | None = None
    pause_when: tuple[str, ...] = PAUSES
    segments: tuple[Segment, ...] = ()
    schedule: tuple[ScheduleEntry, ...] = ()
    consumer: str | None = None  # "BE" or "NL": a consumer plan, checked against that country's rules
    description: str = ""
    # consumer: BE only: whether its customers have regular-supply contracts (Book XIX: reminders for up to 3
    # missed due dates per calendar year are free); None when the plan does not say, which `plan check` refuses
    regular_supply: bool | None = None
    # consumer: NL only: invoices whose 14-day letter falls due within this time after a letter going out
    # today join that letter (art. 6:96(7) BW: one letter for all claims, the WIK on their sum)
    one_letter_window: Duration | None = None
    dispute_max_days: int = DISPUTE_MAX_DAYS   # a dispute open longer than this is listed by `arctl todo`
    lines: Mapping[str, int] = field(default_factory=dict)  # top-level key -> its line

    @property
    def letter_window(self) -> Duration:
        return self.one_letter_window or ONE_LETTER_WINDOW

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def next_step(self, step_id: str | None) -> Step | None:
        """The step after `step_id` (the first one for None); None after the last."""
        if step_id is None:
            return self.steps[0]
        index = [s.id for s in self.steps].index(step_id)
        return self.steps[index + 1] if index + 1 < len(self.steps) else None


@dataclass(frozen=True, slots=True)
class PlanSet:
    """The plan in use and every plan its segments lead to, all validated together, and how each customer is
    routed to one of them.

    A business customer follows the forced plan (`dunning run --plan`) when there is one, else their own plan
    (set by a person), else the segments from `root`. A consumer follows a consumer plan of their own country,
    found by the first of these routes that leads to one: their own plan; the segments from `root` (the forced
    plan, or the workspace's plan); the segments from `home` (the workspace's plan, when another was forced);
    the fallback plan of their country (`consumer-be` / `consumer-nl`: the workspace's plans/ first, then the
    shipped one). A consumer whose country is unknown is reached only by their own consumer plan. No route:
    None, and the consumer is not dunned.
    """

    root: str
    plans: tuple[Plan, ...]
    rules: ConsumerRules | None = None  # the consumer rules the engine applies with dates (a waiting period)
    forced: bool = False                # `root` was forced on every business customer (`dunning run --plan`)
    home: str | None = None             # the workspace's plan, when `root` was forced and is another plan
    fallbacks: Mapping[str, str] = field(default_factory=dict)  # country -> its consumer plan of last resort

    def plan(self, key: str) -> Plan:
        for plan in self.plans:
            if plan.key == key:
                return plan
        raise KeyError(key)

    @property
    def main(self) -> Plan:
        return self.plan(self.root)

    def plan_for(self, *, consumer: bool = False, country: str | None = None, segment: str | None = None,
                 average_days_late: float | int | None = None, own_plan: str | None = None,
                 invoices_paid: int = 0) -> Plan | None:
        """The plan a customer follows (see the class); None for a consumer no route leads to a consumer plan
        of their country."""
        return self.route(consumer=consumer, country=country, segment=segment, average_days_late=average_days_late,
                          own_plan=own_plan, invoices_paid=invoices_paid)[0]

    def route(self, *, consumer: bool = False, country: str | None = None, segment: str | None = None,
              average_days_late: float | int | None = None, own_plan: str | None = None, invoices_paid: int = 0
              ) -> tuple[Plan | None, str]:
        """The plan a customer follows and the route that led to it: "forced", "own", "segments" (of
        `root`), "home" (the workspace plan's segments), "fallback"; ("none") for a consumer with no route."""
        own = self.plan(own_plan) if own_plan is not None and any(p.key == own_plan for p in self.plans) else None
        country = (country or "").upper() or None

        def end_of_segments(start: str) -> Plan:
            return self.segment_path(start, consumer=consumer, country=country, segment=segment,
                                     average_days_late=average_days_late, invoices_paid=invoices_paid)[-1][0]

        if not consumer:
            if self.forced:
                return self.main, "forced"
            return (own, "own") if own is not None else (end_of_segments(self.root), "segments")
        if own is not None and own.consumer is not None and own.consumer == (country or own.consumer):
            return own, "own"
        if country is None:
            return None, "none"
        for start, how in ((self.root, "segments"), (self.home, "home")):
            if start is None:
                continue
            found = end_of_segments(start)
            if found.consumer == country:
                return found, how
        fallback = self.fallbacks.get(country)
        return (self.plan(fallback), "fallback") if fallback is not None else (None, "none")

    def segment_path(self, start: str, *, consumer: bool = False, country: str | None = None,
                     segment: str | None = None, average_days_late: float | int | None = None,
                     invoices_paid: int = 0) -> tuple[tuple[Plan, Segment | None], ...]:
        """The plans the segments lead a customer through from `start` (the first matching segment wins, and
        its plan's segments apply in turn), each with the segment of the plan before it that led there (None
        for `start`); the last one is where they end."""
        plan, seen = self.plan(start), {start}
        path: list[tuple[Plan, Segment | None]] = [(plan, None)]
        while True:
            chosen = next((s for s in plan.segments if s.match.matches(
                consumer=consumer, country=country, segment=segment, average_days_late=average_days_late,
                invoices_paid=invoices_paid)), None)
            if chosen is None or chosen.plan in seen:
                return tuple(path)
            seen.add(chosen.plan)
            plan = self.plan(chosen.plan)
            path.append((plan, chosen))
