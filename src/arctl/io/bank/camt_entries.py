"""The content of camt statements: statements, balances and entries into bank records (rules: camt.py).

The reader walks elements through a tree (camt_tree.py) that finds them by local name, and asks
`line_of` for the source line of an element; camt.py (a whole tree) and camt_stream.py (entry by entry)
drive it the same way, so both give the same lines, findings and notices.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from arctl.errors import InputError
from arctl.io.bank.camt_tree import LocalTree
from arctl.io.bank.lines import Balance, BankRecord, StatementBalances
from arctl.model import Finding
from arctl.money import AmountError, currency_decimals, parse_amount

# message element -> (statement element, message family used when the namespace names no version)
MESSAGES = {
    "BkToCstmrStmt": ("Stmt", "camt.053"),
    "BkToCstmrDbtCdtNtfctn": ("Ntfctn", "camt.054"),
    "BkToCstmrAcctRpt": ("Rpt", "camt.052"),
}
_VERSION = re.compile(r"camt\.05[234]\.\d{3}\.\d{2}")
_STATUS_NAMES = {"PDNG": "pending", "INFO": "information only", "FUTR": "future"}
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
_PLAIN = re.compile(r"([0-9]{1,17})\.([0-9]{2})")  # 1234.56: what parse_amount reads alike, without its rules


def message_format(root: Element, message: Element, family: str) -> str:
    """The message's version (camt.053.001.02) as its namespace names it, else its family (camt.053)."""
    for element in (root, message):
        found = _VERSION.search(_namespace(element.tag))
        if found and found.group().startswith(family):
            return found.group()
    return family


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _squeeze(text: str) -> str:
    return " ".join(text.split())


class Skip(Exception):
    """An entry or balance that cannot be read; its finding is already recorded."""


@dataclass(frozen=True, slots=True)
class Opened:
    """What a statement gives its entries, read before them: its account, the account's currency and the
    balances it states."""

    account: str
    currency: str
    balances: list[tuple[Element, Balance]]


@dataclass(slots=True)
class Reader:
    """Statements, balances and entries into records, findings and notices (module docstring of camt.py).
    `tree` finds elements by local name; `line_of` gives the source line of an element's start tag."""

    path: Path
    line_of: Callable[[Element], int]
    tree: LocalTree
    records: list[BankRecord] = field(default_factory=list)
    sums: dict[str, list[int]] = field(default_factory=dict)  # the open statement's credits and debits
    balances: list[Balance] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_booked: Counter[str] = field(default_factory=Counter)
    without_status: int = 0
    split_entries: int = 0
    split_lines: int = 0
    extra_notices: list[str] = field(default_factory=list)
    stated: list[StatementBalances] = field(default_factory=list)
    statement_id: str = ""

    def line(self, element: Element | None) -> int:
        return self.line_of(element) if element is not None else 0

    def fail(self, element: Element | None, column: str, value: str | None, message: str,
             severity: str = "error") -> None:
        where = f"statement {self.statement_id}: " if self.statement_id else ""
        self.findings.append(Finding(str(self.path), self.line(element), column, value, where + message, severity))

    # statements

    def statement(self, statement: Element) -> None:
        opened = self.open(statement)
        for entry in self.tree.children(statement, "Ntry"):
            self.take(opened, entry)
        self.close(statement, opened)

    def open(self, statement: Element) -> Opened:
        """A statement's account and balances; a statement without an account, or with a balance that
        cannot be read, refuses the file."""
        statement_id = self.statement_id = self.tree.text(statement, "Id")
        account_element = self.tree.find(statement, "Acct")
        account = _account_id(self.tree, account_element)
        if not account:
            raise InputError(
                f"{self.path}: line {self.line(statement)}: statement {statement_id!r} names no account "
                "(Acct/Id/IBAN or Acct/Id/Othr/Id)",
                hint="every camt statement states its account; download the statement again from the bank",
            )
        account_currency = self.tree.text(account_element, "Ccy")
        balances = [(element, self.balance(element, account, account_currency))
                    for element in self.tree.children(statement, "Bal")]
        self.balances.extend(balance for _, balance in balances)
        self.sums = {}
        return Opened(account, account_currency, balances)

    def take(self, opened: Opened, entry: Element) -> None:
        with contextlib.suppress(Skip):
            self.entry(entry, opened.account, opened.currency, self.statement_id)

    def close(self, statement: Element, opened: Opened) -> None:
        self.state(statement, opened.account, opened.balances, self.sums)

    def add(self, record: BankRecord) -> None:
        self.records.append(record)
        sums = self.sums.get(record.currency)
        if sums is None:
            sums = self.sums[record.currency] = [0, 0]
        if record.amount > 0:
            sums[0] += record.amount
        else:
            sums[1] -= record.amount

    def take_records(self) -> list[BankRecord]:
        """The records read so far, handed over (the reader keeps what the statement balances need)."""
        records, self.records = self.records, []
        return records

    def state(self, statement: Element, account: str, balances: list[tuple[Element, Balance]],
              sums: dict[str, list[int]]) -> None:
        """The statement's booked balances and lines per currency, for `check`."""
        currencies = dict.fromkeys([b.currency for _, b in balances if b.kind in ("OPBD", "PRCD", "CLBD")]
                                   + list(sums))
        for currency in currencies:
            kinds: dict[str, tuple[Element, Balance]] = {}
            for element, balance in balances:
                if balance.currency == currency:
                    kinds.setdefault(balance.kind, (element, balance))
            opening = kinds.get("OPBD") or kinds.get("PRCD")
            closing = kinds.get("CLBD")
            credits, debits = sums.get(currency, (0, 0))
            self.stated.append(StatementBalances(
                account, self.statement_id,
                currency, opening[1].amount if opening else None, closing[1].amount if closing else None,
                credits, debits, self.line(closing[0] if closing else statement),
                "Bal CLBD" if closing else "Stmt"))

    def balance(self, balance: Element, account: str, account_currency: str) -> Balance:
        """A stated balance; one that cannot be read refuses the file (module docstring)."""
        kind = self.tree.text(balance, "Tp/CdOrPrtry/Cd") or self.tree.text(balance, "Tp/CdOrPrtry/Prtry")
        try:
            currency, amount = self.amount(self.tree.find(balance, "Amt"), balance, "Bal/Amt", account_currency)
            indicator = self.indicator(balance, "Bal/CdtDbtInd")
            date = self.date(balance, self.tree.find(balance, "Dt"), "Bal/Dt")
        except Skip as exc:
            bad = self.findings.pop()
            value = f" {bad.value!r}" if bad.value and bad.value not in bad.message else ""
            raise InputError(
                f"{self.path}: line {bad.row}: {bad.message} (balance {kind or '?'}, {bad.column}{value})",
                hint="the statement's balances cannot be checked; download the statement again from the bank",
            ) from exc
        return Balance(account, currency, kind, date, amount if indicator == "CRDT" else -amount)

    # entries

    def entry(self, entry: Element, account: str, account_currency: str, statement_id: str) -> None:
        status = _status(self.tree, entry)
        if status and status != "BOOK":
            self.not_booked[status] += 1
            return
        if not status:
            self.without_status += 1
        currency, magnitude = self.amount(self.tree.find(entry, "Amt"), entry, "Ntry/Amt", account_currency)
        indicator = self.indicator(entry, "Ntry/CdtDbtInd")
        amount = magnitude if indicator == "CRDT" else -magnitude
        booking_date, value_date = self.dates(entry)
        context = _Entry(
            account=account, currency=currency, booking_date=booking_date, value_date=value_date,
            statement=statement_id, reversal=self.tree.text(entry, "RvslInd").lower() in ("true", "1"),
            reference=_reference(self.tree.text(entry, "AcctSvcrRef")), info=self.tree.text(entry, "AddtlNtryInf"),
        )
        transactions = self.tree.findall(entry, "NtryDtls/TxDtls")
        if len(transactions) <= 1:
            declared = self.tree.text(entry, "NtryDtls/Btch/NbOfTxs")
            if not transactions and declared.isdecimal() and int(declared) > 1:
                self.extra_notices.append(
                    f"line {self.line(entry)}: a batch of {declared} transactions without details "
                    "kept as one line of the entry's total")
            transaction = transactions[0] if transactions else None
            self.add(self.record(context, transaction, amount, self.line(entry), 0))
            return
        amounts = self.split(entry, transactions, currency, indicator)
        if amounts is None:
            self.add(self.record(context, None, amount, self.line(entry), 0))
            return
        if sum(amounts) != amount:
            self.fail(entry, "Ntry/Amt", self.tree.text(entry, "Amt"),
                      f"the {len(amounts)} transactions of this entry add up to {sum(amounts)} minor units, "
                      f"the entry says {amount}: each transaction is kept with its own amount", "warning")
        self.split_entries += 1
        self.split_lines += len(transactions)
        for index, (transaction, tx_amount) in enumerate(zip(transactions, amounts, strict=True), start=1):
            self.add(self.record(context, transaction, tx_amount, self.line(transaction), index))

    def split(self, entry: Element, transactions: list[Element], currency: str,
              indicator: str) -> list[int] | None:
        """Each transaction's signed amount in the entry's currency, or None when one has none."""
        amounts = []
        for transaction in transactions:
            element = next((candidate for candidate in (self.tree.find(transaction, "Amt"),
                                                        self.tree.find(transaction, "AmtDtls/TxAmt/Amt"))
                            if candidate is not None and candidate.get("Ccy", currency) == currency), None)
            if element is None:
                self.fail(transaction, "TxDtls/Amt", None,
                          f"a transaction of this batch has no amount in {currency}: "
                          "the entry is kept as one line of its total", "warning")
                return None
            _, magnitude = self.amount(element, transaction, "TxDtls/Amt", currency)
            own = self.tree.text(transaction, "CdtDbtInd")
            sign = own if own in ("CRDT", "DBIT") else indicator
            amounts.append(magnitude if sign == "CRDT" else -magnitude)
        return amounts

    def record(self, entry: _Entry, transaction: Element | None, amount: int, line: int,
               index: int) -> BankRecord:
        name, iban = _counterparty(self.tree, transaction, amount, entry.account)
        structured_ref, remittance = _remittance(self.tree, transaction, entry.info)
        bank_ref = _reference(self.tree.text(transaction, "Refs/AcctSvcrRef"))
        if not bank_ref and entry.reference:
            bank_ref = f"{entry.reference}-{index}" if index else entry.reference
        return BankRecord(
            account=entry.account, booking_date=entry.booking_date, value_date=entry.value_date,
            amount=amount, currency=entry.currency, counterparty_name=name, counterparty_iban=iban,
            structured_ref=structured_ref, remittance=remittance,
            reversal=entry.reversal or bool(self.tree.children(transaction, "RtrInf")),
            bank_ref=bank_ref, statement=entry.statement, line=line,
        )

    # values

    def amount(self, element: Element | None, owner: Element, column: str,
               default_currency: str) -> tuple[str, int]:
        """(currency, amount in minor units, not signed) of an `Amt` element."""
        if element is None:
            self.fail(owner, column, None, "no amount: expected an Amt element such as <Amt Ccy=\"EUR\">12.50</Amt>")
            raise Skip
        text = (element.text or "").strip()
        currency = (element.get("Ccy") or default_currency).strip().upper()
        if not currency:
            self.fail(element, column, text, "no currency: expected a Ccy attribute such as Ccy=\"EUR\"")
            raise Skip
        try:
            plain = _PLAIN.fullmatch(text) if currency_decimals(currency) == 2 else None
            value = int(plain.group(1)) * 100 + int(plain.group(2)) if plain else parse_amount(text, currency, ".")
        except AmountError as exc:
            self.fail(element, column, text, str(exc))
            raise Skip from exc
        if value < 0:
            self.fail(element, column, text, "negative amount: camt states the sign in CdtDbtInd")
            raise Skip
        return currency, value

    def indicator(self, owner: Element, column: str) -> str:
        value = self.tree.text(owner, "CdtDbtInd").upper()
        if value not in ("CRDT", "DBIT"):
            self.fail(owner, column, value or None, "expected the credit/debit indicator CRDT or DBIT")
            raise Skip
        return value

    def date(self, owner: Element, element: Element | None, column: str) -> dt.date | None:
        try:
            return _date_of(self.tree, element)
        except ValueError as exc:
            text = self.tree.text(element, "Dt") or self.tree.text(element, "DtTm")
            self.fail(owner, column, text, f"{text!r} is not a date ({exc}): expected YYYY-MM-DD")
            raise Skip from exc

    def dates(self, entry: Element) -> tuple[dt.date, dt.date | None]:
        booking = self.date(entry, self.tree.find(entry, "BookgDt"), "Ntry/BookgDt")
        value = self.date(entry, self.tree.find(entry, "ValDt"), "Ntry/ValDt")
        if booking is None:
            if value is None:
                self.fail(entry, "Ntry/BookgDt", None, "a booked entry without a booking or value date")
                raise Skip
            self.fail(entry, "Ntry/BookgDt", None, "no booking date: the value date is used", "warning")
            booking = value
        return booking, value

    def notices(self) -> list[str]:
        notices = []
        if self.not_booked:
            kinds = ", ".join(f"{count} {_STATUS_NAMES.get(status, 'not booked')} ({status})"
                              for status, count in sorted(self.not_booked.items()))
            notices.append(f"{sum(self.not_booked.values())} entr{'y' if sum(self.not_booked.values()) == 1 else 'ies'}"
                           f" not booked left out: {kinds}")
        if self.without_status:
            notices.append(f"{self.without_status} entr{'y' if self.without_status == 1 else 'ies'} "
                           "without a status (Sts) taken as booked")
        if self.split_entries:
            notices.append(f"{self.split_entries} batched entr{'y' if self.split_entries == 1 else 'ies'} "
                           f"split into {self.split_lines} transactions")
        return notices + self.extra_notices


@dataclass(frozen=True, slots=True)
class _Entry:
    """What an entry gives every transaction it holds."""

    account: str
    currency: str
    booking_date: dt.date
    value_date: dt.date | None
    statement: str
    reversal: bool
    reference: str
    info: str


def _status(tree: LocalTree, entry: Element) -> str:
    status = tree.find(entry, "Sts")
    if status is None:
        return ""
    return ((status.text or "").strip() or tree.text(status, "Cd") or tree.text(status, "Prtry")).upper()


def _date_of(tree: LocalTree, element: Element | None) -> dt.date | None:
    """The date of a camt date choice (`Dt` or `DtTm`, date part as the bank wrote it)."""
    text = tree.text(element, "Dt") or tree.text(element, "DtTm")
    return dt.date.fromisoformat(text[:10]) if text else None


def _account_id(tree: LocalTree, account: Element | None) -> str:
    iban = tree.text(account, "Id/IBAN")
    if iban:
        return "".join(iban.split()).upper()
    return "".join(tree.text(account, "Id/Othr/Id").split())


def _reference(text: str) -> str:
    return "" if text.upper() in _NO_REFERENCE else text


def _party(tree: LocalTree, transaction: Element | None, role: str) -> tuple[str, str]:
    parties = tree.find(transaction, "RltdPties")
    if parties is None:
        return "", ""
    name = next((_squeeze(tree.text(parties, path)) for path in
                 (f"{role}/Nm", f"{role}/Pty/Nm", f"Ultmt{role}/Nm", f"Ultmt{role}/Pty/Nm")
                 if tree.text(parties, path)), "")
    return name, _account_id(tree, tree.find(parties, f"{role}Acct"))


def _counterparty(tree: LocalTree, transaction: Element | None, amount: int, own_account: str) -> tuple[str, str]:
    """(name, account) of the other party: the debtor of a credit, the creditor of a debit."""
    first, second = ("Dbtr", "Cdtr") if amount >= 0 else ("Cdtr", "Dbtr")
    name, iban = _party(tree, transaction, first)
    if (iban and iban == own_account) or not (name or iban):
        other_name, other_iban = _party(tree, transaction, second)
        if (other_name or other_iban) and other_iban != own_account:
            return other_name, other_iban
        if iban == own_account:
            return "", ""
    return name, iban


def _remittance(tree: LocalTree, transaction: Element | None, entry_info: str) -> tuple[str, str]:
    """(structured reference, remittance text) of a transaction."""
    information = tree.children(transaction, "RmtInf")
    unstructured = [_squeeze(e.text or "") for info in information for e in tree.children(info, "Ustrd")]
    unstructured = [text for text in unstructured if text]
    structured = [strd for info in information for strd in tree.children(info, "Strd")]
    references = [tree.text(strd, "CdtrRefInf/Ref") for strd in structured]
    references = [ref for ref in references if ref]
    parts = list(unstructured)
    for strd in structured:
        parts += [_squeeze(e.text or "") for e in tree.children(strd, "AddtlRmtInf")]
        parts += [_squeeze(e.text or "") for e in tree.findall(strd, "RfrdDocInf/Nb")]
    parts += references[1:]
    parts += [_squeeze(e.text or "") for e in tree.children(transaction, "AddtlTxInf")]
    if not unstructured:
        parts.append(_squeeze(entry_info))
    end_to_end = tree.text(transaction, "Refs/EndToEndId")
    if end_to_end and end_to_end.upper() != "NOTPROVIDED":
        parts.append(f"EREF {end_to_end}")
    seen: set[str] = set()
    kept = []
    for part in parts:
        if part and part not in seen:
            seen.add(part)
            kept.append(part)
    return (references[0] if references else ""), " ".join(kept)
