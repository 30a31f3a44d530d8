"""Dates typed on the command line: ISO, or as the workspace's locale writes them (15/12/2026 in nl_BE).

A date whose day and month could be read either way (05/12/2026) follows the locale's order and is echoed
back in words on stderr, so that a wrong guess is seen before it is relied on. Without a locale (no workspace,
no LANG) such a date is refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from arctl.errors import UsageError

_NUMERIC = re.compile(r"(\d{1,4})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{1,4})\.?")
_WORDS = re.compile(r"\d+|[^\W\d_]+\.?")


@dataclass(frozen=True, slots=True)
class DateOrder:
    """How a locale writes a date in figures: the order of day, month and year, and its separator."""

    locale: str | None
    order: str = "DMY"         # DMY, MDY or YMD
    separator: str = "/"

    def example(self, day: dt.date) -> str:
        parts = {"D": f"{day.day:02d}", "M": f"{day.month:02d}", "Y": str(day.year)}
        return self.separator.join(parts[part] for part in self.order)


def date_order(locale: str | None) -> DateOrder:
    """The order of the locale's short date format (Babel/CLDR): nl_BE d/MM/y is DMY with '/', en_US MDY."""
    if not locale:
        return DateOrder(None)
    from babel import Locale, UnknownLocaleError

    try:
        pattern = Locale.parse(locale).date_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        return DateOrder(None)
    found = {letter: pattern.find(letter) for letter in "dMy"}
    if min(found.values()) < 0:
        return DateOrder(locale)
    order = "".join({"d": "D", "M": "M", "y": "Y"}[letter] for letter in sorted(found, key=found.__getitem__))
    separator = next((mark for mark in pattern if mark in "/.-"), "/")
    return DateOrder(locale, order, separator)


def environment_locale() -> str | None:
    """The locale dates are written in when no workspace says: LC_ALL, LC_TIME, LANG (not C or POSIX)."""
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(variable, "").split(".")[0]
        if value and value not in ("C", "POSIX"):
            return value
    return None


def in_words(day: dt.date) -> str:
    """'5 December 2026': a date no reader can take for another one."""
    from babel.dates import format_date

    return format_date(day, "d MMMM y", locale="en")


def parse_date(text: str, option: str, locale: str | None, today: dt.date | None = None
               ) -> tuple[dt.date, bool]:
    """The date `text` names, and whether its day and month could have been read the other way round.

    ISO (2026-12-15, 20261215), figures in the locale's order (15/12/2026, 15-12-2026, 15.12.2026; a two-digit
    year is 20xx), a month written out in the locale's language or English (15 december 2026, Dec 15 2026),
    or `today` when `today` is given. Anything else is a UsageError listing the accepted forms."""
    order = date_order(locale)
    written = text.strip()
    if today is not None and written.lower() == "today":
        return today, False
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{8}", written):
            return dt.date.fromisoformat(written), False
    except ValueError:
        raise _refused(text, option, order) from None
    numeric = _NUMERIC.fullmatch(written)
    if numeric:
        return _figures(numeric, text, option, order)
    found = _month_words(written, order.locale)
    if found is None:
        raise _refused(text, option, order)
    return found, False


def _figures(match: re.Match[str], text: str, option: str, order: DateOrder) -> tuple[dt.date, bool]:
    first, _, second, third = match.groups()
    if len(first) == 4:                               # 2026/12/15: year first is never ambiguous
        year, month, day = int(first), int(second), int(third)
        ambiguous = False
    elif order.order == "YMD" or len(third) not in (2, 4):
        raise _refused(text, option, order)
    else:
        year = int(third) + (2000 if len(third) == 2 else 0)
        a, b = int(first), int(second)
        ambiguous = a != b and a <= 12 and b <= 12
        if ambiguous and order.locale is None:
            raise UsageError(f"{option} {text}: the day and the month could be either way round and no locale "
                             "says which", hint=f"write it as ISO ({_iso_example(a, b, year)}), or run in a "
                                                "workspace (its locale decides)")
        day, month = (a, b) if order.order == "DMY" or (order.locale is None and a > 12) else (b, a)
    try:
        return dt.date(year, month, day), ambiguous
    except ValueError:
        raise _refused(text, option, order) from None


def _iso_example(a: int, b: int, year: int) -> str:
    return f"{year}-{b:02d}-{a:02d} or {year}-{a:02d}-{b:02d}"


def _month_words(text: str, locale: str | None) -> dt.date | None:
    """15 december 2026, 15 déc. 2026, Dec 15, 2026: a day, a month's name and a four-digit year."""
    tokens = [token.rstrip(".").lower() for token in _WORDS.findall(text)]
    names = [token for token in tokens if not token.isdecimal()]
    numbers = [token for token in tokens if token.isdecimal()]
    if len(names) != 1 or len(numbers) != 2 or not any(len(number) == 4 for number in numbers):
        return None
    month = _month_names(locale).get(names[0])
    if month is None:
        return None
    year = next(number for number in numbers if len(number) == 4)
    day = next((number for number in numbers if number is not year), "")
    try:
        return dt.date(int(year), month, int(day))
    except ValueError:
        return None


def _month_names(locale: str | None) -> dict[str, int]:
    from babel import Locale, UnknownLocaleError

    names: dict[str, int] = {}
    for name in ("en", locale):
        try:
            months = Locale.parse(name).months if name else None
        except (UnknownLocaleError, ValueError):
            months = None
        if not months:
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, word in months[context][width].items():
                    names[word.rstrip(".").lower()] = number
    return names


def _refused(text: str, option: str, order: DateOrder) -> UsageError:
    example = dt.date(2026, 12, 15)
    local = f"{order.example(example)} ({order_words(order)}), " if order.locale else ""
    return UsageError(f"{option} {text}: not a date; write 2026-12-15 (ISO), {local}15 December 2026 or today")


def order_words(order: DateOrder) -> str:
    """'day/month/year as nl_BE writes dates'."""
    words = {"D": "day", "M": "month", "Y": "year"}
    return "/".join(words[part] for part in order.order) + f" as {order.locale} writes dates"
