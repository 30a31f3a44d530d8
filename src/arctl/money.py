"""Money: integer minor units with an ISO 4217 currency; the one parser and the one formatter.

`Decimal` is used only inside this module, to build and to print numbers; a float never
holds an amount anywhere in arctl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

SUPPORTED_LOCALES = (
    "nl_BE", "fr_BE", "de_BE", "en_BE",
    "nl_NL", "en_NL",
    "fr_FR", "de_DE", "de_AT", "de_LU", "fr_LU",
    "de_CH", "fr_CH",
    "en_GB", "en_IE", "en_US",
)

# Currency symbols that may stand before or after an amount in an export.
_SYMBOLS = "€$£¥₹₽₩₪₫₺₴₦₱₡₲₵₸₼₾฿¢"
_SPACES = " \t\u00a0\u202f\u2009\u2007'’"
_MINUS = "-\u2212\u2012\u2013"
_CORE = re.compile(r"\d[\d.,]*|[.,]\d+")
_SYMBOL_TEXT = re.compile(rf"^(?:[A-Za-z]{{0,3}}[{_SYMBOLS}]?|[{_SYMBOLS}][A-Za-z]{{0,3}})$")
_MAX_DIGITS = 17  # keeps every amount far inside int64 minor units


class AmountError(ValueError):
    """A text that is not an amount; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units of its currency."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError(f"Money needs an int of minor units, got {self.amount!r}")
        currency_decimals(self.currency)

    def plain(self) -> str:
        return plain_amount(self.amount, self.currency)

    def format(self, locale: str) -> str:
        return format_money(self.amount, self.currency, locale)


@cache
def known_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@cache
def currency_decimals(currency: str) -> int:
    """Number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3)."""
    if currency not in known_currencies():
        raise AmountError(f"unknown currency code {currency!r}: expected an ISO 4217 code such as EUR, USD, GBP")
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


def is_currency(code: str) -> bool:
    return code in known_currencies()


def _split(text: str) -> tuple[bool, str]:
    """Split an amount text into (negative, numeric core such as '1.234,56')."""
    stripped = text.strip()
    if not stripped:
        raise AmountError("empty: expected an amount such as 1234.56 or 1.234,56")
    negative = False
    body = stripped
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1]
    squeezed = "".join(ch for ch in body if ch not in _SPACES)
    minus_count = sum(squeezed.count(m) for m in _MINUS)
    plus_count = squeezed.count("+")
    if minus_count + plus_count > 1 or (negative and minus_count):
        raise AmountError(f"{text!r} has more than one sign: expected an amount such as -12.50")
    if minus_count:
        negative = True
    for sign in _MINUS + "+":
        squeezed = squeezed.replace(sign, "")
    cores = _CORE.findall(squeezed)
    if len(cores) != 1:
        raise AmountError(f"{text!r} is not an amount: expected digits such as 1234.56 or 1.234,56")
    core = cores[0]
    prefix, _, suffix = squeezed.partition(core)
    for part in (prefix, suffix):
        if part and not _SYMBOL_TEXT.match(part):
            raise AmountError(f"{text!r} is not an amount: unexpected {part!r} around the number")
    if prefix and suffix:
        raise AmountError(f"{text!r} is not an amount: text on both sides of the number")
    return negative, core


def decimal_mark_of(core: str) -> str | None:
    """The decimal mark that one numeric core shows by itself, or None when it cannot tell.

    '1.234,56' -> ','; '12,5' -> ','; '1,234,567' -> '.'; '1,234' and '1234' -> None.
    """
    dots, commas = core.count("."), core.count(",")
    if dots and commas:
        return "." if core.rfind(".") > core.rfind(",") else ","
    if not dots and not commas:
        return None
    mark = "." if dots else ","
    if dots + commas > 1:
        return "," if mark == "." else "."
    after = len(core) - core.rfind(mark) - 1
    if after == 3:
        return None  # 1.234 could be either; the column or the currency decides
    return mark


def parse_amount(text: str, currency: str, decimal: str | None = None) -> int:
    """Turn any usual spelling of an amount into minor units of `currency`.

    Accepts '1.234,56', '1,234.56', '1 234,56' (also with a narrow no-break space), '-12,50',
    '(12.50)', '12,50-', '€ 1.234,56', 'EUR 12.50', '12.50 USD'. `decimal` is the decimal mark
    when the caller knows it (a column's dialect); without it a mark followed by exactly three
    digits is read as a thousands separator unless the currency has three decimals.
    """
    places = currency_decimals(currency)
    negative, core = _split(text)
    mark = decimal
    if mark is None:
        mark = decimal_mark_of(core)
        if mark is None and ("." in core or "," in core):
            single = "." if "." in core else ","
            mark = single if places >= 3 else ("," if single == "." else ".")
    if mark not in (None, ".", ","):
        raise ValueError(f"decimal mark must be '.' or ',', got {mark!r}")
    grouping = {".": ",", ",": "."}.get(mark or "", "")
    if mark and core.count(mark) > 1:
        raise AmountError(f"{text!r} has the decimal mark {mark!r} more than once")
    whole, _, fraction = core.partition(mark) if mark and mark in core else (core, "", "")
    if grouping and grouping in whole:
        groups = whole.split(grouping)
        if not groups[0] or any(len(g) != 3 for g in groups[1:]):
            raise AmountError(
                f"{text!r} does not fit the decimal mark {mark!r}: expected thousands in groups of three"
            )
        whole = "".join(groups)
    if grouping and grouping in fraction:
        raise AmountError(f"{text!r} has a {grouping!r} after the decimal mark {mark!r}")
    whole = whole or "0"
    if len(fraction) > places:
        if fraction[places:].strip("0"):
            raise AmountError(f"{text!r} has more decimals than {currency} allows ({places})")
        fraction = fraction[:places]
    if len(whole) > _MAX_DIGITS:
        raise AmountError(f"{text!r} is too large to be an amount")
    minor: int = int(whole) * 10**places + int(fraction.ljust(places, "0") or "0")
    if minor >= 2**63:  # minor units are int64 in every frame
        raise AmountError(f"{text!r} is too large to be an amount")
    return -minor if negative else minor


def round_to_currency(text: str, currency: str) -> str:
    """A plain decimal text rounded half away from zero to the currency's decimals ('12.345' -> '12.35')."""
    from decimal import ROUND_HALF_UP

    places = currency_decimals(currency)
    return str(Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-currency_decimals(currency))


def from_decimal(value: Decimal, currency: str) -> int:
    """Minor units of a Decimal that must already be exact to the currency's decimals."""
    places = currency_decimals(currency)
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise AmountError(f"{value} has more decimals than {currency} allows ({places})")
    return int(scaled)


def plain_amount(minor: int, currency: str) -> str:
    """The machine form used in JSON and CSV: '1234.50', '-12.00', '1500' for JPY."""
    places = currency_decimals(currency)
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor)).rjust(places + 1, "0")
    if not places:
        return f"{sign}{digits}"
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def format_money(minor: int, currency: str, locale: str) -> str:
    """What a person reads: '€ 1.234,56' in nl_BE, '1 234,56 €' in fr_BE (Babel's format, cached per currency
    and locale: a dunning run formats hundreds of thousands of amounts)."""
    shape = _money_shape(currency, locale)
    if shape is None:
        return _babel_money(minor, currency, locale)
    return shape.format(minor)


def _babel_money(minor: int, currency: str, locale: str) -> str:
    from babel.numbers import format_currency

    return format_currency(to_decimal(minor, currency), currency, locale=locale)


@dataclass(frozen=True, slots=True)
class _MoneyShape:
    """How Babel writes amounts of one currency in one locale: text around the digits, separators, and
    groups of three."""

    places: int
    positive: tuple[str, str]
    negative: tuple[str, str]
    group: str
    decimal: str

    def format(self, minor: int) -> str:
        digits = str(abs(minor)).rjust(self.places + 1, "0")
        whole, fraction = (digits[:-self.places], digits[-self.places:]) if self.places else (digits, "")
        groups = [whole[max(0, end - 3):end] for end in range(len(whole), 0, -3)][::-1]
        number = self.group.join(groups) + (self.decimal + fraction if self.places else "")
        before, after = self.negative if minor < 0 else self.positive
        return f"{before}{number}{after}"


@cache
def _money_shape(currency: str, locale: str) -> _MoneyShape | None:
    """The shape of Babel's amounts, read from a probe and kept only if it reproduces Babel on every probe
    (a locale with other grouping, e.g. no separator in four-digit numbers or Indian lakhs, keeps Babel)."""
    places = currency_decimals(currency)
    probe = 123456789 * 10 ** places + (12 if places else 0)
    positive, negative = _babel_money(probe, currency, locale), _babel_money(-probe, currency, locale)
    span, negative_span = _digit_span(positive), _digit_span(negative)
    if span is None or negative_span is None:
        return None
    (first, last), (negative_first, negative_last) = span, negative_span
    group = positive[first + 3]
    if group.isdecimal() or (places and positive[last - places].isdecimal()):
        return None
    shape = _MoneyShape(places, (positive[:first], positive[last + 1:]),
                        (negative[:negative_first], negative[negative_last + 1:]), group,
                        positive[last - places] if places else "")
    probes = (0, 1, 7, 99, 100, 1234, 12345, 123456, 1234567, 100000000, probe, -1, -1234, -probe)
    if any(shape.format(amount) != _babel_money(amount, currency, locale) for amount in probes):
        return None
    return shape


def _digit_span(text: str) -> tuple[int, int] | None:
    """The positions of the first and the last digit in `text`."""
    found = [i for i, character in enumerate(text) if character.isdecimal()]
    return (found[0], found[-1]) if found else None


def decimal_symbol(locale: str) -> str:
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(locale)
