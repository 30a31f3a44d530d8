"""What a late payment costs the debtor by law: statutory interest, the EUR 40, the Dutch WIK scale and
the Belgian consumer damages cap (../shared/domain/REFERENCE.md, sections 1 to 5).

Pure functions over integer minor units. Decimal is used inside each computation, and each result is
rounded to minor units once, half up, on the total (not per slice): the worked examples of the
reference agree either way, and one rounding keeps a total equal to its exact value within half a cent.

The law's numbers are data, not code: the rates come in as `Rate` rows, the amounts and scales as
`Limits` (dunning/limits.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from arctl.dunning.limits import Limits
from arctl.model import Rate
from arctl.money import currency_decimals, from_decimal, to_decimal

DAYS_IN_YEAR = Decimal(365)  # actual/365, as the reference's worked examples (leap years not addressed by any source)


@dataclass(frozen=True, slots=True)
class InterestSlice:
    start: dt.date
    end: dt.date
    days: int
    percent: Decimal
    principal: int


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
                       *, compound_yearly: bool = False, table: str = "") -> Interest:
    """Simple interest per day at each period's rate (Belgium); `compound_yearly` adds the interest to
    the principal at each full year from the start (the Netherlands, art. 6:119a(3) BW). `table` names
    the rate table the rates come from, for the warning about days no rate covers."""
    start = due_date + dt.timedelta(days=1)
    if principal <= 0 or until < start:
        return Interest(0, currency, (), (), table)
    ordered = sorted(rates, key=lambda rate: rate.valid_from)
    base = to_decimal(principal, currency)
    exact = Decimal(0)
    slices: list[InterestSlice] = []
    missing: list[tuple[dt.date, dt.date]] = []
    year_start = start
    while year_start <= until:
        year_end = min(_add_year(year_start) - dt.timedelta(days=1), until) if compound_yearly else until
        accrued = Decimal(0)
        day = year_start
        while day <= year_end:
            rate = next((r for r in ordered if r.valid_from <= day <= r.valid_to), None)
            if rate is None:
                following = next((r.valid_from for r in ordered if r.valid_from > day), None)
                gap_end = min(year_end, following - dt.timedelta(days=1)) if following else year_end
                missing.append((day, gap_end))
                day = gap_end + dt.timedelta(days=1)
                continue
            end = min(year_end, rate.valid_to)
            days = (end - day).days + 1
            accrued += base * rate.percent / 100 * days / DAYS_IN_YEAR
            slices.append(InterestSlice(day, end, days, rate.percent, from_decimal(_round(base, currency), currency)))
            day = end + dt.timedelta(days=1)
        exact += accrued
        if compound_yearly:
            base += accrued  # interest on interest after each full year
        year_start = year_end + dt.timedelta(days=1)
    return Interest(from_decimal(_round(exact, currency), currency), currency, tuple(slices), tuple(_merge(missing)),
                    table)


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
    return from_decimal(_round(total, currency), currency)


def be_consumer_damages_cap(balance: int, currency: str, *, limits: Limits) -> int:
    """The most a Belgian consumer can be asked in flat damages (Book XIX), by the tiers of the scale:
    shipped, 20 up to 150.00; 30 + 10 % of the part above 150 up to 500.00; 65 + 5 % of the part above
    500, at most 2,000."""
    scale = limits.damages
    amount = to_decimal(balance, currency)
    tier = next(t for t in scale.tiers if t.up_to is None or amount <= t.up_to)
    cap = tier.fixed + ((amount - tier.above) * tier.percent / 100 if tier.percent else Decimal(0))
    return from_decimal(_round(min(cap, scale.maximum), currency), currency)


def _round(value: Decimal, currency: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-currency_decimals(currency)), rounding=ROUND_HALF_UP)


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
