"""Reading a conversion-rates file for `aging --currency X --rates FILE`: `currency,rate` per line, where one unit
of the currency is `rate` units of the report's currency (a header line `currency,rate` may come first)."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from arctl.errors import InputError, UsageError
from arctl.model import AgingRate
from arctl.money import is_currency


def read_rates(path: Path) -> tuple[AgingRate, ...]:
    """The rates of `path`, each as written; `,` or `;` between the cells, a decimal point (or, with `;`, a
    decimal comma). Every bad line is an InputError naming the file, line and cell."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"--rates {path}: cannot read it: {exc.strerror or exc}",
                         hint="name a CSV file with lines such as USD,0.92") from exc
    delimiter = ";" if text.count(";") > text.count(",") else ","
    rates: dict[str, AgingRate] = {}
    for line, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (line == 1 and [c.lower() for c in cells[:2]] == ["currency", "rate"]):
            continue
        if len(cells) != 2:
            raise InputError(f"{path}:{line}: expected two cells, currency and rate, got {len(cells)}",
                             hint="write one line per currency, e.g. USD,0.92")
        currency, written = cells[0].upper(), cells[1]
        if not is_currency(currency):
            raise InputError(f"{path}:{line}:currency: {cells[0]!r} is not an ISO 4217 currency code",
                             hint="e.g. USD, GBP, CHF")
        rate = _rate(written.replace(",", ".") if delimiter == ";" else written)
        if rate is None:
            raise InputError(f"{path}:{line}:rate: {written!r} is not a positive decimal number",
                             hint="write it with a decimal point, e.g. 0.92")
        if currency in rates and rates[currency].rate != str(rate):
            raise InputError(f"{path}:{line}:currency: {currency} has a rate already (line before)",
                             hint="keep one rate per currency")
        rates[currency] = AgingRate(currency, str(rate))
    return tuple(rates[c] for c in sorted(rates))


def _rate(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None
