"""The day's call list: a row per phone step, as CSV (the record, appended to by each run) and as XLSX (rewritten
whole from the CSV), sorted by priority, with an outcome column a person fills in for `arctl note --import`.

Priority: the step's severity first (its position in its plan: a later step is a more serious call), then the
amount due (larger first), then the days overdue of the oldest invoice (more first), then the customer id.
The CSV follows the workspace locale: where the decimal mark is a comma (nl_BE, fr_BE, de_DE, nl_NL) cells are
separated by `;` and amounts written `1210,50`; elsewhere (en_*) by `,` with `1210.50`, as spreadsheets of
that locale open them. The XLSX has real numbers for amounts and real dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from arctl.model import csv_cell
from arctl.money import currency_decimals, decimal_symbol, plain_amount, to_decimal

CALL_LIST_HEADER = ("customer_id", "customer", "contact", "phone", "email", "step", "step_label", "severity",
                    "invoices", "amount_due", "currency", "days_overdue", "oldest_due_date", "history", "notes",
                    "list_date", "outcome", "note", "until")
PERSON_COLUMNS = ("outcome", "note", "until")   # what the person who calls fills in
OUTCOMES = ("promise", "no_answer", "dispute", "paid", "callback", "other")   # as `arctl note --outcome` takes them


@dataclass(frozen=True, slots=True)
class CallRow:
    customer_id: str
    customer: str
    contact: str
    phone: str
    email: str
    step: str                    # the plan step's id: with customer_id and currency it names the recorded call
    step_label: str              # how people call it: "Due-date call", "Call after second reminder"
    severity: int                # the step's position in its plan (1 = first step)
    invoices: str
    amount_due: int              # minor units
    currency: str
    days_overdue: int
    oldest_due_date: dt.date | None
    history: str                 # earlier steps: "2026-11-09 email friendly; 2026-11-23 email second"
    notes: str                   # notes and calls: "2026-11-20 call no_answer: line busy"
    list_date: dt.date

    @property
    def priority(self) -> tuple:
        return (-self.severity, -self.amount_due, -self.days_overdue, self.customer_id, self.step)


def by_priority(rows: list[CallRow]) -> list[CallRow]:
    return sorted(rows, key=lambda row: row.priority)


def delimiter_for(locale: str) -> tuple[str, str]:
    """(cell delimiter, decimal mark) of a CSV for `locale`'s spreadsheets."""
    mark = decimal_symbol(locale)
    return (";", ",") if mark == "," else (",", ".")


def call_list_csv(rows: list[CallRow], locale: str) -> bytes:
    """The header and the rows in priority order, in the locale's dialect (UTF-8, no BOM)."""
    delimiter, mark = delimiter_for(locale)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CALL_LIST_HEADER)
    for row in by_priority(rows):
        amount = plain_amount(row.amount_due, row.currency).replace(".", mark)
        writer.writerow([csv_cell(cell) for cell in (
            row.customer_id, row.customer, row.contact, row.phone, row.email, row.step, row.step_label,
            row.severity, row.invoices, amount, row.currency, row.days_overdue, _iso(row.oldest_due_date),
            row.history, row.notes, row.list_date.isoformat(), "", "", "")])
    return out.getvalue().encode("utf-8")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a call list from its header: `;` when the header has one, else `,`."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def rows_from_csv(data: bytes) -> list[CallRow]:
    """The rows of a call list arctl wrote (any locale), to rebuild the XLSX from; rows without the columns
    arctl writes (another program's list) give nothing."""
    text = data.decode("utf-8-sig")
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    found = []
    for record in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter):
        if not all(column in record and record[column] is not None for column in CALL_LIST_HEADER):
            continue
        currency = record["currency"]
        amount = record["amount_due"].replace(",", ".")
        found.append(CallRow(
            _plain(record["customer_id"]), _plain(record["customer"]), _plain(record["contact"]),
            _plain(record["phone"]), _plain(record["email"]), _plain(record["step"]), _plain(record["step_label"]),
            int(record["severity"] or 0), _plain(record["invoices"]), _minor(amount, currency), currency,
            int(record["days_overdue"] or 0), _date(record["oldest_due_date"]), _plain(record["history"]),
            _plain(record["notes"]), _date(record["list_date"]) or dt.date.min))
    return found


def call_list_xlsx(rows: list[CallRow], as_of: dt.date) -> bytes:
    """The call list as a workbook: amounts as numbers (two decimals), dates as dates, text as text (a value
    starting with `=` is never a formula), an outcome column that offers the outcomes `note --import` takes;
    the same bytes for the same rows (fixed timestamps)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Calls"
    sheet.append(list(CALL_LIST_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(by_priority(rows), start=2):
        values = (row.customer_id, row.customer, row.contact, row.phone, row.email, row.step, row.step_label,
                  row.severity, row.invoices, to_decimal(row.amount_due, row.currency), row.currency,
                  row.days_overdue, row.oldest_due_date, row.history, row.notes, row.list_date, None, None, None)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"     # text stays text: "=HYPERLINK(...)" is not a formula
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif column == CALL_LIST_HEADER.index("amount_due") + 1:
                cell.number_format = "#,##0" + ("." + "0" * currency_decimals(row.currency)
                                                if currency_decimals(row.currency) else "")
        sheet.cell(row=number, column=CALL_LIST_HEADER.index("until") + 1).number_format = "yyyy-mm-dd"
    choice = DataValidation(type="list", formula1='"' + ",".join(OUTCOMES) + '"', allow_blank=True)
    sheet.add_data_validation(choice)
    letter = sheet.cell(row=1, column=CALL_LIST_HEADER.index("outcome") + 1).column_letter
    choice.add(f"{letter}2:{letter}{max(len(rows) + 1, 2)}")
    sheet.freeze_panes = "B2"
    stamp = dt.datetime.combine(as_of, dt.time())
    book.properties.created = book.properties.modified = stamp
    out = io.BytesIO()
    book.save(out)
    return fixed_zip(out.getvalue(), as_of)


def fixed_zip(data: bytes, as_of: dt.date) -> bytes:
    """The workbook's zip with every entry dated 1980-01-01 and the document modified on `as_of` (openpyxl
    stamps the time of saving): the same rows give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = f">{as_of.isoformat()}T00:00:00Z<".encode("ascii")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*)>[^<]*<", lambda m: m.group(1) + stamp,
                                 content)
            target.writestr(fixed, content)
    return out.getvalue()


def _plain(value: str) -> str:
    """A cell as written, without the apostrophe csv_cell put before text a spreadsheet would run."""
    return value[1:] if value.startswith("'") and csv_cell(value[1:]) != value[1:] else value


def _minor(text: str, currency: str) -> int:
    from arctl.money import parse_amount

    return parse_amount(text, currency, ".") if text else 0


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
