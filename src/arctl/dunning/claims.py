"""What a dunning step claims beside the open amount: which costs, on which legal basis, to which day (pure).

The rates and limits come in as `Law` (read by the workflow from the shipped data and the workspace's law/
folder); the arithmetic itself is in dunning/costs.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from arctl.dunning.costs import (
    Interest,
    be_consumer_damages_cap,
    eu_b2b_compensation,
    period_interest,
    rounded,
    wik_costs,
)
from arctl.model import ActionLine, Cost, InterestPeriod, Rate
from arctl.money import currency_decimals, from_decimal, to_decimal

RATE_COLUMNS = "valid_from,valid_to,percent,source,confidence"

if TYPE_CHECKING:
    from arctl.dunning.limits import Limits
    from arctl.dunning.plan import Costs, Plan

# statutory: the commercial late-payment rate; legal: the consumer/civil rate of the country
# (a country with no table here claims no interest, unless the workspace provides one: `rate_table_name`)
_INTEREST_TABLES = {("statutory", "BE"): "be-b2b", ("statutory", "NL"): "nl-b2b", ("legal", "NL"): "nl-consumer",
                    ("legal", "BE"): "be-legal"}

_BASIS = {  # (kind, the company's country or "" for any other) -> the legal basis a document can cite
    ("compensation", "BE"): "Law of 2 August 2002, art. 6: fixed compensation of EUR 40 per invoice",
    ("compensation", "NL"): "art. 6:96(4) BW: the WIK scale, at least EUR 40",
    ("compensation", ""): "Directive 2011/7/EU art. 6: fixed compensation per invoice",
    ("statutory", "BE"): "Law of 2 August 2002, art. 5: late-payment interest in commercial transactions",
    ("statutory", "NL"): "art. 6:119a BW: statutory commercial interest",
    ("statutory", ""): "Directive 2011/7/EU art. 3: statutory late-payment interest",
    ("legal", "BE"): "Law of 5 May 1865: legal interest",
    ("legal", "NL"): "art. 6:119 BW: statutory interest",
    ("legal", ""): "the legal interest of the company's country",
    ("fee", ""): "the plan's reminder fee",
    ("damages", ""): "Book XIX CEL art. XIX.2: damages within the legal cap",
    ("collection_costs", ""): "art. 6:96 BW, Besluit BIK 2012: extrajudicial collection costs",
}


def basis(kind: str, company_country: str) -> str:
    return _BASIS.get((kind, company_country)) or _BASIS[(kind, "")]


def interest_table(kind: str, company_country: str, provided: Iterable[str] = ()) -> str | None:
    """The rate table a step's interest of `kind` ("statutory" or "legal") is computed with: a shipped one of
    the company's country, else one the workspace provides under the name `rate_table_name` gives; None when
    there is none (the step then claims no interest and warns)."""
    shipped = _INTEREST_TABLES.get((kind, company_country))
    if shipped is not None:
        return shipped
    wanted = rate_table_name(kind, company_country)
    return wanted if wanted in provided else None


def rate_table_name(kind: str, company_country: str) -> str:
    """The name of the rate table a company of `company_country` needs for interest of `kind`."""
    return _INTEREST_TABLES.get((kind, company_country)) or \
        f"{company_country.lower()}-{'b2b' if kind == 'statutory' else 'legal'}"


@dataclass(frozen=True, slots=True)
class LawNeeds:
    """Which rates and limits the plans' steps may claim with, to read before anything is decided."""

    limits: bool
    tables: tuple[str, ...]


def law_needed(plans: Iterable[Plan], company_country: str, provided: Iterable[str] = ()) -> LawNeeds:
    """`provided`: the rate tables the workspace's law/rates/ holds (a country arctl ships no table for)."""
    specs = [(plan.consumer or company_country, step.costs) for plan in plans for step in plan.steps]
    limits = any(c.compensation or c.damages == "book-xix" or c.collection_costs == "wik" for _, c in specs)
    provided = tuple(provided)
    tables = {interest_table(c.interest, country, provided) for country, c in specs
              if c.interest in ("statutory", "legal")}
    return LawNeeds(limits, tuple(sorted(t for t in tables if t is not None)))


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    """What one unit of a currency is worth in the currency of the law's scales (EUR), as the workspace's
    law/exchange_rates.csv states it, with where it was published and the day it holds for."""

    currency: str
    rate: Decimal
    day: dt.date
    source: str


@dataclass(frozen=True, slots=True)
class Law:
    """The rates and limits a run claims with, the company's country that chooses among them, and the readings
    of unsure law (arctl.yaml `law:`, see config.LawSettings)."""

    company_country: str
    limits: Limits | None = None
    rates: dict[str, tuple[Rate, ...]] = field(default_factory=dict)
    day_count: str = "actual/actual"
    be_consumer_interest_from: str = "waiting_period_end"
    exchange_rates: dict[str, ExchangeRate] = field(default_factory=dict)


def law_for(plan: Plan, law: Law) -> Law:
    """The law a plan's claims follow: a consumer's, that of their country (the consumer plan's `consumer:`,
    Rome I art. 6: a consumer keeps the protection of the law of their habitual residence); a business
    customer's, that of the company's country."""
    if plan.consumer is None or plan.consumer == law.company_country:
        return law
    return replace(law, company_country=plan.consumer)


@dataclass(frozen=True, slots=True)
class Claimed:
    """What the step's invoices stand on besides their open amount today: the customer's open credit notes
    (negative amounts), each invoice's open amount over time (from this day, the amount) and the day its
    interest may start from (a Belgian consumer: the end of the waiting period)."""

    credits: tuple[ActionLine, ...] = ()
    periods: Mapping[str, tuple[tuple[dt.date, int], ...]] = field(default_factory=dict)
    interest_start: Mapping[str, dt.date] = field(default_factory=dict)


def step_costs(spec: Costs, lines: tuple[ActionLine, ...], currency: str, as_of: dt.date,
               law: Law, claimed: Claimed = Claimed()) -> tuple[tuple[Cost, ...], tuple[str, ...]]:
    """What a step adds, and warnings for what it cannot claim: compensation and interest per invoice, a fee,
    damages or collection costs on the balance net of the customer's open credit notes."""
    country = law.company_country
    found: list[Cost] = []
    warnings: list[str] = []
    credit = -sum(line.open_amount for line in claimed.credits)
    balance = max(sum(line.open_amount for line in lines) - credit, 0)
    limits = law.limits
    if spec.compensation:
        assert limits is not None, "law_needed() reads the limits a plan's compensation claims with"
        found += _compensation(lines, currency, law, limits, warnings)
    if spec.interest in ("statutory", "legal"):
        found += _interest(spec.interest, lines, currency, as_of, law, claimed, warnings)
    if spec.fee is not None and spec.fee.currency == currency:
        found.append(Cost("fee", spec.fee.amount, basis("fee", country)))
    if spec.damages == "book-xix":
        assert limits is not None
        found += _scaled("damages", "Book XIX scale", limits.damages.currency, balance, currency, law, warnings,
                         lambda amount, cur: be_consumer_damages_cap(amount, cur, limits=limits))
    if spec.collection_costs == "wik":
        assert limits is not None
        found += _scaled("collection_costs", "WIK scale", limits.wik.currency, balance, currency, law, warnings,
                         lambda amount, cur: wik_costs(amount, cur, limits=limits))
    return tuple(found), tuple(warnings)


def announced_costs(later: Iterable[Costs], lines: tuple[ActionLine, ...], currency: str, as_of: dt.date,
                    law: Law, claimed: Claimed = Claimed()) -> tuple[Cost, ...]:
    """What the plan's later steps would add on these invoices, so that a letter can state it (a Belgian
    consumer's first reminder names the damages, a Dutch 14-day letter the exact WIK amount): the first cost
    of each kind at today's balance; interest only by its legal basis (amount 0: it grows until paid)."""
    found: dict[str, Cost] = {}
    country = law.company_country
    for spec in later:
        if spec.interest in ("statutory", "legal") and "interest" not in found and \
                interest_table(spec.interest, country, law.rates) is not None:
            found["interest"] = Cost("interest", 0, basis(spec.interest, country))
        rest = replace(spec, interest=None)
        if rest:
            for cost in step_costs(rest, lines, currency, as_of, law, claimed)[0]:
                found.setdefault(cost.kind, cost)
    return tuple(cost for kind, cost in found.items() if kind != "interest") + \
        tuple(cost for kind, cost in found.items() if kind == "interest")


def _compensation(lines: tuple[ActionLine, ...], currency: str, law: Law, limits: Limits,
                  warnings: list[str]) -> list[Cost]:
    country = law.company_country
    fixed = limits.wik if country == "NL" else limits.compensation
    if currency == fixed.currency:
        amount = sum(eu_b2b_compensation(country, line.open_amount, currency, limits=limits) for line in lines)
        return [Cost("compensation", amount, basis("compensation", country))]
    exchange = law.exchange_rates.get(currency)
    if exchange is None:
        flat = limits.compensation
        what = "WIK scale" if country == "NL" else f"{flat.currency} {flat.amount}"
        warnings.append(f"compensation left out: the {what} applies to {fixed.currency} invoices ({currency} here; "
                        f"add a rate for {currency} to law/exchange_rates.csv to claim it)")
        return []
    amount = sum(_in_currency(eu_b2b_compensation(country, _to_scale(line.open_amount, currency, exchange,
                                                                     fixed.currency),
                                                  fixed.currency, limits=limits), fixed.currency, exchange, currency)
                 for line in lines)
    return [Cost("compensation", amount, f"{basis('compensation', country)}; {_stated(exchange, fixed.currency)}")]


def _scaled(kind: str, what: str, scale_currency: str, balance: int, currency: str, law: Law, warnings: list[str],
            scale: Callable[[int, str], int]) -> list[Cost]:
    """A cost by an amount scale of the law (in EUR): on a claim in another currency only through the
    workspace's exchange rate, converted back and rounded down; else none, with a warning."""
    country = law.company_country
    if currency == scale_currency:
        return [Cost(kind, scale(balance, currency), basis(kind, country))]
    exchange = law.exchange_rates.get(currency)
    if exchange is None:
        warnings.append(f"{kind.replace('_', ' ')} left out: the {what} is in {scale_currency} and this claim in "
                        f"{currency}; add a rate for {currency} to law/exchange_rates.csv to claim it")
        return []
    amount = _in_currency(scale(_to_scale(balance, currency, exchange, scale_currency), scale_currency),
                          scale_currency, exchange, currency)
    return [Cost(kind, amount, f"{basis(kind, country)}; {_stated(exchange, scale_currency)}")]


def _to_scale(amount: int, currency: str, exchange: ExchangeRate, scale_currency: str) -> int:
    """A claim in the scale's currency, rounded down (a scale never applies to more than was owed)."""
    value = to_decimal(amount, currency) * exchange.rate
    return from_decimal(value.quantize(Decimal(1).scaleb(-currency_decimals(scale_currency)), rounding=ROUND_DOWN),
                        scale_currency)


def _in_currency(amount: int, scale_currency: str, exchange: ExchangeRate, currency: str) -> int:
    """A scale's result back in the claim's currency, rounded down (a legal maximum)."""
    value = to_decimal(amount, scale_currency) / exchange.rate
    return from_decimal(value.quantize(Decimal(1).scaleb(-currency_decimals(currency)), rounding=ROUND_DOWN),
                        currency)


def _stated(exchange: ExchangeRate, scale_currency: str) -> str:
    return (f"converted at 1 {exchange.currency} = {exchange.rate} {scale_currency} "
            f"({exchange.source}, {exchange.day.isoformat()})")


def _interest(kind: str, lines: tuple[ActionLine, ...], currency: str, as_of: dt.date, law: Law, claimed: Claimed,
              warnings: list[str]) -> list[Cost]:
    """Interest per invoice on its open amount over time, from the day after its due date (or the day the
    law lets it start), net of the customer's credit notes from their date, oldest invoice first."""
    country = law.company_country
    table = interest_table(kind, country, law.rates)
    if table is None:
        warnings.append(f"interest left out: arctl ships no {kind} interest rate table for {country}; add "
                        f"law/rates/{rate_table_name(kind, country)}.csv to the workspace (columns {RATE_COLUMNS})")
        return []
    total = 0
    listed: list[InterestPeriod] = []
    credited = _credited(lines, claimed.credits)
    for line in lines:
        assert line.due_date is not None, "a step's invoice has a due date"
        periods = _less(claimed.periods.get(line.invoice_id) or ((line.due_date, line.open_amount),),
                        credited.get(line.invoice_id, ()))
        due = line.due_date
        start = claimed.interest_start.get(line.invoice_id)
        if start is not None and start - dt.timedelta(days=1) > due:
            due = start - dt.timedelta(days=1)
        interest = period_interest(periods, currency, due, as_of, law.rates[table], compound_yearly=country == "NL",
                                   table=table, day_count=law.day_count)
        total += interest.amount
        listed += interest_periods(line.invoice_id, interest)
        warnings.extend(w for w in interest.warnings if w not in warnings)
    return [Cost("interest", total, f"{basis(kind, country)} (rates: {table})", as_of, tuple(listed))]


def interest_periods(invoice_id: str, interest: Interest) -> list[InterestPeriod]:
    """An invoice's interest per period, rate and principal, as a letter lists it."""
    return [InterestPeriod(invoice_id, piece.start, piece.end, piece.days, f"{piece.percent:.2f}", piece.principal,
                           from_decimal(rounded(piece.exact, interest.currency), interest.currency))
            for piece in interest.slices]


def _credited(lines: tuple[ActionLine, ...], credits: tuple[ActionLine, ...]
              ) -> dict[str, list[tuple[dt.date, int]]]:
    """The customer's credit notes set against the invoices, oldest invoice first: per invoice, from which day
    (the credit note's date) how much less it owed."""
    found: dict[str, list[tuple[dt.date, int]]] = {}
    left = {line.invoice_id: line.open_amount for line in lines}
    ordered = sorted(lines, key=lambda line: (line.due_date or dt.date.min, line.invoice_id))
    for note in sorted(credits, key=lambda n: (n.due_date or dt.date.min, n.invoice_id)):
        amount = -note.open_amount
        for line in ordered:
            part = min(amount, left[line.invoice_id])
            if part <= 0:
                continue
            left[line.invoice_id] -= part
            amount -= part  # a credit note of unknown date counts from the start: the reading that claims less
            found.setdefault(line.invoice_id, []).append((note.due_date or dt.date.min, part))
    return found


def _less(periods: tuple[tuple[dt.date, int], ...], credited: Iterable[tuple[dt.date, int]]
          ) -> tuple[tuple[dt.date, int], ...]:
    """The open amount over time less what credit notes took off from their dates."""
    days = sorted({day for day, _ in periods} | {day for day, _ in credited})
    ordered = sorted(periods)
    result = []
    for day in days:
        owed = next((amount for start, amount in reversed(ordered) if start <= day), ordered[0][1])
        result.append((day, max(owed - sum(part for start, part in credited if start <= day), 0)))
    return tuple(result)
