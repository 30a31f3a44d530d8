"""How a document asks to be paid: the structured reference it shows and what a payment quoting it pays.

A document that covers one invoice shows that invoice's reference: its own from the export when it is a
valid OGM, RF or Dutch reference, else the one arctl derives from the invoice number (an OGM for a Belgian
company, an ISO 11649 RF elsewhere; `refs.ogm_for_invoice`, `refs.rf_for_invoice`), which the reconciler
derives the same way. A document that covers several invoices (or sets credit notes against one) gets a
reference of its own, derived from the document's identity (day, customer, step, channel, currency: one
document a day for those), so that a dry run and the run, or a run repeated after a crash, give the same;
a derived reference already in use (by an invoice or an earlier document) is derived again with a counter.
It is recorded with the action, and a payment quoting it pays the document's invoices oldest first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import pandas as pd

from arctl.model import Action, ActionLine, PaymentReference
from arctl.refs import (
    Reference,
    format_ogm,
    format_rf,
    generate_ogm,
    generate_rf,
    ogm_for_invoice,
    parse_reference,
    rf_for_invoice,
)

_BASE = 10**10   # an OGM's 10 digits; an RF made for a document has the same 10 digits as its body


def scheme_for(country: str) -> str:
    """The reference scheme arctl generates for a company of `country`: the Belgian OGM/VCS, else ISO 11649 RF."""
    return "ogm" if country.upper() == "BE" else "rf"


def printed(reference: Reference) -> str:
    """How a document shows a reference: +++123/4567/89012+++, RF18 5390 0754 7034, or a Dutch one as written."""
    if reference.kind == "ogm":
        return format_ogm(reference.value)
    if reference.kind == "rf":
        return format_rf(reference.value)
    return reference.text


def invoice_reference(line: ActionLine, scheme: str) -> PaymentReference | None:
    """The invoice's own valid reference, else the one derived from its number (None when its number has
    nothing to derive one from)."""
    own = parse_reference(line.reference) if line.reference else None
    if own is not None and own.valid:
        return PaymentReference(own.kind, own.value, printed(own))
    try:
        value = ogm_for_invoice(line.invoice_id) if scheme == "ogm" else rf_for_invoice(line.invoice_id)
    except ValueError:
        return None
    return PaymentReference(scheme, value, format_ogm(value) if scheme == "ogm" else format_rf(value))


def covered(action: Action) -> tuple[ActionLine, ...]:
    """The lines a payment of the document pays: its invoices (a statement's: those not paused) and its credit
    notes, oldest (due date, then number) first."""
    lines = [line for line in action.lines if not (action.kind == "statement" and line.status)]
    return tuple(sorted([*lines, *action.credits], key=lambda line: (line.due_date or dt.date.min, line.invoice_id)))


def document_identity(action: Action, as_of: dt.date) -> str:
    """What makes a document unique: one a day per customer, step, channel and currency."""
    return "\0".join((as_of.isoformat(), action.customer_id, action.step, action.channel, action.currency))


def derived(identity: str, attempt: int, scheme: str) -> tuple[str, str]:
    """The (kind, value) derived from a document's identity at an attempt (0, then 1, 2 ... on a collision)."""
    digest = hashlib.sha256(f"{identity}\0{attempt}".encode()).digest()
    number = int.from_bytes(digest[:8], "big") % _BASE
    return ("ogm", generate_ogm(number)) if scheme == "ogm" else ("rf", generate_rf(f"{number:010d}"))


class ReferenceBook:
    """Gives each document of a run its reference, never one in use: an invoice's (own, or derived from its
    number by either scheme), an earlier document's (`recorded`), or another document's of this run.

    The invoices' references are read only when a first document needs a reference of its own."""

    def __init__(self, scheme: str, items: pd.DataFrame, recorded: Iterable[tuple[str, str]]) -> None:
        self.scheme = scheme
        self._items = items
        self._taken: set[tuple[str, str]] = set(recorded)
        self._read = False

    def for_action(self, action: Action, as_of: dt.date) -> PaymentReference | None:
        lines = covered(action)
        if not any(line.open_amount > 0 for line in lines):
            return None   # nothing to pay
        if len(lines) == 1 and lines[0].open_amount > 0:
            return invoice_reference(lines[0], self.scheme)
        if not self._read:
            self._taken |= invoice_references(self._items, self.scheme)
            self._read = True
        identity = document_identity(action, as_of)
        attempt = 0
        while (key := derived(identity, attempt, self.scheme)) in self._taken:
            attempt += 1
        self._taken.add(key)
        kind, value = key
        return PaymentReference(kind, value, format_ogm(value) if kind == "ogm" else format_rf(value),
                                tuple(line.invoice_id for line in lines))


def invoice_references(items: pd.DataFrame, kind: str) -> set[tuple[str, str]]:
    """Every ("ogm" or "rf" as `kind`, value) a payment may quote for one of these invoices: their own
    references of that kind, and the one derived from their numbers."""
    found: set[tuple[str, str]] = set()
    texts = items["reference"].fillna("").astype(str).str.strip() if "reference" in items else pd.Series([], dtype=str)
    # the usual printed OGM (+++123/4567/89012+++ or 12 digits) read in one vectorised pass, as the matcher does
    plain = texts.str.fullmatch(r"(?:[+*]{3}\s*)?\d{3}\s*/?\s*\d{4}\s*/?\s*\d{5}(?:\s*[+*]{3})?")
    if kind == "ogm":
        found.update(("ogm", digits) for digits in texts[plain].str.replace(r"\D", "", regex=True).tolist())
    for text in texts[~plain & texts.ne("")].tolist():
        own = parse_reference(text, assume_ogm=True)
        if own is not None and own.kind == kind:
            found.add((own.kind, own.value))
    derive = ogm_for_invoice if kind == "ogm" else rf_for_invoice
    for invoice in items["invoice_id"].tolist():
        try:
            found.add((kind, derive(invoice)))
        except ValueError:
            continue
    return found
