"""The payments a workspace holds: every bank credit with how it was allocated, the open rest of the invoices it
paid in part, and the debits that give money back (returned payments, refunds). Pure: the frames come in.

A credit's `status`:

- `auto`: allocated by the matcher;
- `manual`: allocated, or a suggestion confirmed, by a person (`arctl match`);
- `suggested`: the matcher suggests invoices and waits for a person;
- `unmatched`: nothing allocated: left to a person (`arctl match`);
- `returned`: the payment was returned (a reversal in the statements); it pays nothing.

A credit both allocated and with a suggestion still waiting is `suggested`: a person has something to decide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from arctl.model import Match, Unmatched
from arctl.reconcile.engine import reversal_pairs
from arctl.reconcile.names import compact_iban

APPLIED = ("auto", "confirmed", "manual")   # stored statuses whose allocation counts as paid
_KIND = {"auto": "auto", "confirmed": "manual", "manual": "manual", "suggested": "suggested"}
_BY_A_PERSON = ("unmatched by a person", "rejected")

Row = dict[Any, Any]   # a frame row as to_dict("records") gives it


@dataclass(frozen=True, slots=True)
class Allocation:
    """(Part of) a credit allocated to an invoice, or suggested for it."""

    invoice_id: str
    customer_id: str
    customer_name: str
    amount: int
    currency: str
    kind: str              # auto, manual (by a person, a confirmed suggestion included) or suggested
    rule: str
    confidence: float
    note: str
    invoice_open: int      # what is open of the invoice now, every applied allocation counted


@dataclass(frozen=True, slots=True)
class Payment:
    """One bank credit and what became of it."""

    bank_txn: str
    bank_reference: str    # the bank's own reference of the transaction; the bank_txn where it has none
    account: str
    booking_date: dt.date
    amount: int
    currency: str
    counterparty: str
    counterparty_iban: str
    reference: str         # the structured payment reference the payer gave
    remittance: str
    status: str            # auto, manual, suggested, unmatched, returned
    allocations: tuple[Allocation, ...]
    reason: str = ""       # why nothing (or not all) is allocated, or what returned it

    @property
    def allocated(self) -> int:
        """What the applied allocations take from it (suggestions not counted)."""
        return sum(a.amount for a in self.allocations if a.kind != "suggested")

    @property
    def unallocated(self) -> int:
        """What no allocation accounts for (a returned payment has nothing left to allocate)."""
        return 0 if self.status == "returned" else self.amount - self.allocated


@dataclass(frozen=True, slots=True)
class PartlyPaid:
    """An open invoice that payments paid in part, with its open rest."""

    invoice_id: str
    customer_id: str
    customer_name: str
    currency: str
    amount: int
    paid: int              # every applied allocation at the bank
    open_amount: int       # the rest still owed (ARCHITECTURE.md's open-items formula)
    due_date: dt.date | None


@dataclass(frozen=True, slots=True)
class Return:
    """A debit that gives money back: a customer's payment returned, or a refund to a customer's account."""

    bank_txn: str
    bank_reference: str
    account: str
    booking_date: dt.date
    amount: int            # negative: money going out
    currency: str
    counterparty: str
    counterparty_iban: str
    kind: str              # return (a returned or reversed payment) or refund (paid to a customer's account)
    returns: str           # the bank_txn of the payment it returns; "" when the statements do not tell which
    customer_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Payments:
    """The selection `arctl payments` shows."""

    payments: tuple[Payment, ...]
    partly_paid: tuple[PartlyPaid, ...]
    returns: tuple[Return, ...]
    since: dt.date | None = None

    def bookings(self) -> list[tuple[Payment, Allocation]]:
        """One row per allocation to book: the applied ones of the payments listed, none of a returned one."""
        return [(p, a) for p in self.payments if p.status != "returned" for a in p.allocations
                if a.kind != "suggested"]

    def summary(self) -> dict[str, int]:
        counts = {status: 0 for status in ("auto", "manual", "suggested", "unmatched", "returned")}
        for payment in self.payments:
            counts[payment.status] += 1
        return {"payments": len(self.payments), **counts, "partly_paid": len(self.partly_paid),
                "returns": len(self.returns)}

    def totals(self) -> list[dict[str, int | str]]:
        """Per currency: what the payments listed brought in, what is allocated and what is not."""
        found: dict[str, dict[str, int | str]] = {}
        for payment in self.payments:
            if payment.status == "returned":
                continue
            total = found.setdefault(payment.currency, {"currency": payment.currency, "received": 0,
                                                        "allocated": 0, "unallocated": 0})
            for key, value in (("received", payment.amount), ("allocated", payment.allocated),
                               ("unallocated", payment.unallocated)):
                total[key] = int(total[key]) + value
        return [found[currency] for currency in sorted(found)]


@dataclass(frozen=True, slots=True)
class StandingMatches:
    """Every standing allocation in the shape of a reconciliation (`reconcile -o` in a workspace)."""

    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    excess: tuple[Unmatched, ...]


def payments_of(bank: pd.DataFrame, matches: pd.DataFrame, invoices: pd.DataFrame, open_amounts: dict[str, int],
                customer_ibans: dict[str, str], *, since: dt.date | None = None, unmatched: bool = False,
                suggested: bool = False) -> Payments:
    """The credits booked on or after `since` with their allocations, the invoices they paid in part, and the
    returns and refunds of the same days.

    `bank`: the stored bank lines; `matches`: every stored match, undone ones included (`removed_at`,
    `removed_reason`); `invoices`: the stored invoices, closed ones included; `open_amounts`: invoice -> what is
    open now; `customer_ibans`: IBAN -> customer. `unmatched` keeps the credits with money no allocation
    accounts for, `suggested` those waiting for a person (both: either); either leaves out the returns and
    refunds, except a return that no payment in the statements explains (a person decides).
    """
    bank = bank.drop_duplicates("txn_id", keep="first")
    pairs = reversal_pairs(bank) if len(bank) else []
    returned_by = {original: reversal for reversal, original in pairs}
    invoice_of = _invoices(invoices)
    active, undone = _split_matches(matches)
    lines = _lines(bank, since)
    credits = [line for line in lines if line["amount"] > 0 and not line["reversal"]]
    listed = [_payment(line, active.get(line["txn_id"], []), undone.get(line["txn_id"], []),
                       returned_by.get(line["txn_id"]), invoice_of, open_amounts) for line in credits]
    if unmatched or suggested:
        listed = waiting(listed, unmatched=unmatched, suggested=suggested)
    returns = _returns(lines, dict(pairs), matches, invoice_of, customer_ibans)
    if unmatched or suggested:
        returns = [r for r in returns if unmatched and r.kind == "return" and not r.returns]
    return Payments(tuple(listed), _partly_paid(listed, active, invoice_of, open_amounts), tuple(returns), since)


def waiting(listed: list[Payment] | tuple[Payment, ...], *, unmatched: bool, suggested: bool) -> list[Payment]:
    """The credits with money no allocation accounts for (`unmatched`) or waiting for a person (`suggested`)."""
    return [p for p in listed if (unmatched and p.status != "returned" and p.unallocated > 0
                                  and p.status != "suggested") or (suggested and p.status == "suggested")]


def customer_ibans(customers: pd.DataFrame | None, known_ibans: dict[str, str]) -> dict[str, str]:
    """IBAN (compact, upper case) -> customer, from the IBANs people's matches taught and the customer master
    (which wins, as when the matcher identifies a payer)."""
    found = {compact_iban(iban): customer for iban, customer in known_ibans.items() if iban}
    if customers is not None and len(customers):
        for customer, cell in zip(customers["customer_id"], customers["iban"], strict=True):
            for iban in str(cell or "").split():
                found[compact_iban(iban)] = customer
    return found


def standing_matches(view: Payments) -> StandingMatches:
    """The view's allocations as matches (status auto, manual or suggested), its credits left unallocated
    (wholly, or the rest beyond their invoices) as unmatched and excess."""
    found: list[Match] = []
    left: list[Unmatched] = []
    excess: list[Unmatched] = []
    for payment in view.payments:
        if payment.status == "returned":
            continue
        for a in payment.allocations:
            found.append(Match(payment.bank_txn, a.invoice_id, a.amount, payment.currency, a.rule, a.confidence,
                               a.kind, a.note))
        if payment.unallocated > 0 and payment.status != "suggested":
            target = left if not payment.allocated else excess
            target.append(Unmatched(payment.bank_txn, payment.unallocated, payment.currency, payment.counterparty,
                                    payment.reason))
    return StandingMatches(tuple(found), tuple(left), tuple(excess))


def _lines(bank: pd.DataFrame, since: dt.date | None) -> list[Row]:
    if bank.empty:
        return []
    frame = bank.assign(day=bank["booking_date"].dt.date)
    if since is not None:
        frame = frame[frame["day"] >= since]
    frame = frame.sort_values(["booking_date", "txn_id"], kind="stable")
    return frame.to_dict("records")


def _invoices(invoices: pd.DataFrame) -> dict[str, Row]:
    if invoices.empty:
        return {}
    columns = ["invoice_id", "customer_id", "customer_name", "currency", "amount", "due_date"]
    return {row["invoice_id"]: row for row in invoices[columns].to_dict("records")}


def _split_matches(matches: pd.DataFrame) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
    """bank_txn -> its active matches (in the order they were made); bank_txn -> its undone ones."""
    active: dict[str, list[Row]] = {}
    undone: dict[str, list[Row]] = {}
    if matches.empty:
        return active, undone
    for row in matches.sort_values("id", kind="stable").to_dict("records"):
        target = active if pd.isna(row.get("removed_at")) else undone
        target.setdefault(row["bank_txn"], []).append(row)
    return active, undone


def _payment(line: Row, active: list[Row], undone: list[Row], returned_by: str | None,
             invoice_of: dict[str, Row], open_amounts: dict[str, int]) -> Payment:
    allocations = tuple(_allocation(row, invoice_of, open_amounts) for row in active)
    kinds = {a.kind for a in allocations}
    reason = ""
    if returned_by is not None:
        status, reason = "returned", f"returned by {returned_by}"
        if allocations:
            reason += ": `arctl reconcile` undoes its matches"
    elif "suggested" in kinds:
        status, reason = "suggested", "a person decides: `arctl match` confirms a suggestion"
    elif "manual" in kinds:
        status = "manual"
    elif "auto" in kinds:
        status = "auto"
    else:
        status = "unmatched"
        if any(row["removed_reason"] in _BY_A_PERSON for row in undone):
            reason = "a person undid its match: `arctl match` allocates it"
        else:
            reason = "no invoice found for it: `arctl match` allocates it"
    applied = sum(a.amount for a in allocations if a.kind != "suggested")
    if status in ("auto", "manual") and applied < line["amount"]:
        reason = "paid beyond its invoices: the rest is not allocated"
    return Payment(line["txn_id"], line["bank_ref"] or line["txn_id"], line["account_iban"], line["day"],
                   int(line["amount"]), line["currency"], line["counterparty_name"], line["counterparty_iban"],
                   line["structured_ref"], line["remittance"], status, allocations, reason)


def _allocation(row: Row, invoice_of: dict[str, Row], open_amounts: dict[str, int]) -> Allocation:
    invoice = invoice_of.get(row["invoice_id"], {})
    status = str(row["status"])
    return Allocation(row["invoice_id"], invoice.get("customer_id", ""), invoice.get("customer_name", ""),
                      int(row["amount"]), row["currency"], _KIND.get(status, status), row["rule"],
                      float(row["confidence"]), row["note"] or "", int(open_amounts.get(row["invoice_id"], 0)))


def _partly_paid(listed: list[Payment], active: dict[str, list[Row]], invoice_of: dict[str, Row],
                 open_amounts: dict[str, int]) -> tuple[PartlyPaid, ...]:
    """The open invoices that the payments listed paid in part, with every applied allocation counted."""
    touched = {a.invoice_id for p in listed if p.status != "returned" for a in p.allocations if a.kind != "suggested"}
    paid: dict[str, int] = {}
    for rows in active.values():
        for row in rows:
            if row["status"] in APPLIED and row["invoice_id"] in touched:
                paid[row["invoice_id"]] = paid.get(row["invoice_id"], 0) + int(row["amount"])
    found = []
    for invoice_id in sorted(paid):
        rest = int(open_amounts.get(invoice_id, 0))
        invoice = invoice_of.get(invoice_id)
        if invoice is None or rest == 0 or paid[invoice_id] == 0:
            continue
        due = invoice["due_date"]
        found.append(PartlyPaid(invoice_id, invoice["customer_id"], invoice["customer_name"], invoice["currency"],
                                int(invoice["amount"]), paid[invoice_id], rest,
                                None if pd.isna(due) else pd.Timestamp(due).date()))
    return tuple(found)


def _returns(lines: list[Row], originals: dict[str, str], matches: pd.DataFrame, invoice_of: dict[str, Row],
             customer_ibans: dict[str, str]) -> list[Return]:
    """Debits that give money back: every reversal (with the payment it returns when the statements tell), and
    debits to an account known as a customer's (a refund). Other debits are the company's own payments."""
    customer_of_txn: dict[str, str] = {}
    if len(matches):
        for txn, invoice_id in zip(matches["bank_txn"], matches["invoice_id"], strict=True):
            customer = invoice_of.get(invoice_id, {}).get("customer_id")
            if customer:
                customer_of_txn.setdefault(txn, customer)
    found = []
    for line in lines:
        if line["amount"] >= 0:
            continue
        iban_customer = customer_ibans.get(compact_iban(line["counterparty_iban"] or ""), "")
        original = originals.get(line["txn_id"])
        if original is not None:
            kind, customer = "return", customer_of_txn.get(original, iban_customer)
            reason = f"returns {original}"
        elif line["reversal"]:
            kind, customer = "return", iban_customer
            reason = "returns a payment the statements do not show, or one of several of this amount: a person decides"
        elif iban_customer:
            kind, customer, reason = "refund", iban_customer, "paid to an account of the customer"
        else:
            continue
        found.append(Return(line["txn_id"], line["bank_ref"] or line["txn_id"], line["account_iban"], line["day"],
                            int(line["amount"]), line["currency"], line["counterparty_name"],
                            line["counterparty_iban"], kind, original or "", customer, reason))
    return found
