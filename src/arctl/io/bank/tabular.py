"""Bank exports in CSV, TSV or XLSX: read through a bank profile (YAML) into canonical bank lines.

The profile is the one asked for, else a headerless profile whose shape the file has (field count,
dates and amounts where the profile says they are), else the named profile whose signature the header
row carries, else `bank-generic`. The dialect is decided per file as for invoices: the decimal mark
from every amount of the file, the date format of each date column from all its values (day first
when they fit both ways, with a notice).

What the profile's rules do (profile.py declares them):

- `amount` is signed (credit positive); without it, `credit_amount` − `debit_amount` (a debit with or
  without its minus sign). With `sign`, the `direction` column says credit or debit and the amount is
  taken unsigned.
- `join` columns take every header the profile lists for them, joined with a space (Omschrijving-1..3).
- `reversal`: a value in the `reversal` column (any value, or one of `values`), or one of `words` in
  the remittance, marks a returned or reversed payment.
- `status` / `not_booked`: lines the bank did not execute (refused, pending) are left out with a notice.
- `headerless`, `comment_prefix`: files without a header row, comment lines.
- `text_quote`: a quote the bank writes around text values ('text'), removed.

Nothing is dropped silently: a row that cannot be a transaction is an error finding with file, row and
column; a balance or total row at the end is left out with a notice naming its row; a field whose
opening or closing quote is missing (a real Rabobank line) is read without the stray quote and reported
as a warning.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from arctl.errors import InputError, UsageError
from arctl.io.bank.inferred import account_from_preamble, column_names, infer_layout, looks_headerless
from arctl.io.bank.line_ids import ANY_SPACE, SPACES, UNEVEN
from arctl.io.bank.lines import BankRead, lines_frame
from arctl.io.dialect import (
    DateDecision,
    decide_date_format,
    decide_decimal_mark,
    decide_file_dates,
    map_distinct,
    parse_dates,
    parse_money,
)
from arctl.io.frames import ExportRead, RowFlags, require_columns
from arctl.io.profile import (
    Profile,
    all_header_score,
    all_profiles,
    detect_profile,
    fold,
    load_profile,
    match_all_columns,
)
from arctl.io.sniff import detect_container, detect_delimiter
from arctl.io.table import RawTable, read_preamble, read_table
from arctl.model import DATE_FORMATS, Finding, ReadOptions
from arctl.money import known_currencies

_FOOTER_LABEL = re.compile(
    r"^(grand\s*)?(total|totaal|totalen|totaux|summe|gesamt\w*|sum|saldo|solde|balance|kontostand|"
    r"opening|closing|nieuw saldo|oud saldo|ancien solde|nouveau solde|anfangssaldo|endsaldo)\b",
    re.IGNORECASE)
_SHAPE_SAMPLE = 20
_NUMBER = re.compile(r"^[+-]?\s*\d[\d.,' ]*-?$")
MONEY_COLUMNS = ("amount", "credit_amount", "debit_amount")


def read_bank_table(path: Path, options: ReadOptions = ReadOptions()) -> BankRead:
    """Read a bank export (CSV, TSV, XLSX) into canonical bank lines with its findings and notices."""
    read = read_bank_export(Path(path), options)
    accounts = read.frame["account_iban"].nunique() if len(read.frame) else 0
    return BankRead(path=read.path, format=f"{read.detected['format']} ({read.profile.name})", frame=read.frame,
                    findings=read.findings, notices=[_describe(read.profile, read.detected), *read.notices],
                    statements=int(accounts))


def read_bank_export(path: Path, options: ReadOptions = ReadOptions()) -> ExportRead:
    """The same read as `read_bank_table`, as an ExportRead (kind "bank") for `arctl check`."""
    chosen = load_profile(options.profile, options.profile_dirs) if options.profile else None
    if chosen is not None and chosen.kind != "bank":
        raise UsageError(f"profile {chosen.name!r} reads {chosen.kind}, not bank exports")
    if chosen is None:
        chosen = _headerless_profile(path, options)
    if chosen is not None:
        table = _read(path, chosen, chosen.header_score, options)
        profile = chosen
    else:
        scorer = all_header_score("bank", options.profile_dirs)
        table = _read(path, None, scorer, options)
        first = list(table.frame.columns)
        inferred = _read_inferred(path, len(first), options) if looks_headerless(first, scorer(first)) else None
        if inferred is not None:
            table, profile = inferred
        else:
            profile = detect_profile(first, "bank", options.profile_dirs)
        if profile.comment_prefix:  # comment lines are only known once the profile is
            table = _read(path, profile, profile.header_score, options)
    headers = list(table.frame.columns)
    overrides = dict(options.columns)
    missing = [header for header in overrides.values() if header not in headers]
    if missing:
        raise InputError(f"{path}: column {missing[0]!r} named in the column mapping is not in the file",
                         hint=f"the header row (line {table.header_row}) has: {', '.join(headers)}")
    if overrides:
        profile = profile.with_columns(overrides)
    columns = match_all_columns(headers, profile)
    require_columns(path, table, "bank", {column: found[0] for column, found in columns.items()}, profile)
    account = account_from_preamble(read_preamble(table)) if "account_iban" not in columns else None
    return build_bank_lines(table, profile, columns, options, account)


def _read_inferred(path: Path, width: int, options: ReadOptions) -> tuple[RawTable, Profile] | None:
    """A file whose first row is data: read every row, and infer its columns from their content."""
    table = read_table(path, lambda cells: 0, sheet=options.sheet, delimiter=options.delimiter,
                       names=column_names(width))
    inferred = infer_layout(table, dict(options.columns))
    if inferred is None:
        return None
    table.notices.append("no header row: the columns were inferred from their content (choose a profile with "
                         "--profile, or name the columns in arctl.yaml, to read it otherwise)")
    table.notices.extend(inferred.evidence)
    return table, inferred.profile


def _read(path: Path, profile: Profile | None, scorer, options: ReadOptions) -> RawTable:
    table = read_table(path, scorer, sheet=options.sheet, delimiter=options.delimiter,
                       comment_prefix=profile.comment_prefix if profile else None,
                       names=profile.headerless or None if profile else None)
    if profile is not None and profile.headerless:
        table.notices.append(f"no header row: columns read by position as profile {profile.name!r} declares")
    return table


# --- files without a header row -----------------------------------------------------------------------


def _headerless_profile(path: Path, options: ReadOptions) -> Profile | None:
    """The headerless bank profile whose shape the file's first records have, if any."""
    candidates = [p for p in all_profiles("bank", options.profile_dirs) if p.headerless]
    container = detect_container(path)
    if not candidates or container.kind != "text":
        return None
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    text = head.decode(container.encoding or "utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if len(head) == 64 * 1024:
        lines = lines[:-1]  # the sample may end inside a line
    for profile in candidates:
        kept = [line for line in lines if line.strip() and not (
            profile.comment_prefix and line.lstrip().startswith(profile.comment_prefix))][:_SHAPE_SAMPLE]
        if kept and _has_shape(profile, kept, options.delimiter):
            return profile
    return None


def _has_shape(profile: Profile, lines: list[str], delimiter: str | None) -> bool:
    names = profile.headerless
    if "booking_date" not in names or not {"amount", "credit_amount", "debit_amount"} & set(names):
        return False  # nothing to recognise it by: such a profile is used when named
    delimiter = delimiter or detect_delimiter("\n".join(lines))
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    if any(len(row) != len(names) and not (len(row) == len(names) + 1 and not row[-1].strip()) for row in rows):
        return False
    sample = pd.DataFrame([row[:len(names)] for row in rows], columns=list(names), dtype=str)
    for column in ("booking_date", "value_date"):
        if column in names:
            values = sample[column].str.strip()
            key = profile.date_format or decide_date_format(values).format
            filled = values.ne("")
            if key is None or (column == "booking_date" and not filled.any()) \
                    or parse_dates(values[filled], key).isna().any():
                return False
    for column in MONEY_COLUMNS:
        if column in names:
            values = sample[column].str.strip()
            if not values[values.ne("")].str.match(_NUMBER).all():
                return False
    return True


# --- rows into bank lines -------------------------------------------------------------------------------


def build_bank_lines(table: RawTable, profile: Profile, columns: dict[str, tuple[str, ...]],
                     options: ReadOptions, preamble_account: tuple[str, int, str] | None = None) -> ExportRead:
    """Convert, check and sign a bank export's rows; `columns` maps canonical columns to their headers.
    `preamble_account`: the account (IBAN, row, line) written above the header, for a file without an
    account column."""
    frame = table.frame
    mapping = {column: found[0] for column, found in columns.items()}
    flags = RowFlags(table, mapping)
    notices = list(table.notices)
    stray = _repair_stray_quotes(table, mapping)

    def text(column: str) -> pd.Series:
        found = columns.get(column, ())
        if not found:
            return pd.Series("", index=frame.index, dtype=str)
        parts = [_unquote(frame[header].str.strip(), profile.text_quote) for header in found]
        if len(parts) == 1:
            return parts[0]
        joined = parts[0]
        for part in parts[1:]:
            joined = (joined + " " + part).str.strip()
        return joined

    booking_text = text("booking_date")
    money_text = {column: text(column) for column in MONEY_COLUMNS if column in columns}
    footer = _footer_rows(frame, booking_text, money_text)
    if footer.any():
        rows = ", ".join(str(n) for n in table.row_numbers[footer])
        notices.append(f"row {rows}: balance/total row at the end left out (not a transaction)")
    status = map_distinct(text("status"), fold)
    not_booked = (status.isin(profile.not_booked).to_numpy() & status.ne("").to_numpy()) if profile.not_booked \
        else np.zeros(len(frame), dtype=bool)
    if not_booked.any():
        seen = sorted(set(text("status")[not_booked]))
        notices.append(f"{int(not_booked.sum())} line(s) not booked by the bank ({mapping['status']}: "
                       f"{', '.join(seen)}) left out")
    live = ~footer & ~not_booked

    currency, currency_notice = _currencies(text, columns, profile, options, live, frame.index)
    if currency_notice:
        notices.append(currency_notice)
    known = currency.isin(known_currencies()).to_numpy()
    if "currency" in columns:
        flags.flag(live & ~known & currency.ne("").to_numpy(), "currency",
                   "unknown currency code: expected an ISO 4217 code such as EUR")

    amount, mark = _amounts(table, profile, columns, money_text, currency, known, live, flags, options, notices)
    if "direction" in columns:
        amount = _apply_direction(amount, text("direction"), profile, live & known, flags)
    dates, decisions = _dates(table, profile, columns, text, live, flags, options, notices)
    booking = dates["booking_date"]
    value = dates.get("value_date", pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]"))

    remittance = _squeeze(text("remittance"))
    reversal = np.zeros(len(frame), dtype=bool)
    if "reversal" in columns:
        marks = text("reversal")
        reversal |= (marks.ne("") & (map_distinct(marks, fold).isin(profile.reversal_values) if profile.reversal_values
                                     else True)).to_numpy()
    if profile.reversal_words:
        words = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in profile.reversal_words) + r")", re.IGNORECASE)
        reversal |= remittance.str.contains(words, regex=True).to_numpy()
    account = _account(text, columns, preamble_account, notices)

    keep = live & ~flags.bad
    positions = np.flatnonzero(keep)
    result = lines_frame(_line_columns(positions, table, account, booking, value, amount, currency, text, remittance,
                                       reversal), table.path)
    footers = int(footer.sum())
    row_count = len(frame) + len(table.findings) - footers
    bad_rows = int((flags.bad & ~footer).sum()) + len(table.findings)
    detected = {**table.detected, "decimal": mark,
                "dates": ", ".join(f"{mapping[c]} {d.format}" for c, d in decisions.items() if d.format)}
    findings = sorted(table.findings + stray + flags.findings, key=lambda f: (f.row or 0, f.column or ""))
    return ExportRead(table.path, "bank", profile, detected, mapping, row_count, row_count - bad_rows, result,
                      findings, notices, int(not_booked.sum()))


def _account(text, columns, preamble_account: tuple[str, int, str] | None, notices: list[str]) -> pd.Series:
    """The account of each line: its column, else the one IBAN the preamble names, else none (said so)."""
    account = _compact(text("account_iban"))
    if "account_iban" in columns:
        return account
    if preamble_account is not None:
        iban, row, line = preamble_account
        notices.append(f"account {iban} taken from row {row} above the header ({line[:60]!r})")
        return pd.Series(iban, index=account.index, dtype=str)
    notices.append("no account column: the lines name no account, so their txn_id holds none")
    return account


def _describe(profile: Profile, detected: dict[str, str]) -> str:
    parts = [detected["format"]]
    if "encoding" in detected:
        parts += [detected["encoding"], f"delimiter {detected['delimiter']!r}"]
    if detected.get("decimal"):
        parts.append(f"decimal {detected['decimal']!r}")
    if detected.get("dates"):
        parts.append(f"dates {detected['dates']}")
    return f"read with profile {profile.name!r}: {', '.join(parts)}"


def _line_columns(positions: np.ndarray, table: RawTable, account, booking, value, amount, currency, text,
                  remittance, reversal: np.ndarray) -> dict[str, pd.Series]:
    """The kept rows as bank-line columns (lines.LINE_COLUMNS), dates to the day."""
    def at(values) -> pd.Series:
        picked = values.iloc[positions] if isinstance(values, pd.Series) else pd.Series(values[positions])
        return picked.reset_index(drop=True)

    def dates(values: pd.Series) -> pd.Series:
        return at(values).astype("datetime64[s]").dt.floor("D")

    return {
        "account_iban": at(account).astype(str), "booking_date": dates(booking), "value_date": dates(value),
        "amount": at(amount).astype("int64"), "currency": at(currency).astype(str),
        "counterparty_name": at(_squeeze(text("counterparty_name"))).astype(str),
        "counterparty_iban": at(_compact(text("counterparty_iban"))).astype(str),
        "structured_ref": at(text("structured_ref")).astype(str), "remittance": at(remittance).astype(str),
        "reversal": at(reversal).astype(bool), "bank_ref": at(text("bank_ref")).astype(str),
        "statement": pd.Series("", index=range(len(positions)), dtype=str),
        "line": at(np.asarray(table.row_numbers)).astype("int64"),
    }


# --- amounts ---------------------------------------------------------------------------------------------


def _amounts(table: RawTable, profile: Profile, columns, money_text: dict[str, pd.Series], currency: pd.Series,
             known: np.ndarray, live: np.ndarray, flags: RowFlags, options: ReadOptions,
             notices: list[str]) -> tuple[pd.Series, str]:
    configured = options.decimal or profile.decimal
    fallback = configured or ("," if table.detected.get("delimiter") == ";" else ".")
    sample = pd.concat([values[live] for values in money_text.values()])
    decision = decide_decimal_mark(sample, configured, fallback)
    if decision.notice:
        notices.append(decision.notice)
    readable = currency.where(known, "EUR")
    parsed = {column: parse_money(values, readable, decision.mark) for column, values in money_text.items()}
    usable = live & known
    pair = [column for column in ("credit_amount", "debit_amount") if column in parsed]
    if "amount" in parsed:
        amount, errors = parsed["amount"]
        by_pair = money_text["amount"].eq("").to_numpy() if pair else np.zeros(len(amount), dtype=bool)
        flags.flag(usable & ~by_pair & errors.ne("").to_numpy(), "amount", errors)
        if by_pair.any():  # Betrag left empty where Soll or Haben holds the amount (Deutsche Bank)
            amount = amount.where(~by_pair, _pair_amount(columns, money_text, parsed, usable & by_pair, flags))
    else:
        amount = _pair_amount(columns, money_text, parsed, usable, flags)
    return amount.astype("int64"), decision.mark


def _pair_amount(columns, money_text: dict[str, pd.Series], parsed: dict, usable: np.ndarray,
                 flags: RowFlags) -> pd.Series:
    """credit − debit from a credit and a debit column (a debit with or without its minus sign)."""
    amount = pd.Series(0, index=next(iter(money_text.values())).index, dtype="int64")
    for column, sign in (("credit_amount", 1), ("debit_amount", -1)):
        if column not in parsed:
            continue
        values, errors = parsed[column]
        present = money_text[column].ne("").to_numpy()
        flags.flag(usable & present & errors.ne("").to_numpy(), column, errors)
        amount = amount + sign * values.abs()
    both = np.ones(len(amount), dtype=bool)
    for column in ("credit_amount", "debit_amount"):
        both &= (parsed[column][0] != 0).to_numpy() if column in parsed else False
    first = "credit_amount" if "credit_amount" in columns else "debit_amount"
    flags.flag(usable & both, first, "both the credit and the debit column hold an amount: expected one of them")
    empty = np.ones(len(amount), dtype=bool)
    for column in ("credit_amount", "debit_amount"):
        if column in money_text:
            empty &= money_text[column].eq("").to_numpy()
    flags.flag(usable & empty, first, "empty: expected an amount in the credit or the debit column")
    return amount


def _apply_direction(amount: pd.Series, indicator: pd.Series, profile: Profile, usable: np.ndarray,
                     flags: RowFlags) -> pd.Series:
    """An unsigned amount with a credit/debit indicator: the indicator decides the sign."""
    folded = map_distinct(indicator, fold)
    credit = folded.isin({fold(v) for v in profile.credit_values}).to_numpy()
    debit = folded.isin({fold(v) for v in profile.debit_values}).to_numpy()
    expected = (f"expected {' or '.join(profile.credit_values)} (credit) or "
                f"{' or '.join(profile.debit_values)} (debit)")
    flags.flag(usable & ~credit & ~debit, "direction", f"not a credit/debit indicator: {expected}")
    contradicted = usable & credit & (amount < 0).to_numpy()
    flags.flag(contradicted, "amount", f"the amount has a minus sign but {flags.mapping['direction']} says credit; "
                                       "read as a credit", severity="warning")
    return pd.Series(np.where(debit, -amount.abs(), amount.abs()), index=amount.index, dtype="int64")


def _currencies(text, columns, profile: Profile, options: ReadOptions, live: np.ndarray,
                index: pd.Index) -> tuple[pd.Series, str | None]:
    default = options.currency or profile.default_currency or "EUR"
    if options.currency:
        source = f"currency taken as {default} (--currency)"
    elif profile.default_currency:
        source = f"currency taken as {default} (default of profile {profile.name!r})"
    else:
        source = f"no currency in the file: amounts read as {default}; use --currency to change"
    if "currency" in columns:
        values = text("currency").str.upper()
        if (values.eq("").to_numpy() & live).any():
            return values.where(values.ne(""), default), f"rows without a currency read as {default}"
        return values, None
    return pd.Series(default, index=index, dtype=str), source


# --- dates -----------------------------------------------------------------------------------------------


def _dates(table: RawTable, profile: Profile, columns, text, live: np.ndarray, flags: RowFlags,
           options: ReadOptions, notices: list[str]) -> tuple[dict[str, pd.Series], dict[str, DateDecision]]:
    configured = options.date_format or profile.date_format
    if configured and configured not in DATE_FORMATS:
        raise UsageError(f"date format {configured!r}: expected one of {', '.join(DATE_FORMATS)}")
    decisions = decide_file_dates({c: text(c)[live] for c in ("booking_date", "value_date") if c in columns},
                                  configured, typed_cells=table.typed_cells, labels=flags.mapping)
    dates: dict[str, pd.Series] = {}
    for column, decision in decisions.items():
        if decision.notice:
            notices.append(decision.notice)
        values = text(column)
        parsed = parse_dates(values, decision.format, typed_cells=table.typed_cells)
        unreadable = live & values.ne("").to_numpy() & parsed.isna().to_numpy()
        expected = decision.format or "a date"
        if column == "booking_date":
            flags.flag(unreadable, column, f"not a date: expected {expected}")
            flags.flag(live & values.eq("").to_numpy(), column, "empty: expected the booking date")
        else:  # the line stands without its value date
            flags.flag(unreadable, column, f"not a date: expected {expected}; the line is kept without a value date",
                       severity="warning")
        dates[column] = parsed.astype("datetime64[s]")
    return dates, decisions


# --- text -----------------------------------------------------------------------------------------------


def _unquote(values: pd.Series, quote: str | None) -> pd.Series:
    if not quote:
        return values
    enclosed = values.str.len().ge(2) & values.str.startswith(quote) & values.str.endswith(quote)
    return values.where(~enclosed, values.str.slice(1, -1).str.strip())


def _squeeze(values: pd.Series) -> pd.Series:
    if values.str.contains(UNEVEN, regex=True).any():  # finding is cheaper than replacing
        values = values.str.replace(SPACES, " ", regex=True)
    return values.str.strip()


def _compact(values: pd.Series) -> pd.Series:
    """Account numbers as one token: 'BE68 5390 0754 7034' -> 'BE68539007547034'."""
    if values.str.contains(ANY_SPACE, regex=True).any():
        values = values.str.replace(SPACES, "", regex=True)
    return values.str.upper()


def _footer_rows(frame: pd.DataFrame, booking: pd.Series, money: dict[str, pd.Series]) -> np.ndarray:
    """Trailing balance or total rows: no booking date (or a label in its place), and a balance or total
    label or no amount. A row with something in its date column other than such a label is never one."""
    footer = np.zeros(len(frame), dtype=bool)
    for position in range(len(frame) - 1, max(len(frame) - 6, -1), -1):
        date_text = booking.iloc[position]
        if date_text and not _FOOTER_LABEL.match(date_text):
            break
        filled = [c for c in (str(v).strip() for v in frame.iloc[position].tolist()) if c]
        labelled = any(_FOOTER_LABEL.match(c) for c in filled if not c[:1].isdecimal())
        no_amount = all(values.iloc[position] == "" for values in money.values())
        if labelled or no_amount:
            footer[position] = True
        else:
            break
    return footer


def _repair_stray_quotes(table: RawTable, mapping: dict[str, str]) -> list[Finding]:
    """A field whose opening (or closing) quote is missing keeps the other one as a character: report
    it, and read the value without it. Only lines that break the CSV quoting rules are looked at."""
    frame = table.frame
    if table.typed_cells or frame.empty:
        return []
    suspect = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        values = frame[column]
        suspect |= (values.str.startswith('"') ^ values.str.rstrip().str.endswith('"')).to_numpy()
    if not suspect.any():
        return []
    container = detect_container(table.path)
    lines = table.path.read_bytes().decode(container.encoding or "utf-8", errors="replace").split("\n")
    delimiter = {"tab": "\t"}.get(table.detected.get("delimiter", ","), table.detected.get("delimiter", ","))
    field = rf'"(?:[^"]|"")*"|[^"{re.escape(delimiter)}\r\n]*'
    line_rule = re.compile(rf"\ufeff?(?:{field})(?:{re.escape(delimiter)}(?:{field}))*")
    fields = {header: column for column, header in mapping.items()}
    findings: list[Finding] = []
    for position in np.flatnonzero(suspect).tolist():
        row = int(table.row_numbers[position])
        if row - 1 < len(lines) and line_rule.fullmatch(lines[row - 1].rstrip("\r")):
            continue
        for header in frame.columns:
            index = frame.columns.get_loc(header)
            assert isinstance(index, int)  # header names are unique (see read_table)
            value = cast(str, frame.iat[position, index])  # an untyped table holds strings only
            stripped = value.strip()
            if stripped.startswith('"') == stripped.endswith('"'):
                continue
            repaired = stripped.strip('"').strip()
            side = "opening" if stripped.endswith('"') else "closing"
            frame.iat[position, index] = repaired
            findings.append(Finding(str(table.path), row, header, value,
                                    f"broken quoting: the field's {side} quote is missing; read as {repaired!r}",
                                    "warning", fields.get(header)))
    return findings

