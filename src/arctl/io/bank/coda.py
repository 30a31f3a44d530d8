"""Belgian CODA bank statements (Febelfin "Coded statement of account", versions 1 and 2.x) into bank lines.

A CODA file is a series of fixed 128-character records (LF or CRLF; cp1252, also read when UTF-8 or
latin-1), cut into records by coda_records.py. Positions below are 1-based, as in the Febelfin standard:

- 0 header: creation date 6-11 (DDMMYY), bank id 12-14, duplicate flag 17 ("D"), version code 128.
- 1 old balance: account structure 2 (0 Belgian BBAN, 1 foreign account, 2 Belgian IBAN, 3 foreign
  IBAN), paper statement number 3-5, account and currency 6-42, sign 43 (0 credit, 1 debit), amount
  44-58 (15 digits, 3 implied decimals), date 59-64.
- 2.1 movement: sequence number 3-6, detail number 7-10, bank reference 11-31, sign 32, amount 33-47,
  value date 48-53 (000000 when unknown), transaction code 54-61 (type, family, operation,
  category), communication type 62 (0 free, 1 structured), communication 63-115 (structured: a
  3-digit code, then its content), entry date 116-121, paper statement number 122-124,
  globalisation code 125, next code 126, link code 128.
- 2.2: communication continued 11-63, customer reference 64-98, counterparty BIC 99-109,
  R-transaction type 113 (1 reject, 2 return, 3 refund, 4 reversal, 5 cancellation).
- 2.3: counterparty account 11-47 (a 12-digit BBAN, a blank and a currency, or an IBAN of up to 34
  characters and a currency), counterparty name 48-82, communication continued 83-125.
- 3.1 / 3.2 / 3.3 information: 3.1 communication type 40 and communication 41-113, continued in 3.2
  (11-115) and 3.3 (11-100).
- 4 free message 33-112; 8 new balance (account 5-41, sign 42, amount 43-57, date 58-63);
  9 trailer (number of records 17-22, debit total 23-37, credit total 38-52).

What arctl makes of it:

- **Globalisation.** A bank may report one total and then its details under the same sequence
  number (transaction types 1, 2 and 3 are totals; 5, 6, 7, 8 and 9 details). The globalisation
  code is a level (1-9) that is repeated on the record opening a total and on the record closing
  it, the last detail. The real bank transactions are the **details**: each has its own amount,
  bank reference, communication and counterparty (a batch of card payments, of transfers to a
  central account, a loan instalment split into capital and interest), and the details add up to
  the total. So arctl books the details and never the total beside them. All records with one
  sequence number are one movement (the standard numbers details 0001, 0002 ... under the
  movement's 0000), so details sent without globalisation codes, as some banks do, replace their
  total as well, and a total without details is booked itself. When the details do not add up to
  their total, arctl books the total instead (so that the statement still balances and nothing is
  counted twice) and says so in a notice. Details without communication of their own take the
  total's.
- **Amounts** are exact: the 3 implied decimals become minor units of the account currency through
  `money.from_decimal` (an amount finer than the currency allows is refused); credit positive.
- **structured_ref**: the 12 digits of a structured communication with code 101 or 102 (Belgian
  OGM/VCS), kept when the mod-97 check fails (with a warning finding), and the ISO 11649 RF reference
  of code 100. The content of other structured codes (107 direct debit, 114 card payment, ...) is
  kept as text in `remittance`. A free communication that merely looks like an OGM stays in
  `remittance`.
- **remittance**: the communication of 2.1, 2.2 and 2.3 read as one fixed-width text (a word split
  over two records stays one word), then the free text of 3.1-3.3 (for the structured information
  code 001, which holds the counterparty's name and address, only text past its 175 characters),
  whitespace collapsed.
- **reversal**: an R-transaction (reject, return, refund, reversal, cancellation) in 2.2 position
  113 or in the SEPA direct-debit communication 127.
- **account**: the account of record 1 (a valid Belgian BBAN becomes its IBAN, one that fails the
  check is kept as read, with a notice); when record 8 names another account, record 1's is kept
  and a notice says so. Counterparty IBAN and name come from 2.3 (a valid Belgian BBAN again becomes
  its IBAN), the name from 3.1 code 001 when 2.3 has none.
- **bank_ref**: the bank reference of 2.1 when it is unique among the booked lines of the account in
  the file, else "" (the line then gets a hashed `txn_id`, lines.py). CODA sequence numbers restart
  in every file and are never used as an id. **statement** is "<paper statement number>/<old
  balance date>"; **line** the 1-based line of the 2.1 record.
- **Balances** for `check` (lines.StatementBalances): the old balance of record 1 and the new
  balance of record 8 of each statement with the sums of its booked lines; `check` warns when the new
  balance is not the old balance plus the credits minus the debits.
- **Checks** (notices, the lines are still read): trailer totals (which count the top-level
  movements) and record count, gaps in the movement sequence numbers, the account of record 8,
  details against their total, the bank's duplicate flag; free messages (record 4) are passed on as
  notices. Warnings (findings) flag an OGM or a counterparty IBAN whose check digits fail; the value
  is kept.
- **Short records**: a record shorter than 128 characters (trailing spaces removed by an editor, a
  mail program or a transfer in text mode) is padded with spaces back to 128, with a notice counting
  them; what was removed were blanks, so the record reads as the bank wrote it. If it was cut off
  instead, a field arctl needs is missing (a version code, an amount, a date, the globalisation code
  at position 125) and the file is refused naming the line and how long the record is.
- **Errors**: a record longer than 128 characters, an unknown record type, records out of order, an
  unknown version or account structure, and any amount, date or code that cannot be read raise
  InputError naming the file and line: a CODA file is written by a machine, so a damaged record
  means a damaged file, to be downloaded again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Literal, overload

from stdnum import iban as stdnum_iban

from arctl.errors import InputError
from arctl.io.bank.coda_records import (
    HINT_DAMAGED,
    RECORD_LENGTH,
    Info,
    Movement,
    Statement,
    at,
    read_text,
    records_of,
    squeeze,
)
from arctl.io.bank.lines import (
    Balance,
    BankRead,
    BankRecord,
    StatementBalances,
    bank_frame,
    line_sums,
)
from arctl.model import Finding
from arctl.money import AmountError, from_decimal, is_currency
from arctl.refs import iban_of_bban, is_valid_ogm

FORMAT = "coda"
_COUNTED = frozenset({"1", "21", "22", "23", "31", "32", "33", "8"})  # what the trailer counts
_R_TRANSACTION = {"1": "reject", "2": "return", "3": "refund", "4": "reversal", "5": "cancellation"}
_NO_COMM_22 = " " * 53
_NO_COMM_23 = " " * 43
_NO_INFO_32 = " " * 105


def read_coda(path: Path) -> BankRead:
    """Read a CODA file into canonical bank lines, the balances it states, findings and notices."""
    path = Path(path)
    reader = _Reader(path)
    records, reader.short = records_of(path, read_text(path))
    if reader.short:
        count = len(reader.short)
        reader.notice(f"{count} record{'s' if count != 1 else ''} shorter than {RECORD_LENGTH} characters (first "
                      f"at line {min(reader.short)}) padded with spaces: trailing spaces were removed from the file")
    reader.parse(records)
    lines = reader.book()
    return BankRead(path=path, format=FORMAT, frame=bank_frame(lines, path), balances=reader.balances,
                    findings=reader.findings, notices=reader.notices, statements=len(reader.statements),
                    statement_balances=reader.stated)



class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.statements: list[Statement] = []
        self.balances: list[Balance] = []
        self.findings: list[Finding] = []
        self.notices: list[str] = []
        self.current: Statement | None = None
        self.movement: Movement | None = None
        self.info: Info | None = None
        self.short: dict[int, int] = {}
        self.stated: list[StatementBalances] = []

    # errors and notices

    def error(self, line: int, message: str, hint: str = HINT_DAMAGED) -> InputError:
        if line in self.short:
            message += (f" (the record is only {self.short[line]} characters long, not {RECORD_LENGTH}: it was "
                        "cut off, so what it lacks cannot be read)")
            hint = "the line was cut off; " + HINT_DAMAGED
        return InputError(f"{self.path}: line {line}: {message}", hint=hint)

    def notice(self, message: str) -> None:
        self.notices.append(f"{self.path}: {message}")

    def warn(self, line: int, column: str, value: str, message: str, field_name: str) -> None:
        self.findings.append(Finding(str(self.path), line, column, value, message, "warning", field_name))

    # field readers

    @overload
    def date(self, line: int, text: str, what: str, *, optional: Literal[False] = False) -> dt.date: ...

    @overload
    def date(self, line: int, text: str, what: str, *, optional: bool) -> dt.date | None: ...

    def date(self, line: int, text: str, what: str, *, optional: bool = False) -> dt.date | None:
        if optional and text.strip(" 0") == "":
            return None
        if len(text) == 6 and text.isdecimal():
            day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
            try:
                return dt.date(2000 + year if year < 70 else 1900 + year, month, day)
            except ValueError:
                pass
        raise self.error(line, f"{what} {text!r} is not a date: expected DDMMYY")

    def milli(self, line: int, sign: str, digits: str, what: str) -> int:
        if sign not in ("0", "1") or not digits.isdecimal():
            raise self.error(line, f"{what}: sign {sign!r} and amount {digits!r} cannot be read: expected "
                                   "0 (credit) or 1 (debit) and 15 digits with 3 implied decimals")
        return -int(digits) if sign == "1" else int(digits)

    def minor(self, line: int, milli: int, currency: str) -> int:
        try:
            return from_decimal(Decimal(milli).scaleb(-3), currency)
        except AmountError as exc:
            raise self.error(line, f"amount {Decimal(milli).scaleb(-3)}: {exc}") from exc

    def account_zone(self, line: int, zone: str, structure: str, version: str) -> tuple[str, str]:
        """(account, currency) of the 37-character account zone of record 1 or 8."""
        if version == "1" or structure == "0":
            number, currency = zone[0:12].strip(), zone[13:16]
            number = iban_of_bban(number) or number
        elif structure == "2":
            number, currency = zone[0:16].strip(), zone[34:37]
        elif structure in ("1", "3"):
            number, currency = zone[0:34].strip(), zone[34:37]
        else:
            raise self.error(line, f"account structure {structure!r} at position 2 is unknown: expected 0 "
                                   "(Belgian BBAN), 1 (foreign account), 2 (Belgian IBAN) or 3 (foreign IBAN)")
        return number.replace(" ", "").upper(), currency

    # parsing

    def parse(self, records: list[tuple[int, str]]) -> None:
        for line, record in records:
            kind = record[:2] if record[0] in "23" else record[0]
            if kind == "0":
                self.header(line, record)
                continue
            statement = self.current
            if statement is None:
                where = "after the trailer record 9 of its statement" if self.statements else \
                    "before any header record 0"
                raise self.error(line, f"record {kind} {where}",
                                 hint="every CODA statement starts with a header record 0; " + HINT_DAMAGED)
            if kind != "9" and kind != "1" and not statement.account:
                raise self.error(line, f"record {kind} before the old-balance record 1 of its statement "
                                       f"(header at line {statement.line})")
            if kind in _COUNTED:
                statement.counted += 1
            getattr(self, f"record_{kind}")(statement, line, record)
        if self.current is not None and not self.current.closed:
            self.notice(f"statement {self.current.label or '?'} (header at line {self.current.line}) has no "
                        "trailer record 9; the file may be cut off")

    def header(self, line: int, record: str) -> None:
        if self.current is not None and not self.current.closed:
            self.notice(f"statement {self.current.label or '?'} (header at line {self.current.line}) has no "
                        "trailer record 9 before the next header")
        version = record[127]
        if version not in ("1", "2"):
            raise self.error(line, f"CODA version code {version!r} at position 128 is not supported: arctl reads "
                                   "versions 1 and 2 (2.x)", hint="ask the bank for CODA version 2")
        created = self.date(line, at(record, 6, 11), "creation date")
        statement = Statement(line=line, version=version, created=created, duplicate=record[16] == "D")
        self.statements.append(statement)
        self.current, self.movement, self.info = statement, None, None

    def record_1(self, statement: Statement, line: int, record: str) -> None:
        if statement.account:
            raise self.error(line, "a second old-balance record 1 in one statement "
                                   f"(header at line {statement.line})")
        statement.structure = record[1]
        statement.account_zone = at(record, 6, 42)
        account, currency = self.account_zone(line, statement.account_zone, statement.structure,
                                              statement.version)
        if not is_currency(currency):
            raise self.error(line, f"currency {currency!r} of the account is not an ISO 4217 code")
        if not account:
            raise self.error(line, "the old-balance record names no account")
        if (statement.version == "1" or statement.structure == "0") and not account.startswith("BE"):
            self.notice(f"line {line}: account {account} fails the Belgian account-number check; kept as read")
        statement.account, statement.currency = account, currency
        statement.number = at(record, 3, 5).strip()
        statement.old_milli = self.milli(line, record[42], at(record, 44, 58), "old balance")
        statement.old_date = self.date(line, at(record, 59, 64), "old balance date", optional=True) \
            or statement.created
        self.balances.append(Balance(account, currency, "OPBD", statement.old_date,
                                     self.minor(line, statement.old_milli, currency)))

    def record_21(self, statement: Statement, line: int, record: str) -> None:
        milli = self.milli(line, record[31], at(record, 33, 47), "movement amount")
        globalisation = record[124]
        if not globalisation.isdecimal():
            raise self.error(line, f"globalisation code {globalisation!r} at position 125 is not a digit")
        movement = Movement(
            line=line, sequence=at(record, 3, 6), detail=at(record, 7, 10),
            bank_ref=at(record, 11, 31).strip(), milli=milli,
            amount=self.minor(line, milli, statement.currency),
            value_date=self.date(line, at(record, 48, 53), "value date", optional=True),
            entry_date=self.date(line, at(record, 116, 121), "entry date", optional=True) or statement.created,
            globalisation=int(globalisation), structured=record[61] == "1",
            comm21=at(record, 63, 115),
        )
        statement.movements.append(movement)
        self.movement, self.info = movement, None

    def follows(self, line: int, record: str) -> Movement:
        movement = self.movement
        if movement is None or movement.sequence != at(record, 3, 6):
            raise self.error(line, f"record {record[:2]} of movement {at(record, 3, 6)} does not follow a "
                                   "movement record 21 with that sequence number")
        return movement

    def record_22(self, statement: Statement, line: int, record: str) -> None:
        movement = self.follows(line, record)
        movement.comm22 = at(record, 11, 63)
        if statement.version != "1":
            movement.r_type = record[112].strip()

    def record_23(self, statement: Statement, line: int, record: str) -> None:
        movement = self.follows(line, record)
        if statement.version == "1":
            number, name = at(record, 11, 22).strip(), at(record, 48, 73)
        else:
            zone = at(record, 11, 47)
            number = zone[0:12].strip() if zone[12] == " " else zone[0:34].strip()
            name = at(record, 48, 82)
            movement.comm23 = at(record, 83, 125)
        number = number.replace(" ", "").upper()
        if not number.strip("0"):
            number = ""
        elif belgian := iban_of_bban(number):
            number = belgian
        elif number[:2].isalpha() and not stdnum_iban.is_valid(number):
            self.warn(line, "counterparty account", number, "the counterparty IBAN fails its check digits; "
                      "kept as read", "counterparty_iban")
        movement.counterparty_account = number
        movement.counterparty_name = squeeze(name)

    def record_31(self, statement: Statement, line: int, record: str) -> None:
        movement = self.follows(line, record)
        self.info = Info(line=line, structured=record[39] == "1", text=at(record, 41, 113))
        movement.infos.append(self.info)

    def record_32(self, statement: Statement, line: int, record: str) -> None:
        info = self.info_for(line, record)
        info.text += at(record, 11, 115)

    def record_33(self, statement: Statement, line: int, record: str) -> None:
        info = self.info_for(line, record)
        if len(info.text) == 73:  # no 3.2 in between: keep the 3.3 text at its place
            info.text += _NO_INFO_32
        info.text += at(record, 11, 100)

    def info_for(self, line: int, record: str) -> Info:
        self.follows(line, record)
        if self.info is None:
            raise self.error(line, f"information record {record[:2]} does not follow an information record 31")
        return self.info

    def record_4(self, statement: Statement, line: int, record: str) -> None:
        statement.messages += 1
        text = squeeze(at(record, 33, 112))
        if text:
            self.notice(f"line {line}: message from the bank: {text}")

    def record_8(self, statement: Statement, line: int, record: str) -> None:
        statement.new_milli = self.milli(line, record[41], at(record, 43, 57), "new balance")
        statement.new_line = line
        statement.new_date = self.date(line, at(record, 58, 63), "new balance date", optional=True)
        zone = at(record, 5, 41)
        if zone.strip() != statement.account_zone.strip():
            account, currency = self.account_zone(line, zone, statement.structure, statement.version)
            if account != statement.account or currency != statement.currency:
                self.notice(f"line {line}: the new-balance record names account {account} {currency}, the "
                            f"old-balance record {statement.account} {statement.currency}; arctl uses "
                            f"{statement.account} (record 1) for statement {statement.label}")
        self.balances.append(Balance(statement.account, statement.currency, "CLBD",
                                     statement.new_date or statement.old_date,
                                     self.minor(line, statement.new_milli, statement.currency)))

    def record_9(self, statement: Statement, line: int, record: str) -> None:
        count, debit, credit = at(record, 17, 22), at(record, 23, 37), at(record, 38, 52)
        if count.isdecimal() and debit.isdecimal() and credit.isdecimal():
            statement.trailer = (line, int(count), int(debit), int(credit))
        else:
            self.notice(f"line {line}: the trailer record cannot be read (records {count!r}, debit {debit!r}, "
                        f"credit {credit!r}); its totals are not checked")
        statement.closed = True
        self.current, self.movement, self.info = None, None, None

    # booking

    def book(self) -> list[BankRecord]:
        booked: list[tuple[Statement, Movement]] = []
        for statement in self.statements:
            roots = self.hierarchy(statement)
            lines: list[Movement] = []
            for root in roots:
                lines.extend(self.leaves(statement, root))
            self.check(statement, roots, lines)
            booked.extend((statement, movement) for movement in lines)
        refs: dict[tuple[str, str], int] = {}
        for statement, movement in booked:
            if movement.bank_ref:
                key = (statement.account, movement.bank_ref)
                refs[key] = refs.get(key, 0) + 1
        records = []
        for statement, movement in booked:
            unique = movement.bank_ref and refs[(statement.account, movement.bank_ref)] == 1
            records.append(self.record(statement, movement, movement.bank_ref if unique else ""))
        return records

    def hierarchy(self, statement: Statement) -> list[Movement]:
        """The movements of a statement (detail 0000 of each sequence number), each with its details as children.

        All records with one sequence number are one movement: the first is the movement itself, the
        others its details. The globalisation codes only say how the details nest: a code opens a
        level on one record and closes it on a later one (the last detail of that level).
        """
        roots: list[Movement] = []
        open_levels: list[tuple[int, Movement]] = []
        for movement in statement.movements:
            root = roots[-1] if roots else None
            if root is None or root.sequence != movement.sequence:
                roots.append(movement)
                open_levels = [(movement.globalisation, movement)] if movement.globalisation else []
                continue
            parent = open_levels[-1][1] if open_levels else root
            movement.parent = parent
            parent.children.append(movement)
            level = movement.globalisation
            if level and any(open_level == level for open_level, _ in open_levels):
                while open_levels.pop()[0] != level:  # closes its level and any level inside it
                    pass
            elif level:
                open_levels.append((level, movement))
        return roots

    def leaves(self, statement: Statement, movement: Movement) -> list[Movement]:
        if not movement.children:
            return [movement]
        details = sum(child.milli for child in movement.children)
        if details != movement.milli:
            self.notice(f"line {movement.line}: the {len(movement.children)} details of movement "
                        f"{movement.sequence} add up to {_plain(details)}, its total is "
                        f"{_plain(movement.milli)} {statement.currency}; arctl books the total")
            return [movement]
        found: list[Movement] = []
        for child in movement.children:
            found.extend(self.leaves(statement, child))
        return found

    def check(self, statement: Statement, roots: list[Movement], lines: list[Movement]) -> None:
        label, currency = statement.label, statement.currency
        if statement.duplicate:
            self.notice(f"statement {label}: the bank marks this file as a duplicate of one sent before")
        if statement.new_milli is None:
            self.notice(f"statement {label} has no new-balance record 8")
        credits, debits = line_sums([movement.amount for movement in lines])
        self.stated.append(StatementBalances(
            statement.account, label, currency, self.minor(statement.line, statement.old_milli, currency),
            None if statement.new_milli is None else self.minor(statement.new_line, statement.new_milli, currency),
            credits, debits, statement.new_line or statement.line, "record 8" if statement.new_line else "record 0"))
        previous: Movement | None = None
        for movement in statement.movements:
            if previous is not None and previous.sequence != movement.sequence \
                    and previous.sequence.isdecimal() and movement.sequence.isdecimal() \
                    and int(movement.sequence) != int(previous.sequence) + 1:
                self.notice(f"line {movement.line}: the movement sequence number jumps from {previous.sequence} "
                            f"to {movement.sequence} in statement {label}; movements may be missing from the file")
            previous = movement
        if statement.trailer is not None:
            line, count, debit, credit = statement.trailer
            if count not in (statement.counted, statement.counted + statement.messages):
                self.notice(f"line {line}: the trailer counts {count} records, statement {label} has "
                            f"{statement.counted}")
            top_debit = -sum(root.milli for root in roots if root.milli < 0)
            top_credit = sum(root.milli for root in roots if root.milli > 0)
            if (debit, credit) != (top_debit, top_credit):
                self.notice(f"line {line}: the trailer totals debit {_plain(debit)} and credit {_plain(credit)}, "
                            f"the movements of statement {label} debit {_plain(top_debit)} and credit "
                            f"{_plain(top_credit)} {currency}")

    def record(self, statement: Statement, movement: Movement, bank_ref: str) -> BankRecord:
        structured_ref, remittance, reversal = self.communication(movement)
        if not remittance and movement.parent is not None:
            remittance = self.inherited(movement.parent)
        name = movement.counterparty_name
        if not name:
            name = next((squeeze(info.text[3:73]) for info in movement.infos
                         if info.structured and info.text[:3] == "001"), "")
        return BankRecord(
            account=statement.account, booking_date=movement.entry_date, value_date=movement.value_date,
            amount=movement.amount, currency=statement.currency, counterparty_name=name,
            counterparty_iban=movement.counterparty_account, structured_ref=structured_ref,
            remittance=remittance, reversal=reversal, bank_ref=bank_ref, statement=statement.label,
            line=movement.line,
        )

    def inherited(self, total: Movement) -> str:
        _, remittance, _ = self.communication(total, warn=False)
        if not remittance and total.parent is not None:
            return self.inherited(total.parent)
        return remittance

    def communication(self, movement: Movement, warn: bool = True) -> tuple[str, str, bool]:
        """(structured_ref, remittance, reversal) of a movement."""
        text = movement.comm21 + (movement.comm22 or _NO_COMM_22) + (movement.comm23 or _NO_COMM_23)
        structured_ref = ""
        parts: list[str] = []
        reversal = movement.r_type in _R_TRANSACTION
        if movement.structured:
            code, content = text[:3], text[3:]
            if code in ("101", "102"):
                digits = content[:12]
                if len(digits) == 12 and digits.isdecimal():
                    structured_ref = digits
                    content = content[12:]
                    if warn and not is_valid_ogm(digits):
                        self.warn(movement.line, "structured communication", digits,
                                  "the structured reference (OGM/VCS) fails its mod-97 check; kept as read",
                                  "structured_ref")
                elif warn:
                    self.warn(movement.line, "structured communication", squeeze(content),
                              f"structured communication {code} does not hold 12 digits; kept as text",
                              "structured_ref")
            elif code == "100":
                reference = content[:25].replace(" ", "").upper()
                if reference.startswith("RF"):
                    structured_ref, content = reference, content[25:]
            elif code == "127" and content[141:142] in _R_TRANSACTION:
                reversal = True
            parts.append(content)
        else:
            parts.append(text)
        for info in movement.infos:
            if not info.structured:
                parts.append(info.text)
            elif info.text[:3] == "001":
                parts.append(info.text[3 + 175:])  # past name (70), street, locality and id (35 each)
        return structured_ref, squeeze(" ".join(parts)), reversal


def _plain(milli: int) -> str:
    """Thousandths as the file states them, for messages ('-479.04', '1683.752')."""
    whole, thousandths = divmod(abs(milli), 1000)
    fraction = f"{thousandths:03d}".rstrip("0").ljust(2, "0")
    return f"{'-' if milli < 0 else ''}{whole}.{fraction}"
