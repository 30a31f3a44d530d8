"""Turn an invoice export's rows into canonical invoices: convert, group lines, validate."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from arctl.io.dialect import (
    DateDecision,
    decide_decimal_mark,
    decide_file_dates,
    map_distinct,
    parse_dates,
    parse_money,
)
from arctl.io.frames import ExportRead, RowFlags
from arctl.io.profile import HEADING_COLUMN, Profile, fold
from arctl.io.table import RawTable
from arctl.model import ReadOptions
from arctl.money import known_currencies, round_to_currency

_TOTAL_LABEL = re.compile(r"^(grand\s*)?(total|totaal|totalen|totaux|total général|summe|gesamt\w*|sum|saldo)\b",
                          re.IGNORECASE)
_SYMBOL_CURRENCY = {"€": "EUR", "£": "GBP", "$": "USD", "¥": "JPY", "CHF": "CHF"}
_LEGAL_NOISE = re.compile(r"[^0-9a-z]+")
HEADER_FIELDS = ("customer_id", "customer_name", "issue_date", "due_date", "currency")


def build_invoices(table: RawTable, profile: Profile, mapping: dict[str, str], options: ReadOptions) -> ExportRead:
    frame = table.frame
    notices = list(table.notices)
    flags = RowFlags(table, mapping)

    stripped: dict[str, pd.Series] = {}
    blank: list[pd.Series] = []  # one column of "" for every column the export lacks

    def text(column: str) -> pd.Series:  # each column stripped once (callers never change what they get)
        if column not in stripped:
            if column in mapping:
                stripped[column] = frame[mapping[column]].str.strip()
            else:
                blank[:] = blank or [pd.Series("", index=frame.index, dtype=str)]
                stripped[column] = blank[0]
        return stripped[column]

    invoice_id = text("invoice_id")
    footer = _footer_rows(frame, invoice_id)
    if footer.any():
        rows = ", ".join(str(n) for n in table.row_numbers[footer])
        notices.append(f"row {rows}: totals/summary row at the end left out (not an invoice)")

    status = map_distinct(text("status"), fold)
    doc_type = map_distinct(text("document_type"), fold)
    draft = status.isin(profile.draft).to_numpy()
    cancelled = status.isin(profile.cancelled).to_numpy()
    ignored = doc_type.isin(profile.ignore_types).to_numpy()
    credit = doc_type.isin(profile.credit_note).to_numpy()
    left_out = draft | cancelled | ignored | footer
    live = ~left_out

    currency, currency_notice = _currencies(text, mapping, profile, options, live)
    if currency_notice:
        notices.append(currency_notice)
    known = currency.isin(known_currencies()).to_numpy()

    minor, decimal_mark = _money_columns(text, table, profile, mapping, options, currency, known, live, flags, notices)
    dates, decisions = _date_columns(text, table, profile, mapping, options, live, flags, notices)
    amount, open_amount = _signed_amounts(minor, mapping, credit, notices)
    open_amount = _paid_by_status(open_amount, status, profile, mapping, live, notices)
    due, has_due = _due_dates(text, dates, amount, profile, notices)
    customer_id, customer_name = _customers(text, mapping, notices)
    _check_rows(flags, mapping, live, invoice_id, customer_id, customer_name, currency, known, has_due,
                due, dates.get("issue_date"), amount, open_amount)

    canonical = pd.DataFrame({
        "invoice_id": invoice_id, "customer_id": customer_id, "customer_name": customer_name,
        "issue_date": dates.get("issue_date", _no_dates(frame)), "due_date": due,
        "currency": currency, "amount": amount.astype("int64"), "open_amount": open_amount.astype("int64"),
        "reference": text("reference"), "email": text("email"), "phone": text("phone"),
        "language": text("language").str.lower(), "country": text("country").str.upper(),
        "vat_number": text("vat_number"), "segment": text("segment"), "dunning_level": text("dunning_level"),
        "last_reminder_date": dates.get("last_reminder_date", _no_dates(frame)), "document": text("document"),
        "source": str(table.path) + ":" + pd.Series(table.row_numbers, index=frame.index).astype(str),
    })
    row_count = len(frame) + len(table.findings)
    if profile.rows == "per_line":
        canonical, keep, left_count = _group_lines(canonical, flags, left_out, profile)
    else:
        _flag_duplicates(flags, invoice_id, live)
        keep = live & ~flags.bad
        left_count = int((left_out & ~footer).sum())
    if left_count:
        kinds = [name for name, mask in (("draft", draft), ("cancelled", cancelled), ("non-invoice", ignored))
                 if mask.any()]
        notices.append(f"{left_count} {'/'.join(kinds)} invoice(s) left out: not receivables")
    result = canonical if keep.all() else canonical.loc[keep].reset_index(drop=True)
    detected = {**table.detected, "decimal": decimal_mark,
                "dates": ", ".join(f"{mapping[c]} {d.format}" for c, d in decisions.items() if d.format)}
    findings = flags.sorted_findings()
    bad_rows = int(flags.bad.sum()) + len(table.findings)
    return ExportRead(table.path, "invoices", profile, detected, mapping, row_count - int(footer.sum()),
                      row_count - int(footer.sum()) - bad_rows, result, findings, notices, left_count)


def _money_columns(text: Callable[[str], pd.Series], table: RawTable, profile: Profile, mapping: dict[str, str],
                   options: ReadOptions, currency: pd.Series, known: np.ndarray, live: np.ndarray, flags: RowFlags,
                   notices: list[str]) -> tuple[dict[str, pd.Series], str]:
    """The money columns in minor units, and the decimal mark they were read with ("" without money columns)."""
    money = {column: text(column) for column in ("amount", "open_amount", "paid_amount") if column in mapping}
    if table.typed_cells:
        money = {column: _round_typed(values, currency, known) for column, values in money.items()}
    fallback = options.decimal or profile.decimal or ("," if table.detected.get("delimiter") == ";" else ".")
    configured = options.decimal or profile.decimal
    decision = decide_decimal_mark(pd.concat(list(money.values())), configured, fallback)
    if decision.notice:
        notices.append(decision.notice)
    minor: dict[str, pd.Series] = {}
    for column, values in money.items():
        parsed, errors = parse_money(values, currency.where(known, "EUR"), decision.mark)
        flags.flag(live & errors.ne("").to_numpy() & known, column, errors)
        minor[column] = parsed
    return minor, decision.mark if money else ""


def _date_columns(text: Callable[[str], pd.Series], table: RawTable, profile: Profile, mapping: dict[str, str],
                  options: ReadOptions, live: np.ndarray, flags: RowFlags,
                  notices: list[str]) -> tuple[dict[str, pd.Series], dict[str, DateDecision]]:
    """The date columns parsed with the format decided for the whole file, and those decisions."""
    dates: dict[str, pd.Series] = {}
    configured_date = options.date_format or profile.date_format
    decisions = decide_file_dates(
        {c: text(c) for c in ("issue_date", "due_date", "last_reminder_date") if c in mapping},
        configured_date, typed_cells=table.typed_cells, labels=mapping)
    for column, decision_d in decisions.items():
        if decision_d.notice:
            notices.append(decision_d.notice)
        values = text(column)
        parsed = parse_dates(values, decision_d.format, typed_cells=table.typed_cells)
        unreadable = live & values.ne("").to_numpy() & parsed.isna().to_numpy()
        expected = decision_d.format or "a date"
        severity = "warning" if column == "last_reminder_date" else "error"
        flags.flag(unreadable, column, f"not a date: expected {expected}", severity=severity)
        dates[column] = parsed
    return dates, decisions


def _signed_amounts(minor: dict[str, pd.Series], mapping: dict[str, str], credit: np.ndarray,
                    notices: list[str]) -> tuple[pd.Series, pd.Series]:
    """Amount and open amount, credit notes negative; the open amount derived when the export has none."""
    amount = minor.get("amount")
    open_amount = minor.get("open_amount")
    if amount is None:
        amount = open_amount
        notices.append(f"no invoice amount column: the open amount ({mapping['open_amount']}) is used as the amount")
    assert amount is not None  # one of the two is a required column (frames.REQUIRED)
    negate = credit & (amount.to_numpy() > 0)
    amount = amount.where(~negate, -amount)
    if open_amount is None and "paid_amount" in minor:
        paid = minor["paid_amount"].abs()
        open_amount = np.sign(amount) * (amount.abs() - paid)
        notices.append(f"open amount = {mapping['amount']} − {mapping['paid_amount']}")
    elif open_amount is None:
        open_amount = amount.copy()
        notices.append("no open-amount column: every invoice is taken as fully open")
    else:
        open_amount = open_amount.where(~negate, -open_amount)
    return amount, open_amount


def _paid_by_status(open_amount: pd.Series, status: pd.Series, profile: Profile, mapping: dict[str, str],
                    live: np.ndarray, notices: list[str]) -> pd.Series:
    """An export with no open or paid amount but a status saying paid: such invoices are open for 0."""
    if not profile.paid or {"open_amount", "paid_amount"} & mapping.keys():
        return open_amount
    paid = status.isin(profile.paid).to_numpy()
    if (paid & live).any():
        notices.append(f"{int((paid & live).sum())} row(s) with status paid ({mapping.get('status', 'status')}): "
                       "open amount 0; every other invoice is taken as fully open (the export has no open amount)")
    return open_amount.where(~paid, 0)


def _due_dates(text: Callable[[str], pd.Series], dates: dict[str, pd.Series], amount: pd.Series,
               profile: Profile, notices: list[str]) -> tuple[pd.Series, np.ndarray]:
    """Due dates (a credit note without one is due on its issue date), and which rows have one."""
    due = dates.get("due_date")
    issue = dates.get("issue_date")
    if due is None and issue is not None and profile.payment_terms_days is not None:
        days = profile.payment_terms_days
        notices.append(f"no due-date column: each invoice is due {days} days after its invoice date "
                       f"(payment_terms_days of profile {profile.name!r}; map columns.due_date if the export has one)")
        return issue + pd.Timedelta(days=days), issue.notna().to_numpy() | text("issue_date").ne("").to_numpy()
    assert due is not None  # a required column (frames.REQUIRED)
    undated_credit = (amount < 0).to_numpy() & text("due_date").eq("").to_numpy()
    if issue is not None and undated_credit.any():
        due = due.where(~undated_credit, issue)
        notices.append(f"{int(undated_credit.sum())} credit note(s) without a due date: due on their issue date")
    has_due = due.notna().to_numpy() | text("due_date").ne("").to_numpy()
    return due, has_due


def _customers(text: Callable[[str], pd.Series], mapping: dict[str, str],
               notices: list[str]) -> tuple[pd.Series, pd.Series]:
    """Customer ids and names; without an id column the id is derived from the name."""
    customer_id = text("customer_id")
    customer_name = text("customer_name")
    if "customer_id" not in mapping:
        customer_id = map_distinct(customer_name, customer_key)
        example = customer_name[customer_name.ne("")]
        sample = f" (e.g. {example.iloc[0]!r} → {customer_key(example.iloc[0])!r})" if len(example) else ""
        notices.append(f"no customer-id column: customer ids derived from the normalised customer names{sample}")
    return customer_id, customer_name


def _check_rows(flags: RowFlags, mapping: dict[str, str], live: np.ndarray, invoice_id: pd.Series,
                customer_id: pd.Series, customer_name: pd.Series, currency: pd.Series, known: np.ndarray,
                has_due: np.ndarray, due: pd.Series, issue: pd.Series | None, amount: pd.Series,
                open_amount: pd.Series) -> None:
    """Flag live rows that miss what every invoice needs or whose amounts and dates contradict each other."""
    flags.flag(live & invoice_id.eq("").to_numpy(), "invoice_id", "empty: every invoice needs its number")
    if "customer_id" in mapping:
        flags.flag(live & customer_id.eq("").to_numpy(), "customer_id", "empty customer id")
    else:
        flags.flag(live & customer_name.eq("").to_numpy(), "customer_name",
                   "empty customer name (the customer id is derived from it)")
    if "currency" in mapping:
        flags.flag(live & ~known & currency.ne("").to_numpy(), "currency",
                   "unknown currency code: expected an ISO 4217 code such as EUR, USD, GBP")
        flags.flag(live & currency.eq("").to_numpy(), "currency", "empty: expected a currency code such as EUR")
    flags.flag(live & ~has_due, "due_date", "empty: expected the due date")
    if issue is not None:
        before = live & (due < issue).fillna(False).to_numpy()
        if before.any():
            message = ("due date " + due.dt.strftime("%Y-%m-%d").fillna("") + " is before the invoice date "
                       + issue.dt.strftime("%Y-%m-%d").fillna(""))
            flags.flag(before, "due_date", message)
    opposite = ((amount > 0) & (open_amount < 0)) | ((amount < 0) & (open_amount > 0))
    flags.flag(live & opposite.to_numpy(), "open_amount", "the open amount has the opposite sign of the amount")
    larger = (open_amount.abs() > amount.abs()) & ~opposite
    flags.flag(live & larger.to_numpy(), "open_amount", "the open amount is larger than the invoice amount")


def _flag_duplicates(flags: RowFlags, invoice_id: pd.Series, live: np.ndarray) -> None:
    """One row per invoice: an invoice number on several live rows makes them all unusable, reported once."""
    duplicated = (invoice_id.ne("") & invoice_id.duplicated(keep=False)).to_numpy() & live
    flags.flag_repeated(invoice_id, duplicated, "invoice_id", "invoice number")


def _flag_disagreeing(flags: RowFlags, invoice_id: pd.Series, mask: np.ndarray, column: str,
                      first_row: pd.Series, shown: int = 5) -> None:
    """Lines of one invoice that differ from its first line on `column`: reported once per invoice, at the
    first such line, with their count and first rows (the invoice is unusable as a whole)."""
    positions = np.flatnonzero(mask)
    keys = invoice_id.iloc[positions].to_numpy()
    lines = pd.Series(flags.table.row_numbers[positions])
    counts = lines.groupby(keys, sort=False).size().to_dict()
    heads = lines.groupby(keys, sort=False).head(shown)
    listed = heads.groupby(keys[heads.index.to_numpy()], sort=False).agg(
        lambda s: ", ".join(str(n) for n in s)).to_dict()
    message = pd.Series("", index=invoice_id.index, dtype=object)
    firsts = positions[~pd.Series(keys).duplicated().to_numpy()]
    for position in firsts.tolist():
        number = invoice_id.iloc[position]
        total = counts[number]
        more = f" and {total - shown} more" if total > shown else ""
        count, verb = (f"{total} lines", "disagree") if total > 1 else ("a line", "disagrees")
        message.iloc[position] = (f"{count} of invoice {number} (row {listed[number]}{more}) {verb} on {column} "
                                  f"with its first line (row {first_row.iloc[position]})")
    first = np.zeros(len(mask), dtype=bool)
    first[firsts] = True
    flags.flag(first, column if column in flags.mapping else "invoice_id", message)
    flags.bad[mask] = True


def apply_customer_headings(table: RawTable, profile: Profile) -> RawTable:
    """A report grouped by customer (QuickBooks "Open Invoices", Xero "Aged Receivables Detail"): each group
    starts with a heading row holding only the customer's name and ends with a "Total ..." row. The rule: a
    row with exactly one filled cell that is not a total label, followed by a data row, is a heading; a row
    whose first filled cell starts with a total label ("Total", "Total for ...", "Totaal", ...) is a subtotal;
    both are left out (as is a one-cell footer such as a timestamp), and every other row takes the name of the
    heading above it in a column of its own (HEADING_COLUMN)."""
    frame = table.frame
    filled = np.zeros((len(frame), len(frame.columns)), dtype=bool)
    for position, column in enumerate(frame.columns):
        filled[:, position] = frame[column].str.strip().ne("").to_numpy()
    counts = filled.sum(axis=1)
    first_text = pd.Series([str(row[np.argmax(mask)]).strip() if mask.any() else ""
                            for row, mask in zip(frame.to_numpy(), filled, strict=True)], index=frame.index)
    subtotal = first_text.str.match(_TOTAL_LABEL).fillna(False).to_numpy()
    single = (counts == 1) & ~subtotal
    keep = ~(single | subtotal)
    # a heading stands above data rows; a lone line before a subtotal or at the end is a footer (a timestamp)
    heading = single & np.append(keep[1:], False)
    if not heading.any():
        return table  # no group headings: the customer is in a column of its own
    names = first_text.where(heading).ffill().fillna("")
    body = frame.loc[keep].assign(**{HEADING_COLUMN: names[keep]}).reset_index(drop=True)
    other = int((single & ~heading).sum())
    notices = [*table.notices, f"{int(heading.sum())} customer heading row(s) read as the customer of the rows "
               f"below them; {int(subtotal.sum())} subtotal row(s)"
               + (f" and {other} other one-cell row(s)" if other else "") + " left out"]
    return replace(table, frame=body, row_numbers=table.row_numbers[keep], notices=notices)


def customer_key(name: str) -> str:
    """A stable customer id from a name: 'Café Dupont S.A.' -> 'cafe-dupont-s-a'."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _LEGAL_NOISE.sub("-", plain).strip("-")


def _no_dates(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")


def _footer_rows(frame: pd.DataFrame, invoice_id: pd.Series) -> np.ndarray:
    """Trailing rows that are totals or report footers: no invoice number, or a 'Total' label."""
    footer = np.zeros(len(frame), dtype=bool)
    for position in range(len(frame) - 1, max(len(frame) - 6, -1), -1):
        cells = [str(v).strip() for v in frame.iloc[position].tolist()]
        filled = [c for c in cells if c]
        labelled = any(_TOTAL_LABEL.match(c) for c in filled if not c[:1].isdecimal())
        if labelled or not invoice_id.iloc[position]:
            footer[position] = True
        else:
            break
    return footer


def _currencies(text, mapping, profile: Profile, options: ReadOptions,
                live: np.ndarray) -> tuple[pd.Series, str | None]:
    default, notice = options.currency, None
    if default is None:
        symbols = _symbols_in(text)
        if len(symbols) == 1:
            default = _SYMBOL_CURRENCY[symbols[0]]
            notice = f"currency taken as {default} from the {symbols[0]!r} in the amounts"
        elif profile.default_currency:
            default = profile.default_currency
            notice = f"currency taken as {default} (default of profile {profile.name!r})"
        else:
            default = "EUR"
            notice = "no currency in the file: amounts read as EUR; use --currency to change"
    if "currency" in mapping:
        values = text("currency").str.upper()
        if (values.eq("").to_numpy() & live).any():
            return values.where(values.ne(""), default), (
                f"rows without a currency read as {default}" if values.ne("").any() else notice)
        return values, None
    return pd.Series(default, index=text("invoice_id").index, dtype=str), notice


def _symbols_in(text) -> list[str]:
    found = []
    for column in ("amount", "open_amount", "paid_amount"):
        values = text(column)
        sample = values[values.ne("")].head(2000)
        for symbol in _SYMBOL_CURRENCY:
            if symbol not in found and sample.str.contains(symbol, regex=False).any():
                found.append(symbol)
    return found


def _round_typed(values: pd.Series, currency: pd.Series, known: np.ndarray) -> pd.Series:
    """Spreadsheet numbers hold binary noise past the cents; round them as the sheet shows them."""
    long = values.str.fullmatch(r"-?\d+\.\d{3,}").to_numpy() & known
    if not long.any():
        return values
    rounded = values.copy()
    rounded[long] = [round_to_currency(v, c) for v, c in zip(values[long], currency[long], strict=True)]
    return rounded


def _group_lines(canonical: pd.DataFrame, flags: RowFlags, left_out: np.ndarray,
                 profile: Profile) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Group line rows into invoices; lines of one invoice must agree on the invoice's own fields."""
    has_id = canonical["invoice_id"].ne("").to_numpy()
    grouped = canonical[has_id].groupby("invoice_id", sort=False)
    fields = list(HEADER_FIELDS) + (["amount", "open_amount"] if profile.amounts == "repeated" else [])
    derived = ({"open_amount"} if not {"open_amount", "paid_amount"} & flags.mapping.keys() else set()) | (
        {"customer_id"} if "customer_id" not in flags.mapping else set())
    fields = [c for c in fields if c not in derived]  # copies of another column: said once, on that column
    first_row = grouped["source"].transform("first").str.rsplit(":", n=1).str[-1]
    for column in fields:
        first = grouped[column].transform("first")
        differs = ~((canonical.loc[has_id, column] == first) | (canonical.loc[has_id, column].isna() & first.isna()))
        mask = np.zeros(len(canonical), dtype=bool)
        mask[np.flatnonzero(has_id)[differs.to_numpy()]] = True
        if mask.any():
            _flag_disagreeing(flags, canonical["invoice_id"], mask, column, first_row.reindex(canonical.index))
    frame = canonical.assign(_bad=flags.bad, _left=left_out)
    frame = frame[has_id]
    aggregations = {column: "first" for column in canonical.columns}
    aggregations.update(_bad="any", _left="first")
    if profile.amounts == "per_line":
        aggregations.update(amount="sum", open_amount="sum")
    invoices = frame.groupby("invoice_id", sort=False, as_index=False).agg(aggregations)
    # a row without an invoice number is its own (bad) record
    keep = (~invoices["_bad"] & ~invoices["_left"]).to_numpy()
    left_count = int(invoices["_left"].sum())
    return invoices.drop(columns=["_bad", "_left"]), keep, left_count
