"""What manual matches taught: payer IBANs learned for a customer, and forgetting them when a match is undone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from arctl.state import schema

_TAUGHT_BY = ("manual", "confirmed")                         # matches a person made: they teach a payer's IBAN
_RESTS_ON_PAYER = ("payer_amount", "payer_subset", "credit_note")  # automatic matches that identified the payer


@dataclass(frozen=True, slots=True)
class Undone:
    """What undoing a payment's matches changed."""

    matches: int                                  # matches undone
    forgotten: tuple[tuple[str, str], ...] = ()   # (IBAN, customer) no longer known from this payment
    demoted: tuple[str, ...] = ()                 # payments whose automatic matches are suggestions again


def compact_iban(value: str | None) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


class LearnedIbans:
    """The Store's methods for learned payer IBANs; each write is one transaction."""

    engine: Engine
    now: Callable[[], dt.datetime]

    def known_ibans(self) -> dict[str, str]:
        with self.engine.connect() as connection:
            return dict(connection.execute(select(schema.known_ibans.c.iban, schema.known_ibans.c.customer_id)).all())

    def remember_iban(self, iban: str, customer_id: str, bank_txn: str) -> None:
        now = self.now().isoformat(timespec="seconds")
        with self.engine.begin() as connection:
            connection.execute(schema.known_ibans.delete().where(schema.known_ibans.c.iban == iban))
            connection.execute(insert(schema.known_ibans).values(iban=iban, customer_id=customer_id,
                                                                 learned_at=now, bank_txn=bank_txn))

    def undo_matches(self, bank_txn: str) -> Undone:
        """Undo every active match of a payment (its suggestions count as rejected), and forget what it taught.

        An IBAN this payment's manual match taught is forgotten, unless another manual match that still
        stands was paid from it (then the IBAN stands for that match's customer again) or the customer
        file lists it for the same customer. Automatic matches that identified their payer by a forgotten
        IBAN (rules payer_amount, payer_subset, credit_note) become suggestions again: a person decides.
        """
        now = self.now().isoformat(timespec="seconds")
        matches, learned = schema.matches, schema.known_ibans
        with self.engine.begin() as connection:
            active = and_(matches.c.bank_txn == bank_txn, matches.c.removed_at.is_(None))
            undone = connection.execute(update(matches).where(active, matches.c.status == "suggested")
                                        .values(removed_at=now, removed_reason="rejected")).rowcount
            undone += connection.execute(update(matches).where(active).values(
                removed_at=now, removed_reason="unmatched by a person")).rowcount
            forgotten: list[tuple[str, str]] = []
            demoted: list[str] = []
            taught = connection.execute(select(learned.c.iban, learned.c.customer_id)
                                        .where(learned.c.bank_txn == bank_txn)).all()
            for iban, customer in taught:
                if iban in _customer_file_ibans(connection, customer):
                    continue  # the customer file says so too: nothing rested on this payment alone
                standing = _standing_teacher(connection, iban)
                if standing is None:
                    connection.execute(delete(learned).where(learned.c.iban == iban))
                else:
                    connection.execute(update(learned).where(learned.c.iban == iban).values(
                        customer_id=standing[1], bank_txn=standing[0]))
                    if standing[1] == customer:
                        continue
                forgotten.append((iban, customer))
                demoted += _demote_resting_on(connection, iban, customer, bank_txn, now)
        return Undone(undone, tuple(forgotten), tuple(dict.fromkeys(demoted)))


def _customer_file_ibans(connection: Connection, customer: str) -> set[str]:
    cells = connection.execute(select(schema.customers.c.iban).where(schema.customers.c.customer_id == customer))
    return {compact_iban(iban) for (cell,) in cells for iban in (cell or "").split()}


def _payments_from(connection: Connection, iban: str, statuses: tuple[str, ...],
                   rules: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(bank_txn, customer) of the active matches in `statuses` whose payment came from `iban`, newest first."""
    matches, lines, invoices = schema.matches, schema.bank_lines, schema.invoices
    query = (select(matches.c.bank_txn, invoices.c.customer_id, lines.c.counterparty_iban)
             .join(lines, lines.c.txn_id == matches.c.bank_txn)
             .join(invoices, invoices.c.invoice_id == matches.c.invoice_id)
             .where(matches.c.removed_at.is_(None), matches.c.status.in_(statuses))
             .order_by(matches.c.id.desc()))
    if rules is not None:
        query = query.where(matches.c.rule.in_(rules))
    return [(txn, customer) for txn, customer, account in connection.execute(query).all()
            if compact_iban(account) == iban]


def _standing_teacher(connection: Connection, iban: str) -> tuple[str, str] | None:
    """The newest manual match still standing that was paid from `iban`: (its bank_txn, its customer)."""
    found = _payments_from(connection, iban, _TAUGHT_BY)
    return found[0] if found else None


def _demote_resting_on(connection: Connection, iban: str, customer: str, taught_by: str, now: str) -> list[str]:
    """Turn the automatic matches that identified `customer` as the payer by `iban` back into suggestions."""
    txns = list(dict.fromkeys(txn for txn, owner in _payments_from(connection, iban, ("auto",), _RESTS_ON_PAYER)
                              if owner == customer))
    if txns:
        matches = schema.matches
        connection.execute(update(matches).where(
            matches.c.bank_txn.in_(txns), matches.c.removed_at.is_(None), matches.c.status == "auto").values(
            status="suggested", confidence=0.5,
            note=f"rested on {iban}, learned from {taught_by}, which was unmatched: a person decides"))
    return txns
