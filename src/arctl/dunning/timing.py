"""The days the law counts: the pay-by date a dunning document prints and the first day a cost step may follow.

- a business customer gets the plan's term from the document date;
- a Belgian consumer (Book XIX, REFERENCE §4) gets the term counted from day 1 = the calendar day after an
  e-mail, or the 3rd working day after posting (weekends and Belgian public holidays not counted); arctl
  counts every term of a Belgian consumer plan this way, not only the first reminder's (it claims less);
- a Dutch consumer (art. 6:96(6) BW, HR 25 Nov 2016, REFERENCE §5.3) gets the term counted from the day
  after the letter is deemed received. REFERENCE's cautious reading (consumer_rules.yaml
  `presumed_delivery`): a posted letter is delivered on the 2nd day after sending, not counting Sundays,
  Mondays or Dutch public holidays; an e-mail on the day it is sent;
- a cost step of a consumer plan comes at the earliest on the day after the pay-by date of the letter
  that started the period (BE: the first written reminder, NL: the 14-day letter), timed from the day and
  the way that letter actually went; a letter known only from the export counts as posted (the later date);
  a letter arctl wrote counts from the day it was posted (`arctl outbox printed`), and its period has not
  started before (the workflow passes the day of the decision as its `period_from` until then).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

from arctl.dunning.calendar import business_day, is_public_holiday
from arctl.dunning.consumer import ConsumerRules
from arctl.dunning.plan import Plan, Step

NextBusinessDay = Callable[[dt.date, str | None], dt.date]
ELECTRONIC_CHANNELS = ("email",)
NL_NOT_COUNTED = (6, 0)       # Sunday, Monday: no post is delivered (REFERENCE §5.3, presumed delivery)
NL_DELIVERY_DAYS = 2          # delivered on the 2nd counted day after sending
BE_PAPER_WORKING_DAYS = 3     # day 1 of a posted reminder's term (consumer_rules.yaml BE waiting_period)
BE_ELECTRONIC_DAYS = 1        # day 1 of an e-mailed reminder's term
FOURTEEN_DAYS = 14


class Sending(Protocol):
    """A step taken (engine.Taken): which step, on which day, and how it actually went (None: unknown)."""

    @property
    def step_id(self) -> str: ...
    @property
    def taken_on(self) -> dt.date: ...
    @property
    def channel(self) -> str | None: ...
    @property
    def period_from(self) -> dt.date | None: ...


def pay_by_date(plan: Plan, step: Step, channel: str | None, sent_on: dt.date, *,
                next_business_day: NextBusinessDay = business_day) -> dt.date | None:
    """The last day to pay a document of `step` sent on `sent_on` by `channel` (None: counted as posted)."""
    if step.new_term is None:
        return None
    if plan.consumer == "BE":
        first_day = be_first_day(sent_on, channel, next_business_day=next_business_day)
    elif plan.consumer == "NL":
        first_day = nl_presumed_delivery(sent_on, channel) + dt.timedelta(days=1)
    else:
        return step.new_term.after(sent_on)
    # day 1 is `first_day`, so a term of 14 days ends on day 14 = first_day + 13
    return step.new_term.after(first_day - dt.timedelta(days=1))


def be_first_day(sent_on: dt.date, channel: str | None, *, next_business_day: NextBusinessDay = business_day,
                 paper_working_days: int = BE_PAPER_WORKING_DAYS,
                 electronic_days: int = BE_ELECTRONIC_DAYS) -> dt.date:
    """Day 1 of a Belgian consumer's term: the day after an e-mail, else the 3rd Belgian working day after
    posting."""
    if channel in ELECTRONIC_CHANNELS:
        return sent_on + dt.timedelta(days=electronic_days)
    day = sent_on
    for _ in range(paper_working_days):
        day = next_business_day(day + dt.timedelta(days=1), "BE")
    return day


def nl_presumed_delivery(sent_on: dt.date, channel: str | None) -> dt.date:
    """The day a Dutch consumer is deemed to receive a document: an e-mail the day it is sent; a letter the
    2nd day after posting, not counting Sundays, Mondays or Dutch public holidays."""
    if channel in ELECTRONIC_CHANNELS:
        return sent_on
    day, counted = sent_on, 0
    while counted < NL_DELIVERY_DAYS:
        day += dt.timedelta(days=1)
        if day.weekday() not in NL_NOT_COUNTED and not is_public_holiday(day, "NL"):
            counted += 1
    return day


def earliest_cost_day(plan: Plan, taken: Iterable[Sending], rules: ConsumerRules | None, *,
                      export_sent_on: dt.date | None = None,
                      next_business_day: NextBusinessDay = business_day) -> dt.date | None:
    """The first day a consumer plan's cost step may be taken (None: no period to wait for, or not a
    consumer plan): the day after the pay-by date of the letter that started the period, and in Belgium
    also after the 14-day waiting period of Book XIX. `export_sent_on`: the date of a reminder the
    accounting export reports when arctl recorded none."""
    if plan.consumer not in ("BE", "NL"):
        return None
    starters = {step.id: step for step in plan.steps if _starts_period(plan, step)}
    # the day the document actually went (posted, sent) where known: a period never starts before it
    sent = sorted((t.period_from or t.taken_on, t.channel, t.step_id) for t in taken if t.step_id in starters)
    if plan.consumer == "BE":
        found = [(day, channel, starters[step_id]) for day, channel, step_id in sent[:1]]
    else:
        found = [(day, channel, starters[step_id]) for day, channel, step_id in sent[-1:]]
    if not found and export_sent_on is not None and starters:
        found = [(export_sent_on, None, next(iter(starters.values())))]
    if not found:
        return None
    sent_on, channel, step = found[0]
    pay_by = pay_by_date(plan, step, channel, sent_on, next_business_day=next_business_day)
    days = [pay_by + dt.timedelta(days=1)] if pay_by is not None else []
    if plan.consumer == "BE":
        days.append(_be_waiting_period_end(sent_on, channel, rules, next_business_day))
    return max(days) if days else None


def _starts_period(plan: Plan, step: Step) -> bool:
    """BE: any written reminder (the first one sent starts the waiting period); NL: a 14-day letter (written,
    free of costs, giving at least 14 days)."""
    if not step.written:
        return False
    if plan.consumer == "BE":
        return True
    return step.new_term is not None and step.new_term.min_days >= FOURTEEN_DAYS and not step.costs


def _be_waiting_period_end(sent_on: dt.date, channel: str | None, rules: ConsumerRules | None,
                           next_business_day: NextBusinessDay) -> dt.date:
    """The day after Book XIX's waiting period: day 1 (see be_first_day) + the 14 days."""
    rule = rules.rule("BE", "waiting_period") if rules else None
    days = rule.number("days") if rule else FOURTEEN_DAYS
    first = be_first_day(sent_on, channel, next_business_day=next_business_day,
                         paper_working_days=rule.number("start_paper_working_days") if rule else BE_PAPER_WORKING_DAYS,
                         electronic_days=rule.number("start_electronic_days") if rule else BE_ELECTRONIC_DAYS)
    return first + dt.timedelta(days=days)
