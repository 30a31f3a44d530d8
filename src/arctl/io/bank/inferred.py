"""Bank exports without a header row: which column is what, inferred from the content, with its evidence.

A file is taken for headerless when the row the header search settled on names no known column and
holds a date and an amount. Its columns are then told apart by what every value of a sample shows:

- an IBAN column (every value passes the ISO 13616 check): the one with the same value on every row is
  the account, another the counterparty;
- date columns: the first is the booking date, the second the value date;
- amount columns (numbers with decimals or a sign): a running balance (it moves by exactly the amount
  of each line) is set aside; then one column is the signed amount, or two columns that are never both
  filled are a debit/credit pair (the one with minus signs is the debit; without signs, the debit is
  the left one, as in Soll/Haben and Débit/Crédit, and the notice says nothing confirmed it);
- a column of credit/debit indicators (C/D, Af/Bij, S/H, +/-) signs an unsigned amount;
- a column of ISO 4217 codes is the currency; the remaining text columns make the remittance.

What cannot be told apart (two signed amount columns, an unsigned amount without an indicator) is
refused with the columns found, rather than guessed. Also here: the account named only in the lines
above a header (a report preamble).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from stdnum import iban as iso_iban

from arctl.errors import InputError
from arctl.io.dialect import decide_date_format, decide_decimal_mark, map_distinct, parse_dates, parse_money
from arctl.io.profile import Profile, fold
from arctl.io.table import RawTable
from arctl.money import known_currencies

SAMPLE_ROWS = 500
_DATE_CELL = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:19|20)\d{6}")
_MONEY_CELL = re.compile(r"[+-]?\s?\d[\d.,' ]*[.,]\d{1,2}-?|[+-]\d+(?:[.,]\d+)?")
_NUMBER = re.compile(r"[+-]?\s?\d[\d.,' ]*-?")
_IBAN_IN_TEXT = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){10,30}\b")
# Indicator words of a credit/debit column, folded: credit first, debit second.
_DIRECTIONS = ((frozenset({"c", "cr", "credit", "bij", "h", "haben", "+"}), "credit"),
               (frozenset({"d", "dr", "debit", "debet", "af", "s", "soll", "-"}), "debit"))


@dataclass(frozen=True, slots=True)
class Inferred:
    """A layout inferred from a headerless file: the profile it amounts to, and why, column by column."""

    profile: Profile
    evidence: list[str]


def looks_headerless(cells: list[str], known_names: int) -> bool:
    """Whether the row taken for a header is data: it names no known column (`known_names` < 2) and
    holds a date and an amount."""
    values = [cell.strip() for cell in cells]
    return known_names < 2 and any(_DATE_CELL.fullmatch(v) for v in values) \
        and any(_MONEY_CELL.fullmatch(v) for v in values)


def column_names(width: int) -> list[str]:
    return [f"column {position}" for position in range(1, width + 1)]


def infer_layout(table: RawTable, given: dict[str, str] | None = None) -> Inferred | None:
    """The bank profile a headerless table amounts to, from its first rows; None when it has no date or
    no amount column (then it is no bank export this can read). `given`: canonical column -> "column N"
    named by the user (a source's `columns:`), taken as said; the other columns are inferred."""
    given = dict(given or {})
    sample = _without_footer(table.frame.head(SAMPLE_ROWS))
    kinds: dict[str, str] = {}
    formats: dict[str, str] = {}
    for name in sample.columns:
        values = sample[name].str.strip()
        filled = values[values.ne("")]
        if not filled.empty and name not in given.values():
            kinds[name] = _kind_of(filled, table.typed_cells, formats, name)
    amount_given = bool(given.keys() & {"amount", "credit_amount", "debit_amount"})
    dates = [name for name, kind in kinds.items() if kind == "date"]
    money = [name for name, kind in kinds.items() if kind == "money"]
    if not (dates or "booking_date" in given) or not (money or amount_given):
        return None
    columns: dict[str, tuple[str, ...]] = {canonical: (name,) for canonical, name in given.items()}
    evidence: list[str] = [f"{name} → {canonical}: named in the column mapping" for canonical, name in given.items()]
    rows = len(sample)
    wanted = [c for c in ("booking_date", "value_date") if c not in given]
    for canonical, name in zip(wanted, dates, strict=False):
        order = "first" if canonical == "booking_date" else "second"
        columns[canonical] = (name,)
        evidence.append(f"{name} → {canonical}: every value is a date ({formats[name]}); the {order} date column")
    _assign_ibans(sample, [n for n, k in kinds.items() if k == "iban"], columns, evidence)
    credit: tuple[str, ...] = ()
    debit: tuple[str, ...] = ()
    if not amount_given:
        credit, debit = _assign_amounts(table, sample, money, kinds, columns, evidence)
    currencies = [name for name, kind in kinds.items() if kind == "currency"]
    if currencies and "currency" not in columns:
        columns["currency"] = (currencies[0],)
        evidence.append(f"{currencies[0]} → currency: every value is an ISO 4217 code")
    texts = [name for name, kind in kinds.items() if kind == "text"]
    if texts and "remittance" not in columns:
        columns["remittance"] = tuple(texts)
        evidence.append(f"{', '.join(texts)} → remittance: free text" + (" (joined)" if len(texts) > 1 else ""))
    used = {header for headers in columns.values() for header in headers}
    unused = [name for name in sample.columns if name not in used]
    if unused:
        evidence.append(f"left out: {', '.join(unused)} (empty, numbers without decimals, a running balance, "
                        "a second currency or indicator)")
    profile = Profile(name="inferred", kind="bank", title=f"no header row: layout inferred from {rows} row(s)",
                      columns=columns, join=frozenset({"remittance"}), headerless=tuple(sample.columns),
                      credit_values=credit, debit_values=debit)
    return Inferred(profile, evidence)


def _without_footer(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample without up to three last rows that fill fewer cells than a typical row (a closing balance
    or total line: the reading leaves those out with a notice of its own)."""
    filled = pd.Series(0, index=sample.index)
    for name in sample.columns:
        filled += sample[name].str.strip().ne("").astype(int)
    typical = filled.median() if len(filled) else 0
    end = len(sample)
    while end > 2 and len(sample) - end < 3 and filled.iloc[end - 1] < typical:
        end -= 1
    return sample.iloc[:end]


def _kind_of(filled: pd.Series, typed_cells: bool, formats: dict[str, str], name: str) -> str:
    compact = filled.str.replace(r"\s+", "", regex=True).str.upper()
    if compact.str.len().ge(15).all() and map_distinct(compact, iso_iban.is_valid).all():
        return "iban"
    if filled.str.fullmatch(r"[A-Z]{3}").all() and filled.isin(known_currencies()).all():
        return "currency"
    decision = decide_date_format(filled, typed_cells=typed_cells)
    if decision.format and parse_dates(filled, decision.format, typed_cells=typed_cells).notna().all():
        formats[name] = decision.format
        return "date"
    if filled.str.fullmatch(_NUMBER.pattern).all():
        if filled.str.contains(r"[.,]\d{1,2}-?$|^[+-]|-$", regex=True).any():
            return "money"
        return "number"
    tokens = {_token(v) for v in filled.unique().tolist()}
    if all(any(token in words for words, _ in _DIRECTIONS) for token in tokens):
        return "direction"
    return "text"


def _token(value: str) -> str:
    return value if value in ("+", "-") else fold(value)


def _assign_ibans(sample: pd.DataFrame, ibans: list[str], columns: dict, evidence: list[str]) -> None:
    """The IBAN column with one value on every row is the account; another one the counterparty."""
    compact = {name: sample[name].str.replace(r"\s+", "", regex=True) for name in ibans}
    distinct = {name: values[values.ne("")].nunique() for name, values in compact.items()}
    ordered = sorted(ibans, key=lambda name: distinct[name])
    if ordered and distinct[ordered[0]] == 1 and "account_iban" not in columns:
        columns["account_iban"] = (ordered[0],)
        evidence.append(f"{ordered[0]} → account_iban: every value is a valid IBAN, the same one on every row")
        ordered = ordered[1:]
    if ordered and "counterparty_iban" not in columns:
        columns["counterparty_iban"] = (ordered[0],)
        evidence.append(f"{ordered[0]} → counterparty_iban: every value is a valid IBAN, "
                        f"{distinct[ordered[0]]} different ones")


def _assign_amounts(table: RawTable, sample: pd.DataFrame, money: list[str], kinds: dict[str, str],
                    columns: dict, evidence: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The amount (or the debit/credit pair) among the money columns; returns the direction's words."""
    mark = decide_decimal_mark(pd.concat([sample[name] for name in money]),
                               fallback="," if table.detected.get("delimiter") == ";" else ".").mark
    euros = pd.Series("EUR", index=sample.index)
    minor = {name: parse_money(sample[name].str.strip(), euros, mark)[0] for name in money}
    balances = _running_balances(minor)
    for name, moved_by in balances.items():
        evidence.append(f"{name} left out: a running balance (it moves by {moved_by} on every line)")
    left = [name for name in money if name not in balances]
    signed = [name for name in left if sample[name].str.strip().str.contains(r"^-|-$|^\+", regex=True).any()]
    direction = [name for name, kind in kinds.items() if kind == "direction"]
    path = table.path
    if len(left) == 1 and (signed or direction):
        columns["amount"] = (left[0],)
        if signed:
            evidence.append(f"{left[0]} → amount: numbers with decimals and a sign (credit +, debit −)")
            return (), ()
        return _direction(sample, direction[0], left[0], columns, evidence)
    if len(left) == 2 and _exclusive(sample, left):
        debit, credit = left
        if signed == [credit]:
            debit, credit = credit, debit
        why = ("its amounts carry a minus sign" if len(signed) == 1 else
               "left of the other, the usual order (Soll/Haben, Débit/Crédit); nothing in the file confirms it: "
               "check the totals, or name the columns in arctl.yaml")
        columns["debit_amount"], columns["credit_amount"] = (debit,), (credit,)
        evidence.append(f"{debit} → debit_amount, {credit} → credit_amount: never both filled on one line; "
                        f"{debit} is the debit because {why}")
        return (), ()
    found = ", ".join(left) or "none"
    raise InputError(f"{path}: no header row, and the amount cannot be told from the content: amount-like "
                     f"columns {found} (expected one signed amount, or a debit and a credit column)",
                     hint="choose a profile with --profile, or name the columns in arctl.yaml "
                          "(sources[].columns, e.g. amount: column 4)")


def _direction(sample: pd.DataFrame, name: str, amount: str, columns: dict,
               evidence: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    values = sample[name].str.strip()
    seen = sorted(set(values[values.ne("")].tolist()))
    credit = tuple(v for v in seen if _token(v) in _DIRECTIONS[0][0])
    debit = tuple(v for v in seen if v not in credit)
    columns["direction"] = (name,)
    evidence.append(f"{amount} → amount, unsigned; {name} → direction: {', '.join(credit) or '-'} credit, "
                    f"{', '.join(debit) or '-'} debit")
    return credit or ("C",), debit or ("D",)


def _exclusive(sample: pd.DataFrame, names: list[str]) -> bool:
    filled = [sample[name].str.strip().ne("").to_numpy() for name in names]
    return bool((filled[0] ^ filled[1]).all())


def _running_balances(minor: dict[str, pd.Series]) -> dict[str, str]:
    """Columns that move by exactly another column's amount from line to line (a running balance), or
    that differ from another balance column by it (balance before and after)."""
    found: dict[str, str] = {}
    for name, values in minor.items():
        for other, amounts in minor.items():
            if other == name or other in found or len(values) < 2:
                continue
            step = values.diff().iloc[1:].to_numpy()
            moves = (amounts.iloc[1:].to_numpy(), amounts.iloc[:-1].to_numpy())  # balance after or before
            if any((step == sign * moved).all() for moved in moves for sign in (1, -1)):
                found[name] = other
                break
            for third, before in minor.items():
                if third not in (name, other) and (values - before).eq(amounts).all():
                    found[name], found[third] = other, other
    return found


def account_from_preamble(rows: list[tuple[int, list[str]]]) -> tuple[str, int, str] | None:
    """The one IBAN written in the lines above the header, as (IBAN, row, the line); None when there is
    none or more than one."""
    found: dict[str, tuple[int, str]] = {}
    for number, cells in rows:
        line = " ".join(cell.strip() for cell in cells if cell.strip())
        for cell in cells:
            for match in _IBAN_IN_TEXT.finditer(cell.upper()):
                compact = re.sub(r"\s+", "", match.group(0))
                # the match may run on into the next word ("DE89 … 00 EUR"): the longest valid start counts
                valid = next((compact[:n] for n in range(min(len(compact), 34), 14, -1)
                              if iso_iban.is_valid(compact[:n])), None)
                if valid:
                    found.setdefault(valid, (number, line))
    if len(found) != 1:
        return None
    [(account, (number, line))] = found.items()
    return account, number, line
