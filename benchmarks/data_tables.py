"""Benchmark data, the tables: customers (one Python loop over N/20 customers) and invoices (numpy, no per-row loop).

Used by benchmarks/data.py, which writes the files; see its docstring for what is made and why. The reference data
(names, cities, streets, banks, amount bands, payment profiles) and the per-customer helpers (VAT numbers, IBANs,
phones, addresses) are the demo generator's, examples/generate.py, imported from it: the same companies and the same
shape of ledger as the demo, scaled. Its per-invoice dataclasses are too slow for a million rows, so the invoices are
drawn here as columns with the same rules (payment profiles per aging bucket, net price plus VAT, 3 % credit notes,
15 % partly paid, numbering by issue date per year with gaps for the invoices already paid).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np
from examples import generate as demo

EPOCH = dt.date(1970, 1, 1)
# (weight, country): the demo's Belgian company's customers, plus its export customers (US pays in USD)
COUNTRY_WEIGHTS = ((540, "BE"), (235, "NL"), (60, "DE"), (47, "FR"), (38, "LU"), (20, "AT"), (40, "US"),
                   (15, "GB"), (5, "IE"))
CONSUMER_PERCENT = 8          # of the Belgian and Dutch customers
HEAVY_PERCENT = 3             # key accounts with many open items
CREDIT_NOTE_PERCENT = 3
PART_PAID_PERCENT = 15        # of the invoices of at least 20.00
REFERENCE_PERCENT = 72        # invoices printed with a structured reference (OGM, or RF outside Belgium)
PROFILE_NAMES = tuple(name for name, _ in demo.PROFILE_WEIGHTS)
NONE, OGM, RF = 0, 1, 2       # InvoiceTable.ref_kind


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


@dataclass(frozen=True)
class CustomerTable:
    """One entry per customer, in customer-id order; `rows` are the customer master's CSV rows."""

    ids: list[str]
    names: list[str]
    emails: list[str]
    languages: list[str]
    ibans: list[list[str]]
    rows: list[tuple[str, ...]]
    country: np.ndarray      # country codes (str)
    consumer: np.ndarray     # bool
    usd: np.ndarray          # bool: invoiced in USD
    heavy: np.ndarray        # bool
    profile: np.ndarray      # index into PROFILE_NAMES
    term: np.ndarray         # payment term in days

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class InvoiceTable:
    """One entry per invoice or credit note, sorted by customer, issue date and number. Days are days since 1970."""

    cust: np.ndarray         # customer index
    credit: np.ndarray       # bool: a credit note (negative amounts)
    issue: np.ndarray
    due: np.ndarray
    amount: np.ndarray       # int64 minor units
    open: np.ndarray         # int64 minor units
    part_paid: np.ndarray    # bool
    year: np.ndarray
    seq: np.ndarray          # number within the year
    width: int               # digits of seq in the invoice number
    ref_kind: np.ndarray     # NONE, OGM, RF
    usd: np.ndarray          # bool

    def __len__(self) -> int:
        return len(self.cust)


# --- customers ----------------------------------------------------------------------------------------------------


class _Names:
    """Unique names (compared as their ASCII slug, as the matcher compares names): a taken one gets its city, then
    a number, instead of the demo's 40 redraws, which saturate at tens of thousands of customers."""

    def __init__(self) -> None:
        self.taken: dict[str, int] = {}

    def unique(self, name: str, place: str) -> str:
        for candidate in (name, f"{name} {place}"):
            key = demo.ascii_slug(candidate)
            if key not in self.taken:
                self.taken[key] = 1
                return candidate
        key = demo.ascii_slug(candidate)
        self.taken[key] += 1
        numbered = f"{candidate} {self.taken[key]}"
        self.taken[demo.ascii_slug(numbered)] = 1
        return numbered


def _company_core(rng: random.Random, spec: dict) -> str:
    template = demo.weighted(rng, spec["templates"])
    values = {key: rng.choice(spec[key]) for key in ("trade", "sector", "place") if key in spec}
    if "surname" in spec:
        values["surname"] = demo.capitalise(rng.choice(spec["surname"]))
        others = [s for s in spec["surname"] if demo.capitalise(s) != values["surname"]]
        values["surname2"] = demo.capitalise(rng.choice(others))
    return str(template.format(**values))


def _ibans(rng: random.Random, country: str, consumer: bool, taken: set[str]) -> list[str]:
    found = []
    for account in demo.customer_ibans(rng, country, consumer):
        while account in taken:
            account = demo.iban(country, demo.bban_for(rng, country))
        taken.add(account)
        found.append(account)
    return found


def _customer(rng: random.Random, cid: str, country: str, consumer: bool, names: _Names,
              taken_ibans: set[str]) -> tuple:
    postal_spec, city, area, city_lang = rng.choice(demo.CITIES[country])
    language = demo.customer_language(rng, country, city_lang)
    key, tld, place = (country, language), demo.EMAIL_TLD[country], city.split(",")[0]
    if consumer:
        first, last = rng.choice(demo.FIRST_NAMES[key]), rng.choice(demo.CONSUMER_SURNAMES[key])
        name = names.unique(f"{first} {last}", place)
        email = f"{demo.ascii_slug(name, '.')}@example.{tld}"
    else:
        spec = demo.NAME_SPECS[key]
        core = names.unique(_company_core(rng, spec), place)
        form = demo.weighted(rng, spec["form"])
        name = f"{core}{form}" if form.startswith(",") else " ".join(f"{core} {form}".split())
        email = f"{rng.choice(demo.EMAIL_ROLES[language])}@{demo.ascii_slug(core)}.example.{tld}"
    email = email if rng.randrange(100) >= 3 else ""
    street = demo.street_line(rng, country, language)
    postal = demo.postal_code(rng, country, postal_spec)
    phone = demo.phone_number(rng, country, area, consumer or rng.randrange(6) == 0)
    vat = "" if consumer or country not in demo.VAT_MAKERS else demo.VAT_MAKERS[country](rng)
    ibans = _ibans(rng, country, consumer, taken_ibans)
    segment = demo.weighted(rng, ((80, ""), (20, "standard")) if consumer else
                            ((8, "key"), (62, "standard"), (30, "")))
    term = demo.weighted(rng, ((12, 14), (72, 30), (16, 60)))
    profile = demo.weighted(rng, tuple((w, i) for i, (_, w) in enumerate(demo.PROFILE_WEIGHTS)))
    row = (cid, name, email, phone, language, country, street, postal, city, vat, segment,
           "yes" if consumer else "no", " ".join(ibans))
    return row, ibans, term, profile


def make_customers(seed: int, count: int) -> CustomerTable:
    """`count` customers from random.Random(seed): countries apportioned as COUNTRY_WEIGHTS, 8 % of the Belgian and
    Dutch ones consumers, 3 % of the companies key accounts with many open items."""
    rng = random.Random(seed)
    countries = demo.country_list(rng, count, COUNTRY_WEIGHTS)
    eligible = [i for i, country in enumerate(countries) if country in ("BE", "NL")]
    consumers = set(rng.sample(eligible, min(len(eligible), round(len(eligible) * CONSUMER_PERCENT / 100))))
    width = max(5, len(str(count)))
    names, taken_ibans = _Names(), set()
    made = [_customer(rng, f"K{i + 1:0{width}d}", country, i in consumers, names, taken_ibans)
            for i, country in enumerate(countries)]
    rows = [m[0] for m in made]
    consumer = np.array([i in consumers for i in range(count)], dtype=bool)
    heavy = np.zeros(count, dtype=bool)
    companies = [i for i in range(count) if not consumer[i]]
    heavy[rng.sample(companies, min(len(companies), max(1, round(count * HEAVY_PERCENT / 100))))] = True
    country = np.array(countries, dtype=object)
    return CustomerTable(
        ids=[r[0] for r in rows], names=[r[1] for r in rows], emails=[r[2] for r in rows],
        languages=[r[4] for r in rows], ibans=[m[1] for m in made], rows=rows, country=country,
        consumer=consumer, usd=country == "US", heavy=heavy,
        profile=np.array([m[3] for m in made], dtype=np.int8), term=np.array([m[2] for m in made], dtype=np.int16))


# --- invoices -----------------------------------------------------------------------------------------------------


def _weekday(days: np.ndarray, first: int, last: int) -> np.ndarray:
    """Issued on working days: a weekend date moves back to Friday, or to Monday when Friday is before `first`."""
    weekday = (days + 3) % 7          # 1970-01-01 was a Thursday; Monday is 0
    back = days - np.maximum(weekday - 4, 0)
    forward = days + np.where(weekday >= 5, 7 - weekday, 0)
    return np.where(back >= first, back, np.where(forward <= last, forward, days))


def _draw_bands(rng: np.random.Generator, bands: tuple, count: int) -> np.ndarray:
    weights = np.array([band[0] for band in bands], dtype=float)
    pick = rng.choice(len(bands), size=count, p=weights / weights.sum())
    low = np.array([band[1] for band in bands])[pick]
    high = np.array([band[2] for band in bands])[pick]
    return low + (rng.random(count) * (high - low + 1)).astype(np.int64)


def _amounts(rng: np.random.Generator, cust: CustomerTable, idx: np.ndarray, credit: np.ndarray) -> tuple:
    """(gross, net) in cents, as the demo's gross_amount: a net price, often whole units, plus VAT rounded half up."""
    count = len(idx)
    country, consumer = cust.country[idx], cust.consumer[idx]
    eu = np.isin(country, demo.EU_COUNTRIES)
    rate = np.where(country == "BE", np.where(rng.random(count) < 0.1, 6, 21),
                    np.where(consumer & eu, 21, 0)).astype(np.int64)
    target = np.zeros(count, dtype=np.int64)
    kinds = np.where(credit, 3, np.where(cust.usd[idx], 2, np.where(consumer, 1, 0)))
    for kind, bands in enumerate((demo.B2B_BANDS, demo.CONSUMER_BANDS, demo.EXPORT_BANDS, demo.CREDIT_BANDS)):
        chosen = kinds == kind
        target[chosen] = _draw_bands(rng, bands, int(chosen.sum()))
    net = (target * 100 + (100 + rate) // 2) // (100 + rate)
    net = np.where(rng.random(count) < 0.35, np.maximum(100, (net + 50) // 100 * 100), net)
    return net + (net * rate + 50) // 100, net


def _open_after_partial(rng: np.random.Generator, amount: np.ndarray, net: np.ndarray, usd: np.ndarray) -> np.ndarray:
    """The demo's open_after_partial_payment, per column: an instalment, half, net only or bank charges."""
    count = len(amount)
    roll = rng.random(count) * np.where(usd, 115, 90)      # weights 50, 20, 15 and charges 5 (30 for exports)
    kind = np.searchsorted(np.array([50, 70, 85]), roll, side="right")
    paid = amount * rng.integers(10, 91, count) // 100 // 1_000 * 1_000
    instalment = np.where((paid > 0) & (paid < amount), amount - paid, amount - amount // 2)
    charges = np.array([750, 1_000, 1_500, 2_500, 3_500])[rng.integers(0, 5, count)]
    vat = amount - net
    return np.select([(kind == 2) & (vat > 0) & (vat < amount), (kind == 3) & (amount >= 20_000), kind == 1],
                     [vat, charges, amount - amount // 2], instalment)


def _document_counts(rng: np.random.Generator, cust: CustomerTable, count: int) -> np.ndarray:
    """At least one document per customer; the rest drawn by weight (key accounts many, consumers few)."""
    weights = rng.lognormal(0.0, 0.7, len(cust)) * np.where(cust.heavy, 6.0, 1.0) * np.where(cust.consumer, 0.3, 1.0)
    return 1 + rng.multinomial(count - len(cust), weights / weights.sum())


def _dates(rng: np.random.Generator, cust: CustomerTable, idx: np.ndarray, credit: np.ndarray,
           as_of: int, first: int) -> tuple[np.ndarray, np.ndarray]:
    """Issue and due dates: invoices by their customer's payment profile (the demo's bucket weights), credit
    notes younger on the whole, due on their issue date."""
    count, span = len(idx), as_of - first
    term = np.where(rng.random(count) < 0.1, np.array([14, 30, 60])[rng.integers(0, 3, count)], cust.term[idx])
    weights = np.array([demo.PROFILES[name] for name in PROFILE_NAMES], dtype=float)
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    bucket = (rng.random(count)[:, None] >= cumulative[cust.profile[idx]]).sum(axis=1).clip(0, 4)
    low = np.array([0, 1, 31, 61, 91])[bucket] - np.where(bucket == 0, term, 0)
    high = np.where(bucket == 4, span - term, np.array([0, 30, 60, 90, 0])[bucket])
    overdue = low + (rng.random(count) * (np.maximum(high, low) - low + 1)).astype(np.int64)
    issue = np.maximum(as_of - overdue - term, first)
    older = rng.integers(0, span + 1, count)
    credit_age = (rng.random(count) * (older + 1)).astype(np.int64)
    issue = _weekday(np.where(credit, as_of - credit_age, issue), first, as_of)
    return issue, np.where(credit, issue, issue + term)


def _numbers(rng: np.random.Generator, issue: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(year, number within the year, digits): numbered by issue date per year, with gaps for the invoices already
    paid (a third of the numbers, fewer where a year holds nearly a million invoices); the year the period starts
    in continues a sequence begun before the period."""
    years = (issue.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16)
    seq = np.zeros(len(issue), dtype=np.int64)
    first_day = day_of(first)
    daily = max(1, round(len(issue) * 1.25 / 365))
    for year in np.unique(years):
        members = np.flatnonzero(years == year)
        order = members[np.lexsort((members, issue[members]))]
        offset = (first_day - dt.date(int(year), 1, 1)).days * daily if first_day.year == year else 0
        # numbers skipped (the paid invoices between): half a number on average, less where a year's invoices
        # would not fit six digits otherwise
        gap = min(1.0, max(0.0, 2 * (999_000 / len(order) - 1)))
        position = np.floor(np.cumsum(1.0 + rng.random(len(order)) * gap)).astype(np.int64)
        room = 999_999 - position[-1]
        seq[order] = position + max(0, min(offset, room))
    return years, seq, max(6, len(str(int(seq.max()))))


def make_invoices(seed: int, cust: CustomerTable, count: int, as_of: dt.date, first: dt.date) -> InvoiceTable:
    """`count` documents over the customers, drawn from numpy's generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    owner = np.repeat(np.arange(len(cust)), _document_counts(rng, cust, count))
    credit = rng.random(count) < CREDIT_NOTE_PERCENT / 100
    issue, due = _dates(rng, cust, owner, credit, day_number(as_of), day_number(first))
    gross, net = _amounts(rng, cust, owner, credit)
    amount = np.where(credit, -gross, gross)
    usd = cust.usd[owner]
    partial = ~credit & (amount >= 2_000) & (rng.random(count) < PART_PAID_PERCENT / 100)
    open_amount = amount.copy()
    open_amount[partial] = _open_after_partial(rng, amount[partial], net[partial], usd[partial])
    years, seq, width = _numbers(rng, issue, day_number(first))
    referenced = ~credit & (rng.random(count) < REFERENCE_PERCENT / 100)
    rf = (cust.country[owner] != "BE") & (rng.random(count) < 0.5)
    ref_kind = np.where(referenced, np.where(rf, RF, OGM), NONE).astype(np.int8)
    order = np.lexsort((seq, years, issue, owner))
    return InvoiceTable(cust=owner[order], credit=credit[order], issue=issue[order], due=due[order],
                        amount=amount[order], open=open_amount[order], part_paid=partial[order], year=years[order],
                        seq=seq[order], width=width, ref_kind=ref_kind[order], usd=usd[order])


# --- what is written for an invoice ---------------------------------------------------------------------------------


def invoice_numbers(inv: InvoiceTable, idx: np.ndarray) -> list[str]:
    """'2026-012345': year, dash, the number within the year."""
    width = inv.width
    return [f"{y}-{s:0{width}d}" for y, s in zip(inv.year[idx].tolist(), inv.seq[idx].tolist(), strict=True)]


def reference_bases(inv: InvoiceTable, idx: np.ndarray) -> np.ndarray:
    """The digits of the invoice number (year and number): the OGM base and the RF body arctl itself derives from
    the number (refs.ogm_for_invoice, refs.rf_for_invoice), so that printed and derived references agree."""
    if inv.width > 6:   # more than a million invoices in a year: the two-digit year and eight digits
        return inv.year[idx].astype(np.int64) % 100 * 10 ** 8 + inv.seq[idx]
    return inv.year[idx].astype(np.int64) * 10 ** inv.width + inv.seq[idx]


def ogm_digits(bases: np.ndarray) -> list[str]:
    """The 12 digits of each base's OGM: the base and its mod-97 check (97 for 0)."""
    check = bases % 97
    check = np.where(check == 0, 97, check)
    return [f"{b:010d}{c:02d}" for b, c in zip(bases.tolist(), check.tolist(), strict=True)]


def rf_compact(bases: np.ndarray) -> list[str]:
    """ISO 11649 'RF18' + base: the check digits are 98 - (base, 'RF' as 2715, '00') mod 97."""
    check = 98 - (bases % 97 * (10 ** 6 % 97) + 271_500) % 97
    return [f"RF{c:02d}{b}" for b, c in zip(bases.tolist(), check.tolist(), strict=True)]


def printed_references(inv: InvoiceTable, idx: np.ndarray) -> list[str]:
    """As the invoice prints them: '+++202/6012/34502+++', 'RF18 2026 0123 45', or ''."""
    kinds = inv.ref_kind[idx]
    bases = reference_bases(inv, idx)
    texts = np.full(len(idx), "", dtype=object)
    ogm = kinds == OGM
    texts[ogm] = [f"+++{d[:3]}/{d[3:7]}/{d[7:]}+++" for d in ogm_digits(bases[ogm])]
    rf = kinds == RF
    texts[rf] = [" ".join(r[i:i + 4] for i in range(0, len(r), 4)) for r in rf_compact(bases[rf])]
    return texts.tolist()
