"""Generated exports, written the ways accounting packages write them (RFC 4180 CSV in the encodings, delimiters,
quoting, decimal and date spellings of Europe's packages; SpreadsheetML workbooks with text or typed cells), are
read with exactly the values that were written; broken ones are refused as a user's file is refused: an ArctlError
or a finding that names the file, the row and the column. Never another exception.

The generator draws what our own fixtures never hold together: names with the delimiter, quotes, line breaks
and formula characters, empty optional cells, columns in any order and extra columns, huge fields."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arctl.errors import ArctlError
from arctl.io.export import ReadOptions, read_export

# Every generated file is read (or refused) within 5 s, on a busy machine too: a slower one fails the test.
INPUT_DEADLINE = dt.timedelta(seconds=5)
SETTINGS = settings(max_examples=40, deadline=INPUT_DEADLINE,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HEADERS = {"invoice_id": "Invoice No.", "customer_id": "Customer ID", "customer_name": "Customer",
           "issue_date": "Invoice Date", "due_date": "Due Date", "currency": "Currency", "amount": "Amount",
           "open_amount": "Amount Due"}
EXTRA = ("Notes", "Sales rep", "Cost centre")

# what cp1252 (Windows-1252: Excel's "CSV" in Western Europe) can hold, with the characters that break naive CSV
NAME_CHARACTERS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCXYZ éèëçàÿüöäßøÅ&'-.,;|\"\t=+@()0123456789"))


@dataclass(frozen=True)
class Row:
    invoice_id: str
    customer_id: str
    customer_name: str
    issue_date: dt.date
    due_days: int
    cents: int
    open_cents: int

    @property
    def due_date(self) -> dt.date:
        return self.issue_date + dt.timedelta(days=self.due_days)


rows = st.lists(st.builds(
    Row,
    invoice_id=st.from_regex(r"[A-Z]{0,3}2026-[0-9]{4}", fullmatch=True),
    customer_id=st.from_regex(r"K[0-9]{3}", fullmatch=True),
    customer_name=st.text(NAME_CHARACTERS, min_size=1, max_size=40).map(str.strip).filter(bool),
    issue_date=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    due_days=st.integers(0, 120),
    cents=st.integers(1, 10**11),
    open_cents=st.integers(0, 10**11),
).map(lambda r: dataclasses.replace(r, open_cents=min(r.open_cents, r.cents))),  # never more open than invoiced
    min_size=1, max_size=12, unique_by=lambda r: r.invoice_id)


@dataclass(frozen=True)
class Dialect:
    encoding: str
    delimiter: str
    decimal: str        # "." or ","
    grouping: bool      # thousands separators in amounts
    dates: str          # strftime pattern
    quote_all: bool
    newline: str


dialects = st.builds(
    Dialect,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    decimal=st.sampled_from([".", ","]),
    grouping=st.booleans(),
    dates=st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]),
    quote_all=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
).filter(lambda d: not (d.delimiter == "," and d.decimal == "," and not d.quote_all))


def amount_text(cents: int, dialect: Dialect) -> str:
    whole, fraction = divmod(cents, 100)
    digits = f"{whole:,}" if dialect.grouping else str(whole)
    if dialect.decimal == ",":
        digits = digits.replace(",", ".")
    return f"{digits}{dialect.decimal}{fraction:02d}"


def write_csv(path: Path, table: list[Row], dialect: Dialect, columns: list[str], extra: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator=dialect.newline,
                        quoting=csv.QUOTE_ALL if dialect.quote_all else csv.QUOTE_MINIMAL)
    writer.writerow([HEADERS[c] for c in columns] + extra)
    for row in table:
        cells = {"invoice_id": row.invoice_id, "customer_id": row.customer_id, "customer_name": row.customer_name,
                 "issue_date": row.issue_date.strftime(dialect.dates),
                 "due_date": row.due_date.strftime(dialect.dates), "currency": "EUR",
                 "amount": amount_text(row.cents, dialect), "open_amount": amount_text(row.open_cents, dialect)}
        writer.writerow([cells[c] for c in columns] + [f"{e} of {row.invoice_id}" for e in extra])
    path.write_bytes(buffer.getvalue().encode(dialect.encoding))


def read(path: Path):
    return read_export(path, ReadOptions(kind="invoices"))


def assert_read_as_written(found, table: list[Row]) -> None:
    assert not found.errors, [f.location() + " " + f.message for f in found.errors]
    frame = found.frame.set_index("invoice_id")
    assert sorted(frame.index) == sorted(r.invoice_id for r in table)
    for row in table:
        got = frame.loc[row.invoice_id]
        assert (got["customer_id"], got["customer_name"]) == (row.customer_id, row.customer_name)
        assert (got["amount"], got["open_amount"]) == (row.cents, row.open_cents)
        assert (got["issue_date"].date(), got["due_date"].date()) == (row.issue_date, row.due_date)


@SETTINGS
@given(table=rows, dialect=dialects, order=st.randoms(use_true_random=False),
       extra=st.lists(st.sampled_from(EXTRA), unique=True, max_size=2))
def test_a_csv_in_any_usual_dialect_is_read_with_the_values_written(tmp_path, table, dialect, order, extra):
    if dialect.dates != "%Y-%m-%d" and all(r.issue_date.day <= 12 and r.due_date.day <= 12 for r in table):
        dialect = Dialect(**{**dialect.__dict__, "dates": "%Y-%m-%d"})   # 03/04 alone cannot say which is the day
    columns = list(HEADERS)
    order.shuffle(columns)
    path = tmp_path / "open_invoices.csv"
    write_csv(path, table, dialect, columns, extra)

    assert_read_as_written(read(path), table)


@SETTINGS
@given(table=rows, typed=st.booleans(), blank_rows=st.integers(0, 2))
def test_a_workbook_with_typed_or_text_cells_is_read_with_the_values_written(tmp_path, table, typed, blank_rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Openstaande posten"
    for _ in range(blank_rows):
        sheet.append([])
    sheet.append(list(HEADERS.values()))
    for row in table:
        dates = (row.issue_date, row.due_date) if typed else (row.issue_date.isoformat(), row.due_date.isoformat())
        amounts = ((row.cents / 100, row.open_cents / 100) if typed  # exact: below 2**53 cents
                   else (f"{row.cents // 100}.{row.cents % 100:02d}",
                         f"{row.open_cents // 100}.{row.open_cents % 100:02d}"))
        sheet.append([row.invoice_id, row.customer_id, row.customer_name, *dates, "EUR", *amounts])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"   # a text cell that starts with '=', as a package writes a name, not a formula
    path = tmp_path / "open_invoices.xlsx"
    book.save(path)

    assert_read_as_written(read(path), table)


@SETTINGS
@given(table=rows, dialect=dialects, missing=st.sampled_from([("invoice_id",), ("due_date",),
                                                              ("customer_id", "customer_name"),
                                                              ("amount", "open_amount")]))
def test_a_csv_without_a_column_it_cannot_do_without_is_refused_naming_it(tmp_path, table, dialect, missing):
    path = tmp_path / "open_invoices.csv"
    write_csv(path, table, dialect, [c for c in HEADERS if c not in missing], [])

    with pytest.raises(ArctlError) as refused:
        read(path)

    assert str(path) in str(refused.value) or path.name in str(refused.value)


BAD_CELLS = {"amount": ["12,34,56", "EUR", "1.2.3,4", "--5", "12.345.67"], "open_amount": ["n/a", "1e5x"],
             "due_date": ["31/02/2026", "2026-13-01", "morgen"]}


@SETTINGS
@given(table=rows, dialect=dialects, column=st.sampled_from(sorted(BAD_CELLS)), data=st.data())
def test_a_bad_cell_is_a_finding_naming_file_row_and_column_or_the_file_is_refused(tmp_path, table, dialect,
                                                                                   column, data):
    dialect = Dialect(**{**dialect.__dict__, "dates": "%Y-%m-%d", "grouping": False})
    path = tmp_path / "open_invoices.csv"
    write_csv(path, table, dialect, list(HEADERS), [])
    lines = path.read_bytes().decode(dialect.encoding).split(dialect.newline)
    victim = data.draw(st.integers(1, len(table)))
    bad = data.draw(st.sampled_from(BAD_CELLS[column]))
    cells = next(csv.reader([lines[victim]], delimiter=dialect.delimiter))
    cells[list(HEADERS).index(column)] = bad
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="",
               quoting=csv.QUOTE_ALL if dialect.quote_all else csv.QUOTE_MINIMAL).writerow(cells)
    lines[victim] = buffer.getvalue()
    path.write_bytes(dialect.newline.join(lines).encode(dialect.encoding))

    try:
        found = read(path)
    except ArctlError as refused:
        assert path.name in str(refused)
        return
    problems = [f for f in found.findings if f.row == victim + 1]
    assert problems, [f.location() + " " + f.message for f in found.findings]
    assert all(f.file and (f.column or f.field) for f in problems)
    assert {f.field or f.column for f in problems} & {column, HEADERS[column]}


@settings(max_examples=15, deadline=INPUT_DEADLINE, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.sampled_from([100_000, 1_000_000, 3_000_000]), where=st.sampled_from(["customer_name", "Notes"]))
def test_a_huge_field_is_read_whole_or_refused_naming_where_it_is(tmp_path, size, where):
    path = tmp_path / "open_invoices.csv"
    name = "Peeters " + "x" * size if where == "customer_name" else "Peeters"
    notes = "n" * size if where == "Notes" else ""
    path.write_text(f"Invoice No.,Customer ID,Customer,Due Date,Currency,Amount Due,Notes\n"
                    f"2026-0042,K001,{name},2026-10-31,EUR,1210.00,{notes}\n", encoding="utf-8")

    try:
        found = read(path)
    except ArctlError as refused:
        assert path.name in str(refused)
        return
    assert not found.errors
    assert found.frame["customer_name"].iloc[0] == name
