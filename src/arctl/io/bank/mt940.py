"""SWIFT MT940 customer statements, as Dutch, German and other banks deliver them, into bank lines.

Our own reader: the dialects differ mostly in the `:86:` text, and the files found in practice break
lines in places a strict parser refuses (the `mt-940` package rejects ING's and SNS's test files).

The file
- Bytes are decoded as UTF-8 (a BOM is dropped), else as cp1252, else as latin-1 (with a notice).
  Line ends LF, CRLF and CR are all accepted; `line` numbers count physical lines from 1.
- SWIFT block wrappers are stripped: `{1:...}`, `{2:...}`, `{3:...}` and `{5:...}` are skipped,
  `{4:` opens the text block, `-}` and `}` close it; a block marker also ends the current statement.
- A line starting with `:NN:` or `:NNa:` (and `:NS:`) starts a tag; every other line continues the
  value of the tag before it. Outside a statement (before the first tag, after a terminator) such
  lines are header lines (`ABNANL2A`, `940`, `:940:`) and are skipped; blank lines are skipped.
- A line holding only `-` ends the statement when the statement already has its closing balance
  (`:62F:`/`:62M:`) or when the next line starts a tag or a block or the file ends. Otherwise it is
  text: ING's test file wraps a mandate reference as `MND` / `-` / `EV01`.
- `:20:` starts a statement; a file holds any number of them, for one or more accounts. The
  statement id (the `statement` of each record, used by `txn_id`) is `:20:` + "/" + `:28C:`.

Joining the physical lines of one value
- Tags other than `:86:` (`:20:`, `:25:`, `:28C:`, balances, the `:61:` line itself): joined with
  nothing — ING's test file breaks them anywhere (`:28C:0000` / `0`).
- `:86:`, general rule: a physical line at least 65 characters wide (counting only the value, not the
  `:86:` tag) was wrapped by the bank's fixed width, so the next line is joined to it with nothing
  (`Nespresso Nede` / `rland`, SNS `VNKlant` / `nr`); a shorter line ended there on purpose (or lost
  trailing spaces), so a space is put between (Rabobank `NR.201303-111/11.3.2013` /
  `NR.201303-112/11.3.2013`, ABN `000000042188659` / `5314606715`). Padding spaces that SNS keeps in
  its 65-character grid make the nothing-join separate words anyway; runs of white space in the
  results are collapsed to one space.
- `:86:` in ING's structured form (recognised by `/CNTP/`, `/REMI/USTD/` or `/REMI/STRD/`): joined
  with nothing whatever the width, since ING's file cuts values anywhere (`INGBNL2` / `A`,
  `CO` / `NTRIBUTIE`, `EV123R` / `EP123412T1234`).
- `:86:` with German/ZKA `?NN` or Triodos `>NN` sub-fields: physical lines joined with nothing (the
  markers carry the structure and break across lines, `?2` / `2MTLG`, `?31DE1450880` /
  `0500194785000`); then consecutive sub-fields of one text (`?20`-`?29` and `?60`-`?63` purpose,
  `?32`-`?33` name, `>20`-`>29`) are joined with nothing after a full 27-character sub-field and
  with a space after a shorter one (`Strukturier` + `ter`, but `01 EBB` + `MTLG:...`).

`:61:` statement line
- value date YYMMDD (years 00-79 are 20xx, 80-99 19xx), optional entry date MMDD (its year is the one
  of value-date year -1, 0, +1 that puts it closest to the value date, so year ends are crossed),
  mark `C`, `D`, `RC`, `RD`, optional funds code letter (`CR50990,05` is C + funds code R, *not* a
  reversal), amount with decimal comma (`9,`, `0,`, `000000000169,90`; Knab also writes `500`),
  transaction type `Nxxx`/`Fxxx`/`Sxxx`, customer reference up to `//`, bank reference after it.
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

`:86:` information to account owner (only the `:86:` right after a `:61:` belongs to it; one after
the closing balance, such as ING's `/SUM/`, is about the statement and is not used)
- German/ZKA (`GVC?00...`): `?31` IBAN, `?32`+`?33` name, `?20`-`?29` and `?60`-`?63` purpose with
  SEPA keys `EREF+`, `KREF+`, `MREF+`, `CRED+`, `SVWZ+` ... at the start of a sub-field; the
  remittance is the `SVWZ+` text when present, else the whole purpose. GVC 109 and 159 (SEPA direct
  debit and credit transfer returned, `RETOURE`) mark a reversal.
- Triodos (`000>10...`): `>10` counterparty account, `>20`-`>29` description, `>32`-`>33` name.
- Slash codes (ING, ABN AMRO SEPA, Rabobank): `/EREF/`, `/PREF/`, `/MARF/`, `/CSID/`,
  `/CNTP/iban/bic/name/city/`, `/REMI/USTD//text/` (remittance), `/REMI/STRD/CUR/ref/` (structured
  reference), `/REMI/text` (Rabobank), `/NAME/`, `/IBAN/`, `/BIC/`, `/ACCW/iban,bic`,
  `/ORDP//NAME/`, `/BENM//NAME/`, `/ADDR/`, `/ISDT/`, `/TRTP/`; `/RTRN/` marks a return (reversal).
  A value runs to the next known code, so slashes inside names and texts are kept.
- Knab: `REK: iban/NAAM: name` gives the counterparty; the text before it is the remittance.
- SNS: a first line `IBAN name` gives the counterparty; the following lines are the remittance.
- Old ABN AMRO: `GIRO 428428 NAME` or `52.89.39.882 NAME` at the start gives the counterparty's
  account and name; the whole text is the remittance.
- Anything else: the whole text is the remittance.
- In any dialect, `BETALINGSKENM. <digits>` in the text gives the structured reference when no
  structured field did.

Balances: `:60F:` OPBD, `:62F:` CLBD, `:64:` CLAV, `:65:` FWAV (the camt codes); the intermediate
`:60M:`/`:62M:` of a statement continued in a further message open and close that message's lines
and get OPBD and CLBD too. Amounts signed (D negative). When a statement states both an opening and
a closing balance and the closing is not the opening plus the lines, a warning finding names the
closing balance's line; a statement without a closing balance is named in a notice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from stdnum import iban as stdnum_iban

from arctl.errors import InputError
from arctl.io.bank.lines import Balance, BankRead, BankRecord, bank_frame, statement_bytes
from arctl.model import Finding
from arctl.money import AmountError, currency_decimals, is_currency, parse_amount

_TAG = re.compile(r":(\d{2}[A-Z]?|NS):")
_BLOCK_START = re.compile(r"\{([0-9A-Za-z]{1,3}):")
_HEAD_61 = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d+(?:,\d*)?)(?P<type>[NSF][A-Z0-9]{3})(?P<reference>.*)",
    re.DOTALL,
)
_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d+(?:,\d*)?)")
_BALANCE_KINDS = {"60F": "OPBD", "60M": "OPBD", "62F": "CLBD", "62M": "CLBD", "64": "CLAV", "65": "FWAV"}
_STATEMENT_TAGS = {"20", "25", "28", "28C", "60F", "60M", "61", "62F", "62M"}
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
_WRAP_WIDTH = 65
_SUBFIELD_WIDTH = 27
_BANK_REF_MAX = 16

_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_ACCOUNT_NUMBER = re.compile(r"P?\d{5,18}")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")

# ING, ABN AMRO and Rabobank slash codes; a value runs to the next one of these.
_SLASH_CODES = (
    "ACCW", "ADDR", "BENM", "BIC", "BUSP", "CDTRREFTP", "CDTRREF", "CNTP", "CSID", "EREF", "IBAN",
    "ID", "ISDT", "MARF", "NAME", "ORDP", "PREF", "PURP", "REMI", "RTRN", "SUM", "SVCL", "TRTP",
    "ULTB", "ULTC", "ULTD",
)
_SLASH_CODE = re.compile(r"/(" + "|".join(_SLASH_CODES) + r")/")
_SLASH_START = re.compile(r"\s*/(" + "|".join(_SLASH_CODES) + r")/")
_ING_MARKERS = ("/CNTP/", "/REMI/USTD/", "/REMI/STRD/")
_ZKA_START = re.compile(r"\s*(\d{3})?\?\d{2}")
_ZKA_SUBFIELD = re.compile(r"\?(\d{2})")
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|SQTP|PURP)\+")
_ZKA_RETURNS = {"109", "159"}
_TRIODOS_START = re.compile(r"\s*(\d{3})?>\d{2}")
_TRIODOS_SUBFIELD = re.compile(r">(\d{2})")
_KNAB = re.compile(r"REK:\s*([A-Z0-9]+)\s*/\s*NAAM:\s*(.*)$", re.DOTALL)
_SNS_FIRST = re.compile(r"\s*([A-Z]{2}\d{2}[A-Z0-9]{10,30})\s+(\S.*)")
_OLD_ABN = re.compile(r"\s*(?:GIRO\s+(\d+)|(\d{2}\.\d{2}\.\d{2}\.\d{3}))\s+(\S.*?)(?:\s{2,}|$)")
_BETALINGSKENMERK = re.compile(r"BETALINGSKENM\.?\s*:?\s*(\d+)", re.IGNORECASE)


def read_mt940(path: Path) -> BankRead:
    """Read an MT940 file (one or more statements) into canonical bank lines, balances and notices."""
    path = Path(path)
    text, notices = _decode(path, statement_bytes(path))
    statements = _statements(_physical_lines(text))
    if not any(f.tag in _STATEMENT_TAGS for s in statements for f in s.fields):
        raise InputError(
            f"{path}: not an MT940 statement: no :20:, :25:, :60F:, :61: or :62F: tag found",
            hint="MT940 lines start with tags such as :20: and :61:; export the statement as MT940 "
                 "(SWIFT) from the bank, or read the file as camt.053, CODA or CSV",
        )
    reader = _Reader(path)
    for statement in statements:
        reader.statement(statement)
    return BankRead(
        path=path,
        format="mt940",
        frame=bank_frame(reader.records, path),
        balances=reader.balances,
        findings=reader.findings,
        notices=notices + reader.notices(),
        statements=len(statements),
    )


# --- the file: bytes, lines, blocks, tags ------------------------------------------------------


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), [f"{path.name}: not UTF-8, read as {encoding}"]
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _physical_lines(text: str) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _strip_blocks(line: str) -> tuple[str, bool]:
    """(the line without SWIFT block markers, whether it held any: a message boundary)."""
    rest = line
    boundary = False
    while True:
        head = rest.lstrip()
        if head.startswith("-}"):
            rest, boundary = head[2:], True
            continue
        if head.startswith("}"):
            rest, boundary = head[1:], True
            continue
        found = _BLOCK_START.match(head)
        if not found:
            break
        boundary = True
        if found.group(1) == "4":
            rest = head[found.end():]
            continue
        depth, end = 0, len(head)
        for index, char in enumerate(head):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                end = index + 1
                break
        rest = head[end:]
    return (rest if boundary else line), boundary


@dataclass(slots=True)
class _Field:
    tag: str
    line: int
    parts: list[tuple[str, int]]  # (text of one physical line, its width counting the value only)

    def plain(self) -> str:
        """Physical lines joined with nothing, outer white space removed (tags other than :86:)."""
        return "".join(text for text, _ in self.parts).strip()


@dataclass(slots=True)
class _Statement:
    fields: list[_Field] = field(default_factory=list)
    closed: bool = False


def _statements(lines: list[str]) -> list[_Statement]:
    cleaned = [_strip_blocks(line) for line in lines]
    statements: list[_Statement] = []
    current: _Statement | None = None
    value: _Field | None = None

    def next_is_boundary(index: int) -> bool:
        for content, boundary in cleaned[index + 1:]:
            if boundary:
                return True
            if content.strip():
                return bool(_TAG.match(content))
        return True

    for index, (content, boundary) in enumerate(cleaned):
        number = index + 1
        if boundary:
            current, value = None, None
        if not content.strip():
            continue
        tag = _TAG.match(content)
        if tag:
            if current is None or tag.group(1) == "20":
                current = _Statement()
                statements.append(current)
            rest = content[tag.end():]
            value = _Field(tag.group(1), number, [(rest, len(rest))])
            current.fields.append(value)
            if tag.group(1) in ("62F", "62M"):
                current.closed = True
            continue
        if content.strip() == "-" and (current is None or current.closed or next_is_boundary(index)):
            current, value = None, None
            continue
        if value is not None:
            value.parts.append((content, len(content)))
        # else: a header line outside any statement (ABNANL2A, 940, :940:): skipped
    return statements


# --- statements into records -------------------------------------------------------------------


@dataclass(slots=True)
class _Reader:
    path: Path
    records: list[BankRecord] = field(default_factory=list)
    balances: list[Balance] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    moved_booking: int = 0
    unclosed: list[str] = field(default_factory=list)

    def fail(self, line: int, message: str, hint: str | None = None) -> InputError:
        return InputError(f"{self.path}: line {line}: {message}", hint=hint)

    def statement(self, statement: _Statement) -> None:
        fields = statement.fields
        first = fields[0].line
        reference = next((f.plain() for f in fields if f.tag == "20"), "")
        number = next((f.plain() for f in fields if f.tag in ("28C", "28")), "")
        statement_id = "/".join(part for part in (reference, number) if part)
        account_field = next((f for f in fields if f.tag == "25"), None)
        if account_field is None:
            raise self.fail(first, f"statement {statement_id or '(no :20:)'} has no :25: account tag",
                            hint="every MT940 statement names its account in :25:; download the statement again")
        account, account_currency = _account(account_field.plain())
        if not account:
            raise self.fail(account_field.line, "the :25: account tag is empty")

        raw_balances = [(f, self.balance_parts(f)) for f in fields if f.tag in _BALANCE_KINDS]
        currency = next((parts["currency"] for f, parts in raw_balances if f.tag.startswith("60")), "") \
            or next((parts["currency"] for f, parts in raw_balances if f.tag.startswith("62")), "") \
            or account_currency
        if not currency:
            raise self.fail(first, f"statement {statement_id} states no currency (no :60F: or :62F: balance)")

        opening = closing = None
        opening_line = closing_line = 0
        closing_tag = "62F"
        for tag_field, parts in raw_balances:
            balance = self.balance(tag_field, parts, account)
            self.balances.append(balance)
            if tag_field.tag.startswith("60") and opening is None:
                opening, opening_line = balance, tag_field.line
            elif tag_field.tag.startswith("62") and closing is None:
                closing, closing_line, closing_tag = balance, tag_field.line, tag_field.tag

        pairs: list[tuple[_Field, _Field | None]] = []
        previous: _Field | None = None
        for tag_field in fields:
            if tag_field.tag == "61":
                pairs.append((tag_field, None))
            elif tag_field.tag == "86" and previous is not None and previous.tag == "61":
                pairs[-1] = (pairs[-1][0], tag_field)
            previous = tag_field

        period = (opening.date if opening else None, closing.date if closing else None)
        amounts = []
        for line_field, info_field in pairs:
            record = self.transaction(line_field, info_field, account, currency, statement_id, period)
            self.records.append(record)
            amounts.append(record.amount)

        if closing is None:
            self.unclosed.append(statement_id or f"line {first}")
        elif opening is not None and opening.currency == closing.currency == currency:
            expected = opening.amount + sum(amounts)
            if expected != closing.amount:
                self.findings.append(Finding(
                    str(self.path), closing_line, f":{closing_tag}:", str(closing.amount),
                    f"statement {statement_id}: the opening balance {opening.amount} (line {opening_line}) plus "
                    f"the {len(amounts)} lines makes {expected} minor units, the closing balance says "
                    f"{closing.amount}", "warning"))

    # balances

    def balance_parts(self, tag_field: _Field) -> dict[str, str]:
        text = tag_field.plain()
        found = _BALANCE.fullmatch(text)
        if not found:
            raise self.fail(tag_field.line, f":{tag_field.tag}: {text!r} is not a balance: expected C or D, "
                            "date YYMMDD, currency and amount with a decimal comma, such as C240301EUR1234,56")
        if not is_currency(found["currency"]):
            raise self.fail(tag_field.line, f":{tag_field.tag}: unknown currency {found['currency']!r}: "
                            "expected an ISO 4217 code such as EUR")
        return found.groupdict()

    def balance(self, tag_field: _Field, parts: dict[str, str], account: str) -> Balance:
        date = self.date(parts["date"], tag_field)
        amount = self.amount(parts["amount"], parts["currency"], tag_field)
        return Balance(account, parts["currency"], _BALANCE_KINDS[tag_field.tag], date,
                       amount if parts["mark"] == "C" else -amount)

    # values

    def date(self, text: str, tag_field: _Field) -> dt.date:
        try:
            return _yymmdd(text)
        except ValueError as exc:
            raise self.fail(tag_field.line, f":{tag_field.tag}: {text!r} is not a date YYMMDD ({exc})") from exc

    def amount(self, text: str, currency: str, tag_field: _Field) -> int:
        try:
            currency_decimals(currency)
            return parse_amount(text, currency, decimal=",")
        except AmountError as exc:
            raise self.fail(tag_field.line, f":{tag_field.tag}: {exc}") from exc

    # transactions

    def transaction(self, line_field: _Field, info_field: _Field | None, account: str, currency: str,
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

        info = _information(info_field.parts) if info_field else _Info()
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
            name = _squeeze(supplementary)
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


# --- :86: --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Info:
    name: str = ""
    iban: str = ""
    structured_ref: str = ""
    remittance: str = ""
    reversal: bool = False


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _join_wrapped(parts: list[tuple[str, int]]) -> str:
    """Physical lines joined by the 65-character rule (module docstring)."""
    joined = ""
    for index, (text, _) in enumerate(parts):
        if index:
            joined += "" if parts[index - 1][1] >= _WRAP_WIDTH else " "
        joined += text
    return joined


def _join_subfields(values: list[str]) -> str:
    """Consecutive 27-character sub-fields of one text: nothing after a full one, a space otherwise."""
    joined = ""
    for index, value in enumerate(values):
        if index:
            joined += "" if len(values[index - 1]) >= _SUBFIELD_WIDTH else " "
        joined += value
    return joined


def _information(parts: list[tuple[str, int]]) -> _Info:
    tight = "".join(text for text, _ in parts)
    if _ZKA_START.match(tight):
        info = _zka(tight)
    elif _TRIODOS_START.match(tight):
        info = _triodos(tight)
    elif _SLASH_START.match(tight):
        structured = tight if any(marker in tight for marker in _ING_MARKERS) else _join_wrapped(parts)
        info = _slash_codes(structured)
    else:
        info = _free_text(parts)
    if not info.structured_ref:
        found = _BETALINGSKENMERK.search(info.remittance)
        if found:
            info.structured_ref = found.group(1)
    return info


def _zka(text: str) -> _Info:
    pieces = _ZKA_SUBFIELD.split(text)
    gvc = pieces[0].strip()
    subfields = list(zip(pieces[1::2], pieces[2::2], strict=True))
    purpose = [value for code, value in subfields if "20" <= code <= "29" or "60" <= code <= "63"]
    name = _join_subfields([value for code, value in subfields if code in ("32", "33")])
    iban = next((value for code, value in subfields if code == "31"), "")
    segments: list[tuple[str, list[str]]] = [("", [])]
    for value in purpose:
        key = _SEPA_KEY.match(value)
        if key:
            segments.append((key.group(1), [value[key.end():]]))
        else:
            segments[-1][1].append(value)
    # the 27-character rule applies to the sub-fields as written, the key included
    texts: dict[str, str] = {}
    for label, values in segments:
        if label:
            values = [f"{label}+{values[0]}", *values[1:]]
            joined = _join_subfields(values)[len(label) + 1:]
        else:
            joined = _join_subfields(values)
        texts.setdefault(label, _squeeze(joined))
    remittance = texts.get("SVWZ") or _squeeze(_join_subfields(purpose))
    return _Info(name=_squeeze(name), iban="".join(iban.split()).upper(), remittance=remittance,
                 reversal=gvc in _ZKA_RETURNS)


def _triodos(text: str) -> _Info:
    pieces = _TRIODOS_SUBFIELD.split(text)
    subfields = list(zip(pieces[1::2], pieces[2::2], strict=True))
    account = next((value for code, value in subfields if code == "10"), "")
    description = _join_subfields([value for code, value in subfields if "20" <= code <= "29"])
    name = _join_subfields([value for code, value in subfields if code in ("32", "33")])
    return _Info(name=_squeeze(name), iban="".join(account.split()).upper(), remittance=_squeeze(description))


def _slash_codes(text: str) -> _Info:
    matches = list(_SLASH_CODE.finditer(text))
    values: dict[str, str] = {}
    for index, found in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        raw = text[found.end():end]
        values.setdefault(found.group(1), raw[:-1] if raw.endswith("/") else raw)
    info = _Info(reversal="RTRN" in values)
    if "CNTP" in values:
        pieces = values["CNTP"].split("/")  # iban/bic/name/city; a name may hold a slash
        while len(pieces) > 4 and not pieces[-1]:
            pieces.pop()
        info.iban = pieces[0]
        if len(pieces) >= 4:
            info.name = "/".join(pieces[2:-1])
        elif len(pieces) == 3:
            info.name = pieces[2]
    info.name = _squeeze(info.name or values.get("NAME", ""))
    account = values.get("IBAN") or values.get("ACCW", "").split(",")[0]
    info.iban = "".join((info.iban or account).split()).upper()
    remittance = values.get("REMI", "").strip()
    if remittance.startswith("USTD/"):
        remittance = remittance[len("USTD/"):]
    elif remittance.startswith("STRD/"):
        pieces = remittance.split("/")
        info.structured_ref = pieces[2].strip() if len(pieces) > 2 else ""
        remittance = ""
    info.remittance = _squeeze(remittance.strip("/"))
    return info


def _free_text(parts: list[tuple[str, int]]) -> _Info:
    text = _join_wrapped(parts)
    knab = _KNAB.search(text)
    if knab:
        return _Info(name=_squeeze(knab.group(2)), iban=knab.group(1).upper(),
                     remittance=_squeeze(text[:knab.start()]))
    sns = _SNS_FIRST.fullmatch(parts[0][0].rstrip())
    if sns:
        return _Info(name=_squeeze(sns.group(2)), iban=sns.group(1),
                     remittance=_squeeze(_join_wrapped(parts[1:])))
    info = _Info(remittance=_squeeze(text))
    old = _OLD_ABN.match(text)
    if old:
        info.iban = (old.group(1) or old.group(2)).replace(".", "")
        info.name = _squeeze(old.group(3))
    return info
