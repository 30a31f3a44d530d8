"""The law's fixed amounts and scales (the EUR 40, the Dutch WIK scale, the Belgian Book XIX damages scale)
as data: `Limits`, validated by `parse_limits` from the documents io reads — the shipped
dunning/data/limits.yaml, then a workspace's law/limits.yaml, whose entries replace the shipped ones of the
same name. `dunning/costs.py` computes with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from arctl.config import DocumentChecker, problem_report
from arctl.errors import ConfigError
from arctl.model import Located
from arctl.money import currency_decimals, is_currency


@dataclass(frozen=True, slots=True)
class FixedAmount:
    """One amount per late invoice (the EUR 40 of Directive 2011/7/EU art. 6)."""

    amount: Decimal
    currency: str
    source: str = ""
    confidence: str = ""


@dataclass(frozen=True, slots=True)
class Band:
    """The part of the principal from the previous band's `up_to` to this `up_to` (None: the rest), at `percent`."""

    up_to: Decimal | None
    percent: Decimal


@dataclass(frozen=True, slots=True)
class WikScale:
    """The Dutch collection-cost scale: a percentage per band of the principal, the total kept within
    `minimum` and `maximum`."""

    bands: tuple[Band, ...]
    minimum: Decimal
    maximum: Decimal
    currency: str
    source: str = ""
    confidence: str = ""


@dataclass(frozen=True, slots=True)
class Tier:
    """For a balance up to `up_to` (None: any larger balance): `fixed` plus `percent` of the part above `above`."""

    up_to: Decimal | None
    fixed: Decimal
    percent: Decimal = Decimal(0)
    above: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class DamagesScale:
    """The Belgian Book XIX maximum of flat damages by balance: the first tier the balance fits in, at most
    `maximum`."""

    tiers: tuple[Tier, ...]
    maximum: Decimal
    currency: str
    source: str = ""
    confidence: str = ""


@dataclass(frozen=True, slots=True)
class Limits:
    compensation: FixedAmount    # eu_b2b_compensation
    wik: WikScale                # wik
    damages: DamagesScale        # book_xix_damages




LIMIT_ENTRIES = ("eu_b2b_compensation", "wik", "book_xix_damages")
_COMMON = {"says", "source", "confidence", "currency"}
_NUMBER = re.compile(r"\d+(\.\d+)?")
_AMOUNT_FORM = ('an amount in quotes such as "40.00" (digits and a decimal point, no currency sign or thousands '
                'separator)')
_PERCENT_FORM = 'a percentage from 0 to 100 in quotes, such as "15" or "0.5"'


def parse_limits(documents: Sequence[tuple[str, Located]]) -> Limits:
    """Validate the limit documents, each (file as messages name it, parsed YAML), the shipped file first:
    an entry of a later document replaces the entry of the same name of an earlier one as a whole. Every
    problem is listed at once with its file and line, in a ConfigError."""
    entries: dict[str, tuple[DocumentChecker, Located]] = {}
    checkers: list[DocumentChecker] = []
    for source, doc in documents:
        check = DocumentChecker(source)
        checkers.append(check)
        for name, node in check.mapping(doc, "", set(LIMIT_ENTRIES)).items():
            if name in LIMIT_ENTRIES:
                entries[name] = (check, node)
    missing = [name for name in LIMIT_ENTRIES if name not in entries]
    if missing and checkers:
        checkers[0].add(None, ", ".join(missing), "missing entry")
    limits = None
    if not missing:
        limits = Limits(_compensation(*entries["eu_b2b_compensation"]), _wik(*entries["wik"]),
                        _damages(*entries["book_xix_damages"]))
    problems = [problem for check in checkers for problem in check.problems]
    if problems or limits is None:
        raise ConfigError(problem_report(problems, "the law's limits are broken"),
                          hint="an entry of law/limits.yaml replaces the shipped entry of the same name as a whole: "
                               f"copy the complete entry from {documents[0][0] if documents else 'the shipped file'} "
                               "(says, the amounts in quotes, currency, source, confidence V, S or U) and change "
                               "its values")
    return limits


def _entry(check: DocumentChecker, node: Located, name: str, keys: set[str]) -> tuple[dict[str, Located], str, str]:
    """The entry's fields, its currency and confidence; says, source, confidence and currency are required."""
    if not isinstance(node.value, dict):
        check.add(node, name, "expected a mapping with says, source, confidence, currency and the amounts")
        return {}, "EUR", ""
    data = check.mapping(node, name, keys | _COMMON)
    for field in ("says", "source", "confidence", "currency"):
        if field not in data or data[field].value in (None, ""):
            check.add(data.get(field, node), f"{name}.{field}", "missing")
    confidence = check.text(data, "confidence", f"{name}.confidence")
    if confidence and confidence not in ("V", "S", "U"):
        check.add(data["confidence"], f"{name}.confidence",
                  f'expected V (legal text), S (secondary sources) or U (unconfirmed), got "{confidence}"')
    currency = check.text(data, "currency", f"{name}.currency").upper()
    if currency and not is_currency(currency):
        check.add(data["currency"], f"{name}.currency", f'expected an ISO 4217 code such as EUR, got "{currency}"')
    return data, currency if is_currency(currency) else "EUR", confidence


def _number(check: DocumentChecker, data: Mapping[str, Located], field: str, key: str, node: Located,
            currency: str | None, *, required: bool = True) -> Decimal | None:
    """An amount (with `currency`: at most its decimals) or a percentage (currency None: 0 to 100)."""
    form = _AMOUNT_FORM if currency else _PERCENT_FORM
    if field not in data:
        if required:
            check.add(node, key, f"missing: write {form}")
        return None
    if isinstance(data[field].value, (dict, list)):
        check.text(data, field, key)  # reports it
        return None
    text = check.text(data, field, key)
    if not _NUMBER.fullmatch(text) or (currency is None and Decimal(text) > 100):
        check.add(data[field], key, f'expected {form}, got "{text}"')
        return None
    value = Decimal(text)
    exponent = value.as_tuple().exponent  # an int: _NUMBER admits no NaN or infinity
    if currency is not None and isinstance(exponent, int) and -exponent > currency_decimals(currency):
        places = currency_decimals(currency)
        check.add(data[field], key, f'"{text}" has more decimals than {currency} allows ({places})')
        return None
    return value


def _compensation(check: DocumentChecker, node: Located) -> FixedAmount:
    name = "eu_b2b_compensation"
    data, currency, confidence = _entry(check, node, name, {"amount"})
    amount = _number(check, data, "amount", f"{name}.amount", node, currency)
    return FixedAmount(amount or Decimal(0), currency, check.text(data, "source", ""), confidence)


def _bounds(check: DocumentChecker, items: list[Located], key: str, what: str,
            currency: str) -> list[tuple[int, Located, Decimal | None]]:
    """The bands or tiers that are mappings, each with its `up_to` (None for the last): every `up_to` above
    the one before, the last without one."""
    found: list[tuple[int, Located, Decimal | None]] = []
    previous = Decimal(0)
    for index, item in enumerate(items):
        place = f"{key}[{index}]"
        if not isinstance(item.value, dict):
            check.add(item, place, f"expected a {what}: a mapping such as up_to: and percent:")
            continue
        last = index == len(items) - 1
        up_to = _number(check, item.value, "up_to", f"{place}.up_to", item, currency, required=False)
        if last and "up_to" in item.value:
            check.add(item.value["up_to"], f"{place}.up_to",
                      f"the last {what} has no up_to: it covers everything above the {what} before it")
        elif not last and "up_to" not in item.value:
            check.add(item, f"{place}.up_to", f'missing: every {what} but the last says up to which amount it '
                                              f'runs, such as up_to: "2500.00"')
        elif up_to is not None and up_to <= previous:
            check.add(item.value["up_to"], f"{place}.up_to",
                      f"expected more than {previous}: each {what} runs up to a higher amount than the one before")
        if up_to is not None and not last:
            previous = max(previous, up_to)
        found.append((index, item, None if last else up_to))
    return found


def _wik(check: DocumentChecker, node: Located) -> WikScale:
    name = "wik"
    data, currency, confidence = _entry(check, node, name, {"bands", "minimum", "maximum"})
    bands: list[Band] = []
    items = check.sequence(data.get("bands"), f"{name}.bands", "bands")
    if not items:
        check.add(data.get("bands", node), f"{name}.bands", "missing: write at least one band (- percent: \"15\")")
    for index, item, up_to in _bounds(check, items, f"{name}.bands", "band", currency):
        place = f"{name}.bands[{index}]"
        band = check.mapping(item, place, {"up_to", "percent"})
        percent = _number(check, band, "percent", f"{place}.percent", item, None)
        bands.append(Band(up_to, percent if percent is not None else Decimal(0)))
    minimum = _number(check, data, "minimum", f"{name}.minimum", node, currency)
    maximum = _number(check, data, "maximum", f"{name}.maximum", node, currency)
    if minimum is not None and maximum is not None and minimum > maximum:
        check.add(data["minimum"], f"{name}.minimum", f"the minimum {minimum} is more than the maximum {maximum}")
    return WikScale(tuple(bands), minimum or Decimal(0), maximum or Decimal(0), currency,
                    check.text(data, "source", ""), confidence)


def _damages(check: DocumentChecker, node: Located) -> DamagesScale:
    name = "book_xix_damages"
    data, currency, confidence = _entry(check, node, name, {"scale", "maximum"})
    tiers: list[Tier] = []
    items = check.sequence(data.get("scale"), f"{name}.scale", "tiers")
    if not items:
        check.add(data.get("scale", node), f"{name}.scale", "missing: write at least one tier (- fixed: \"20.00\")")
    start = Decimal(0)
    for index, item, up_to in _bounds(check, items, f"{name}.scale", "tier", currency):
        place = f"{name}.scale[{index}]"
        tier = check.mapping(item, place, {"up_to", "fixed", "percent", "above"})
        fixed = _number(check, tier, "fixed", f"{place}.fixed", item, currency)
        percent = _number(check, tier, "percent", f"{place}.percent", item, None, required=False)
        above = _number(check, tier, "above", f"{place}.above", item, currency, required=False)
        if ("percent" in tier) != ("above" in tier):
            check.add(item, place, "percent and above go together: percent of the part of the balance above "
                                   "the amount `above`")
        elif above is not None and above > start:
            check.add(tier["above"], f"{place}.above", f"expected at most {start}, where this tier starts (else the "
                                                       "part above it is negative for the smallest balances)")
        tiers.append(Tier(up_to, fixed or Decimal(0), percent or Decimal(0), above or Decimal(0)))
        if up_to is not None:
            start = up_to
    maximum = _number(check, data, "maximum", f"{name}.maximum", node, currency)
    return DamagesScale(tuple(tiers), maximum or Decimal(0), currency, check.text(data, "source", ""), confidence)
