"""SWIFT MT940 customer statements, as Dutch, German and other banks deliver them, into bank lines.

Our own reader: the dialects differ mostly in the `:86:` text, and the files found in practice break
lines in places a strict parser refuses (the `mt-940` package rejects ING's and SNS's test files).
The file is cut into statements of tagged fields by `mt940_fields` (encodings, line ends, SWIFT
blocks, SOH/ETX); `:86:` is read by `mt940_details`. This module gives the fields their meaning.

Field layout as the SWIFT standard defines it (SWIFT User Handbook, MT 940 / MT 942 "Field 61:
Statement Line", also reproduced in the banks' MT940 format descriptions: Rabobank "Format
Description MT940" 2.4, ING, Deutsche Bank). Mandatory: `:20:` reference, `:25:` account, `:28C:`
statement number, `:60F:`/`:60M:` opening balance, `:62F:`/`:62M:` closing balance. Optional, and read
when left out: `:13D:` date/time, `:21:` related reference, the `/sequence` part of `:28C:5n[/5n]`,
any `:61:` with its `:86:`, `:64:` and `:65:`; `:28C:` and `:60F:` themselves are also tolerated
missing (the statement id is then `:20:` alone, the currency that of `:62F:` or of `:25:`).

The statement id (the `statement` of each record, used by `txn_id`) is `:20:` + "/" + `:28C:`.
Tags other than `:86:` (`:20:`, `:25:`, `:28C:`, balances, the `:61:` line itself) are joined over
their physical lines with nothing: ING's test file breaks them anywhere (`:28C:0000` / `0`).

`:61:` statement line
- value date YYMMDD (years 00-79 are 20xx, 80-99 19xx), optional entry date MMDD (its year is the one
  of value-date year -1, 0, +1 that puts it closest to the value date, so year ends are crossed),
  mark `C`, `D`, `RC`, `RD`, optional funds code letter (`CR50990,05` is C + funds code R, *not* a
  reversal), amount with decimal comma (`9,`, `0,`, `000000000169,90`; Knab also writes `500`),
  transaction type (SWIFT `1!a3!c`: `N`, `F` or `S` and three characters, `NTRF`, `FCHK`, `S103`;
  banks also write fewer and pad with a space, `NIT NONREF`, end the line there, `NAC`, or go on
  with `//`, `NET//4958843`), customer reference (16x, may be missing) up to `//`, bank reference
  after it. A space between the mark (or funds code) and the amount is allowed (some banks write one).
  If the first physical line stops before the transaction type, the next lines are added until the
  grammar is met. A line that still does not fit is an InputError naming file and line.
- The bank reference (SWIFT: at most 16 characters) may itself be wrapped (ING: `...//00000000001` /
  `005`): a following line is taken as its continuation when it has no space, does not start with
  `/` and the joined reference stays within 16 characters. The remaining lines, joined with nothing,
  are the supplementary details: an IBAN or account number there (Rabobank, `P004500018` for
  Postbank) is the counterparty's account, other text (SNS) the counterparty's name, unless `:86:`
  says otherwise; `/TRCD/...` codes (ING) are not used.
- Amount: `money.parse_amount(text, currency, decimal=",")`, signed: `C` and `RD` positive, `D` and
  `RC` negative (a reversal of a credit is booked as a debit). Currency: that of `:60F:`/`:60M:`,
  else `:62F:`/`:62M:`, else the one glued to the account in `:25:`.
- `booking_date`: the entry date; without one the value date, unless that lies outside the period
  of the statement's balances (opening date to closing date; Rabobank's sample has 131125 in a
  130403 statement), then the closing balance's date, with a notice. `value_date` is always the
  value date as written.
- `bank_ref`: the bank's reference after `//` unless empty or NONREF; the customer's reference
  before `//` (NONREF, EREF, a timestamp, an IBAN at SNS) is never an id. `txn_id` is then made by
  `lines.txn_ids`.

Balances: `:60F:` OPBD, `:62F:` CLBD, `:64:` CLAV, `:65:` FWAV (the camt codes); the intermediate
`:60M:`/`:62M:` of a statement continued in a further message open and close that message's lines
and get OPBD and CLBD too. Amounts signed (D negative). Each statement's opening (first `:60F:`/
`:60M:`), closing (first `:62F:`/`:62M:`) and the sums of its lines are handed on as a
`StatementBalances` for `check` (lines.balance_findings); a statement without a closing balance is
named in a notice.

Bad values (a date such as 240230, an amount such as `12,3,4`, an unknown currency) raise InputError
naming the file, the line, the statement and the value: a statement whose figures cannot be read
cannot be trusted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from stdnum import iban as stdnum_iban

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
from arctl.io.bank.mt940_details import Info, information, squeeze
from arctl.io.bank.mt940_fields import Field, Statement, decode, statements
from arctl.io.bounds import refuse_long_texts
from arctl.money import AmountError, currency_decimals, is_currency, parse_amount

_HEAD_61 = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])? ?"
    r"(?P<amount>\d+(?:,\d*)?)(?P<type>[NSF](?:[A-Z0-9]{3}|[A-Z0-9]{0,2}(?=\s|//|$)))(?P<reference>.*)",
    re.DOTALL,
)
_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d+(?:,\d*)?)")
_BALANCE_KINDS = {"60F": "OPBD", "60M": "OPBD", "62F": "CLBD", "62M": "CLBD", "64": "CLAV", "65": "FWAV"}
_STATEMENT_TAGS = {"20", "25", "28", "28C", "60F", "60M", "61", "62F", "62M"}
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
_BANK_REF_MAX = 16

_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_ACCOUNT_NUMBER = re.compile(r"P?\d{5,18}")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def read_mt940(path: Path) -> BankRead:
    """Read an MT940 file (one or more statements) into canonical bank lines, balances and notices."""
    path = Path(path)
    refuse_long_texts(path, b"\n\r", "a line")
    text, notices = decode(path, statement_bytes(path))
    found = statements(text)
    if not any(f.tag in _STATEMENT_TAGS for s in found for f in s.fields):
        raise InputError(
            f"{path}: not an MT940 statement: no :20:, :25:, :60F:, :61: or :62F: tag found",
            hint="MT940 lines start with tags such as :20: and :61:; export the statement as MT940 "
                 "(SWIFT) from the bank, or read the file as camt.053, CODA or CSV",
        )
    reader = _Reader(path)
    for statement in found:
        reader.statement(statement)
    return BankRead(
        path=path,
        format="mt940",
        frame=bank_frame(reader.records, path),
        balances=reader.balances,
                notices=notices + reader.notices(),
        statements=len(found),
        statement_balances=reader.stated,
    )


# --- statements into records -------------------------------------------------------------------


@dataclass(slots=True)
class _Reader:
    path: Path
    records: list[BankRecord] = field(default_factory=list)
    balances: list[Balance] = field(default_factory=list)
    stated: list[StatementBalances] = field(default_factory=list)
    moved_booking: int = 0
    unclosed: list[str] = field(default_factory=list)
    statement_id: str = ""

    def fail(self, line: int, message: str, hint: str | None = None) -> InputError:
        where = f"statement {self.statement_id}: " if self.statement_id else ""
        return InputError(f"{self.path}: line {line}: {where}{message}",
                          hint=hint or "the file may be damaged or edited; download the statement again from "
                                       "the bank")

    def statement(self, statement: Statement) -> None:
        fields = statement.fields
        first = fields[0].line
        reference = next((f.plain() for f in fields if f.tag == "20"), "")
        number = next((f.plain() for f in fields if f.tag in ("28C", "28")), "")
        statement_id = self.statement_id = "/".join(part for part in (reference, number) if part)
        account_field = next((f for f in fields if f.tag == "25"), None)
        if account_field is None:
            raise self.fail(first, "no :25: account tag",
                            hint="every MT940 statement names its account in :25:; download the statement again")
        account, account_currency = _account(account_field.plain())
        if not account:
            raise self.fail(account_field.line, "the :25: account tag is empty")

        raw_balances = [(f, self.balance_parts(f)) for f in fields if f.tag in _BALANCE_KINDS]
        currency = next((parts["currency"] for f, parts in raw_balances if f.tag.startswith("60")), "") \
            or next((parts["currency"] for f, parts in raw_balances if f.tag.startswith("62")), "") \
            or account_currency
        if not currency:
            raise self.fail(first, "no currency: no :60F: or :62F: balance, and none after the account in :25:")

        opening: Balance | None = None
        closing: Balance | None = None
        closing_field = account_field
        for tag_field, parts in raw_balances:
            balance = self.balance(tag_field, parts, account)
            self.balances.append(balance)
            if tag_field.tag.startswith("60") and opening is None:
                opening = balance
            elif tag_field.tag.startswith("62") and closing is None:
                closing, closing_field = balance, tag_field

        period = (opening.date if opening else None, closing.date if closing else None)
        amounts = []
        for line_field, info_field in _transactions(fields):
            record = self.transaction(line_field, info_field, account, currency, statement_id, period)
            self.records.append(record)
            amounts.append(record.amount)

        if closing is None:
            self.unclosed.append(statement_id or f"line {first}")
        credits, debits = line_sums(amounts)
        self.stated.append(StatementBalances(
            account, statement_id, currency,
            opening.amount if opening is not None and opening.currency == currency else None,
            closing.amount if closing is not None and closing.currency == currency else None,
            credits, debits, closing_field.line, f":{closing_field.tag}:"))

    # balances

    def balance_parts(self, tag_field: Field) -> dict[str, str]:
        text = tag_field.plain()
        found = _BALANCE.fullmatch(text)
        if not found:
            raise self.fail(tag_field.line, f":{tag_field.tag}: {text!r} is not a balance: expected C or D, "
                            "date YYMMDD, currency and amount with a decimal comma, such as C240301EUR1234,56")
        if not is_currency(found["currency"]):
            raise self.fail(tag_field.line, f":{tag_field.tag}: unknown currency {found['currency']!r}: "
                            "expected an ISO 4217 code such as EUR")
        return found.groupdict()

    def balance(self, tag_field: Field, parts: dict[str, str], account: str) -> Balance:
        date = self.date(parts["date"], tag_field)
        amount = self.amount(parts["amount"], parts["currency"], tag_field)
        return Balance(account, parts["currency"], _BALANCE_KINDS[tag_field.tag], date,
                       amount if parts["mark"] == "C" else -amount)

    # values

    def date(self, text: str, tag_field: Field) -> dt.date:
        try:
            return _yymmdd(text)
        except ValueError as exc:
            raise self.fail(tag_field.line, f":{tag_field.tag}: {text!r} is not a date YYMMDD ({exc})") from exc

    def amount(self, text: str, currency: str, tag_field: Field) -> int:
        try:
            currency_decimals(currency)
            return parse_amount(text, currency, decimal=",")
        except AmountError as exc:
            raise self.fail(tag_field.line, f":{tag_field.tag}: {exc}") from exc

    # transactions

    def transaction(self, line_field: Field, info_field: Field | None, account: str, currency: str,
                    statement_id: str, period: tuple[dt.date | None, dt.date | None]) -> BankRecord:
        texts = [text.strip() for text, _ in line_field.parts]
        head, taken = texts[0], 1
        found = _HEAD_61.fullmatch(head)
        while found is None and taken < len(texts):
            head += texts[taken]
            taken += 1
            found = _HEAD_61.fullmatch(head)
        if found is None:
            raise self.fail(
                line_field.line,
                f":61: {' / '.join(texts)!r} is not a statement line: expected value date YYMMDD, optional "
                "entry date MMDD, C, D, RC or RD, an amount with a decimal comma, a transaction type such "
                "as NTRF and a reference, such as 2403010301C125,00NTRFNONREF//B12",
                hint="the file may be damaged or cut off; download the statement again from the bank",
            )
        value_date = self.date(found["value"], line_field)
        entry_date = None
        if found["entry"]:
            try:
                entry_date = _entry_date(found["entry"], value_date)
            except ValueError as exc:
                raise self.fail(line_field.line, f":61: entry date {found['entry']!r} is not a date MMDD "
                                f"({exc})") from exc
        magnitude = self.amount(found["amount"], currency, line_field)
        mark = found["mark"]
        amount = magnitude if mark in ("C", "RD") else -magnitude

        customer, separator, bank = found["reference"].strip().partition("//")
        rest = texts[taken:]
        if separator:
            while rest and rest[0] and not rest[0].startswith("/") and " " not in rest[0] \
                    and len(bank) + len(rest[0]) <= _BANK_REF_MAX:
                bank += rest.pop(0)
        supplementary = "".join(rest).strip()

        booking_date = entry_date or value_date
        start, end = period
        if entry_date is None and ((start and value_date < start) or (end and value_date > end)):
            booking_date = end or start or value_date
            self.moved_booking += 1

        info = information(info_field.parts) if info_field else Info()
        name, iban = info.name, info.iban
        if not iban:
            for candidate in (supplementary, customer.strip()):
                compact = candidate.replace(" ", "").upper()
                if compact != account and (_IBAN.fullmatch(compact) or _ACCOUNT_NUMBER.fullmatch(compact)):
                    iban = compact
                    break
        if not name and supplementary and not supplementary.startswith("/") \
                and not _IBAN.fullmatch(supplementary.replace(" ", "").upper()) \
                and not _ACCOUNT_NUMBER.fullmatch(supplementary.replace(" ", "").upper()):
            name = squeeze(supplementary)
        return BankRecord(
            account=account, booking_date=booking_date, value_date=value_date, amount=amount,
            currency=currency, counterparty_name=name, counterparty_iban=iban,
            structured_ref=info.structured_ref, remittance=info.remittance,
            reversal=mark in ("RC", "RD") or info.reversal,
            bank_ref="" if bank.strip().upper() in _NO_REFERENCE else bank.strip(),
            statement=statement_id, line=line_field.line,
        )

    def notices(self) -> list[str]:
        notices = []
        if self.moved_booking:
            notices.append(
                f"{self.moved_booking} line{'s' if self.moved_booking != 1 else ''} without an entry date "
                "and with a value date outside the statement's period booked on the statement's closing date")
        if self.unclosed:
            notices.append(f"no closing balance (:62F:) in statement{'s' if len(self.unclosed) != 1 else ''} "
                           f"{', '.join(self.unclosed)}: the lines could not be checked against the balances")
        return notices


def _transactions(fields: list[Field]) -> list[tuple[Field, Field | None]]:
    """Each `:61:` with the `:86:` right after it, if any."""
    pairs: list[tuple[Field, Field | None]] = []
    previous: Field | None = None
    for tag_field in fields:
        if tag_field.tag == "61":
            pairs.append((tag_field, None))
        elif tag_field.tag == "86" and previous is not None and previous.tag == "61":
            pairs[-1] = (pairs[-1][0], tag_field)
        previous = tag_field
    return pairs


def _yymmdd(text: str) -> dt.date:
    year = int(text[:2])
    return dt.date(2000 + year if year < 80 else 1900 + year, int(text[2:4]), int(text[4:6]))


def _entry_date(text: str, value_date: dt.date) -> dt.date:
    """The entry date MMDD in the year that puts it closest to the value date."""
    month, day = int(text[:2]), int(text[2:])
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(f"month {month:02d} has no day {day:02d}")
    return min(candidates, key=lambda date: abs((date - value_date).days))


def _account(text: str) -> tuple[str, str]:
    """(account as it identifies the statement, currency glued to it or "") of a :25: value.

    An IBAN stays an IBAN (`NL77INGB0574908765EUR` -> `NL77INGB0574908765`, EUR); German
    `BLZ/account` stays `50880050/0194791600888`; a bank name or BIC before the slash is dropped
    (`TRIODOSBANK/0390123456` -> `0390123456`); an old number loses spaces and dots.
    """
    tokens = text.split()
    currency = ""
    if len(tokens) > 1 and len(tokens[-1]) == 3 and is_currency(tokens[-1].upper()):
        currency = tokens.pop().upper()
    value = "".join(tokens).upper()
    if not currency and len(value) > 3 and value[-3:].isalpha() and is_currency(value[-3:]) \
            and _IBAN.fullmatch(value[:-3]) and not stdnum_iban.is_valid(value):
        value, currency = value[:-3], value[-3:]
    if "/" in value:
        bank, _, number = value.rpartition("/")
        if _IBAN.fullmatch(number) or bank.isalpha() or _BIC.fullmatch(bank):
            value = number
    if re.fullmatch(r"[\d.]+", value):
        value = value.replace(".", "")
    return value, currency

