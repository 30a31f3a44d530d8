"""The dunning engine: which step of its plan each open invoice is due for on a date, and why not.

A pure function of (open items, customers, plans, history of steps taken, pauses, as-of date). Rules
(the dunning issue):

- each invoice advances through its plan's steps on its own, one step per run at most, never the same
  step twice; where the accounting export carries a reminder level, it continues from that step;
- the next step is due at the later of (the previous step's date + `after_previous`) and (the end of
  the new term the previous step granted), after any pause that ended since, on a business day;
- in a Belgian consumer plan a step with costs also waits until the waiting period after the first
  written reminder has passed, timed from the day and the way that reminder actually went (an e-mail:
  from the next day; on paper: from the 3rd working day after posting, public holidays counted);
- paid invoices get nothing; an invoice with a payment waiting for a person is held
  (`payment_to_review`); a customer below the plan's minimum, or whose credit notes cover what is
  overdue, gets nothing; disputes, promises, payment plans and holds pause;
- what is due on the same day for one customer, step, channel and currency is one action.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from arctl.dunning.calendar import business_day
from arctl.dunning.channel import actual_channel
from arctl.dunning.claims import Claimed, Law, step_costs
from arctl.dunning.consumer import ConsumerRules
from arctl.dunning.plan import Plan, PlanSet, Step
from arctl.model import Action, ActionLine

Row = dict[str, Any]                   # one open item as plain values (see _rows)
DueKey = tuple[str, str, str, str, str]   # customer, plan, step, channel, currency
Sums = dict[tuple[str, str], int]          # minor units per customer and currency

PAUSE_KINDS = ("disputed", "promised", "payment_plan", "held")
ELECTRONIC_CHANNELS = ("email",)


@dataclass(frozen=True, slots=True)
class Taken:
    """A step recorded for an invoice (for a phone step: the day the call list holding it was issued).

    `channel` is how it actually went (an e-mail step may have gone by letter); None when unknown.
    """

    invoice_id: str
    step_id: str
    taken_on: dt.date
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Pause:
    """A dispute, promise, payment plan or hold, of one invoice or (invoice_id None) a whole customer.

    `end` is the last day it holds (a promise: the promised date; a closed dispute: the day it was
    closed); None while it runs.
    """

    kind: str
    customer_id: str
    invoice_id: str | None
    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    consumer: bool = False
    country: str | None = None
    segment: str | None = None
    average_days_late: float | None = None
    plan: str | None = None     # the customer's own plan, set by a person (`arctl customer set --plan`)
    has_email: bool = False     # documents can reach them by e-mail
    channel: str | None = None  # the channel they prefer (email or letter), set in their master data or by a person

    def plan_in(self, plans: PlanSet) -> Plan:
        return plans.plan_for(consumer=self.consumer, country=self.country, segment=self.segment,
                              average_days_late=self.average_days_late, own_plan=self.plan)


@dataclass(frozen=True, slots=True)
class Position:
    """Where one invoice stands in its plan."""

    invoice_id: str
    customer_id: str
    plan: str
    last_step: str | None
    last_step_date: dt.date | None
    next_step: str | None
    next_step_date: dt.date | None
    paused: str | None


@dataclass(frozen=True, slots=True)
class Skip:
    invoice_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    as_of: dt.date
    actions: tuple[Action, ...]
    skipped: tuple[Skip, ...]
    positions: tuple[Position, ...]
    warnings: tuple[str, ...] = ()


def decide(items: pd.DataFrame, customers: Mapping[str, CustomerFacts], plans: PlanSet, history: Iterable[Taken],
           pauses: Iterable[Pause], as_of: dt.date, *,
           next_business_day: Callable[[dt.date, str | None], dt.date] = business_day,
           to_review: frozenset[str] = frozenset(), plan: Plan | None = None, law: Law | None = None) -> Decision:
    """The actions due on `as_of`, what is skipped and why, and every invoice's position.

    `items`: open items (invoice_id, customer_id, currency, due_date, open_amount and, where the export
    has them, customer_name, reference, dunning_level and last_reminder_date). `plan` applies one plan to
    everybody. `law`: the rates and limits the actions' costs are claimed with; without it (a status view)
    actions carry no costs.
    """
    taken: dict[str, list[Taken]] = defaultdict(list)
    for record in history:
        taken[record.invoice_id].append(record)
    pauses_of: dict[str, list[Pause]] = defaultdict(list)
    for pause in pauses:
        pauses_of[pause.invoice_id or f"customer:{pause.customer_id}"].append(pause)
    rows = _rows(items)
    positions: list[Position] = []
    skipped: list[Skip] = []
    due: dict[DueKey, list[Row]] = defaultdict(list)
    for row in rows:
        if row["open_amount"] <= 0:
            if row["open_amount"] == 0:
                skipped.append(Skip(row["invoice_id"], "paid"))
            continue  # a credit note is not dunned; it counts against the customer's overdue total
        chosen = plan or customers.get(row["customer_id"], CustomerFacts()).plan_in(plans)
        relevant = pauses_of.get(row["invoice_id"], []) + pauses_of.get(f"customer:{row['customer_id']}", [])
        position, step = _position(row, chosen, taken.get(row["invoice_id"], []), relevant, plans.rules, as_of,
                                   next_business_day)
        positions.append(position)
        reason = _reason_to_wait(position, step, row["invoice_id"] in to_review, as_of)
        if reason or step is None or position.next_step is None:
            skipped.append(Skip(row["invoice_id"], reason or "plan_complete"))
        else:
            start = _after_waiting_period(row, chosen, taken.get(row["invoice_id"], []), plans.rules,
                                          next_business_day) if _interest_waits(chosen, law) else None
            due[(row["customer_id"], chosen.key, position.next_step, step.channel, row["currency"])].append(
                {**row, "step": step, "plan": chosen, "interest_start": start})
    actions, more_skipped, warnings = _actions(due, rows, customers, as_of, law)
    return Decision(as_of, actions, tuple(sorted(skipped + more_skipped, key=lambda s: s.invoice_id)),
                    tuple(sorted(positions, key=lambda p: p.invoice_id)), warnings)


def _position(row: Row, chosen: Plan, taken: list[Taken], pauses: list[Pause], rules: ConsumerRules | None,
              as_of: dt.date, next_business_day: Callable[[dt.date, str | None], dt.date]
              ) -> tuple[Position, Step | None]:
    """Where the invoice stands in its plan, and its next step (None when the plan is complete)."""
    last, last_date = _last_step(row, chosen, taken)
    step = chosen.next_step(last.id if last else None)
    active = _active_pause(pauses, chosen, as_of)
    last_id = last.id if last else None
    if step is None:
        return Position(row["invoice_id"], row["customer_id"], chosen.key, last_id, last_date, None, None,
                        active), None
    when = _next_date(row, step, last, last_date, pauses, chosen, next_business_day)
    if step.costs and chosen.consumer == "BE":
        earliest = _after_waiting_period(row, chosen, taken, rules, next_business_day)
        if earliest is not None and earliest > when:
            when = next_business_day(earliest, chosen.business_days)
    return Position(row["invoice_id"], row["customer_id"], chosen.key, last_id, last_date, step.id, when,
                    active), step


def _reason_to_wait(position: Position, step: Step | None, to_review: bool, as_of: dt.date) -> str | None:
    if step is None:
        return "plan_complete"
    if position.paused is not None:
        return position.paused
    if to_review:
        return "payment_to_review"
    if position.next_step_date is None or position.next_step_date > as_of:
        return "not_due_yet"
    return None


def _actions(due: dict[DueKey, list[Row]], rows: list[Row], customers: Mapping[str, CustomerFacts],
             as_of: dt.date, law: Law | None) -> tuple[tuple[Action, ...], list[Skip], tuple[str, ...]]:
    """One action per customer, plan, step, channel and currency: its invoices, costs, channel and dates."""
    overdue, credit = _customer_sums(rows, as_of)
    overdue_rows = _overdue_by_account(rows, as_of) if due else {}
    credit_rows = _credits_by_account(rows) if due else {}
    actions: list[Action] = []
    skipped: list[Skip] = []
    warnings: list[str] = []
    for (customer, _plan_key, _step_id, _channel, currency), group in sorted(due.items()):
        chosen, step = group[0]["plan"], group[0]["step"]
        reason = _customer_reason(chosen, customer, currency, overdue, credit)
        if reason:
            skipped.extend(Skip(row["invoice_id"], reason) for row in group)
            continue
        facts = customers.get(customer, CustomerFacts())
        action, found = step_action(customer, chosen, step, currency, sorted(group, key=lambda r: r["invoice_id"]),
                                    overdue_rows.get((customer, currency), ()), facts, as_of, law,
                                    credit_rows.get((customer, currency), ()))
        actions.append(action)
        warnings.extend(w for w in found if w not in warnings)
    return tuple(actions), skipped, tuple(warnings)


def step_action(customer: str, chosen: Plan, step: Step, currency: str, group: list[Row],
                overdue_rows: Iterable[Row], facts: CustomerFacts, as_of: dt.date,
                law: Law | None, credit_rows: Iterable[Row] = ()) -> tuple[Action, tuple[str, ...]]:
    """A step's whole action: its invoices, the customer's open credit notes, the costs they claim (on the
    balance net of those credit notes), the pay-by date and the channel used."""
    lines = tuple(_line(row) for row in group)
    credits = tuple(_line(row) for row in credit_rows)
    claimed = Claimed(credits, {row["invoice_id"]: row["open_periods"] for row in group if row.get("open_periods")},
                      {row["invoice_id"]: row["interest_start"] for row in group if row.get("interest_start")})
    costs, warnings = step_costs(step.costs, lines, currency, as_of, law, claimed) \
        if law is not None and step.costs else ((), ())
    if any(cost.kind == "interest" for cost in costs):  # interest runs from the day after each due date
        lines = tuple(replace(line, interest_from=_interest_from(line, claimed)) for line in lines)
    listed = {line.invoice_id for line in lines}
    channel = actual_channel(step.channel, step.fallback_channel, facts.has_email, facts.channel)
    if channel == "person":
        warnings += (f"{customer}: no e-mail address and no fallback channel for step {step.id}: a person must "
                     f"contact the customer",)
    return Action("step", customer, chosen.key, step.id, step.channel, channel, currency, lines,
                  sum(line.open_amount for line in lines), costs,
                  step.new_term.after(as_of) if step.new_term else None, step.template,
                  tuple(_line(row) for row in overdue_rows if row["invoice_id"] not in listed),
                  credits=credits), warnings


def _interest_from(line: ActionLine, claimed: Claimed) -> dt.date | None:
    """The first day of interest: the day after the due date, or the later day the law lets it start."""
    if line.due_date is None:
        return None
    start = line.due_date + dt.timedelta(days=1)
    later = claimed.interest_start.get(line.invoice_id)
    return max(start, later) if later else start


def _interest_waits(plan: Plan, law: Law | None) -> bool:
    """A Belgian consumer's interest starts at the end of the waiting period (REFERENCE.md §4 open point (a),
    arctl.yaml `law.be_consumer_interest_from`)."""
    return law is not None and plan.consumer == "BE" and law.be_consumer_interest_from == "waiting_period_end"


def _credits_by_account(rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    """Each customer's open credit notes per currency, oldest first: what a document sets against its claim."""
    found: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row["open_amount"] < 0:
            found[(row["customer_id"], row["currency"])].append(row)
    for listed in found.values():
        listed.sort(key=lambda r: (r["due_date"] or dt.date.min, r["invoice_id"]))
    return found


def open_lines(items: pd.DataFrame) -> dict[str, ActionLine]:
    """Every open item as a document lists it, by invoice number."""
    return {row["invoice_id"]: _line(row) for row in _rows(items)}


def _line(row: Row) -> ActionLine:
    return ActionLine(row["invoice_id"], row["due_date"], row["open_amount"], row.get("customer_name") or "",
                      row.get("reference") or "")


def _overdue_by_account(rows: list[Row], as_of: dt.date) -> dict[tuple[str, str], list[Row]]:
    """Each customer's overdue invoices per currency, oldest first: what a document mentions besides its own."""
    found: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row["open_amount"] > 0 and row["due_date"] is not None and row["due_date"] < as_of:
            found[(row["customer_id"], row["currency"])].append(row)
    for listed in found.values():
        listed.sort(key=lambda r: (r["due_date"], r["invoice_id"]))
    return found


def _rows(items: pd.DataFrame) -> list[Row]:
    """The open items as plain rows (dates as datetime.date or None, amounts as int), built column by column."""
    names = ["invoice_id", "customer_id", "currency", "due_date", "open_amount"]
    names += [c for c in ("customer_name", "reference", "dunning_level", "last_reminder_date", "open_periods")
              if c in items.columns]
    columns = [_dates(items[c]) if c in ("due_date", "last_reminder_date") else items[c].tolist() for c in names]
    if "last_reminder_date" not in names:
        names.append("last_reminder_date")
        columns.append([None] * len(items))
    columns[names.index("open_amount")] = [int(v) for v in items["open_amount"].tolist()]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _dates(column: pd.Series) -> list[dt.date | None]:
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if day is pd.NaT else day for day in column.dt.date.tolist()]
    return [_date(value) for value in column.tolist()]


def _date(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, dt.date) else None


def _customer_sums(rows: list[Row], as_of: dt.date) -> tuple[Sums, Sums]:
    overdue: dict[tuple[str, str], int] = defaultdict(int)
    credit: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        key = (row["customer_id"], row["currency"])
        if row["open_amount"] < 0:
            credit[key] += -row["open_amount"]
        elif row["due_date"] is not None and row["due_date"] <= as_of:
            overdue[key] += row["open_amount"]
    return overdue, credit


def _last_step(row: Row, plan: Plan, taken: list[Taken]) -> tuple[Step | None, dt.date | None]:
    """The last step taken: arctl's own record, else the export's reminder level."""
    ids = [step.id for step in plan.steps]
    recorded = [t for t in taken if t.step_id in ids]
    if recorded:
        latest = max(recorded, key=lambda t: (ids.index(t.step_id), t.taken_on))
        return plan.step(latest.step_id), latest.taken_on
    level = _export_level(row)
    if level:
        step = plan.steps[min(level, len(plan.steps)) - 1]
        return step, row.get("last_reminder_date") or row["due_date"]
    return None, None


def _export_level(row: Row) -> int:
    """The reminder level the accounting export carries (0: none, or not given)."""
    level = str(row.get("dunning_level") or "").strip()
    return int(level) if level.isdigit() else 0


def _next_date(row: Row, step: Step, last: Step | None, last_date: dt.date | None, pauses: list[Pause],
               plan: Plan, next_business_day: Callable[[dt.date, str | None], dt.date]) -> dt.date:
    if last is None or last_date is None:
        when = step.wait.after(row["due_date"])
    else:
        when = step.wait.after(last_date)
        if last.new_term is not None:
            when = max(when, last.new_term.after(last_date))
    since = last_date or row["due_date"]
    for pause in pauses:
        # after a pause ends, the step waits for the first business day after it
        if _counts(pause, plan) and pause.end is not None and pause.end >= since:
            when = max(when, next_business_day(pause.end + dt.timedelta(days=1), plan.business_days))
    return next_business_day(when, plan.business_days)


def _after_waiting_period(row: Row, plan: Plan, taken: list[Taken], rules: ConsumerRules | None,
                          next_business_day: Callable[[dt.date, str | None], dt.date]) -> dt.date | None:
    """The first day a Belgian consumer may be charged: the day after the waiting period that follows the
    first written reminder. A reminder known only from the export, or sent another way than by e-mail, is
    timed as posted on paper (the later start)."""
    rule = rules.rule("BE", "waiting_period") if rules else None
    if rule is None:
        return None
    written = {step.id for step in plan.steps if step.written}
    sent = sorted((t.taken_on, t.channel) for t in taken if t.step_id in written)
    if sent:
        posted, channel = sent[0]
    elif _export_level(row):
        posted, channel = row.get("last_reminder_date") or row["due_date"], None
    else:
        return None
    if channel in ELECTRONIC_CHANNELS:
        first_day = posted + dt.timedelta(days=rule.number("start_electronic_days"))
    else:
        first_day = _working_days_after(posted, rule.number("start_paper_working_days"), next_business_day)
    return first_day + dt.timedelta(days=rule.number("days"))


def _working_days_after(day: dt.date, count: int,
                        next_business_day: Callable[[dt.date, str | None], dt.date]) -> dt.date:
    """The `count`-th Belgian working day after `day` (no weekend, no public holiday)."""
    for _ in range(count):
        day = next_business_day(day + dt.timedelta(days=1), "BE")
    return day


def _counts(pause: Pause, plan: Plan) -> bool:
    return pause.kind == "held" or pause.kind in plan.pause_when


def _active_pause(pauses: list[Pause], plan: Plan, as_of: dt.date) -> str | None:
    for kind in PAUSE_KINDS:
        for pause in pauses:
            if pause.kind == kind and _counts(pause, plan) and pause.start <= as_of and (
                    pause.end is None or as_of <= pause.end):
                return kind
    return None


def _customer_reason(plan: Plan, customer: str, currency: str, overdue: Sums, credit: Sums) -> str | None:
    owed, credits = overdue.get((customer, currency), 0), credit.get((customer, currency), 0)
    if credits and owed <= credits:
        return "covered_by_credit"
    minimum = plan.minimum_amount
    if minimum is not None and minimum.currency == currency and owed - credit.get((customer, currency), 0) < \
            minimum.amount:
        return "below_minimum"
    return None
