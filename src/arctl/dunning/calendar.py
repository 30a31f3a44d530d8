"""Business days: weekends and the public holidays of a plan's country (the `holidays` package)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year))


def business_day(day: dt.date, country: str | None = None) -> dt.date:
    """`day` itself when it is a business day, else the next one (no weekend, no public holiday of `country`)."""
    while day.weekday() >= 5 or (country and day in _holidays(country, day.year)):
        day += dt.timedelta(days=1)
    return day


def business_days_before(day: dt.date, count: int, country: str | None = None) -> dt.date:
    """The `count`-th business day before `day` (no weekend, no public holiday of `country`)."""
    while count > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5 and not (country and day in _holidays(country, day.year)):
            count -= 1
    return day


def business_days_after(day: dt.date, count: int, country: str | None = None) -> dt.date:
    """The `count`-th business day after `day` (no weekend, no public holiday of `country`)."""
    for _ in range(count):
        day = business_day(day + dt.timedelta(days=1), country)
    return day


def is_public_holiday(day: dt.date, country: str | None) -> bool:
    """Whether `day` is a public holiday of `country` (no country: none is)."""
    return bool(country) and day in _holidays(str(country), day.year)
