"""Dunning plans: the declared schema, its validation from parsed YAML, and the consumer rules a plan must keep.

A plan is read by `arctl.io.plans` into `Located` documents (every scalar is text with its line); this
module turns them into frozen dataclasses, listing every problem at once as `file:line: key.path:
message`. It reads no file: the consumer-rule data (dunning/data/consumer_rules.yaml) comes in parsed.

The schema (a bookkeeper writes it; plans/standard.yaml is the example):

- `name` (required): the plan's title. `description`: free text shown by `arctl plan show`.
- `consumer: BE` / `consumer: NL`: this plan is for consumers of that country and is checked against its
  consumer rules (Belgian Book XIX; Dutch art. 6:96 BW and the WIK). Absent (or `false`): a B2B plan.
- `minimum_amount`: a customer whose overdue total is below it gets nothing; in the company's currency
  unless a currency follows the number (`25.00 USD`). Amounts are read from their text, never a float.
- `business_days`: the country (ISO code) whose weekends and public holidays move a step's date to the
  next business day. Absent: dates are not moved.
- `pause_when`: any of `disputed`, `promised`, `payment_plan`. Absent: all three; `[]`: none.
- `steps` (required, in order): `id` (letters, digits, - and _; unique), `after_due` (the first step
  only: days after the due date; `0 days` is the due date itself) or `after_previous` (every later
  step), `channel`, optional `template` (default: the channel's default template), `new_term` (the
  new payment term a written step grants; the next step never comes before it has ended),
  `fallback_channel` (for customers the channel cannot reach, e.g. `letter` for those without an
  e-mail address), `costs` (written steps only): `compensation: eu-b2b`, `interest: statutory|legal`,
  `fee: 7.50`, `damages: book-xix`, `collection_costs: wik`.
- `segments` (the first match wins): `match` with any of `consumer` (true/false), `country` (a code or
  a list), `segment` (a name or a list), `average_days_late_above` (whole days); `plan`: the name of
  another plan (a file NAME.yaml). A matched plan's own segments are followed in turn.
- `schedule`: customer-level documents sent on a rhythm beside the steps (a step is never repeated):
  `id`, `every` (`1 month`, `2 weeks` ...), optional `day` (day of the month, 1-28, for monthly
  rhythms), `channel`, `template`, `fallback_channel`, `for` (`overdue`: customers with an overdue item,
  the default; `open`: customers with any open item).

Durations are written `N days`, `N weeks` or `N months` (N a whole number; `1 day`, `1 week`,
`1 month` too); anything else ("two weeks", "14", "14d") is a problem naming the expected form.
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from arctl.config import DocumentChecker, problem_report
from arctl.errors import ConfigError
from arctl.model import Located
from arctl.money import AmountError, Money, is_currency, parse_amount, plain_amount

CHANNELS = ("email", "letter", "registered_letter", "phone", "statement", "agency")
WRITTEN_CHANNELS = ("email", "letter", "registered_letter")   # documents that state amounts, terms and costs
PAPER_CHANNELS = ("letter", "registered_letter")
SCHEDULE_CHANNELS = ("statement", "email", "letter", "phone")
PAUSES = ("disputed", "promised", "payment_plan")
CONSUMER_COUNTRIES = ("BE", "NL")
COST_VALUES = {
    "compensation": ("eu-b2b",),
    "interest": ("statutory", "legal"),
    "damages": ("book-xix",),
    "collection_costs": ("wik",),
}
COST_KEYS = ("compensation", "interest", "fee", "damages", "collection_costs")
AUDIENCES = ("overdue", "open")

_TOP_KEYS = {"name", "description", "consumer", "minimum_amount", "business_days", "pause_when", "steps",
             "segments", "schedule"}
_STEP_KEYS = {"id", "after_due", "after_previous", "channel", "template", "new_term", "fallback_channel", "costs"}
_SEGMENT_KEYS = {"match", "plan"}
_MATCH_KEYS = {"consumer", "country", "segment", "average_days_late_above"}
_SCHEDULE_KEYS = {"id", "every", "day", "channel", "template", "fallback_channel", "for"}
_RULE_KEYS = {"says", "source", "confidence", "checked_by", "note"}

_DURATION = re.compile(r"(\d+)\s*(day|days|week|weeks|month|months)", re.IGNORECASE)
_DURATION_FORM = '"N days", "N weeks" or "N months" (N a whole number)'
_AMOUNT = re.compile(r"(?:([A-Za-z]{3})\s+)?(\d[\d.,]*)(?:\s*([A-Za-z]{3}))?")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_PLAN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_TRUE, _FALSE = {"true", "yes", "on"}, {"false", "no", "off"}


# --- the plan ------------------------------------------------------------------------------------------


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

    def matches(self, *, consumer: bool, country: str | None, segment: str | None,
                average_days_late: float | int | None) -> bool:
        if self.consumer is not None and consumer != self.consumer:
            return False
        if self.countries and (country or "").upper() not in self.countries:
            return False
        if self.segments and (segment or "").casefold() not in {s.casefold() for s in self.segments}:
            return False
        if self.average_days_late_above is not None and (
                average_days_late is None or not average_days_late > self.average_days_late_above):
            return False
        return True


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
    """The plan in use and every plan its segments lead to, all validated together."""

    root: str
    plans: tuple[Plan, ...]
    rules: ConsumerRules | None = None  # the consumer rules the engine applies with dates (a waiting period)

    def plan(self, key: str) -> Plan:
        for plan in self.plans:
            if plan.key == key:
                return plan
        raise KeyError(key)

    @property
    def main(self) -> Plan:
        return self.plan(self.root)

    def plan_for(self, *, consumer: bool = False, country: str | None = None, segment: str | None = None,
                 average_days_late: float | int | None = None, own_plan: str | None = None) -> Plan:
        """The plan a customer follows: their own plan (set by a person) when the set holds it, else the first
        matching segment wins, and its plan's segments apply in turn."""
        if own_plan is not None and any(p.key == own_plan for p in self.plans):
            return self.plan(own_plan)
        plan, seen = self.main, {self.root}
        while True:
            chosen = next((s for s in plan.segments if s.match.matches(
                consumer=consumer, country=country, segment=segment, average_days_late=average_days_late)), None)
            if chosen is None or chosen.plan in seen:
                return plan
            seen.add(chosen.plan)
            plan = self.plan(chosen.plan)

    def describe(self, company_country: str = "BE") -> list[str]:
        """The main plan as a timeline a sales colleague understands, one line per sentence."""
        return describe_plan(self.main, {p.key: p for p in self.plans}, company_country)


# --- consumer rules (data: dunning/data/consumer_rules.yaml) ------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsumerRule:
    key: str
    says: str
    source: str
    confidence: str                 # V (legal text), S (secondary sources agree), U (unconfirmed)
    checked_by: str = "plan check"  # or "engine": the rule needs dates or customer data a plan does not have
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def enforced(self) -> bool:
        """Unconfirmed ([U]) values are kept for the record and never enforced."""
        return self.confidence in ("V", "S") and self.checked_by == "plan check"

    def number(self, name: str) -> int:
        return int(self.values[name])


@dataclass(frozen=True, slots=True)
class ConsumerLaw:
    country: str
    law: str
    rules: Mapping[str, ConsumerRule]


@dataclass(frozen=True, slots=True)
class ConsumerRules:
    laws: Mapping[str, ConsumerLaw]

    def rule(self, country: str, key: str) -> ConsumerRule | None:
        """The rule when it is known and enforced; None otherwise (unconfirmed or left to the engine)."""
        law = self.laws.get(country)
        rule = law.rules.get(key) if law else None
        return rule if rule is not None and rule.enforced else None

    def law(self, country: str) -> str:
        return self.laws[country].law if country in self.laws else country


def parse_consumer_rules(doc: Located, source: str) -> ConsumerRules:
    """Validate the consumer-rule data file; a broken data file is a ConfigError listing every problem."""
    check = DocumentChecker(source)
    laws: dict[str, ConsumerLaw] = {}
    for country, law_node in check.mapping(doc, "", set(CONSUMER_COUNTRIES)).items():
        data = check.mapping(law_node, country, {"law", "rules"})
        rules: dict[str, ConsumerRule] = {}
        rules_node = data.get("rules")
        for key, rule_node in (rules_node.value.items() if rules_node and isinstance(rules_node.value, dict)
                               else ()):
            path = f"{country}.rules.{key}"
            if not isinstance(rule_node.value, dict):
                check.add(rule_node, path, "expected a mapping with says, source and confidence")
                continue
            fields = {name: node for name, node in rule_node.value.items() if name in _RULE_KEYS}
            values = {name: str(node.value) for name, node in rule_node.value.items()
                      if name not in _RULE_KEYS and isinstance(node.value, str)}
            confidence = check.text(fields, "confidence", f"{path}.confidence")
            if confidence not in ("V", "S", "U"):
                check.add(fields.get("confidence", rule_node), f"{path}.confidence", "expected V, S or U")
            for required in ("says", "source"):
                if not check.text(fields, required, f"{path}.{required}"):
                    check.add(rule_node, f"{path}.{required}", "missing")
            rules[key] = ConsumerRule(key, check.text(fields, "says", ""), check.text(fields, "source", ""),
                                      confidence, check.text(fields, "checked_by", "", "plan check"), values)
        laws[country] = ConsumerLaw(country, check.text(data, "law", f"{country}.law", country), rules)
    check.raise_problems("the consumer-rule data file is broken")
    return ConsumerRules(laws)


# --- validation ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanDocument:
    """One plan file as read by io: its key (file name without .yaml), where it is, and its parsed YAML."""

    key: str
    source: str
    doc: Located


def parse_duration(text: str) -> Duration | None:
    found = _DURATION.fullmatch(text.strip())
    if not found:
        return None
    unit = found.group(2).lower()
    return Duration(int(found.group(1)), unit if unit.endswith("s") else unit + "s")


def parse_plan_amount(text: str, currency: str) -> Money:
    """'25.00' (in `currency`), '25.00 USD' or 'USD 25.00' -> Money; raises AmountError naming the expected form."""
    found = _AMOUNT.fullmatch(text.strip())
    if not found or (found.group(1) and found.group(3)):
        raise AmountError(f'expected an amount such as 25.00 or "25.00 USD", got "{text}"')
    code = (found.group(1) or found.group(3) or currency).upper()
    if not is_currency(code):
        raise AmountError(f'unknown currency "{code}" (expected an ISO 4217 code such as EUR or USD)')
    return Money(parse_amount(found.group(2), code), code)


def _duration(check: DocumentChecker, data: Mapping[str, Located], name: str, key: str, *, minimum: int) -> Duration | None:
    text = check.text(data, name, key)
    if name not in data or data[name].value is None:
        return None
    duration = parse_duration(text)
    if duration is None:
        check.add(data[name], key, f'expected {_DURATION_FORM}, got "{text}"')
        return None
    if duration.count < minimum:
        check.add(data[name], key, f"expected at least {minimum} day{'s' if minimum != 1 else ''}, got \"{text}\"")
        return None
    return duration


def _flag(check: DocumentChecker, data: Mapping[str, Located], name: str, key: str) -> bool | None:
    text = check.text(data, name, key).lower()
    if not text:
        return None
    if text not in _TRUE | _FALSE:
        check.add(data[name], key, f'expected true or false, got "{text}"')
        return None
    return text in _TRUE


def _country(check: DocumentChecker, node: Located | None, key: str, code: str) -> bool:
    from babel import Locale

    if len(code) == 2 and code.isalpha() and code.upper() in Locale("en").territories:
        return True
    check.add(node, key, f'expected a country code such as BE or NL, got "{code}"')
    return False


def _channel(check: DocumentChecker, data: Mapping[str, Located], name: str, key: str,
             allowed: tuple[str, ...] = CHANNELS) -> str | None:
    text = check.text(data, name, key)
    if not text:
        return None
    if text not in allowed:
        check.add(data[name], key, f'unknown channel "{text}" (expected one of: {", ".join(allowed)})')
        return None
    return text


def check_plan(document: PlanDocument, currency: str) -> tuple[Plan, list[tuple[str, int, str]]]:
    """Validate one plan document on its own (segment targets and consumer rules come later).

    The plan comes back even when it has problems, built from what could be read, so that its segments
    can still be checked; only a plan without problems may be used.
    """
    check = DocumentChecker(document.source)
    top = check.mapping(document.doc, "", _TOP_KEYS)
    name = check.text(top, "name", "name")
    if not name:
        check.add(top.get("name", document.doc), "name", "missing: the plan's title, e.g. name: Standard B2B")
    consumer = _consumer_marker(check, top)
    minimum = None
    if top.get("minimum_amount") is not None and top["minimum_amount"].value is not None:
        try:
            minimum = parse_plan_amount(check.text(top, "minimum_amount", "minimum_amount"), currency)
        except AmountError as exc:
            check.add(top["minimum_amount"], "minimum_amount", str(exc))
    business_days = check.text(top, "business_days", "business_days").upper() or None
    if business_days and not _country(check, top["business_days"], "business_days", business_days):
        business_days = None
    pause_when = PAUSES
    if "pause_when" in top:
        pause_when = ()
        node = top["pause_when"]
        items = node.value if isinstance(node.value, list) else ([node] if node.value is not None else [])
        for index, item in enumerate(items):
            key = f"pause_when[{index}]" if isinstance(node.value, list) else "pause_when"
            value = str(item.value).strip() if isinstance(item.value, str) else None
            if value not in PAUSES:
                check.add(item, key, f'unknown pause "{item.value}" (expected any of: {", ".join(PAUSES)})')
            elif value not in pause_when:
                pause_when += (value,)
    steps = _steps(check, top, document, currency)
    segments = _segments(check, top.get("segments"))
    schedule = _schedule(check, top.get("schedule"), {s.id for s in steps})
    plan = Plan(document.key, name, document.source, steps, minimum, business_days, pause_when, segments, schedule,
                consumer, check.text(top, "description", "description"))
    return plan, check.problems


def _consumer_marker(check: DocumentChecker, top: Mapping[str, Located]) -> str | None:
    text = check.text(top, "consumer", "consumer")
    if not text or text.lower() in _FALSE:
        return None
    if text.upper() in CONSUMER_COUNTRIES:
        return text.upper()
    hint = "say which country's consumer rules apply: " if text.lower() in _TRUE else ""
    check.add(top["consumer"], "consumer", f'{hint}expected BE or NL (the countries whose consumer rules arctl '
                                           f'knows), or false for a B2B plan, got "{text}"')
    return None


def _steps(check: DocumentChecker, top: Mapping[str, Located], document: PlanDocument, currency: str) -> tuple[Step, ...]:
    node = top.get("steps")
    items = check.sequence(node, "steps", "steps")
    if node is None or node.value is None or (isinstance(node.value, list) and not node.value):
        check.add(node if node is not None else document.doc, "steps",
                  "missing: a plan needs at least one step (- id: ..., after_due: 7 days, channel: email)")
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = f"steps[{index}]"
        data = check.mapping(item, key, _STEP_KEYS)
        if not data:
            if item.value is None or isinstance(item.value, dict):
                check.add(item, key, "an empty step (expected id, after_due or after_previous, and channel)")
            continue
        step_id = check.text(data, "id", f"{key}.id")
        if not step_id:
            check.add(item, f"{key}.id", "missing: a short name for the step, e.g. id: friendly")
        elif not _ID.fullmatch(step_id):
            check.add(data["id"], f"{key}.id", f'expected letters, digits, - and _ only, got "{step_id}"')
        elif step_id in seen:
            check.add(data["id"], f"{key}.id", f'"{step_id}" is already the id of the step on line {seen[step_id]}')
        else:
            seen[step_id] = data["id"].line
        after_due = _duration(check, data, "after_due", f"{key}.after_due", minimum=0)
        after_previous = _duration(check, data, "after_previous", f"{key}.after_previous", minimum=1)
        if index == 0:
            if "after_previous" in data:
                check.add(data["after_previous"], f"{key}.after_previous",
                          "the first step counts from the due date: write after_due: N days")
            elif "after_due" not in data:
                check.add(item, f"{key}.after_due", "missing: when the first step comes, e.g. after_due: 7 days")
        else:
            if "after_due" in data:
                check.add(data["after_due"], f"{key}.after_due", "only the first step counts from the due date; "
                          "later steps say after_previous: N days")
            elif "after_previous" not in data:
                check.add(item, f"{key}.after_previous",
                          "missing: how long after the previous step, e.g. after_previous: 14 days")
        channel = _channel(check, data, "channel", f"{key}.channel")
        if "channel" not in data or data["channel"].value is None:
            check.add(item, f"{key}.channel", f"missing: one of {', '.join(CHANNELS)}")
        fallback = _channel(check, data, "fallback_channel", f"{key}.fallback_channel")
        if fallback and fallback == channel:
            check.add(data["fallback_channel"], f"{key}.fallback_channel", "is the step's own channel")
        new_term = _duration(check, data, "new_term", f"{key}.new_term", minimum=1)
        if new_term and channel and channel not in WRITTEN_CHANNELS:
            check.add(data["new_term"], f"{key}.new_term",
                      f"a {channel} step grants no written term (only {', '.join(WRITTEN_CHANNELS)} do)")
        costs = _costs(check, data.get("costs"), f"{key}.costs", currency)
        if costs and channel and channel not in WRITTEN_CHANNELS:
            check.add(data["costs"], f"{key}.costs", f"a {channel} step cannot carry costs: costs need a document "
                      f"that states them ({', '.join(WRITTEN_CHANNELS)})")
        elif costs and fallback and fallback not in WRITTEN_CHANNELS:
            check.add(data["fallback_channel"], f"{key}.fallback_channel",
                      f"the step carries costs, which a {fallback} cannot state ({', '.join(WRITTEN_CHANNELS)} can)")
        template = check.text(data, "template", f"{key}.template") or None
        lines = {name: node.line for name, node in data.items()}
        costs_node = data.get("costs")
        if costs_node is not None and isinstance(costs_node.value, dict):
            lines.update({f"costs.{name}": node.line for name, node in costs_node.value.items()})
        steps.append(Step(step_id, channel or "", after_due, after_previous, template, new_term, fallback, costs,
                          item.line, lines))
    return tuple(steps)


def _costs(check: DocumentChecker, node: Located | None, key: str, currency: str) -> Costs:
    data = check.mapping(node, key, set(COST_KEYS))
    values: dict[str, object] = {}
    for name in COST_KEYS:
        if name not in data or data[name].value is None:
            continue
        text = check.text(data, name, f"{key}.{name}")
        if name == "fee":
            try:
                values["fee"] = parse_plan_amount(text, currency)
            except AmountError as exc:
                check.add(data[name], f"{key}.fee", str(exc))
        elif text not in COST_VALUES[name]:
            check.add(data[name], f"{key}.{name}",
                      f'expected {" or ".join(COST_VALUES[name])}, got "{text}"')
        else:
            values[name] = text
    return Costs(**values)  # type: ignore[arg-type]


def _segments(check: DocumentChecker, node: Located | None) -> tuple[Segment, ...]:
    segments = []
    for index, item in enumerate(check.sequence(node, "segments", "segments")):
        key = f"segments[{index}]"
        data = check.mapping(item, key, _SEGMENT_KEYS)
        if not data:
            continue
        match_data = check.mapping(data.get("match"), f"{key}.match", _MATCH_KEYS)
        if not match_data:
            check.add(data.get("match", item), f"{key}.match", "missing: at least one condition (consumer, country, "
                      "segment or average_days_late_above)")
        consumer = _flag(check, match_data, "consumer", f"{key}.match.consumer")
        countries = tuple(c.upper() for c in check.texts(match_data, "country", f"{key}.match.country")
                          if _country(check, match_data["country"], f"{key}.match.country", c))
        names = check.texts(match_data, "segment", f"{key}.match.segment")
        late = None
        if "average_days_late_above" in match_data:
            text = check.text(match_data, "average_days_late_above", f"{key}.match.average_days_late_above")
            if text.isdigit():
                late = int(text)
            else:
                check.add(match_data["average_days_late_above"], f"{key}.match.average_days_late_above",
                          f'expected a whole number of days, got "{text}"')
        target = check.text(data, "plan", f"{key}.plan")
        target = re.sub(r"\.ya?ml$", "", target)
        if not target:
            check.add(data.get("plan", item), f"{key}.plan", "missing: the name of the plan these customers follow")
        elif not _PLAN_NAME.fullmatch(target):
            check.add(data["plan"], f"{key}.plan", f'expected a plan name (a file NAME.yaml in plans/), got "{target}"')
        segments.append(Segment(SegmentMatch(consumer, countries, names, late), target,
                                data["plan"].line if "plan" in data else item.line))
    return tuple(segments)


def _schedule(check: DocumentChecker, node: Located | None, step_ids: set[str]) -> tuple[ScheduleEntry, ...]:
    entries = []
    seen: set[str] = set()
    for index, item in enumerate(check.sequence(node, "schedule", "scheduled documents")):
        key = f"schedule[{index}]"
        data = check.mapping(item, key, _SCHEDULE_KEYS)
        if not data:
            continue
        entry_id = check.text(data, "id", f"{key}.id")
        if not entry_id:
            check.add(item, f"{key}.id", "missing: a short name, e.g. id: monthly-statement")
        elif not _ID.fullmatch(entry_id):
            check.add(data["id"], f"{key}.id", f'expected letters, digits, - and _ only, got "{entry_id}"')
        elif entry_id in seen or entry_id in step_ids:
            check.add(data["id"], f"{key}.id", f'"{entry_id}" is already used by a step or another schedule entry')
        seen.add(entry_id)
        every = _duration(check, data, "every", f"{key}.every", minimum=1)
        if "every" not in data:
            check.add(item, f"{key}.every", "missing: how often, e.g. every: 1 month")
        channel = _channel(check, data, "channel", f"{key}.channel", SCHEDULE_CHANNELS)
        if "channel" not in data:
            check.add(item, f"{key}.channel", f"missing: one of {', '.join(SCHEDULE_CHANNELS)}")
        fallback = _channel(check, data, "fallback_channel", f"{key}.fallback_channel", SCHEDULE_CHANNELS)
        day = None
        if "day" in data:
            text = check.text(data, "day", f"{key}.day")
            if not (text.isdigit() and 1 <= int(text) <= 28):
                check.add(data["day"], f"{key}.day", f'expected a day of the month from 1 to 28, got "{text}"')
            elif every is not None and every.unit != "months":
                check.add(data["day"], f"{key}.day", "a day of the month needs a rhythm in months (every: 1 month)")
            else:
                day = int(text)
        audience = check.text(data, "for", f"{key}.for", "overdue")
        if audience not in AUDIENCES:
            check.add(data["for"], f"{key}.for", f'expected overdue or open, got "{audience}"')
        template = check.text(data, "template", f"{key}.template") or None
        if entry_id and every and channel:
            entries.append(ScheduleEntry(entry_id, every, channel, template, day, fallback, audience, item.line))
    return tuple(entries)


def consumer_problems(plan: Plan, rules: ConsumerRules) -> list[tuple[str, int, str]]:
    """Every consumer rule of the plan's country that the plan breaks, each naming the rule."""
    if plan.consumer is None:
        return _b2b_problems(plan)
    check = DocumentChecker(plan.source)
    if plan.consumer == "BE":
        _belgian_consumer(check, plan, rules)
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
    """Why a customer may not follow `plan` as their own plan: a consumer follows a consumer plan, of their
    own country where arctl knows that country's rules."""
    country = (country or "").upper()
    if not consumer:
        return None
    if plan.consumer is None:
        return f"{plan.key} is a B2B plan and the customer is a consumer: choose a consumer plan"
    if country in CONSUMER_COUNTRIES and plan.consumer != country:
        return (f"{plan.key} is a consumer: {plan.consumer} plan and the customer is a consumer in "
                f"{_country_name(country)}: choose a consumer: {country} plan")
    return None


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


# --- the timeline --------------------------------------------------------------------------------------

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
_WITH_THE = {"NL", "US", "GB", "AE", "CZ", "PH", "DO", "CF", "BS", "GM", "MV", "VA"}


def _country_name(code: str) -> str:
    from babel import Locale

    name = Locale("en").territories.get(code, code)
    return f"the {name}" if code in _WITH_THE else name


def _amount(money: Money) -> str:
    return f"{money.currency} {plain_amount(money.amount, money.currency)}"


def _cost_words(costs: Costs, company_country: str) -> str:
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


def _when(step: Step, first: bool) -> str:
    if first:
        if step.after_due is None or step.after_due.count == 0:
            return "On the due date"
        return f"{step.after_due} after the due date"
    return f"{step.after_previous} later"


def _step_sentence(step: Step, first: bool, plan: Plan, company_country: str) -> str:
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


def _segment_words(segment: Segment) -> str:
    match = segment.match
    who = "consumers" if match.consumer else ("business customers" if match.consumer is False else "customers")
    parts = [who]
    if match.countries:
        parts.append("in " + " or ".join(_country_name(c) for c in match.countries))
    if match.segments:
        parts.append(("of segment " if len(match.segments) == 1 else "of segments ") + " or ".join(match.segments))
    if match.average_days_late_above is not None:
        parts.append(f"who pay on average more than {match.average_days_late_above} days late")
    return " ".join(parts)


def describe_plan(plan: Plan, plans: Mapping[str, Plan], company_country: str = "BE") -> list[str]:
    lines = [f"{plan.name} ({plan.source})"]
    if plan.description:
        lines.append(plan.description)
    if plan.consumer:
        lines.append(f"For consumers in {_country_name(plan.consumer)}: checked against the consumer rules of "
                     f"{_country_name(plan.consumer)}.")
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
