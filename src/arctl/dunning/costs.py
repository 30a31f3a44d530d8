"""What a late payment costs the debtor by law: statutory interest, the EUR 40, the Dutch WIK scale and
the Belgian consumer damages cap (../shared/domain/REFERENCE.md, sections 1 to 5).

Pure functions over integer minor units. Decimal is used inside each computation, and each result is
rounded to minor units once, on the total (not per slice): interest half up, a legal maximum (the WIK
scale, the Book XIX cap) down, so that rounding never claims more than the law allows: the worked examples of the
reference agree either way, and one rounding keeps a total equal to its exact value within half a cent.

The law's numbers are data, not code: the rates come in as `Rate` rows, the amounts and scales as
`Limits` (dunning/limits.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from arctl.dunning.limits import Limits
from arctl.model import Rate
from arctl.money import currency_decimals, from_decimal, to_decimal

# The day count, REFERENCE.md section 1 [U]: the worked examples use actual/365 and no source addresses leap
# years; arctl divides a leap year's days by 366 (actual/actual, which claims less), `law.day_count` by 365.
ACTUAL_ACTUAL = "actual/actual"
ACTUAL_365 = "actual/365"
DAY_COUNTS = (ACTUAL_ACTUAL, ACTUAL_365)


@dataclass(frozen=True, slots=True)
class InterestSlice:
    start: dt.date
    end: dt.date
    days: int
    percent: Decimal
    principal: int
    exact: Decimal = Decimal(0)     # the slice's interest before rounding


@dataclass(frozen=True, slots=True)
class Interest:
    """Interest from the day after the due date up to and including `until`."""

    amount: int
    currency: str
    slices: tuple[InterestSlice, ...]
    missing: tuple[tuple[dt.date, dt.date], ...]   # days no known rate covers: left out of the claim
    table: str = ""                                 # the rate table's name, only to say where a rate goes

    @property
    def warnings(self) -> list[str]:
        where = (f"law/rates/{self.table}.csv in the workspace: valid_from,valid_to,percent,source,confidence"
                 if self.table else "the workspace's law/rates/ folder")
        return [f"rate_missing: no statutory rate known for {start.isoformat()} to {end.isoformat()}; interest for "
                f"those days is left out (add the published rate to {where})"
                for start, end in self.missing]


def statutory_interest(principal: int, currency: str, due_date: dt.date, until: dt.date, rates: tuple[Rate, ...],
                       *, compound_yearly: bool = False, table: str = "", day_count: str = ACTUAL_ACTUAL) -> Interest:
    """Simple interest per day at each period's rate (Belgium); `compound_yearly` adds the interest to
    the principal at each full year from the start (the Netherlands, art. 6:119a(3) BW). `table` names
    the rate table the rates come from, for the warning about days no rate covers. `day_count`: each day
    is 1/366 of a year in a leap year (actual/actual, the default) or always 1/365 (actual/365)."""
    return period_interest(((due_date + dt.timedelta(days=1), principal),), currency, due_date, until, rates,
                           compound_yearly=compound_yearly, table=table, day_count=day_count)


def period_interest(periods: Sequence[tuple[dt.date, int]], currency: str, due_date: dt.date, until: dt.date,
                    rates: tuple[Rate, ...], *, compound_yearly: bool = False, table: str = "",
                    day_count: str = ACTUAL_ACTUAL) -> Interest:
    """Interest on an invoice whose open amount changed over time: `periods` are (from this day, the open
    amount), in date order, each amount owed up to the day before the next period starts (a payment ends
    the interest on the part it paid on its date). Interest runs from the day after `due_date` up to and
    including `until`; otherwise as `statutory_interest`."""
    start = due_date + dt.timedelta(days=1)
    in_order = sorted(periods, key=lambda period: period[0])   # stable: a later change of one day wins
    before = [amount for day, amount in in_order if day <= start]
    steps = ([(start, before[-1])] if before else []) + [(day, amount) for day, amount in in_order if day > start]
    if until < start or not steps or all(amount <= 0 for _, amount in steps):
        return Interest(0, currency, (), (), table)
    ordered = sorted(rates, key=lambda rate: rate.valid_from)
    exact = Decimal(0)
    capitalised = Decimal(0)   # interest added to the principal after each full year (compound_yearly)
    accrued = Decimal(0)       # interest of the current year, not yet added
    slices: list[InterestSlice] = []
    missing: list[tuple[dt.date, dt.date]] = []
    anniversary = _add_year(start)
    day = max(start, steps[0][0])
    while day <= until:
        if compound_yearly and day >= anniversary:
            capitalised += accrued
            accrued = Decimal(0)
            anniversary = _add_year(anniversary)
            continue
        owed = _owed_on(steps, day)
        later = next((d for d, _ in steps if d > day), None)
        end = min(until, dt.date(day.year, 12, 31), later - dt.timedelta(days=1) if later else until,
                  anniversary - dt.timedelta(days=1) if compound_yearly else until)
        rate = next((r for r in ordered if r.valid_from <= day <= r.valid_to), None)
        if rate is None:
            following = next((r.valid_from for r in ordered if r.valid_from > day), None)
            end = min(end, following - dt.timedelta(days=1)) if following else end
            if owed > 0:
                missing.append((day, end))
        else:
            end = min(end, rate.valid_to)
            days = (end - day).days + 1
            base = to_decimal(owed, currency) + capitalised if owed > 0 else Decimal(0)
            if base > 0:
                part = base * rate.percent / 100 * days / _year_days(day, day_count)
                accrued += part
                exact += part
                _add_slice(slices, InterestSlice(day, end, days, rate.percent,
                                                 from_decimal(_round(base, currency), currency), part),
                           same_rate=day != rate.valid_from)
        day = end + dt.timedelta(days=1)
    return Interest(from_decimal(_round(exact, currency), currency), currency, tuple(slices), tuple(_merge(missing)),
                    table)


def _owed_on(steps: list[tuple[dt.date, int]], day: dt.date) -> int:
    owed = 0
    for start, amount in steps:
        if start > day:
            break
        owed = amount
    return owed


def _year_days(day: dt.date, day_count: str) -> Decimal:
    if day_count == ACTUAL_ACTUAL and calendar.isleap(day.year):
        return Decimal(366)
    return Decimal(365)


def _add_slice(slices: list[InterestSlice], piece: InterestSlice, *, same_rate: bool) -> None:
    """A slice per rate period and principal: a piece continuing the one before under the same rate period on
    the same principal (split only at 31 December for the day count) extends it."""
    if slices and same_rate:
        last = slices[-1]
        if (last.percent, last.principal) == (piece.percent, piece.principal) and \
                last.end + dt.timedelta(days=1) == piece.start:
            slices[-1] = InterestSlice(last.start, piece.end, last.days + piece.days, last.percent, last.principal,
                                       last.exact + piece.exact)
            return
    slices.append(piece)


def eu_b2b_compensation(country: str, principal: int, currency: str, *, limits: Limits) -> int:
    """The fixed B2B compensation per late invoice, Directive 2011/7/EU art. 6, as the country applies it:
    Belgium (and any country but the Netherlands) the fixed amount per invoice, EUR 40; the Netherlands the
    WIK scale with its minimum, EUR 40, as the floor."""
    if country == "NL":
        return wik_costs(principal, currency, limits=limits)
    return from_decimal(_round(limits.compensation.amount, currency), currency)


def wik_costs(principal: int, currency: str, *, limits: Limits) -> int:
    """Dutch extrajudicial collection costs (Besluit BIK 2012) on the principal, by the bands of the scale:
    shipped, 15 % of the first 2,500, 10 % of the next 2,500, 5 % of the next 5,000, 1 % of the next
    190,000, 0.5 % above; at least 40, at most 6,775."""
    scale = limits.wik
    left = to_decimal(principal, currency)
    total = Decimal(0)
    lower = Decimal(0)
    for band in scale.bands:
        part = left if band.up_to is None else min(left, band.up_to - lower)
        total += part * band.percent / 100
        left -= part
        if band.up_to is not None:
            lower = band.up_to
        if left <= 0:
            break
    total = min(max(total, scale.minimum), scale.maximum)
    return from_decimal(_round_down(total, currency), currency)


def be_consumer_damages_cap(balance: int, currency: str, *, limits: Limits) -> int:
    """The most a Belgian consumer can be asked in flat damages (Book XIX), by the tiers of the scale:
    shipped, 20 up to 150.00; 30 + 10 % of the part above 150 up to 500.00; 65 + 5 % of the part above
    500, at most 2,000."""
    scale = limits.damages
    amount = to_decimal(balance, currency)
    tier = next(t for t in scale.tiers if t.up_to is None or amount <= t.up_to)
    cap = tier.fixed + ((amount - tier.above) * tier.percent / 100 if tier.percent else Decimal(0))
    return from_decimal(_round_down(min(cap, scale.maximum), currency), currency)


def rounded(value: Decimal, currency: str) -> Decimal:
    """Interest rounded half up to the currency's minor unit."""
    return _round(value, currency)


def _round(value: Decimal, currency: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-currency_decimals(currency)), rounding=ROUND_HALF_UP)


def _round_down(value: Decimal, currency: str) -> Decimal:
    """A legal maximum is never exceeded by rounding: 64.999 is 64.99."""
    return value.quantize(Decimal(1).scaleb(-currency_decimals(currency)), rounding=ROUND_DOWN)


def _add_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + dt.timedelta(days=1)


def _merge(periods: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in periods:
        if merged and merged[-1][1] + dt.timedelta(days=1) == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
