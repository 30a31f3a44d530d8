"""Checking one plan document: the declared schema, read from parsed YAML into the plan model.

A plan is read by `arctl.io.plans` into `Located` documents (every scalar is text with its line); this
module turns them into the frozen dataclasses of `arctl.dunning.plan`, listing every problem at once as
`file:line: key.path: message`. It reads no file. Segment targets and consumer rules are checked later,
by `arctl.dunning.plan_set` and `arctl.dunning.consumer_law`.

The schema (a bookkeeper writes it; plans/standard.yaml is the example):

- `name` (required): the plan's title. `description`: free text shown by `arctl plan show`.
- `consumer: BE` / `consumer: NL`: this plan is for consumers of that country and is checked against its
  consumer rules (Belgian Book XIX; Dutch art. 6:96 BW and the WIK). Absent (or `false`): a B2B plan.
- `minimum_amount`: a customer whose overdue total is below it gets nothing; in the company's currency
  unless a currency follows the number (`25.00 USD`). Amounts are read from their text, never a float.
- `business_days`: the country (ISO code) whose weekends and public holidays move a step's date to the
  next business day. Absent: dates are not moved.
- `pause_when`: any of `disputed`, `promised`, `payment_plan`. Absent: all three; `[]`: none.
- `steps` (required, in order): `id` (letters, digits, - and _; unique), optional `label` (how people
  call the step, e.g. "Due-date call", shown on the call list; default: the id in words), `after_due` (the first
  step only: days after the due date; `0 days` is the due date itself) or `after_previous` (every later
  step), `channel`, optional `template` (default: the channel's default template), `new_term` (the
  new payment term a written step grants; the next step never comes before it has ended),
  `fallback_channel` (for customers the channel cannot reach, e.g. `letter` for those without an
  e-mail address), `costs` (written steps only): `compensation: eu-b2b`, `interest: statutory|legal`,
  `fee: 7.50`, `damages: book-xix`, `collection_costs: wik`.
- `segments` (the first match wins): `match` with any of `consumer` (true/false), `country` (a code or
  a list), `segment` (a name or a list), `average_days_late_above` (whole days) with
  `min_invoices_paid` (the fewest invoices paid in the last 12 months the average must be taken over;
  default 3); `plan`: the name of another plan (a file NAME.yaml). A matched plan's own segments are
  followed in turn.
- `regular_supply` (consumer: BE plans, required): `true` when the plan's customers have regular-supply
  contracts (Book XIX: reminders for up to 3 missed due dates per calendar year are free; arctl cannot
  count a contract's missed due dates, so such a plan may not charge a reminder fee), `false` otherwise.
- `one_letter_window` (consumer: NL plans; default 14 days): an invoice whose 14-day letter would fall due
  within this time after a 14-day letter that goes out today joins that letter, so that a consumer gets
  one letter for all claims and the WIK is computed on their sum (art. 6:96(7) BW). `0 days`: only
  invoices due for the letter on the same day.
- `dispute_max_days` (whole days, at least 1; default 30): a dispute of an invoice following this plan that
  has been open longer is listed by `arctl todo` for a person to settle (`arctl dispute close`). A working
  default, not law: dunning stays paused while a dispute is open, however long.
- `schedule`: customer-level documents sent on a rhythm beside the steps (a step is never repeated):
  `id`, `every` (`1 month`, `2 weeks` ...), optional `day` (day of the month, 1-28, for monthly
  rhythms), `channel`, `template`, `fallback_channel`, `for` (`overdue`: customers with an overdue item,
  the default; `open`: customers with any open item).

Durations are written `N days`, `N weeks` or `N months` (N a whole number; `1 day`, `1 week`,
`1 month` too); anything else ("two weeks", "14", "14d") is a problem naming the expected form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from arctl.config import DocumentChecker
from arctl.dunning.consumer import CONSUMER_COUNTRIES
from arctl.dunning.plan import (
    AUDIENCES,
    CHANNELS,
    COST_KEYS,
    COST_VALUES,
    DISPUTE_MAX_DAYS,
    MIN_INVOICES_PAID,
    PAUSES,
    SCHEDULE_CHANNELS,
    WRITTEN_CHANNELS,
    Costs,
    Duration,
    Plan,
    ScheduleEntry,
    Segment,
    SegmentMatch,
    Step,
)
from arctl.model import Located
from arctl.money import AmountError, Money, is_currency, parse_amount

_TOP_KEYS = {"name", "description", "consumer", "minimum_amount", "business_days", "pause_when", "steps",
             "segments", "schedule", "regular_supply", "one_letter_window", "dispute_max_days"}
_STEP_KEYS = {"id", "label", "after_due", "after_previous", "channel", "template", "new_term", "fallback_channel",
              "costs"}
_SEGMENT_KEYS = {"match", "plan"}
_MATCH_KEYS = {"consumer", "country", "segment", "average_days_late_above", "min_invoices_paid"}
_SCHEDULE_KEYS = {"id", "every", "day", "channel", "template", "fallback_channel", "for"}

_DURATION = re.compile(r"(\d+)\s*(day|days|week|weeks|month|months)", re.IGNORECASE)
_DURATION_FORM = '"N days", "N weeks" or "N months" (N a whole number)'
_AMOUNT = re.compile(r"(?:([A-Za-z]{3})\s+)?(\d[\d.,]*)(?:\s*([A-Za-z]{3}))?")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_PLAN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_TRUE, _FALSE = {"true", "yes", "on"}, {"false", "no", "off"}


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


def _duration(check: DocumentChecker, data: Mapping[str, Located], name: str, key: str, *,
              minimum: int) -> Duration | None:
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
    pause_when: tuple[str, ...] = PAUSES
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
    regular_supply, window = _consumer_settings(check, top, consumer)
    plan = Plan(document.key, name, document.source, steps, minimum, business_days, pause_when, segments, schedule,
                consumer, check.text(top, "description", "description"), regular_supply, window,
                _dispute_max_days(check, top), {key: node.line for key, node in top.items()})
    return plan, check.problems


def _consumer_settings(check: DocumentChecker, top: Mapping[str, Located],
                       consumer: str | None) -> tuple[bool | None, Duration | None]:
    """`regular_supply` (consumer: BE plans) and `one_letter_window` (consumer: NL plans)."""
    supply = _flag(check, top, "regular_supply", "regular_supply")
    if "regular_supply" in top and consumer != "BE":
        check.add(top["regular_supply"], "regular_supply", "only a consumer: BE plan says whether its customers "
                  "have regular-supply contracts (Book XIX); remove it here")
    window = _duration(check, top, "one_letter_window", "one_letter_window", minimum=0)
    if "one_letter_window" in top and consumer != "NL":
        check.add(top["one_letter_window"], "one_letter_window", "only a consumer: NL plan has a 14-day letter that "
                  "other invoices join (art. 6:96(7) BW); remove it here")
    return supply, window


def _dispute_max_days(check: DocumentChecker, top: Mapping[str, Located]) -> int:
    """`dispute_max_days`: a whole number of days, at least 1."""
    if "dispute_max_days" not in top or top["dispute_max_days"].value is None:
        return DISPUTE_MAX_DAYS
    text = check.text(top, "dispute_max_days", "dispute_max_days")
    if text.isdecimal() and int(text) >= 1:
        return int(text)
    check.add(top["dispute_max_days"], "dispute_max_days",
              f'expected a whole number of days, at least 1, got "{text}"')
    return DISPUTE_MAX_DAYS


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


def _steps(check: DocumentChecker, top: Mapping[str, Located], document: PlanDocument,
           currency: str) -> tuple[Step, ...]:
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
        label = check.text(data, "label", f"{key}.label").strip()
        lines = {name: node.line for name, node in data.items()}
        costs_node = data.get("costs")
        if costs_node is not None and isinstance(costs_node.value, dict):
            lines.update({f"costs.{name}": node.line for name, node in costs_node.value.items()})
        if not label and channel == "phone":
            label = call_label(after_due, steps[-1] if steps else None)
        steps.append(Step(step_id, channel or "", after_due, after_previous, template, new_term, fallback, costs,
                          item.line, lines, label))
    return tuple(steps)


_CHANNEL_WORDS = {"email": "e-mail", "letter": "letter", "registered_letter": "registered letter",
                  "phone": "call", "agency": "hand-over", "statement": "statement"}


def call_label(after_due: Duration | None, previous: Step | None) -> str:
    """The label of a phone step whose plan gives none, from where it stands: "Due-date call", "Call 5 days
    after the due date", "Call after the second e-mail"."""
    if previous is None:
        if after_due is None or after_due.count == 0:
            return "Due-date call"
        return f"Call {after_due} after the due date"
    said = previous.label or previous.id.replace("-", " ").replace("_", " ")
    return f"Call after the {said} {_CHANNEL_WORDS.get(previous.channel, previous.channel)}"


def _costs(check: DocumentChecker, node: Located | None, key: str, currency: str) -> Costs:
    data = check.mapping(node, key, set(COST_KEYS))
    values: dict[str, str | Money] = {}
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
        late, evidence = _lateness(check, match_data, key)
        target = check.text(data, "plan", f"{key}.plan")
        target = re.sub(r"\.ya?ml$", "", target)
        if not target:
            check.add(data.get("plan", item), f"{key}.plan", "missing: the name of the plan these customers follow")
        elif not _PLAN_NAME.fullmatch(target):
            check.add(data["plan"], f"{key}.plan", f'expected a plan name (a file NAME.yaml in plans/), got "{target}"')
        segments.append(Segment(SegmentMatch(consumer, countries, names, late, evidence), target,
                                data["plan"].line if "plan" in data else item.line))
    return tuple(segments)


def _lateness(check: DocumentChecker, match_data: Mapping[str, Located], key: str) -> tuple[int | None, int]:
    """`average_days_late_above` and the evidence it needs (`min_invoices_paid`, at least 1)."""
    late, evidence = None, MIN_INVOICES_PAID
    if "average_days_late_above" in match_data:
        text = check.text(match_data, "average_days_late_above", f"{key}.match.average_days_late_above")
        if text.isdecimal():
            late = int(text)
        else:
            check.add(match_data["average_days_late_above"], f"{key}.match.average_days_late_above",
                      f'expected a whole number of days, got "{text}"')
    if "min_invoices_paid" in match_data:
        text = check.text(match_data, "min_invoices_paid", f"{key}.match.min_invoices_paid")
        if "average_days_late_above" not in match_data:
            check.add(match_data["min_invoices_paid"], f"{key}.match.min_invoices_paid",
                      "only counts with average_days_late_above: say above how many days late on average")
        elif text.isdecimal() and int(text) >= 1:
            evidence = int(text)
        else:
            check.add(match_data["min_invoices_paid"], f"{key}.match.min_invoices_paid",
                      f'expected a whole number of invoices, at least 1, got "{text}"')
    return late, evidence


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
            if not (text.isdecimal() and 1 <= int(text) <= 28):
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
