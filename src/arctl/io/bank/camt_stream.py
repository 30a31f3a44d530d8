"""A camt file read entry by entry: ElementTree's C parser, each entry read as soon as it is complete, then
dropped, so that a million-entry statement never stands in memory as one tree.

Only the start of each element is reported (half the events of start and end). An entry is complete
when the next one starts, or its statement ends; a statement's account and balances are read when its
first entry starts (they come before the entries in every camt version). The source lines come from
camt_scan.py, matched by count: the k-th `Ntry` start tag of the file is the k-th `Ntry` the parser
reports. The reading itself is camt_entries.Reader, as for the whole tree; anything this order cannot
promise to read alike (a balance after the entries, counts that disagree, no camt message) raises
Fallback, and camt.py reads the file as a whole tree instead.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.etree.ElementTree import Element

import pandas as pd

from arctl.io.bank.camt_entries import MESSAGES, Opened, Reader, message_format
from arctl.io.bank.camt_scan import TAGS, Scan
from arctl.io.bank.camt_tree import NsTree, local
from arctl.io.bank.lines import BankRead, joined_columns, lines_frame, record_columns

_HEAD = ("Id", "Acct", "Bal")  # what a statement gives its entries
BATCH = 65536  # records turned into columns at a time


class Fallback(Exception):
    """The stream cannot promise the whole tree's reading of this file."""


class _Lines:
    """Where the elements the reader may ask about start: the open statement, its balances, the open
    entry and its transactions (from the scan), and any element within those (counted on demand)."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        self.seen = dict.fromkeys(TAGS, 0)
        self.known: dict[Element, tuple[int, int]] = {}

    def count(self, name: str, element: Element, keep: bool) -> None:
        index = self.seen[name]
        self.seen[name] = index + 1
        if keep:
            lines = self.scan.lines[name]
            if index >= len(lines):
                raise Fallback(f"more {name} elements than start tags")
            self.known[element] = (lines[index], self.scan.offsets[name][index])

    def check(self) -> None:
        if any(self.seen[name] != len(self.scan.lines[name]) for name in TAGS):
            raise Fallback("the parser and the scan count different elements")

    def line(self, element: Element) -> int:
        found = self.known.get(element)
        if found is not None:
            return found[0]
        holders = [(offset, line, anchor) for anchor, (line, offset) in self.known.items()
                   if any(inner is element for inner in anchor.iter(element.tag))]
        if not holders:
            return 0
        offset, line, anchor = max(holders, key=lambda holder: holder[0])  # the innermost
        index = next(n for n, inner in enumerate(anchor.iter(element.tag)) if inner is element)
        return self.scan.line_within(offset, line, local(element.tag), index)

    def forget(self, element: Element) -> None:
        self.known.pop(element, None)


class _Stream:
    """The statement being read, its open entry, and what has been read."""

    def __init__(self, path: Path, scan: Scan) -> None:
        self.tree = NsTree(scan.uri)
        self.lines = _Lines(scan)
        self.reader = Reader(path, self.lines.line, self.tree)
        self.statement: Element | None = None
        self.opened: Opened | None = None
        self.head: list[Element] = []
        self.entry: Element | None = None
        self.slot = 0
        self.transactions: list[Element] = []
        self.statements = 0
        self.parts: list[dict[str, pd.Series]] = []

    def start_statement(self, statement: Element) -> None:
        self.close_statement()
        self.statement = statement
        self.statements += 1

    def is_entry(self, element: Element) -> bool:
        """Whether an `Ntry` is a child of the open statement. The parser runs ahead of its events, so
        the entries after it may be in the tree already: the open entry stands at `slot`, the next one
        right after it."""
        statement = self.statement
        if statement is None:
            return False
        if self.entry is not None:
            return len(statement) > self.slot + 1 and statement[self.slot + 1] is element
        slot = next((n for n, child in enumerate(statement) if child is element), None)
        if slot is None:
            return False
        self.slot = slot
        return True

    def start_entry(self, entry: Element) -> None:
        statement = self.statement
        assert statement is not None
        if self.entry is not None:
            self.close_entry()
        elif self.opened is None:
            self.open(statement)
        self.entry = entry

    def open(self, statement: Element) -> None:
        self.head = self.heading(statement)
        self.opened = self.reader.open(statement)

    def heading(self, statement: Element) -> list[Element]:
        return [child for child in statement if local(child.tag) in _HEAD]

    def close_entry(self) -> None:
        entry, statement, opened = self.entry, self.statement, self.opened
        assert entry is not None and statement is not None and opened is not None
        self.reader.take(opened, entry)
        for transaction in self.transactions:
            self.lines.forget(transaction)
        self.transactions = []
        self.lines.forget(entry)
        del statement[self.slot]
        self.entry = None
        if len(self.reader.records) >= BATCH:
            self.parts.append(record_columns(self.reader.take_records()))

    def close_statement(self) -> Element | None:
        statement = self.statement
        if statement is None:
            return None
        if self.entry is not None:
            self.close_entry()
        if self.opened is None:
            self.open(statement)
        elif self.heading(statement) != self.head:
            raise Fallback("a statement's account or balance after its entries")
        if self.tree.children(statement, "Ntry"):
            raise Fallback("an entry after another element than an entry")
        assert self.opened is not None
        self.reader.close(statement, self.opened)
        for element in (statement, *self.head):
            self.lines.forget(element)
        self.statement, self.opened, self.head = None, None, []
        return statement


def stream_camt(path: Path, scan: Scan) -> BankRead:
    """Read a file camt_scan.py accepted into bank lines, entry by entry (module docstring)."""
    stream = _Stream(path, scan)
    prefix = stream.tree.prefix
    names = {prefix + name: name for name in (*TAGS, *MESSAGES)}
    root: Element | None = None
    message: Element | None = None
    statement_tag = family = ""
    events = ET.iterparse(str(path), events=("start",))
    for _, element in events:
        if root is None:
            root = element
        name = names.get(element.tag)
        if name is None:
            continue
        if name == "Ntry":
            direct = stream.is_entry(element)
            stream.lines.count(name, element, direct)
            if direct:
                stream.start_entry(element)
        elif name == "TxDtls":
            stream.lines.count(name, element, stream.entry is not None)
            if stream.entry is not None:
                stream.transactions.append(element)
        elif name == "Bal":
            stream.lines.count(name, element, stream.statement is not None)
        elif name in MESSAGES and message is None \
                and (element is root or (local(root.tag) == "Document" and _child(root, element))):
            message = element
            statement_tag, family = MESSAGES[name]
        if name == statement_tag and message is not None and _child(message, element):
            stream.lines.count(name, element, True)
            closed = stream.close_statement()
            if closed is not None:
                message.remove(closed)
            stream.start_statement(element)
        elif name in TAGS[:3]:
            stream.lines.count(name, element, False)
    stream.close_statement()
    stream.lines.check()
    if root is None or message is None:
        raise Fallback("no camt message")
    return BankRead(
        path=path,
        format=message_format(root, message, family),
        frame=lines_frame(joined_columns([*stream.parts, record_columns(stream.reader.take_records())]), path),
        balances=stream.reader.balances,
        findings=stream.reader.findings,
        notices=stream.reader.notices(),
        statements=stream.statements,
        statement_balances=stream.reader.stated,
    )


def _child(parent: Element, element: Element) -> bool:
    """Whether `element` is a child of `parent` (whose read children have been removed)."""
    return any(child is element for child in parent)
