"""What every bank reader produces: transactions as records, turned into the canonical bank-line frame.

`txn_id` (ARCHITECTURE.md) identifies one transaction for ever: the account joined to the bank's own
reference where that is unique within the account in the file; otherwise the account joined to a
stable hash of booking date, value date, amount, counterparty and remittance, with an occurrence
number for identical lines within one statement, so that an overlapping statement never books a
transaction twice and two real identical transactions are never merged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from arctl.errors import InputError
from arctl.model import BANK_COLUMNS, Finding


@dataclass(frozen=True, slots=True)
class BankRecord:
    """One booked transaction as a reader found it (amount signed, credit positive, in minor units)."""

    account: str
    booking_date: dt.date
    value_date: dt.date | None
    amount: int
    currency: str
    counterparty_name: str = ""
    counterparty_iban: str = ""
    structured_ref: str = ""
    remittance: str = ""
    reversal: bool = False
    bank_ref: str = ""
    statement: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Balance:
    """A balance a statement states (opening, closing, available ...), in minor units."""

    account: str
    currency: str
    kind: str
    date: dt.date | None
    amount: int


@dataclass(frozen=True, slots=True)
class StatementBalances:
    """One statement of one account in one currency: the booked balances it states (None when it states
    none) and the sums of the lines it books between them, with where its closing balance stands."""

    account: str
    statement: str
    currency: str
    opening: int | None
    closing: int | None
    credits: int  # sum of the credit lines
    debits: int  # sum of the debit lines, as a positive number
    line: int = 0  # the line of the closing balance (else of the statement)
    column: str = ""  # how the format names the closing balance: ":62F:", "Bal CLBD", "record 8"


@dataclass(slots=True)
class BankRead:
    """A bank file as read: its format, the canonical lines, the balances it states, and findings."""

    path: Path
    format: str
    frame: pd.DataFrame
    balances: list[Balance] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    statements: int = 0
    statement_balances: list[StatementBalances] = field(default_factory=list)


def line_sums(amounts: list[int]) -> tuple[int, int]:
    """(credits, debits) of signed amounts, both as positive numbers."""
    return sum(a for a in amounts if a > 0), -sum(a for a in amounts if a < 0)


def balance_findings(read: BankRead, locale: str) -> list[Finding]:
    """A warning for every statement whose closing balance is not its opening balance plus its credits
    minus its debits, with both figures written for a person in `locale`. A statement that does not
    state both balances is not checked (and not warned about)."""
    from arctl.money import format_money

    findings = []
    for stated in read.statement_balances:
        if stated.opening is None or stated.closing is None:
            continue
        expected = stated.opening + stated.credits - stated.debits
        if expected == stated.closing:
            continue

        def money(minor: int, currency: str = stated.currency) -> str:
            return format_money(minor, currency, locale)

        findings.append(Finding(
            str(read.path), stated.line or None, stated.column or None, money(stated.closing),
            f"account {stated.account}, statement {stated.statement or '(no id)'}: the balances do not add up: "
            f"opening {money(stated.opening)} + credits {money(stated.credits)} - debits {money(stated.debits)} "
            f"= {money(expected)} expected, the closing balance states {money(stated.closing)} (difference "
            f"{money(stated.closing - expected)})", "warning", "balance"))
    return findings


def statement_bytes(path: Path) -> bytes:
    """The bytes of a bank file, or one clear InputError: missing, a folder, unreadable or empty."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file", hint="check the path") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a bank statement") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not data.strip():
        raise InputError(f"{path}: the file is empty", hint="download the statement again from the bank")
    return data


def _hash_key(record: BankRecord) -> str:
    parts = (record.booking_date.isoformat(), record.value_date.isoformat() if record.value_date else "",
             str(record.amount), record.currency, record.counterparty_iban.upper(),
             " ".join(record.counterparty_name.upper().split()), " ".join(record.remittance.split()),
             record.structured_ref)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def txn_ids(records: list[BankRecord]) -> list[str]:
    """The `txn_id` of each record, as the module docstring defines it (one record at a time: the
    definition that `line_ids` computes a column at a time)."""
    refs = Counter((r.account, r.bank_ref) for r in records if r.bank_ref)
    seen: Counter[tuple[str, str, str]] = Counter()
    ids = []
    for record in records:
        if record.bank_ref and refs[(record.account, record.bank_ref)] == 1:
            ids.append(f"{record.account}:{record.bank_ref}")
            continue
        key = _hash_key(record)
        seen[(record.account, record.statement, key)] += 1
        ids.append(f"{record.account}:h{key}-{seen[(record.account, record.statement, key)]}")
    return ids


LINE_COLUMNS = ("account_iban", "booking_date", "value_date", "amount", "currency", "counterparty_name",
                "counterparty_iban", "structured_ref", "remittance", "reversal", "bank_ref", "statement", "line")


def bank_frame(records: list[BankRecord], path: Path | str) -> pd.DataFrame:
    """The canonical bank-line frame (model.BANK_COLUMNS) of a reader's records."""
    return lines_frame(record_columns(records), path)


def joined_columns(parts: list[dict[str, pd.Series]]) -> dict[str, pd.Series]:
    """Columns read in parts (record_columns of each batch of records), one after the other."""
    if len(parts) == 1:
        return parts[0]
    return {name: pd.concat([part[name] for part in parts], ignore_index=True) for name in LINE_COLUMNS}


def record_columns(records: list[BankRecord]) -> dict[str, pd.Series]:
    """Records as bank-line columns (LINE_COLUMNS): a reader with many records turns them into columns a
    batch at a time, which hold far less memory than the records."""
    return {
        "account_iban": pd.Series([r.account for r in records], dtype=str),
        "booking_date": pd.Series([r.booking_date for r in records], dtype="datetime64[s]"),
        "value_date": pd.Series([r.value_date for r in records], dtype="datetime64[s]"),
        "amount": pd.Series([r.amount for r in records], dtype="int64"),
        "currency": pd.Series([r.currency for r in records], dtype=str),
        "counterparty_name": pd.Series([r.counterparty_name for r in records], dtype=str),
        "counterparty_iban": pd.Series([r.counterparty_iban for r in records], dtype=str),
        "structured_ref": pd.Series([r.structured_ref for r in records], dtype=str),
        "remittance": pd.Series([r.remittance for r in records], dtype=str),
        "reversal": pd.Series([r.reversal for r in records], dtype=bool),
        "bank_ref": pd.Series([r.bank_ref for r in records], dtype=str),
        "statement": pd.Series([r.statement for r in records], dtype=str),
        "line": pd.Series([r.line for r in records], dtype="int64"),
    }


def lines_frame(columns: dict[str, pd.Series], path: Path | str) -> pd.DataFrame:
    """The canonical bank-line frame of lines given column by column (LINE_COLUMNS, each a Series on a
    RangeIndex: text as str, dates as datetime64[s], amount int64, reversal bool, line int64)."""
    from arctl.io.bank.line_ids import line_ids

    frame = pd.DataFrame({
        "txn_id": pd.Series(line_ids(columns), dtype=str) if len(columns["line"]) else pd.Series([], dtype=str),
        **{name: columns[name] for name in LINE_COLUMNS if name not in ("statement", "line")},
        "source": pd.Series(f"{path}:" + columns["line"].astype(str), dtype=str),
    })
    return frame[list(BANK_COLUMNS)]


CLOSING_KINDS = ("CLBD",)   # a closing booked balance: camt CLBD, MT940 :62F:/:62M:, CODA new balance (record 8)


def statement_reach(frame: pd.DataFrame, balances: list[Balance]) -> dict[str, dt.date]:
    """Per account: the last day the file's statements cover, i.e. the date of its closing balance, else (a
    CSV or XLSX export without one) its newest booking date. A quiet account whose statement closes
    yesterday is as fresh as a busy one."""
    reach: dict[str, dt.date] = {}
    for balance in balances:
        if balance.kind in CLOSING_KINDS and balance.date is not None and balance.account:
            reach[balance.account] = max(balance.date, reach.get(balance.account, balance.date))
    if len(frame):
        for account, day in frame.groupby("account_iban")["booking_date"].max().items():
            if day == day:  # NaT
                booked = day.date()
                reach[str(account)] = max(booked, reach.get(str(account), booked))
    return reach
