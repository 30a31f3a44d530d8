"""CODA files into records, and what the records hold: the file level of the CODA reader (coda.py).

A CODA file is a series of fixed 128-character records; the Febelfin standard numbers positions from 1
(`at`). A record shorter than 128 characters is padded with spaces (its length kept, so that an error on
it can say it was cut off); one longer, or of an unknown type, refuses the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from arctl.errors import InputError
from arctl.io.bank.lines import statement_bytes

RECORD_LENGTH = 128
RECORD_TYPES = ("0", "1", "21", "22", "23", "31", "32", "33", "4", "8", "9")
HINT_DAMAGED = "the file looks damaged or edited; download the statement again from the bank"


def read_text(path: Path) -> str:
    """The text of a CODA file: UTF-8 (a BOM dropped) when it decodes, else cp1252, else latin-1."""
    data = statement_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def records_of(path: Path, text: str) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """(line number, record) for every non-empty line, each checked to be a known type and padded to 128
    characters, and the length of each record that was shorter, by line number."""
    records: list[tuple[int, str]] = []
    short: dict[int, int] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        record = raw.rstrip("\r")
        if not record or record == "\x1a":  # an empty line, or a DOS end-of-file mark
            continue
        if not records and not record.startswith("0000"):
            raise InputError(
                f"{path}: line {number}: not a CODA file: it starts with {record[:20]!r}, a CODA file with a "
                "header record 00000",
                hint="is this an MT940, camt or CSV export? " + HINT_DAMAGED,
            )
        if len(record) > RECORD_LENGTH:
            raise InputError(
                f"{path}: line {number}: the record is {len(record)} characters long; every CODA record "
                f"is exactly {RECORD_LENGTH} characters",
                hint="two records may have been joined or text added to the line; " + HINT_DAMAGED,
            )
        if len(record) < RECORD_LENGTH:
            short[number] = len(record)
            record = record.ljust(RECORD_LENGTH)
        kind = record[:2] if record[0] in "23" else record[0]
        if kind not in RECORD_TYPES:
            raise InputError(
                f"{path}: line {number}: unknown CODA record type {record[:2]!r}; expected 0, 1, 21, 22, 23, "
                "31, 32, 33, 4, 8 or 9 at the start of the line",
                hint="is this really a CODA file? " + HINT_DAMAGED,
            )
        records.append((number, record))
    if not records:
        raise InputError(f"{path}: the file is empty: no CODA records",
                         hint="download the statement again from the bank")
    return records, short


def at(record: str, first: int, last: int) -> str:
    """Positions first..last (1-based, inclusive) of a record, as the Febelfin standard numbers them."""
    return record[first - 1:last]


def squeeze(text: str) -> str:
    return " ".join(text.split())



@dataclass(slots=True)
class Info:
    """One group of information records 3.1-3.3."""

    line: int
    structured: bool
    text: str  # 3.1 + 3.2 + 3.3 communication zones, fixed width


@dataclass(slots=True)
class Movement:
    """One 2.1 record with its 2.2, 2.3 and information records."""

    line: int
    sequence: str
    detail: str
    bank_ref: str
    milli: int  # signed thousandths of the currency, as the file states them
    amount: int  # signed minor units
    value_date: dt.date | None
    entry_date: dt.date
    globalisation: int
    structured: bool
    comm21: str
    comm22: str | None = None
    comm23: str | None = None
    r_type: str = ""
    counterparty_account: str = ""
    counterparty_name: str = ""
    infos: list[Info] = field(default_factory=list)
    parent: Movement | None = None
    children: list[Movement] = field(default_factory=list)


@dataclass(slots=True)
class Statement:
    """One 0 ... 9 group."""

    line: int
    version: str
    created: dt.date
    duplicate: bool
    structure: str = ""
    account: str = ""
    account_zone: str = ""
    currency: str = ""
    number: str = ""
    old_milli: int = 0
    old_date: dt.date | None = None
    new_milli: int | None = None
    new_date: dt.date | None = None
    new_line: int = 0
    movements: list[Movement] = field(default_factory=list)
    counted: int = 0
    messages: int = 0
    closed: bool = False
    trailer: tuple[int, int, int, int] | None = None  # line, records, debit, credit (thousandths)

    @property
    def label(self) -> str:
        return f"{self.number}/{self.old_date.isoformat()}" if self.old_date else self.number
