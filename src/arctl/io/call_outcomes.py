"""Reading a call list a person filled in (call-list.xlsx or call-list.csv as arctl wrote it, any locale) for
`arctl note --import`: its rows as dicts by column name, each with its row number as the spreadsheet shows it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from arctl.errors import InputError

NEEDED = ("customer_id", "step", "outcome")


def read_outcome_rows(path: Path) -> list[dict]:
    """Every row below the header, as {column: value, "_row": number}; an InputError naming the file when it
    cannot be read or lacks a column the import needs."""
    try:
        header, rows = _xlsx(path) if path.suffix.lower() == ".xlsx" else _csv(path)
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as a call list ({exc})",
                         hint="import the call-list.xlsx or call-list.csv that `arctl dunning run` wrote") from exc
    missing = [column for column in NEEDED if column not in header]
    if missing:
        raise InputError(f"{path}: row 1: no column {', '.join(missing)} (the columns are "
                         f"{', '.join(h for h in header if h) or 'none'})",
                         hint="import the call list `arctl dunning run` wrote, keeping its header row")
    found = []
    for number, values in rows:
        record = {name: value for name, value in zip(header, values, strict=False) if name}
        if any(value not in (None, "") for value in record.values()):
            found.append({**record, "_row": number})
    return found


def _xlsx(path: Path) -> tuple[list[str], list[tuple[int, tuple]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        lines = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    if not lines:
        return [], []
    header = [str(cell).strip() if cell is not None else "" for cell in lines[0]]
    return header, [(number, tuple(_text_cell(v) for v in values)) for number, values in enumerate(lines[1:], 2)]


def _csv(path: Path) -> tuple[list[str], list[tuple[int, tuple]]]:
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not lines:
        return [], []
    header = [cell.strip() for cell in lines[0]]
    return header, [(number, tuple(_text_cell(v) for v in values)) for number, values in enumerate(lines[1:], 2)]


def _text_cell(value: object) -> object:
    """A cell as the import reads it: text without the apostrophe arctl put before a value a spreadsheet would
    run as a formula ('+32 ...), anything else as it is."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped[1:] if stripped.startswith("'") else stripped
    return value
