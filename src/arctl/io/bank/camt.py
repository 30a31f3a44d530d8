"""ISO 20022 camt bank statements (camt.053, camt.054 notifications, camt.052 reports) into bank lines.

One reader for every version (camt.053.001.02 to .001.08 and later): elements are matched on their
local names, so the namespace URI of the version does not matter, and the places where versions
differ are read both ways (`Sts` as text or `Sts/Cd`; `Dbtr/Nm` or `Dbtr/Pty/Nm`).

What becomes a bank line:

- Every `Ntry` whose status is booked (`BOOK`). Pending (`PDNG`), information (`INFO`) and future
  (`FUTR`) entries are left out and counted in a notice; an entry without any status is taken as
  booked, with a notice.
- An entry that batches several transactions (more than one `NtryDtls/TxDtls`) gives one line per
  transaction with that transaction's own amount (`TxDtls/Amt`, else `AmtDtls/TxAmt/Amt`, in the
  entry's currency) and its own sign (`TxDtls/CdtDbtInd`, else the entry's). If a transaction of
  the batch has no amount in the entry's currency the entry stays one line of the entry's total,
  with a warning; when the transactions do not add up to the entry the split is kept, with a warning.
  An entry with one transaction (or none) is one line of the entry's booked amount.
- Amounts are exact (`money.parse_amount`), signed by `CdtDbtInd` (CRDT positive, DBIT negative; for a
  reversal the indicator already states the direction of the reversing booking).
- Counterparty: the debtor for a credit, the creditor for a debit (`Nm` or `Pty/Nm`, account
  `IBAN` or `Othr/Id`), the ultimate party's name when the direct party has none. A party whose
  account is the statement's own account is never the counterparty: then the other side is taken
  (banks differ in which side they fill in for reversals).
- `structured_ref`: the first `RmtInf/Strd/CdtrRefInf/Ref` as given (SCOR, BBA, QRR ... alike).
  `remittance`: every `Ustrd`, the structured block's free text (`AddtlRmtInf`), referred document
  numbers (`RfrdDocInf/Nb`) and any further creditor references, `AddtlTxInf`, the entry's
  `AddtlNtryInf` when there is no `Ustrd`, and last "EREF <EndToEndId>" unless it is NOTPROVIDED;
  repeated texts once, white space collapsed.
- `reversal`: `RvslInd` true on the entry, or return information (`RtrInf`) on the transaction.
- `bank_ref`: the transaction's `Refs/AcctSvcrRef`; else the entry's `AcctSvcrRef`, with the
  transaction's 1-based index appended ("-1", "-2") when the entry batches several; else "" (then
  `lines.txn_ids` hashes). "NONREF" and "NOTPROVIDED" are no reference.
- `line`: the 1-based source line of the `Ntry` start tag, or of the `TxDtls` start tag for a line
  split out of a batch. ElementTree keeps no positions, so the tree is built through a target that
  records expat's `CurrentLineNumber` when each start tag is reported (it is the line of the `<`).

Entries that cannot be read (no amount, no currency, a date such as 2026-02-30, no credit/debit
indicator) are left out with an error finding at their line naming the statement and the value;
nothing is dropped silently. A balance that cannot be read (amount, indicator or a date such as
2026-02-30) refuses the file with an InputError naming file, line, statement, balance and value: the
statement cannot be checked, so the file is damaged. The file itself is refused with an InputError
when it is not well-formed XML (file and line named), declares a DTD or entities (refused for safety:
parsing goes through defusedxml with DTDs forbidden), or is not a camt message.

Balances for `check` (lines.StatementBalances): per statement and currency, the opening booked balance
(`OPBD`, else `PRCD`, the previous closing booked) and the closing booked balance (`CLBD`) with the
sums of the booked lines in that currency; pending entries are not in a booked balance.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import xml.etree.ElementTree as StdET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element
from xml.parsers import expat

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from arctl.errors import InputError
from arctl.io.bank.lines import (
    Balance,
    BankRead,
    BankRecord,
    StatementBalances,
    bank_frame,
    line_sums,
    statement_bytes,
)
from arctl.model import Finding
from arctl.money import AmountError, currency_decimals, parse_amount

# message element -> (statement element, message family used when the namespace names no version)
_MESSAGES = {
    "BkToCstmrStmt": ("Stmt", "camt.053"),
    "BkToCstmrDbtCdtNtfctn": ("Ntfctn", "camt.054"),
    "BkToCstmrAcctRpt": ("Rpt", "camt.052"),
}
_VERSION = re.compile(r"camt\.05[234]\.\d{3}\.\d{2}")
_STATUS_NAMES = {"PDNG": "pending", "INFO": "information only", "FUTR": "future"}
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}


def read_camt(path: Path) -> BankRead:
    """Read a camt.053/054/052 file into canonical bank lines, the balances it states, and notices."""
    path = Path(path)
    root, lines = _parse(path, _read_bytes(path))
    message = _message(path, root)
    statement_tag, family = _MESSAGES[_local(message.tag)]
    reader = _Reader(path, lines)
    statements = _children(message, statement_tag)
    for statement in statements:
        reader.statement(statement)
    return BankRead(
        path=path,
        format=_format(root, message, family),
        frame=bank_frame(reader.records, path),
        balances=reader.balances,
        findings=reader.findings,
        notices=reader.notices(),
        statements=len(statements),
        statement_balances=reader.stated,
    )


# --- XML: safe parsing with line numbers -------------------------------------------------------


class _LineTarget:
    """A tree-builder target that remembers the source line of every element's start tag."""

    def __init__(self) -> None:
        self.builder = StdET.TreeBuilder()
        self.lines: dict[Element, int] = {}
        self.expat: expat.XMLParserType | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> Element:
        element = self.builder.start(tag, attrib)
        if self.expat is not None:
            self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        return self.builder.end(tag)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> Element:
        return self.builder.close()


def _read_bytes(path: Path) -> bytes:
    data = statement_bytes(path)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head and not head.startswith(b"<") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: not XML, so not a camt statement (it starts with {head[:20]!r})",
                         hint="a camt file starts with <?xml or <Document; is this an MT940 or CSV export?")
    return data


def _parse(path: Path, data: bytes) -> tuple[Element, dict[Element, int]]:
    target = _LineTarget()
    parser = SafeET.XMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    target.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber
        raise InputError(
            f"{path}: line {line}: the XML declares a DTD or entities ({type(exc).__name__}); refused for safety",
            hint="bank statements never contain <!DOCTYPE ...>; download the statement again from the bank",
        ) from exc
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        code = getattr(exc, "code", None)
        reason = expat.ErrorString(code) if isinstance(code, int) else str(exc)
        raise InputError(
            f"{path}: not well-formed XML at line {line}, column {column + 1}: {reason}",
            hint="the file may be cut off or damaged; download the statement again from the bank",
        ) from exc
    return root, target.lines


def _message(path: Path, root: Element) -> Element:
    name = _local(root.tag)
    if name in _MESSAGES:
        return root
    if name == "Document":
        for child in root:
            if _local(child.tag) in _MESSAGES:
                return child
        inner = next(iter(root), None)
        what = f"Document/{_local(inner.tag)}" if inner is not None else "an empty Document"
        raise InputError(
            f"{path}: {what} is not a camt bank statement or notification "
            f"(expected Document/{', Document/'.join(_MESSAGES)})",
        )
    raise InputError(
        f"{path}: the root element <{name}> is not a camt document (expected <Document> with a bank "
        "statement BkToCstmrStmt, a notification BkToCstmrDbtCdtNtfctn or a report BkToCstmrAcctRpt)",
    )


def _format(root: Element, message: Element, family: str) -> str:
    for element in (root, message):
        found = _VERSION.search(_namespace(element.tag))
        if found and found.group().startswith(family):
            return found.group()
    return family


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def _find(element: Element | None, path: str) -> Element | None:
    """The first element down `path` (local names joined with '/'), or None."""
    found = _findall(element, path)
    return found[0] if found else None


def _findall(element: Element | None, path: str) -> list[Element]:
    current = [] if element is None else [element]
    for name in path.split("/"):
        current = [child for parent in current for child in _children(parent, name)]
    return current


def _text(element: Element | None, path: str) -> str:
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# --- camt content ------------------------------------------------------------------------------


class _Skip(Exception):
    """An entry or balance that cannot be read; its finding is already recorded."""


@dataclass(slots=True)
class _Reader:
    path: Path
    lines: dict[Element, int]
    records: list[BankRecord] = field(default_factory=list)
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
        return self.lines.get(element, 0) if element is not None else 0

    def fail(self, element: Element | None, column: str, value: str | None, message: str,
             severity: str = "error") -> None:
        where = f"statement {self.statement_id}: " if self.statement_id else ""
        self.findings.append(Finding(str(self.path), self.line(element), column, value, where + message, severity))

    # statements

    def statement(self, statement: Element) -> None:
        statement_id = self.statement_id = _text(statement, "Id")
        account_element = _find(statement, "Acct")
        account = _account_id(account_element)
        if not account:
            raise InputError(
                f"{self.path}: line {self.line(statement)}: statement {statement_id!r} names no account "
                "(Acct/Id/IBAN or Acct/Id/Othr/Id)",
                hint="every camt statement states its account; download the statement again from the bank",
            )
        account_currency = _text(account_element, "Ccy")
        balances = [(element, self.balance(element, account, account_currency))
                    for element in _children(statement, "Bal")]
        self.balances.extend(balance for _, balance in balances)
        first_record = len(self.records)
        for entry in _children(statement, "Ntry"):
            with contextlib.suppress(_Skip):
                self.entry(entry, account, account_currency, statement_id)
        self.state(statement, account, balances, self.records[first_record:])

    def state(self, statement: Element, account: str, balances: list[tuple[Element, Balance]],
              records: list[BankRecord]) -> None:
        """The statement's booked balances and lines per currency, for `check`."""
        currencies = dict.fromkeys([b.currency for _, b in balances if b.kind in ("OPBD", "PRCD", "CLBD")]
                                   + [r.currency for r in records])
        for currency in currencies:
            kinds: dict[str, tuple[Element, Balance]] = {}
            for element, balance in balances:
                if balance.currency == currency:
                    kinds.setdefault(balance.kind, (element, balance))
            opening = kinds.get("OPBD") or kinds.get("PRCD")
            closing = kinds.get("CLBD")
            credits, debits = line_sums([r.amount for r in records if r.currency == currency])
            self.stated.append(StatementBalances(
                account, self.statement_id,
                currency, opening[1].amount if opening else None, closing[1].amount if closing else None,
                credits, debits, self.line(closing[0] if closing else statement),
                "Bal CLBD" if closing else "Stmt"))

    def balance(self, balance: Element, account: str, account_currency: str) -> Balance:
        """A stated balance; one that cannot be read refuses the file (module docstring)."""
        kind = _text(balance, "Tp/CdOrPrtry/Cd") or _text(balance, "Tp/CdOrPrtry/Prtry")
        try:
            currency, amount = self.amount(_find(balance, "Amt"), balance, "Bal/Amt", account_currency)
            indicator = self.indicator(balance, "Bal/CdtDbtInd")
            date = self.date(balance, _find(balance, "Dt"), "Bal/Dt")
        except _Skip as exc:
            bad = self.findings.pop()
            value = f" {bad.value!r}" if bad.value and bad.value not in bad.message else ""
            raise InputError(
                f"{self.path}: line {bad.row}: {bad.message} (balance {kind or '?'}, {bad.column}{value})",
                hint="the statement's balances cannot be checked; download the statement again from the bank",
            ) from exc
        return Balance(account, currency, kind, date, amount if indicator == "CRDT" else -amount)

    # entries

    def entry(self, entry: Element, account: str, account_currency: str, statement_id: str) -> None:
        status = _status(entry)
        if status and status != "BOOK":
            self.not_booked[status] += 1
            return
        if not status:
            self.without_status += 1
        currency, magnitude = self.amount(_find(entry, "Amt"), entry, "Ntry/Amt", account_currency)
        indicator = self.indicator(entry, "Ntry/CdtDbtInd")
        amount = magnitude if indicator == "CRDT" else -magnitude
        booking_date, value_date = self.dates(entry)
        context = _Entry(
            account=account, currency=currency, booking_date=booking_date, value_date=value_date,
            statement=statement_id, reversal=_text(entry, "RvslInd").lower() in ("true", "1"),
            reference=_reference(_text(entry, "AcctSvcrRef")), info=_text(entry, "AddtlNtryInf"),
        )
        transactions = _findall(entry, "NtryDtls/TxDtls")
        if len(transactions) <= 1:
            declared = _text(entry, "NtryDtls/Btch/NbOfTxs")
            if not transactions and declared.isdigit() and int(declared) > 1:
                self.extra_notices.append(
                    f"line {self.line(entry)}: a batch of {declared} transactions without details "
                    "kept as one line of the entry's total")
            transaction = transactions[0] if transactions else None
            self.records.append(self.record(context, transaction, amount, self.line(entry), 0))
            return
        amounts = self.split(entry, transactions, currency, indicator)
        if amounts is None:
            self.records.append(self.record(context, None, amount, self.line(entry), 0))
            return
        if sum(amounts) != amount:
            self.fail(entry, "Ntry/Amt", _text(entry, "Amt"),
                      f"the {len(amounts)} transactions of this entry add up to {sum(amounts)} minor units, "
                      f"the entry says {amount}: each transaction is kept with its own amount", "warning")
        self.split_entries += 1
        self.split_lines += len(transactions)
        for index, (transaction, tx_amount) in enumerate(zip(transactions, amounts, strict=True), start=1):
            self.records.append(self.record(context, transaction, tx_amount, self.line(transaction), index))

    def split(self, entry: Element, transactions: list[Element], currency: str,
              indicator: str) -> list[int] | None:
        """Each transaction's signed amount in the entry's currency, or None when one has none."""
        amounts = []
        for transaction in transactions:
            element = next((candidate for candidate in (_find(transaction, "Amt"),
                                                        _find(transaction, "AmtDtls/TxAmt/Amt"))
                            if candidate is not None and candidate.get("Ccy", currency) == currency), None)
            if element is None:
                self.fail(transaction, "TxDtls/Amt", None,
                          f"a transaction of this batch has no amount in {currency}: "
                          "the entry is kept as one line of its total", "warning")
                return None
            _, magnitude = self.amount(element, transaction, "TxDtls/Amt", currency)
            own = _text(transaction, "CdtDbtInd")
            sign = own if own in ("CRDT", "DBIT") else indicator
            amounts.append(magnitude if sign == "CRDT" else -magnitude)
        return amounts

    def record(self, entry: _Entry, transaction: Element | None, amount: int, line: int,
               index: int) -> BankRecord:
        name, iban = _counterparty(transaction, amount, entry.account)
        structured_ref, remittance = _remittance(transaction, entry.info)
        bank_ref = _reference(_text(transaction, "Refs/AcctSvcrRef"))
        if not bank_ref and entry.reference:
            bank_ref = f"{entry.reference}-{index}" if index else entry.reference
        return BankRecord(
            account=entry.account, booking_date=entry.booking_date, value_date=entry.value_date,
            amount=amount, currency=entry.currency, counterparty_name=name, counterparty_iban=iban,
            structured_ref=structured_ref, remittance=remittance,
            reversal=entry.reversal or bool(_children(transaction, "RtrInf")),
            bank_ref=bank_ref, statement=entry.statement, line=line,
        )

    # values

    def amount(self, element: Element | None, owner: Element, column: str,
               default_currency: str) -> tuple[str, int]:
        """(currency, amount in minor units, not signed) of an `Amt` element."""
        if element is None:
            self.fail(owner, column, None, "no amount: expected an Amt element such as <Amt Ccy=\"EUR\">12.50</Amt>")
            raise _Skip
        text = (element.text or "").strip()
        currency = (element.get("Ccy") or default_currency).strip().upper()
        if not currency:
            self.fail(element, column, text, "no currency: expected a Ccy attribute such as Ccy=\"EUR\"")
            raise _Skip
        try:
            currency_decimals(currency)
            value = parse_amount(text, currency, decimal=".")
        except AmountError as exc:
            self.fail(element, column, text, str(exc))
            raise _Skip from exc
        if value < 0:
            self.fail(element, column, text, "negative amount: camt states the sign in CdtDbtInd")
            raise _Skip
        return currency, value

    def indicator(self, owner: Element, column: str) -> str:
        value = _text(owner, "CdtDbtInd").upper()
        if value not in ("CRDT", "DBIT"):
            self.fail(owner, column, value or None, "expected the credit/debit indicator CRDT or DBIT")
            raise _Skip
        return value

    def date(self, owner: Element, element: Element | None, column: str) -> dt.date | None:
        try:
            return _date_of(element)
        except ValueError as exc:
            text = _text(element, "Dt") or _text(element, "DtTm")
            self.fail(owner, column, text, f"{text!r} is not a date ({exc}): expected YYYY-MM-DD")
            raise _Skip from exc

    def dates(self, entry: Element) -> tuple[dt.date, dt.date | None]:
        booking = self.date(entry, _find(entry, "BookgDt"), "Ntry/BookgDt")
        value = self.date(entry, _find(entry, "ValDt"), "Ntry/ValDt")
        if booking is None:
            if value is None:
                self.fail(entry, "Ntry/BookgDt", None, "a booked entry without a booking or value date")
                raise _Skip
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


def _status(entry: Element) -> str:
    status = _find(entry, "Sts")
    if status is None:
        return ""
    return ((status.text or "").strip() or _text(status, "Cd") or _text(status, "Prtry")).upper()


def _date_of(element: Element | None) -> dt.date | None:
    """The date of a camt date choice (`Dt` or `DtTm`, date part as the bank wrote it)."""
    text = _text(element, "Dt") or _text(element, "DtTm")
    return dt.date.fromisoformat(text[:10]) if text else None


def _account_id(account: Element | None) -> str:
    iban = _text(account, "Id/IBAN")
    if iban:
        return "".join(iban.split()).upper()
    return "".join(_text(account, "Id/Othr/Id").split())


def _reference(text: str) -> str:
    return "" if text.upper() in _NO_REFERENCE else text


def _party(transaction: Element | None, role: str) -> tuple[str, str]:
    parties = _find(transaction, "RltdPties")
    if parties is None:
        return "", ""
    name = next((_squeeze(_text(parties, path)) for path in
                 (f"{role}/Nm", f"{role}/Pty/Nm", f"Ultmt{role}/Nm", f"Ultmt{role}/Pty/Nm")
                 if _text(parties, path)), "")
    return name, _account_id(_find(parties, f"{role}Acct"))


def _counterparty(transaction: Element | None, amount: int, own_account: str) -> tuple[str, str]:
    """(name, account) of the other party: the debtor of a credit, the creditor of a debit."""
    first, second = ("Dbtr", "Cdtr") if amount >= 0 else ("Cdtr", "Dbtr")
    name, iban = _party(transaction, first)
    if (iban and iban == own_account) or not (name or iban):
        other_name, other_iban = _party(transaction, second)
        if (other_name or other_iban) and other_iban != own_account:
            return other_name, other_iban
        if iban == own_account:
            return "", ""
    return name, iban


def _remittance(transaction: Element | None, entry_info: str) -> tuple[str, str]:
    """(structured reference, remittance text) of a transaction."""
    information = _children(transaction, "RmtInf")
    unstructured = [_squeeze(e.text or "") for info in information for e in _children(info, "Ustrd")]
    unstructured = [text for text in unstructured if text]
    structured = [strd for info in information for strd in _children(info, "Strd")]
    references = [_text(strd, "CdtrRefInf/Ref") for strd in structured]
    references = [ref for ref in references if ref]
    parts = list(unstructured)
    for strd in structured:
        parts += [_squeeze(e.text or "") for e in _children(strd, "AddtlRmtInf")]
        parts += [_squeeze(e.text or "") for e in _findall(strd, "RfrdDocInf/Nb")]
    parts += references[1:]
    parts += [_squeeze(e.text or "") for e in _children(transaction, "AddtlTxInf")]
    if not unstructured:
        parts.append(_squeeze(entry_info))
    end_to_end = _text(transaction, "Refs/EndToEndId")
    if end_to_end and end_to_end.upper() != "NOTPROVIDED":
        parts.append(f"EREF {end_to_end}")
    seen: set[str] = set()
    kept = []
    for part in parts:
        if part and part not in seen:
            seen.add(part)
            kept.append(part)
    return (references[0] if references else ""), " ".join(kept)
