"""What a dunning step claims beside the open amount: which costs, on which legal basis, to which day (pure).

The rates and limits come in as `Law` (read by the workflow from the shipped data and the workspace's law/
folder); the arithmetic itself is in dunning/costs.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from arctl.dunning.costs import be_consumer_damages_cap, eu_b2b_compensation, statutory_interest, wik_costs
from arctl.model import ActionLine, Cost, Rate

if TYPE_CHECKING:
    from arctl.dunning.limits import Limits
    from arctl.dunning.plan import Costs, Plan

# statutory: the commercial late-payment rate; legal: the consumer/civil rate of the country
_INTEREST_TABLES = {("statutory", "NL"): "nl-b2b", ("legal", "NL"): "nl-consumer", ("legal", "BE"): "be-legal"}

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


def interest_table(kind: str, company_country: str) -> str:
    """The rate table a step's interest of `kind` ("statutory" or "legal") is computed with."""
    return _INTEREST_TABLES.get((kind, company_country), "be-b2b")


@dataclass(frozen=True, slots=True)
class LawNeeds:
    """Which rates and limits the plans' steps may claim with, to read before anything is decided."""

    limits: bool
    tables: tuple[str, ...]


def law_needed(plans: Iterable[Plan], company_country: str) -> LawNeeds:
    specs = [step.costs for plan in plans for step in plan.steps]
    limits = any(c.compensation or c.damages == "book-xix" or c.collection_costs == "wik" for c in specs)
    tables = {interest_table(c.interest, company_country) for c in specs if c.interest in ("statutory", "legal")}
    return LawNeeds(limits, tuple(sorted(tables)))


@dataclass(frozen=True, slots=True)
class Law:
    """The rates and limits a run claims with, and the company's country that chooses among them."""

    company_country: str
    limits: Limits | None = None
    rates: dict[str, tuple[Rate, ...]] = field(default_factory=dict)


def step_costs(spec: Costs, lines: tuple[ActionLine, ...], currency: str, as_of: dt.date,
               law: Law) -> tuple[tuple[Cost, ...], tuple[str, ...]]:
    """What a step adds, and warnings for what it cannot claim: compensation and interest per invoice, a fee,
    damages or collection costs on the principal."""
    country = law.company_country
    found: list[Cost] = []
    warnings: list[str] = []
    principal = sum(line.open_amount for line in lines)
    limits = law.limits
    if spec.compensation:
        assert limits is not None, "law_needed() reads the limits a plan's compensation claims with"
        fixed = limits.wik if country == "NL" else limits.compensation
        if currency != fixed.currency:
            flat = limits.compensation
            what = "WIK scale" if country == "NL" else f"{flat.currency} {flat.amount}"
            warnings.append(f"compensation left out: the {what} applies to {fixed.currency} invoices ({currency} here)")
        else:
            amount = sum(eu_b2b_compensation(country, line.open_amount, currency, limits=limits)
                         for line in lines)
            found.append(Cost("compensation", amount, basis("compensation", country)))
    if spec.interest in ("statutory", "legal"):
        table = interest_table(spec.interest, country)
        total = 0
        for line in lines:
            assert line.due_date is not None, "a step's invoice has a due date"
            interest = statutory_interest(line.open_amount, currency, line.due_date, as_of, law.rates[table],
                                              compound_yearly=country == "NL", table=table)
            total += interest.amount
            warnings.extend(w for w in interest.warnings if w not in warnings)
        found.append(Cost("interest", total, f"{basis(spec.interest, country)} (rates: {table})", as_of))
    if spec.fee is not None and spec.fee.currency == currency:
        found.append(Cost("fee", spec.fee.amount, basis("fee", country)))
    if spec.damages == "book-xix":
        assert limits is not None
        found.append(Cost("damages", be_consumer_damages_cap(principal, currency, limits=limits),
                          basis("damages", country)))
    if spec.collection_costs == "wik":
        assert limits is not None
        found.append(Cost("collection_costs", wik_costs(principal, currency, limits=limits),
                          basis("collection_costs", country)))
    return tuple(found), tuple(warnings)
