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
- what is due on the same day for one customer, channel and currency is one document (dunning/grouping.py):
  invoices due for a lower step join the document of the most advanced step, each listed with its own step;
- a document's pay-by date and a consumer's cost step are timed as the law counts (dunning/timing.py);
- invoices handed over to a collection agency get nothing more (`with_agency`); they, and paused invoices,
  are not listed as "also overdue" on another document.
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
from arctl.dunning.claims import Claimed, Law, announced_costs, law_for, step_costs
from arctl.dunning.consumer import ConsumerRules
from arctl.dunning.grouping import AGENCY_CHANNEL, document_key, document_step, handed_over
from arctl.dunning.plan import Costs, Plan, PlanSet, Step
from arctl.dunning.timing import earliest_cost_day, pay_by_date
from arctl.model import Action, ActionLine, Cost

Row = dict[str, Any]                   # one open item as plain values (see _rows)
DueKey = tuple[str, str, str, str]        # customer, plan, channel the document goes by, currency
Sums = dict[tuple[str, str], int]          # minor units per customer and currency

PAUSE_KINDS = ("disputed", "promised", "payment_plan", "held")


@dataclass(frozen=True, slots=True)
class Taken:
    """A step recorded for an invoice (for a phone step: the day the call list holding it was issued).

    `channel` is how it actually went (an e-mail step may have gone by letter); None when unknown.
    `period_from`: the day the legal periods its document starts count from when that is not `taken_on` (the
    day a letter was posted or an e-mail sent; for a letter not posted yet, the day of the decision: the period
    has not started).
    """

    invoice_id: str
    step_id: str
    taken_on: dt.date
    channel: str | None = None
    period_from: dt.date | None = None


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
    invoices_paid: int = 0      # the paid invoices `average_days_late` is taken over (the evidence it rests on)

    def plan_in(self, plans: PlanSet) -> Plan | None:
        return plans.plan_for(consumer=self.consumer, country=self.country, segment=self.segment,
                              average_days_late=self.average_days_late, own_plan=self.plan,
                              invoices_paid=self.invoices_paid)


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
    with_agency = handed_over(taken, plans)
    plan_of: dict[str, Plan | None] = {}   # a customer's plan, chosen once for all its invoices
    for row in rows:
        if row["open_amount"] <= 0:
            if row["open_amount"] == 0:
                skipped.append(Skip(row["invoice_id"], "paid"))
            continue  # a credit note is not dunned; it counts against the customer's overdue total
        if not plan and row["customer_id"] not in plan_of:
            plan_of[row["customer_id"]] = customers.get(row["customer_id"], CustomerFacts()).plan_in(plans)
        chosen = plan or plan_of[row["customer_id"]]
        if chosen is None:  # a consumer no route leads to a consumer plan of their country
            skipped.append(Skip(row["invoice_id"], "no_consumer_plan"))
            continue
        relevant = pauses_of.get(row["invoice_id"], []) + pauses_of.get(f"customer:{row['customer_id']}", [])
        position, step = _position(row, chosen, taken.get(row["invoice_id"], []), relevant, plans.rules, as_of,
                                   next_business_day)
        if step is not None and row["invoice_id"] in with_agency:  # nothing after the handover
            position, step = replace(position, next_step=None, next_step_date=None), None
            skipped.append(Skip(row["invoice_id"], "with_agency"))
            positions.append(position)
            continue
        positions.append(position)
        reason = _reason_to_wait(position, step, row["invoice_id"] in to_review, as_of)
        if reason or step is None or position.next_step is None:
            skipped.append(Skip(row["invoice_id"], reason or "plan_complete"))
        else:
            facts = customers.get(row["customer_id"], CustomerFacts())
            start = _interest_start(row, chosen, taken.get(row["invoice_id"], []), plans.rules, law,
                                    next_business_day)
            due[document_key(row, chosen, step, facts.has_email, facts.channel)].append(
                {**row, "step": step, "plan": chosen, "interest_start": start})
    skipped = _join_fourteen_day_letters(due, skipped, positions, rows, plans, as_of)
    skipped += _fourteen_day_letters_stand_alone(due, plans)
    handed_today = {row["invoice_id"] for key, group in due.items() if key[2] == AGENCY_CHANNEL for row in group}
    not_listed = with_agency | handed_today | {p.invoice_id for p in positions if p.paused is not None}
    actions, more_skipped, warnings = _actions(due, rows, customers, as_of, law, next_business_day, not_listed)
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
    if step.costs and chosen.consumer in ("BE", "NL"):
        exported = (row.get("last_reminder_date") or row["due_date"]) if _export_level(row) else None
        earliest = earliest_cost_day(chosen, taken, rules, export_sent_on=exported,
                                     next_business_day=next_business_day)
        if earliest is not None and earliest > when:
            when = next_business_day(earliest, chosen.business_days)
    return Position(row["invoice_id"], row["customer_id"], chosen.key, last_id, last_date, step.id, when,
                    active), step


def _join_fourteen_day_letters(due: dict[DueKey, list[Row]], skipped: list[Skip], positions: list[Position],
                               rows: list[Row], plans: PlanSet, as_of: dt.date) -> list[Skip]:
    """Art. 6:96(7) BW: a Dutch consumer's claims are demanded in one 14-day letter and the WIK is computed on
    their sum. An invoice of the customer already in default whose own 14-day letter would fall due within the
    plan's `one_letter_window` joins a 14-day letter that goes out today (same plan, channel and currency), so
    it also reaches the cost step with the others, in one action. The skips left."""
    from arctl.dunning.consumer_law import fourteen_day_letters

    letters: dict[DueKey, dict[str, Step]] = {}
    for key, group in due.items():
        if group[0]["plan"].consumer == "NL":
            letter_ids = fourteen_day_letters(group[0]["plan"], plans.rules)
            steps = {row["step"].id: row["step"] for row in group if row["step"].id in letter_ids}
            if steps:
                letters[key] = steps
    if not letters:
        return skipped
    by_id = {row["invoice_id"]: row for row in rows}
    waiting = {s.invoice_id for s in skipped if s.reason == "not_due_yet"}
    joined: set[str] = set()
    for position in positions:
        if position.invoice_id not in waiting or position.next_step_date is None:
            continue
        row = by_id[position.invoice_id]
        for key, steps in letters.items():
            customer, plan_key, _channel, currency = key
            chosen = due[key][0]["plan"]
            if (customer, plan_key, currency) == (position.customer_id, position.plan, row["currency"]) \
                    and position.next_step in steps \
                    and row["due_date"] is not None and row["due_date"] < as_of \
                    and position.next_step_date <= chosen.letter_window.after(as_of):
                due[key].append(
                    {**row, "step": steps[position.next_step], "plan": chosen})
                joined.add(position.invoice_id)
                break
    return [s for s in skipped if s.invoice_id not in joined]


def _fourteen_day_letters_stand_alone(due: dict[DueKey, list[Row]], plans: PlanSet) -> list[Skip]:
    """A Dutch 14-day letter is valid only as its own letter (art. 6:96(6) BW: its wording and the costs it
    announces). An invoice due for it does not join a later step's document: it waits for the next run, which
    sends it its own letter (one document a day still)."""
    from arctl.dunning.consumer_law import fourteen_day_letters

    waiting: list[Skip] = []
    for key, group in list(due.items()):
        plan = group[0]["plan"]
        if plan.consumer != "NL":
            continue
        letters = fourteen_day_letters(plan, plans.rules)
        if document_step(group).id in letters:
            continue
        kept = [row for row in group if row["step"].id not in letters]
        waiting += [Skip(row["invoice_id"], "own_letter_next_run") for row in group if row["step"].id in letters]
        if kept:
            due[key] = kept
        else:
            del due[key]
    return waiting


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
             as_of: dt.date, law: Law | None,
             next_business_day: Callable[[dt.date, str | None], dt.date] = business_day,
             not_listed: frozenset[str] | set[str] = frozenset(),
             ) -> tuple[tuple[Action, ...], list[Skip], tuple[str, ...]]:
    """One action per customer, plan, channel and currency: its invoices, costs, channel and dates."""
    overdue, credit = _customer_sums(rows, as_of)
    overdue_rows = _overdue_by_account([r for r in rows if r["invoice_id"] not in not_listed], as_of) if due else {}
    credit_rows = _credits_by_account(rows) if due else {}
    actions: list[Action] = []
    skipped: list[Skip] = []
    warnings: list[str] = []
    for (customer, _plan_key, _channel, currency), group in sorted(due.items()):
        chosen, step = group[0]["plan"], document_step(group)
        reason = _customer_reason(chosen, customer, currency, overdue, credit)
        if reason:
            skipped.extend(Skip(row["invoice_id"], reason) for row in group)
            continue
        facts = customers.get(customer, CustomerFacts())
        action, found = step_action(customer, chosen, step, currency, sorted(group, key=lambda r: r["invoice_id"]),
                                    overdue_rows.get((customer, currency), ()), facts, as_of, law,
                                    credit_rows.get((customer, currency), ()), next_business_day=next_business_day)
        if action.credits and action.amount_due <= action.credit_total:
            # their credit notes cover every invoice this document would demand: nothing to ask for
            skipped.extend(Skip(invoice, "covered_by_credit") for invoice in action.invoices)
            continue
        actions.append(action)
        warnings.extend(w for w in found if w not in warnings)
    return tuple(actions), skipped, tuple(warnings)


def step_action(customer: str, chosen: Plan, step: Step, currency: str, group: list[Row],
                overdue_rows: Iterable[Row], facts: CustomerFacts, as_of: dt.date,
                law: Law | None, credit_rows: Iterable[Row] = (), *,
                next_business_day: Callable[[dt.date, str | None], dt.date] = business_day,
                ) -> tuple[Action, tuple[str, ...]]:
    """A step's whole action: its invoices (each with its own step: a lower step's invoices join the document
    of the most advanced one), the customer's open credit notes, the costs they claim (only the invoices of a
    step that carries them, on the balance net of those credit notes), the pay-by date the law counts and the
    channel used."""
    lines = tuple(_line(row, row["step"].id if "step" in row else step.id) for row in group)
    costly = tuple(line for line in lines if line.step == step.id)
    credits = tuple(_line(row) for row in credit_rows)
    claimed = Claimed(credits, {row["invoice_id"]: row["open_periods"] for row in group if row.get("open_periods")},
                      {row["invoice_id"]: row["interest_start"] for row in group if row.get("interest_start")})
    spec = step.costs or handed_over_costs(chosen, step)
    costs, warnings = step_costs(spec, costly, currency, as_of, law_for(chosen, law), claimed) \
        if law is not None and spec else ((), ())
    if any(cost.kind == "interest" for cost in costs):  # interest runs from the day after each due date
        lines = tuple(replace(line, interest_from=_interest_from(line, claimed)) if line.step == step.id else line
                      for line in lines)
    listed = {line.invoice_id for line in lines}
    channel = actual_channel(step.channel, step.fallback_channel, facts.has_email, facts.channel)
    if channel == "person":
        warnings += (f"{customer}: no e-mail address and no fallback channel for step {step.id}: a person must "
                     f"contact the customer",)
    pay_by = pay_by_date(chosen, step, channel, as_of, next_business_day=next_business_day)
    announced: tuple[Cost, ...] = ()
    if law is not None and not step.costs:
        later = chosen.steps[[s.id for s in chosen.steps].index(step.id) + 1:] if step in chosen.steps else ()
        announced = announced_costs([s.costs for s in later], lines, currency, as_of, law_for(chosen, law), claimed)
    return Action("step", customer, chosen.key, step.id, step.channel, channel, currency, lines,
                  sum(line.open_amount for line in lines), costs, pay_by, step.template,
                  tuple(_line(row) for row in overdue_rows if row["invoice_id"] not in listed),
                  credits=credits, announced=announced, consumer=chosen.consumer or ""), warnings


def handed_over_costs(plan: Plan, step: Step) -> Costs:
    """What a hand-over to a collection agency claims besides the principal: the costs of the plan's last
    earlier step that carried costs (the formal demand's compensation and interest), interest counted up to the
    day of the hand-over, so the agency's claim and the notice to the customer state what is owed that day.
    Nothing for any other step (its own `costs:` say what it claims)."""
    if step.channel != AGENCY_CHANNEL:
        return Costs()
    earlier = plan.steps[:[s.id for s in plan.steps].index(step.id)]
    return next((s.costs for s in reversed(earlier) if s.costs), Costs())


def _interest_from(line: ActionLine, claimed: Claimed) -> dt.date | None:
    """The first day of interest: the day after the due date, or the later day the law lets it start."""
    if line.due_date is None:
        return None
    start = line.due_date + dt.timedelta(days=1)
    later = claimed.interest_start.get(line.invoice_id)
    return max(start, later) if later else start


def _interest_start(row: Row, plan: Plan, taken: list[Taken], rules: ConsumerRules | None, law: Law | None,
                    next_business_day: Callable[[dt.date, str | None], dt.date]) -> dt.date | None:
    """A Belgian consumer's interest starts at the end of the waiting period (REFERENCE.md §4 open point (a),
    arctl.yaml `law.be_consumer_interest_from`); None: from the day after the due date."""
    if law is None or plan.consumer != "BE" or law.be_consumer_interest_from != "waiting_period_end":
        return None
    exported = (row.get("last_reminder_date") or row["due_date"]) if _export_level(row) else None
    return earliest_cost_day(plan, taken, rules, export_sent_on=exported, next_business_day=next_business_day)


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


def _line(row: Row, step: str = "") -> ActionLine:
    return ActionLine(row["invoice_id"], row["due_date"], row["open_amount"], row.get("customer_name") or "",
                      row.get("reference") or "", step=step, document=row.get("document") or "",
                      issue_date=row.get("issue_date"), amount=row.get("amount"))


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
    names += [c for c in ("customer_name", "reference", "dunning_level", "last_reminder_date", "open_periods",
                          "document", "issue_date", "amount") if c in items.columns]
    columns = [_dates(items[c]) if c in ("due_date", "last_reminder_date", "issue_date") else items[c].tolist()
               for c in names]
    if "last_reminder_date" not in names:
        names.append("last_reminder_date")
        columns.append([None] * len(items))
    columns[names.index("open_amount")] = [int(v) for v in items["open_amount"].tolist()]
    if "amount" in names:
        columns[names.index("amount")] = [None if pd.isna(v) else int(v) for v in items["amount"].tolist()]
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
    return int(level) if level.isdecimal() else 0


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
