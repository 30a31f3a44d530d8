"""The filters dunning templates format with: `money`, `date`, `ogm`, `iban` and `qr`.

Templates receive raw values (amounts in minor units, dates as dates) and format them here, in the
document's locale (the template context's `locale`) unless a filter is given another:

    {{ line.open_amount | money }}            € 1.234,56 (nl_BE), 1 234,56 € (fr_BE); currency: the document's
    {{ cost.amount | money("USD") }}          another currency
    {{ pay_by | date }}  {{ pay_by | date("short") }}   5 december 2026 / 05-12-2026 (Babel's formats)
    {{ payment.reference | ogm }}             +++010/8068/17183+++ (an RF reference in groups of four)
    {{ company.iban | iban }}                 BE05 0681 2345 6775
    {{ payment | qr }}                        the SEPA payment QR code (EPC069-12) as inline SVG; nothing
                                              when the payment is not in EUR or has no IBAN or amount
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from arctl.money import format_money
from arctl.refs import format_ogm, format_rf, parse_reference
from arctl.render.epc_qr import epc_payload, qr_svg

DEFAULT_LOCALE = "en"


def _locale(context: Context) -> str:
    return str(context.get("locale") or DEFAULT_LOCALE)


@pass_context
def money(context: Context, minor: int | None, currency: str | None = None) -> str:
    if minor is None:
        return ""
    return format_money(int(minor), currency or str(context.get("currency") or "EUR"), _locale(context))


@pass_context
def date(context: Context, day: dt.date | None, form: str = "long") -> str:
    if day is None or day == "":
        return ""
    if not isinstance(day, dt.date):
        raise TypeError(f"the date filter expects a date, got {day!r}")
    return _formatted_date(day, form, _locale(context))


@lru_cache(maxsize=4096)
def _formatted_date(day: dt.date, form: str, locale: str) -> str:
    """Babel's date in `locale`; the same few days recur in every letter of a run."""
    from babel.dates import format_date

    return format_date(day, format=form, locale=locale)


def ogm(reference: str | None) -> str:
    """A payment reference as it is printed: an OGM as +++ddd/dddd/ddddd+++, an RF reference in groups of
    four, anything else as it is."""
    if not reference:
        return ""
    found = parse_reference(str(reference), assume_ogm=True)
    if found is not None and found.kind == "ogm":
        return format_ogm(found.value)
    if found is not None and found.kind == "rf":
        return format_rf(found.value)
    return str(reference)


def iban(number: str | None) -> str:
    compact = re.sub(r"\s+", "", str(number or "")).upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def qr(payment: Any, scale: int = 3) -> Markup:
    """`payment`: an object with name, iban, bic, amount (minor units), currency and reference (the
    document's `payment`), and optionally `text`: the remittance information when there is no reference."""
    if payment is None:
        return Markup("")
    payload = epc_payload(payment.name, payment.iban, payment.bic, payment.amount, payment.currency,
                          payment.reference, getattr(payment, "text", ""))
    return Markup(qr_svg(payload, scale=scale)) if payload else Markup("")


@pass_context
def percent(context: Context, value: str | None) -> str:
    """A rate as the rate table writes it ("10.50") in the locale's way: 10,50 % (nl_BE), 10.50% (en)."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    if value is None or value == "":
        return ""
    number = format_decimal(Decimal(str(value)), format="#,##0.00", locale=_locale(context))
    return f"{number}\u00a0%" if not _locale(context).startswith("en") else f"{number}%"


FILTERS = {"money": money, "date": date, "ogm": ogm, "iban": iban, "qr": qr, "percent": percent}
