"""The matcher: bank credits against open invoices, in passes from most to least certain.

1. a valid structured reference of an invoice;
2. invoice numbers found in the remittance text;
3. a payer known by IBAN (or, more weakly, by name) whose amount fits one open invoice or a small
   combination of them, credit notes included;
4. everything else stays unmatched, with the reason.

Each pass only looks at the lines the passes before it left. `auto` matches are applied in booking
order against what is still open; `suggested` ones wait for a person and hold their line.

The matcher never guesses between conflicting evidence: when what a line names explicitly (a
reference, also one whose check digits fail but that is one slip away from an invoice's; an invoice
number in the text) is another open invoice than the one its amount and payer pick, the line is
`suggested` with both candidates, never `auto`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

import numpy as np
import pandas as pd

from arctl.model import Match, MatchSettings, Unmatched
from arctl.money import parse_amount, plain_amount
from arctl.reconcile.names import PayerIndex, compact_iban, normalise_name
from arctl.reconcile.numbers import InvoiceNumberIndex
from arctl.refs import (
    Reference,
    corrections,
    find_references,
    is_valid_ogm,
    ogm_for_invoice,
    parse_reference,
    rf_for_invoice,
)

_REVERSAL_WORDS = re.compile(r"\b(?:TERUGBOEKING|TERUGGESTORT|RETOUR|STORNO|REVERSAL|RUCKBUCHUNG|RÜCKBUCHUNG|"
                             r"RETURNED|REMBOURSEMENT|ANNULATION)\b", re.IGNORECASE)
_REF_HINT = re.compile(r"\+\+\+|\*\*\*|RF\d\d|\d{12}|\d{3}\s*/\s*\d{4}\s*/\s*\d{5}|\d{3} \d{4} \d{5}|kenm",
                       re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The result: allocations, the lines left over and why, and what was not a customer payment."""

    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    ignored: tuple[Unmatched, ...]
    excess: tuple[Unmatched, ...]
    bank_lines: int

    def summary(self) -> dict[str, int]:
        auto = {m.bank_txn for m in self.matches if m.status == "auto"}
        suggested = {m.bank_txn for m in self.matches if m.status == "suggested"} - auto
        return {"bank_lines": self.bank_lines, "auto": len(auto), "suggested": len(suggested),
                "unmatched": len(self.unmatched), "ignored": len(self.ignored)}


@dataclass(slots=True)
class _Line:
    txn: str
    amount: int
    currency: str
    name: str
    iban: str
    structured_ref: str
    remittance: str
    booking_date: int  # whole seconds since the epoch (_day_numbers): sorts like the date


@dataclass(slots=True)
class _Claim:
    line: _Line
    invoices: list[str]
    rule: str
    confidence: float
    status: str
    note: str = ""
    either: bool = False  # the invoices are alternatives for a person to choose from, not paid together


@dataclass(slots=True)
class _Ledger:
    """What is still open per invoice while auto matches are applied."""

    open: dict[str, int]
    currency: dict[str, str]
    customer: dict[str, str]
    due: dict[str, object]
    by_customer: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    by_amount: dict[tuple[str, int], str | list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, invoices: pd.DataFrame) -> _Ledger:
        items = invoices[invoices["open_amount"].ne(0)].sort_values(["due_date", "invoice_id"], kind="stable")
        ids = items["invoice_id"].tolist()
        ledger = cls(dict(zip(ids, items["open_amount"].tolist(), strict=True)),
                     dict(zip(ids, _shared(items["currency"]), strict=True)),
                     dict(zip(ids, _shared(items["customer_id"]), strict=True)),
                     dict(zip(ids, _day_numbers(items["due_date"]), strict=True)))
        grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
        for invoice in ids:
            grouped[(ledger.customer[invoice], ledger.currency[invoice])].append(invoice)
        ledger.by_customer = dict(grouped)
        amounts: dict[tuple[str, int], str | list[str]] = {}
        for invoice in ids:
            key = (ledger.currency[invoice], ledger.open[invoice])
            held = amounts.get(key)
            # one invoice per amount is the rule: a plain string, a list only where amounts repeat
            amounts[key] = invoice if held is None else [*([held] if isinstance(held, str) else held), invoice]
        ledger.by_amount = amounts
        return ledger

    def customers_owed(self, currency: str, amount: int) -> set[str]:
        """Customers with an invoice whose open amount (still) equals `amount`."""
        held = self.by_amount.get((currency, amount), ())
        invoices = [held] if isinstance(held, str) else held
        return {self.customer[i] for i in invoices if self.open[i] == amount}

    def open_of(self, customer: str, currency: str) -> list[str]:
        return [i for i in self.by_customer.get((customer, currency), []) if self.open[i] != 0]


def _shared(values: pd.Series) -> list[str]:
    """The values as Python objects, one object per distinct value (a million 'EUR's are one string)."""
    return cast("list[str]", values.astype("category").tolist())


def _day_numbers(dates: pd.Series) -> list[int]:
    """Dates as whole numbers that sort like the dates (cheaper than a Timestamp per row); NaT first."""
    return dates.to_numpy(dtype="datetime64[s]").astype("int64").tolist()


def tolerance(open_amount: int, currency: str, settings: MatchSettings) -> int:
    """The shortfall accepted as bank charges: 1 % of the amount, at most 5.00 of the currency."""
    return min(abs(open_amount) * settings.shortfall_basis_points // 10000, _cap(settings.shortfall_max, currency))


@lru_cache(maxsize=256)
def _cap(text: str, currency: str) -> int:
    return parse_amount(text, currency, decimal=".")


def reconcile(bank: pd.DataFrame, invoices: pd.DataFrame, customers: pd.DataFrame | None = None,
              settings: MatchSettings = MatchSettings(),
              known_ibans: dict[str, str] | None = None,
              documents: dict[tuple[str, str], tuple[str, ...]] | None = None) -> Reconciliation:
    """Match the credits of `bank` (canonical bank lines) to `invoices` (canonical, with open amounts).

    `documents`: the references made for documents that cover several invoices ((kind, value) -> those
    invoices); a payment quoting one pays them oldest first, like a payment naming them all.

    It builds millions of small objects for a large bank file; the caller may pause the cyclic garbage
    collector around it (workflows/reconciling.py does).
    """
    bank = bank.drop_duplicates("txn_id", keep="first")  # overlapping statements: a payment counts once
    ledger = _Ledger.of(invoices)
    ignored, unmatched, credits = _classify(bank)
    payers = payer_index(invoices, customers, known_ibans or {}, settings)
    references = _reference_index(invoices)
    references.documents = documents or {}
    numbers = InvoiceNumberIndex(invoices["invoice_id"])
    matches: list[Match] = []
    excess: list[Unmatched] = []
    remaining = sorted(credits, key=lambda line: (line.booking_date, line.txn))
    for step in (_by_reference, _by_invoice_number, _by_payer):
        if step is _by_payer:  # the names the exact passes left, scored in bulk
            payers.prefetch([(line.iban, line.name) for line in remaining])
        left = []
        for line in remaining:
            claim = step(line, ledger, references, numbers, payers, settings)
            if claim is None:
                left.append(line)
                continue
            matches.extend(_apply(claim, ledger, settings, excess))
        remaining = left
    for line in remaining:
        unmatched.append(Unmatched(line.txn, line.amount, line.currency, line.name, _reason(line, ledger, payers)))
    return Reconciliation(tuple(matches), tuple(unmatched), tuple(ignored), tuple(excess), len(bank))


def _classify(bank: pd.DataFrame) -> tuple[list[Unmatched], list[Unmatched], list[_Line]]:
    """Debits and reversals are not customer payments; a reversal takes its original payment with it."""
    columns = [bank["txn_id"].tolist(), bank["amount"].tolist(),
               *(_shared(bank[c]) for c in ("currency", "counterparty_name")),
               _compact_ibans(_shared(bank["counterparty_iban"])),
               *(_shared(bank[c]) for c in ("structured_ref", "remittance"))]
    columns.append(_day_numbers(bank["booking_date"]))
    lines = [_Line(*values) for values in zip(*columns, strict=True)]
    flagged = _flagged(bank)
    ignored: list[Unmatched] = []
    unmatched: list[Unmatched] = []
    reversed_txns: set[str] = set()
    by_amount: dict[tuple[str, int], list[_Line]] = defaultdict(list)
    for line, is_reversal in zip(lines, flagged, strict=True):
        if line.amount > 0 and not is_reversal:
            by_amount[(line.currency, line.amount)].append(line)
    for line, is_reversal in zip(lines, flagged, strict=True):
        if not is_reversal or line.amount >= 0:
            continue
        original, ambiguous = _original_of(line, by_amount, reversed_txns)
        if original is None:
            unmatched.append(Unmatched(line.txn, line.amount, line.currency, line.name,
                                       "returns one of several payments of this amount; a person decides which"
                                       if ambiguous else "reversal of a payment that is not in these statements"))
            continue
        reversed_txns.add(original.txn)
        ignored.append(Unmatched(line.txn, line.amount, line.currency, line.name, f"reverses {original.txn}"))
        ignored.append(Unmatched(original.txn, original.amount, original.currency, original.name,
                                 f"reversed by {line.txn}: the payment was returned"))
    credits = []
    for line, is_reversal in zip(lines, flagged, strict=True):
        if line.txn in reversed_txns or (is_reversal and line.amount < 0):
            continue
        if line.amount < 0:
            ignored.append(Unmatched(line.txn, line.amount, line.currency, line.name, "debit: not a customer payment"))
        elif line.amount == 0:
            ignored.append(Unmatched(line.txn, 0, line.currency, line.name, "zero amount"))
        elif is_reversal:
            ignored.append(Unmatched(line.txn, line.amount, line.currency, line.name,
                                     "returned outgoing payment: not a customer payment"))
        else:
            credits.append(line)
    return ignored, unmatched, credits


def _flagged(bank: pd.DataFrame) -> np.ndarray:
    """Which lines are reversals: flagged so by the bank, or saying so in their text (a numpy bool array)."""
    return bank["reversal"].to_numpy() | bank["remittance"].str.contains(_REVERSAL_WORDS.pattern, case=False,
                                                                       regex=True).to_numpy()


def _compact_ibans(values: list[str]) -> list[str]:
    """compact_iban of each value ('' for none), computed once per distinct value."""
    compacted = {value: compact_iban(value) if value else "" for value in dict.fromkeys(values)}
    return [compacted[value] for value in values]


def reversal_pairs(bank: pd.DataFrame) -> list[tuple[str, str]]:
    """(reversal txn, the payment it returns) for every reversal whose original is among `bank`.

    Only the returns and the credits of an amount some return gives back can pair up: _classify sees
    just those lines (in their order), which pairs them as it would among all the lines."""
    bank = bank.drop_duplicates("txn_id", keep="first")
    flagged = _flagged(bank)
    amounts = bank["amount"].to_numpy()
    returns = flagged & (amounts < 0)
    keys = bank["currency"].astype("object") + ":" + bank["amount"].astype("int64").astype("str")
    returned = set((bank.loc[returns, "currency"].astype("object") + ":"
                    + (-bank.loc[returns, "amount"].astype("int64")).astype("str")).tolist())
    originals = ~flagged & (amounts > 0) & keys.isin(returned).to_numpy()
    ignored, _, _ = _classify(bank[returns | originals])
    return [(item.bank_txn, item.reason.removeprefix("reverses ")) for item in ignored
            if item.reason.startswith("reverses ")]


def _original_of(reversal: _Line, by_amount: dict[tuple[str, int], list[_Line]],
                 taken: set[str]) -> tuple[_Line | None, bool]:
    """The payment a return gives back: same amount and currency, booked before it, and — when several
    qualify — the one the evidence points to (structured reference, account, name). Never a guess:
    (None, True) when the evidence leaves more than one."""
    candidates = [line for line in by_amount.get((reversal.currency, -reversal.amount), [])
                  if line.txn not in taken and line.txn != reversal.txn
                  and line.booking_date <= reversal.booking_date
                  and (not reversal.iban or not line.iban or line.iban == reversal.iban)]
    for same in (lambda line: reversal.structured_ref and line.structured_ref == reversal.structured_ref,
                 lambda line: reversal.iban and line.iban == reversal.iban,
                 lambda line: reversal.name and normalise_name(line.name) == normalise_name(reversal.name)):
        if len(candidates) > 1:
            narrowed = [line for line in candidates if same(line)]
            candidates = narrowed or candidates
    if len(candidates) == 1:
        return candidates[0], False
    return None, len(candidates) > 1


def payer_index(invoices: pd.DataFrame, customers: pd.DataFrame | None, known_ibans: dict[str, str],
                settings: MatchSettings) -> PayerIndex:
    """Customers by IBAN and name, as the matcher identifies payers: the invoices' names, the customer master
    (names and IBANs) and the IBANs learned from confirmed matches."""
    names = dict(zip(invoices["customer_id"], invoices["customer_name"], strict=True))
    ibans = dict(known_ibans)
    if customers is not None and len(customers):
        names.update(zip(customers["customer_id"], customers["name"], strict=True))
        for customer, cell in zip(customers["customer_id"], customers["iban"], strict=True):
            for iban in str(cell or "").split():
                ibans[iban] = customer
    return PayerIndex(names, ibans, settings.name_score)


class _References:
    """Reference -> invoices, stored as one invoice per key (a second invoice on a key is kept apart).

    The OGMs and RFs arctl generates for invoices without a valid printed reference are added only when a
    payment carries a reference that no printed one explains: most statements never need them.
    `documents` holds the references made for documents covering several invoices (kept apart).
    """

    def __init__(self) -> None:
        self.one: dict[tuple[str, str], str] = {}
        self.more: dict[tuple[str, str], list[str]] = {}
        self.unprinted: list[str] = []
        self.generated: set[str] = set()
        self.documents: dict[tuple[str, str], tuple[str, ...]] = {}

    def add(self, key: tuple[str, str], invoice: str) -> None:
        if key in self.more:
            self.more[key].append(invoice)
        elif key in self.one:
            self.more[key] = [self.one.pop(key), invoice]
        else:
            self.one[key] = invoice

    def get(self, key: tuple[str, str], default: tuple[str, ...] | list[str] = ()) -> list[str]:
        invoice = self.one.get(key)
        if invoice is not None:
            return [invoice]
        if key in self.more:
            return self.more[key]
        if self.unprinted and key[0] in ("ogm", "rf") and key[0] not in self.generated:
            self._add_generated(key[0])
            return self.get(key, default)
        return list(default)

    def _add_generated(self, kind: str) -> None:
        derive = ogm_for_invoice if kind == "ogm" else rf_for_invoice
        for invoice in self.unprinted:
            try:
                self.add((kind, derive(invoice)), invoice)
            except ValueError:
                continue  # a number with nothing to derive a reference from: it is matched by other means
        self.generated.add(kind)


def _reference_index(invoices: pd.DataFrame) -> _References:
    """Invoice payment references (printed, else the OGM arctl generates for it) -> invoices.

    The usual printed OGM (+++123/4567/89012+++ or 12 digits) is keyed in one vectorised pass; only
    other spellings go through `refs.parse_reference`.
    """
    index = _References()
    texts = invoices["reference"].fillna("").str.strip()
    plain_ogm = texts.str.fullmatch(r"(?:[+*]{3}\s*)?\d{3}\s*/?\s*\d{4}\s*/?\s*\d{5}(?:\s*[+*]{3})?")
    digits = texts.str.replace(r"\D", "", regex=True)
    for invoice, value in zip(invoices.loc[plain_ogm, "invoice_id"].tolist(), digits[plain_ogm].tolist(), strict=True):
        index.add(("ogm", value), invoice)
    for invoice, text in zip(invoices.loc[~plain_ogm, "invoice_id"].tolist(), texts[~plain_ogm].tolist(), strict=True):
        reference = parse_reference(text, assume_ogm=True) if text else None
        if reference is not None:
            index.add((reference.kind, reference.value), invoice)
        if reference is None or not reference.valid:  # documents show the generated one instead
            index.unprinted.append(invoice)
    return index


def _line_references(line: _Line) -> list[Reference]:
    found: list[Reference] = []
    ref = line.structured_ref
    if len(ref) == 12 and ref.isdecimal():  # the usual Belgian structured communication, read directly
        found.append(Reference("ogm", ref, is_valid_ogm(ref), ref))
    elif ref:
        reference = parse_reference(ref, assume_ogm=True)
        if reference is not None:
            found.append(reference)
    if line.remittance and _REF_HINT.search(line.remittance):
        found.extend(r for r in find_references(line.remittance) if r not in found)
    return found


def _by_reference(line: _Line, ledger: _Ledger, references: _References, numbers: InvoiceNumberIndex,
                  payers: PayerIndex, settings: MatchSettings) -> _Claim | None:
    hits: list[str] = []
    suggested: list[str] = []
    for reference in _line_references(line):
        key = (reference.kind, reference.value)
        invoices = [i for i in references.get(key, []) if i in ledger.open]
        document = [i for i in references.documents.get(key, ()) if i in ledger.open]
        if document and not invoices and reference.valid and all(ledger.currency[i] == line.currency
                                                                  for i in document):
            hits.extend(i for i in document if i not in hits)  # a document's reference: all its invoices
            continue
        invoices += [i for i in document if i not in invoices]
        if not invoices:
            continue
        if reference.valid and len(invoices) == 1 and ledger.currency[invoices[0]] == line.currency:
            hits.extend(i for i in invoices if i not in hits)
        else:
            suggested.extend(i for i in invoices if i not in suggested)
    if hits:
        return _unless_contradicted(_Claim(line, hits, "structured_reference", 1.0, "auto"), ledger, payers,
                                    settings, "the reference")
    if suggested:
        others = _alternatives(line, suggested, ledger, payers, settings)
        return _Claim(line, suggested + others, "structured_reference", 0.6 if not others else 0.4, "suggested",
                      "the reference's check digits fail, or it is not unique", either=bool(others))
    return None


def _by_invoice_number(line: _Line, ledger: _Ledger, references: _References, numbers: InvoiceNumberIndex,
                       payers: PayerIndex, settings: MatchSettings) -> _Claim | None:
    if not line.remittance:
        return None
    found = [i for i in numbers.find(line.remittance) if i in ledger.open and ledger.currency[i] == line.currency]
    if not found:
        return None
    owners = {ledger.customer[i] for i in found}
    payer = payers.identify(line.iban, line.name)
    confirmed = payer is not None and payer.customer_id in owners
    due = sum(ledger.open[i] for i in found)
    fits = abs(due - line.amount) <= tolerance(due, line.currency, settings) or line.amount < due
    distinctive = all(numbers.distinctive(i) for i in found)
    if len(owners) == 1 and (confirmed or (fits and distinctive)):
        return _unless_contradicted(_Claim(line, found, "invoice_number", 0.95 if confirmed else 0.9, "auto"),
                                    ledger, payers, settings, "the invoice number in the text")
    others = _alternatives(line, found, ledger, payers, settings)
    return _Claim(line, found + others, "invoice_number", 0.5 if not others else 0.4, "suggested",
                  "invoice numbers found, but the payer or the amount does not confirm them", either=bool(others))


def _by_payer(line: _Line, ledger: _Ledger, references: _References, numbers: InvoiceNumberIndex,
              payers: PayerIndex, settings: MatchSettings) -> _Claim | None:
    """The payer's pick, unless a mistyped reference on the line points at another open invoice."""
    claim = _payer_claim(line, ledger, payers, settings)
    pointed = _pointed(line, ledger, references)
    if not pointed:
        return claim
    named = ", ".join(pointed)
    if claim is None:
        return _Claim(line, pointed, "structured_reference", 0.4, "suggested",
                      f"the reference's check digits fail; one slip away from the reference of {named}",
                      either=len(pointed) > 1)
    extra = [i for i in pointed if i not in claim.invoices]
    if not extra:
        return claim  # the mistyped reference agrees with what the payer and the amount pick
    return _Claim(line, claim.invoices + extra, claim.rule, 0.4, "suggested",
                  f"the payer and the amount point at {', '.join(claim.invoices)}, but the reference (check digits "
                  f"fail) at {', '.join(extra)}", either=True)


def _pointed(line: _Line, ledger: _Ledger, references: _References) -> list[str]:
    """Open invoices (in the line's currency) whose reference is one slip away from a line reference
    whose check digits fail."""
    if not line.structured_ref and not (line.remittance and _REF_HINT.search(line.remittance)):
        return []
    found: list[str] = []
    for reference in _line_references(line):
        for meant in corrections(reference):
            found.extend(i for i in references.get((meant.kind, meant.value), [])
                         if i in ledger.open and ledger.currency[i] == line.currency and i not in found)
    return found


def _fits(due: int, amount: int, currency: str, settings: MatchSettings) -> bool:
    """The payment pays `due` exactly, or is short of it by no more than the bank-charges policy."""
    return 0 <= due - amount <= tolerance(due, currency, settings)


def _alternatives(line: _Line, named: list[str], ledger: _Ledger, payers: PayerIndex,
                  settings: MatchSettings) -> list[str]:
    """Other open invoices the amount picks when it does not fit what the line names: the invoices of the
    payer (known by IBAN or name, else the one customer of the named invoices) whose open amount the
    payment equals. Only exact amounts count against what the line names: a payment short of another
    invoice within the bank-charges policy, or a combination of invoices, is as likely a partial payment
    that meets another amount by chance."""
    if _fits(sum(ledger.open[i] for i in named), line.amount, line.currency, settings):
        return []
    payer = payers.identify(line.iban, line.name)
    owners = {ledger.customer[i] for i in named}
    customer = payer.customer_id if payer is not None else (next(iter(owners)) if len(owners) == 1 else None)
    if customer is None:
        return []
    return [i for i in ledger.open_of(customer, line.currency) if ledger.open[i] == line.amount and i not in named]


def _unless_contradicted(claim: _Claim, ledger: _Ledger, payers: PayerIndex, settings: MatchSettings,
                         pointer: str) -> _Claim:
    """An automatic claim from what the line names, or a suggestion when the amount and payer pick another."""
    others = _alternatives(claim.line, claim.invoices, ledger, payers, settings)
    if not others:
        return claim
    return _Claim(claim.line, claim.invoices + others, claim.rule, 0.4, "suggested",
                  f"{pointer} names {', '.join(claim.invoices)}, but the payer and the amount point at "
                  f"{', '.join(others)}", either=True)


def _payer_claim(line: _Line, ledger: _Ledger, payers: PayerIndex, settings: MatchSettings) -> _Claim | None:
    payer = payers.identify(line.iban, line.name)
    if payer is None:
        return None
    items = ledger.open_of(payer.customer_id, line.currency)
    invoices = [i for i in items if ledger.open[i] > 0]
    exact = [i for i in invoices if ledger.open[i] == line.amount]
    near = [i for i in invoices
            if 0 < ledger.open[i] - line.amount <= tolerance(ledger.open[i], line.currency, settings)]
    single = exact if exact else near
    by_name = payer.by == "name"
    rule = "name_amount" if by_name else "payer_amount"
    if len(single) >= 1:
        unique = len(single) == 1
        if by_name:
            others = _others_with_amount(line, ledger, payer.customer_id, settings)
            status = "auto" if unique and exact and not others else "suggested"
        else:
            status = "auto" if unique else "suggested"
        note = "" if exact else _short_note(ledger.open[single[0]] - line.amount, line.currency)
        return _Claim(line, single[:1], rule, 0.9 if status == "auto" else 0.5, status, note)
    combination = _combination(line, items, ledger, settings)
    if combination is None:
        return None
    chosen, unique = combination
    status = "auto" if unique and not by_name else "suggested"
    return _Claim(line, chosen, "payer_subset", 0.85 if status == "auto" else 0.5, status)


def _others_with_amount(line: _Line, ledger: _Ledger, customer: str, settings: MatchSettings) -> bool:
    return bool(ledger.customers_owed(line.currency, line.amount) - {customer})


def _combination(line: _Line, items: list[str], ledger: _Ledger,
                 settings: MatchSettings) -> tuple[list[str], bool] | None:
    """The oldest combination of 2..5 of the customer's 20 oldest open items whose sum the payment fits.

    Sizes are tried from small to large and, within a size, oldest items first; the search stops at
    the second fit (then the first is only a suggestion). Without credit notes in the pool a partial
    sum above the payment plus the largest shortfall is pruned.
    """
    pool = items[: settings.subset_pool]
    values = [ledger.open[i] for i in pool]
    if len(pool) < 2:
        return None
    cap = tolerance(10**18, line.currency, settings)  # the largest shortfall any sum may have
    ceiling = line.amount + cap
    prunable = min(values) >= 0
    found: list[tuple[int, ...]] = []

    def search(start: int, size: int, chosen: tuple[int, ...], total: int) -> bool:
        if len(chosen) == size:
            if total > 0 and 0 <= total - line.amount <= tolerance(total, line.currency, settings):
                found.append(chosen)
            return len(found) > 1
        for index in range(start, len(pool) - (size - len(chosen)) + 1):
            subtotal = total + values[index]
            if prunable and subtotal > ceiling:
                continue
            if search(index + 1, size, (*chosen, index), subtotal):
                return True
        return False

    for size in range(2, min(settings.subset_max_invoices, len(pool)) + 1):
        if search(0, size, (), 0):
            break
    if not found:
        return None
    return [pool[i] for i in found[0]], len(found) == 1


def _apply(claim: _Claim, ledger: _Ledger, settings: MatchSettings, excess: list[Unmatched]) -> list[Match]:
    """Allocations of one claim: credit notes first, then invoices by due date; excess is reported."""
    line = claim.line
    ordered = claim.invoices if len(claim.invoices) == 1 else sorted(
        claim.invoices, key=lambda i: (ledger.open[i] > 0, ledger.due[i], i))
    if claim.status == "suggested":
        left, out = line.amount, []
        for invoice in claim.invoices if claim.either else ordered:
            share = ledger.open[invoice] if ledger.open[invoice] < 0 else min(ledger.open[invoice], max(left, 0))
            if not claim.either:  # alternatives: each could take the whole payment
                left -= share
            out.append(Match(line.txn, invoice, share, line.currency, _rule(claim, ledger.open[invoice]),
                             claim.confidence, "suggested", claim.note))
        return out
    left, out = line.amount, []
    for invoice in ordered:
        open_amount = ledger.open[invoice]
        share = open_amount if open_amount < 0 else min(open_amount, left)
        if share == 0:
            continue
        left -= share
        ledger.open[invoice] = open_amount - share
        note = claim.note
        rest = ledger.open[invoice]
        if rest > 0 and left == 0 and rest <= tolerance(open_amount, line.currency, settings) and not note:
            note = _short_note(rest, line.currency)
        out.append(Match(line.txn, invoice, share, line.currency, _rule(claim, open_amount), claim.confidence,
                         "auto", note))
    if left > 0:
        excess.append(Unmatched(line.txn, left, line.currency, line.name,
                                "paid more than the invoices it names: the excess is unallocated"))
    return out


def _short_note(missing: int, currency: str) -> str:
    return f"short by {plain_amount(missing, currency)} {currency} (bank charges?)"


def _rule(claim: _Claim, open_amount: int) -> str:
    """A credit note offset inside a combined payment is its own rule."""
    return "credit_note" if open_amount < 0 and claim.rule == "payer_subset" else claim.rule


def _reason(line: _Line, ledger: _Ledger, payers: PayerIndex) -> str:
    payer = payers.identify(line.iban, line.name)
    if payer is not None:
        return (f"payer {payer.customer_id} known by {payer.by}, but the amount fits no open invoice "
                "or combination of them")
    owners = ledger.customers_owed(line.currency, line.amount)
    if len(owners) > 1:
        return f"the amount fits open invoices of {len(owners)} customers; nothing else says which"
    if len(owners) == 1:
        return "the amount fits an open invoice, but no reference, invoice number or known payer confirms it"
    return "no reference, invoice number or known payer"
