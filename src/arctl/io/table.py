"""Read a CSV or spreadsheet into a frame of strings, with the row numbers a person sees."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from arctl.errors import InputError
from arctl.io.arrowcsv import FAST_ENCODINGS, arrow_records
from arctl.io.bounds import refuse_long_texts
from arctl.io.sheetsize import check_sheet_size
from arctl.io.sniff import (
    FIELD_LIMIT,
    Container,
    describe_encoding,
    detect_container,
    detect_delimiter,
    field_too_long,
)
from arctl.model import Finding

HEADER_SEARCH_ROWS = 40
FAST_READER = True  # pyarrow's reader where it reads exactly as the exact one (tests compare the two)
_HEAD_BYTES = 2 * 1024 * 1024  # decoded first, to find the header: at least 512 Ki characters
HeaderScore = Callable[[list[str]], int]


@dataclass(slots=True)
class RawTable:
    """An export as read: header names, data rows as strings, and where each row stands in the file."""

    path: Path
    frame: pd.DataFrame
    row_numbers: np.ndarray
    header_row: int
    detected: dict[str, str]
    typed_cells: bool = False
    notices: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def read_table(path: Path, header_score: HeaderScore, *, sheet: str | None = None,
               delimiter: str | None = None, comment_prefix: str | None = None,
               names: list[str] | tuple[str, ...] | None = None) -> RawTable:
    """Read `path` (CSV/TSV text in any usual encoding, XLSX, XLS or ODS) as strings.

    `comment_prefix`: lines (rows) starting with it are comments, skipped like blank lines; row
    numbers still count them. `names`: the file has no header row; its columns take these names
    in order and every row is data.
    """
    container = detect_container(path)
    if container.kind == "text":
        if sheet:
            raise InputError(f"{path}: --sheet only applies to spreadsheets, this is a text file")
        return _read_text(path, container, header_score, delimiter, comment_prefix, names)
    return _read_workbook(path, container, header_score, sheet, comment_prefix, names)


# --- text -----------------------------------------------------------------------------

MAX_COLUMNS = 16_384   # Excel's last column, XFD: no export of a spreadsheet or a package has more
LINE_LIMIT = 4 * FIELD_LIMIT  # a row of four fields at the longest a field may be


def _read_text(path: Path, container: Container, header_score: HeaderScore, delimiter: str | None,
               comment_prefix: str | None = None, given_names: list[str] | tuple[str, ...] | None = None
               ) -> RawTable:
    encoding = container.encoding or "utf-8"
    raw = path.read_bytes()
    refuse_long_texts(path, b"\n\r", "a line", LINE_LIMIT, data=raw, kind="export")
    fast = FAST_READER and comment_prefix is None and encoding in FAST_ENCODINGS
    head_only = fast and len(raw) > _HEAD_BYTES  # the fast reader needs only the head decoded, for the header
    text = _decoded(raw[:_HEAD_BYTES] if head_only else raw, encoding)
    if head_only and ("\n" not in text or not text.strip()):
        head_only, text = False, _decoded(raw, encoding)
    comments = 0
    if comment_prefix:
        text, comments = _blank_comment_lines(text, comment_prefix)
    if not text.strip():
        raise InputError(f"{path}: the file holds only blank lines", hint="export the list again")
    delimiter = delimiter or detect_delimiter(text[:256 * 1024])
    if given_names is None:
        head_rows, head_lines = _sample_records(text, delimiter, path)
        header_index = _find_header(head_rows, header_score)
        if header_index is None:
            raise InputError(f"{path}: no header row found: expected a row of column names",
                             hint="make sure the export includes the column headings")
        header_line = head_lines[header_index]
        if len(head_rows[header_index]) > MAX_COLUMNS:
            raise InputError(f"{path}: line {header_line}: {len(head_rows[header_index]):,} columns, more than a "
                             f"spreadsheet can hold ({MAX_COLUMNS:,}): not an export",
                             hint="export the list again from your accounting package")
        names = _header_names(head_rows[header_index])
    else:  # no header row: every line is data, from line 1 on
        header_index, header_line = 0, 0
        names = _header_names(list(given_names))
    detected = {"format": "TSV" if delimiter == "\t" else "CSV", "encoding": describe_encoding(encoding),
                "delimiter": {"\t": "tab"}.get(delimiter, delimiter)}
    fast_frame = arrow_records(raw, encoding, delimiter, header_line, len(names), FIELD_LIMIT) if fast else None
    findings: list[Finding] = []
    if fast_frame is not None:
        frame, row_numbers = fast_frame, np.arange(len(fast_frame), dtype=np.int64) + header_line + 1
    else:
        if head_only:
            text = _decoded(raw, encoding)
        frame, row_numbers, findings = _exact_records(text, delimiter, header_line, len(names), path)
        _refuse_long_fields(frame, row_numbers, path, raw)
    frame.columns = names
    frame, row_numbers = _drop_blank_rows(frame, row_numbers)
    table = RawTable(path, frame, row_numbers, header_line, detected, findings=findings)
    if comments:
        table.notices.append(f"{comments} comment line(s) starting with {comment_prefix!r} skipped")
    if header_index:
        table.notices.append(f"{header_index} line(s) above the header skipped (title or section rows)")
    return table


def _decoded(raw: bytes, encoding: str) -> str:
    text = raw.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends, still written by some bank exports
    return text


def _exact_records(text: str, delimiter: str, header_line: int, width: int,
                   path: Path) -> tuple[pd.DataFrame, np.ndarray, list[Finding]]:
    """pandas' C reader, or the csv module where records and lines differ (line breaks in quotes, ragged rows)."""
    try:
        frame = _pandas_records(text, delimiter, header_line, width, path)
        row_numbers = np.arange(len(frame)) + header_line + 1  # 1-based line of each record
        if _physical_lines(text) != header_line + len(frame):
            return _csv_records(text, delimiter, header_line, width, path)
        return frame, row_numbers, []
    except _FieldCountError:
        return _csv_records(text, delimiter, header_line, width, path)


class _FieldCountError(Exception):
    pass


def _blank_comment_lines(text: str, prefix: str) -> tuple[str, int]:
    """Comment lines emptied in place, so that every later line keeps its number."""
    pattern = re.compile(rf"(?m)^[ \t]*{re.escape(prefix)}[^\r\n]*")
    return pattern.subn("", text)


def _sample_records(text: str, delimiter: str, path: Path) -> tuple[list[list[str]], list[int]]:
    """The first records and the 1-based line each ends on, to look for the header."""
    reader = csv.reader(io.StringIO(text[:512 * 1024]), delimiter=delimiter, strict=True)
    rows, lines = [], []
    try:
        for row in reader:  # a record that fails starts on the line after the previous one ended
            rows.append(row)
            lines.append(reader.line_num)
            if len(rows) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        if field_too_long(exc):
            raise _long_field_error(path, (lines[-1] if lines else 0) + 1) from exc
        # a quoted field cut by the end of the sample is no error: the whole file is read next
        if len(text) <= 512 * 1024 or not rows:
            start = (lines[-1] if lines else 0) + 1
            raise InputError(f"{path}: line {start}: broken quoting: a quote opened on this line is never closed",
                             hint="re-export the file, or fix the stray quote in a text editor") from exc
    return rows, lines


def _pandas_records(text: str, delimiter: str, header_line: int, width: int, path: Path) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # rows with more fields than the header: pandas would drop them (index_col=False) or, when every
            # row has one more, shift the columns; the exact reader reports them instead
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, skiprows=header_line, dtype=str,
                                keep_default_na=False, na_filter=False, skip_blank_lines=False,
                                names=range(width), engine="c", index_col=False)
    except pd.errors.ParserWarning as exc:
        raise _FieldCountError from exc
    except pd.errors.ParserError as exc:
        message = str(exc)
        if "EOF inside string" in message:
            match = re.search(r"starting at row (\d+)", message)
            line = header_line + int(match.group(1)) if match else None
            where = f"{path}: line {line}: " if line else f"{path}: "
            raise InputError(f"{where}broken quoting: a quote opened on this line is never closed",
                             hint="re-export the file, or fix the stray quote in a text editor") from exc
        if "Expected" in message and "fields" in message:
            raise _FieldCountError from exc
        raise
    except pd.errors.EmptyDataError:
        return pd.DataFrame({i: pd.Series(dtype=str) for i in range(width)})
    return frame


def _long_field_error(path: Path, line: int) -> InputError:
    return InputError(f"{path}: line {line}: a field longer than {FIELD_LIMIT // (1024 * 1024)} MiB: not a table "
                      "export (a column of free text that long holds something else)",
                      hint="export the list again, or remove the oversized text from that line")


def _refuse_long_fields(frame: pd.DataFrame, row_numbers: np.ndarray, path: Path, raw: bytes) -> None:
    """The fast reader has no field limit: a field over FIELD_LIMIT is refused as the csv module's would be.
    Only a file with a line that long can hold one (the line ends are found in one pass over the bytes)."""
    ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)
    bounds = np.concatenate(([-1], ends, [len(raw)]))
    if len(raw) <= FIELD_LIMIT or int(np.diff(bounds).max()) <= FIELD_LIMIT:
        return
    for column in frame.columns:
        lengths = np.fromiter(map(len, frame[column].to_numpy()), dtype=np.int64, count=len(frame))
        if len(lengths) and lengths.max() > FIELD_LIMIT:
            raise _long_field_error(path, int(row_numbers[int(lengths.argmax())]))


def _physical_lines(text: str) -> int:
    count = text.count("\n")
    return count if text.endswith("\n") else count + 1


def _csv_records(text: str, delimiter: str, header_line: int, width: int,
                 path: Path) -> tuple[pd.DataFrame, np.ndarray, list[Finding]]:
    """Slow but exact: the csv module, for files with line breaks inside quotes or ragged rows."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    numbers: list[int] = []
    findings: list[Finding] = []
    try:
        previous_end = 0
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start <= header_line:
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                findings.append(Finding(str(path), start, None, delimiter.join(row)[:80],
                                        f"the row has {len(row)} fields, the header {width}"))
                continue
            rows.append((row + [""] * width)[:width])
            numbers.append(start)
    except csv.Error as exc:
        if field_too_long(exc):
            raise _long_field_error(path, previous_end + 1) from exc
        raise InputError(f"{path}: line {reader.line_num}: broken quoting ({exc})",
                         hint="a quote opened in a field is never closed; re-export the file") from exc
    frame = pd.DataFrame(rows, columns=range(width), dtype=str) if rows else pd.DataFrame(
        {i: pd.Series(dtype=str) for i in range(width)})
    return frame, np.asarray(numbers, dtype=np.int64), findings


# --- workbooks ---------------------------------------------------------------------------


def _read_workbook(path: Path, container: Container, header_score: HeaderScore, sheet: str | None,
                   comment_prefix: str | None = None,
                   given_names: list[str] | tuple[str, ...] | None = None) -> RawTable:
    from python_calamine import CalamineWorkbook

    check_sheet_size(path)  # before the reader unpacks anything: a small file may expand to gigabytes
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise InputError(f"{path}: not a readable {container.kind.upper()} workbook ({exc})",
                         hint="open it in a spreadsheet program and save it again as .xlsx") from exc
    names = workbook.sheet_names
    notices: list[str] = []
    chosen: str | None
    if sheet is not None:
        if sheet not in names:
            raise InputError(f"{path}: no sheet named {sheet!r}",
                             hint=f"the workbook has: {', '.join(names) or 'no sheets'}")
        chosen, cells = sheet, _sheet_cells(workbook, sheet)
        if not _has_rows(cells):
            raise InputError(f"{path}: sheet {sheet!r} is empty", hint="choose another sheet with --sheet")
    else:
        chosen, cells = None, []
        for name in names:
            cells = _sheet_cells(workbook, name)
            if _has_rows(cells):
                chosen = name
                break
        if chosen is None:
            raise InputError(f"{path}: no data sheet: every sheet of the workbook is empty",
                             hint="export the list again; a workbook needs a sheet with a header and rows")
        if chosen != names[0]:
            notices.append(f"sheet {names[0]!r} is empty; read sheet {chosen!r}")
    columns = None if comment_prefix else _cell_columns(cells)  # comment rows are found row by row
    rows = _cell_texts(cells) if columns is None else _head_rows(columns, len(cells), HEADER_SEARCH_ROWS)
    comments = 0
    if comment_prefix:
        for position, row in enumerate(rows):
            first = next((value for value in row if value.strip()), "")
            if first.lstrip().startswith(comment_prefix):
                rows[position] = [""] * len(row)  # kept as a blank row, so row numbers stay those of the sheet
                comments += 1
    if given_names is None:
        header_index = _find_header(rows[:HEADER_SEARCH_ROWS], header_score)
        if header_index is None:
            raise InputError(f"{path}: sheet {chosen!r}: no header row found: expected a row of column names",
                             hint="make sure the export includes the column headings")
        header = rows[header_index]
        width = max((i + 1 for i, value in enumerate(header) if value.strip()), default=0)
        names = _header_names(header[:width])
    else:  # no header row: every row is data, from row 1 on
        header_index, width = -1, len(given_names)
        names = _header_names(list(given_names))
    if columns is None:
        body = [(row + [""] * width)[:width] for row in rows[header_index + 1:]]
        frame = pd.DataFrame(body, columns=range(width), dtype=str) if body else pd.DataFrame(
            {i: pd.Series(dtype=str) for i in range(width)})
    else:  # the same frame, built from the columns
        count = len(cells) - header_index - 1
        frame = pd.DataFrame({i: pd.Series(columns[i][header_index + 1:] if i < len(columns) else [""] * count,
                                           dtype=str) for i in range(width)})
    frame.columns = names
    row_numbers = np.arange(len(frame), dtype=np.int64) + header_index + 2
    frame, row_numbers = _drop_blank_rows(frame, row_numbers)
    detected = {"format": container.kind.upper(), "sheet": chosen}
    table = RawTable(path, frame, row_numbers, header_index + 1, detected, typed_cells=True, notices=notices)
    if comments:
        table.notices.append(f"{comments} comment row(s) starting with {comment_prefix!r} skipped")
    if header_index > 0:
        table.notices.append(f"{header_index} row(s) above the header skipped (title block)")
    return table


def _sheet_cells(workbook, name: str) -> list[list[object]]:
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # chart sheets and damaged sheets have no cells to read
        return []


def _has_rows(cells: list[list[object]]) -> bool:
    return any(any(value not in ("", None) for value in row) for row in cells)


def _cell_texts(cells: list[list[object]]) -> list[list[str]]:
    """`_cell_text` of every cell, converted a column at a time where the rows are of one length."""
    columns = _cell_columns(cells)
    if columns is None:
        return [[_cell_text(value) for value in row] for row in cells]
    return _head_rows(columns, len(cells))


def _cell_columns(cells: list[list[object]]) -> list[list[str]] | None:
    """The texts of the cells by column (a column holds one or two kinds of value); None for ragged rows."""
    if not cells or len({len(row) for row in cells}) != 1:
        return None
    return [_column_texts(column) for column in zip(*cells, strict=True)]


def _head_rows(columns: list[list[str]], count: int, limit: int | None = None) -> list[list[str]]:
    """The first `limit` rows (all `count` by default) of cell texts held by column."""
    if not columns:
        return [[] for _ in range(count if limit is None else min(count, limit))]
    return [list(row) for row in zip(*(column[:limit] for column in columns), strict=True)]


def _column_texts(values: tuple[Any, ...]) -> list[str]:
    kinds = set(map(type, values))
    if kinds <= {str}:
        return list(map(str.strip, values))
    if kinds <= {str, float}:  # numbers, with "" for the empty cells
        texts = [format(value, ".15g") if type(value) is float else value.strip() for value in values]
        for position, value in enumerate(values):  # 1e+16, inf: written out as _cell_text writes them
            if type(value) is float and ("e" in texts[position] or not texts[position][-1].isdecimal()):
                texts[position] = _cell_text(value)
        return texts
    if kinds <= {str, dt.date}:  # a column repeats its dates: each written once
        written = {value: value.isoformat() for value in set(values) if type(value) is dt.date}
        return [written[value] if type(value) is dt.date else value.strip() for value in values]
    return [_cell_text(value) for value in values]


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: dates ISO, numbers without float noise."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps 15 significant digits; more is binary noise (0.1 + 0.2 shows as 0.3)
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


# --- shared -------------------------------------------------------------------------------


def _find_header(rows: list[list[str]], header_score: HeaderScore) -> int | None:
    """The row that looks most like a header; a title block above it is skipped."""
    best_index, best_score = None, 0
    for index, row in enumerate(rows):
        score = header_score(row)
        if score > best_score:
            best_index, best_score = index, score
    if best_index is not None and best_score >= 2:
        return best_index
    for index, row in enumerate(rows):
        if sum(1 for cell in row if cell.strip()) >= 2:
            return index
    return None


def _header_names(cells: list[str]) -> list[str]:
    """Header names, stripped; blank ones named after their column, repeated ones numbered."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells, start=1):
        name = str(cell).strip() or f"column {position}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


def _drop_blank_rows(frame: pd.DataFrame, row_numbers: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if frame.empty:
        return frame.reset_index(drop=True), row_numbers
    filled = np.zeros(len(frame), dtype=bool)
    for position in range(len(frame.columns)):  # each column only on the rows still blank so far
        rest = np.flatnonzero(~filled)
        if not len(rest):
            return frame.reset_index(drop=True), row_numbers
        column = frame.iloc[:, position]
        values = column if len(rest) == len(frame) else column.iloc[rest]
        filled[rest] = values.str.strip().ne("").to_numpy()
    return frame.loc[filled].reset_index(drop=True), row_numbers[filled]


# --- the lines above the header ------------------------------------------------------------------


def read_preamble(table: RawTable, limit: int = HEADER_SEARCH_ROWS) -> list[tuple[int, list[str]]]:
    """The rows above the header row (a bank's account, period and balance lines), as (row number, cells).

    Read again from the file, at most `limit` rows, so that the table's own reading stays as it is."""
    above = min(table.header_row - 1, limit)
    if above <= 0:
        return []
    container = detect_container(table.path)
    if container.kind != "text":
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(table.path))
            cells = _sheet_cells(workbook, table.detected.get("sheet") or workbook.sheet_names[0])
        except Exception:  # the table itself was read; a preamble that cannot be is only missing
            return []
        return [(n, [_cell_text(v) for v in row]) for n, row in enumerate(cells[:above], start=1)]
    with table.path.open("rb") as handle:
        head = handle.read(64 * 1024).decode(container.encoding or "utf-8", errors="replace").lstrip("\ufeff")
    delimiter = {"tab": "\t"}.get(table.detected.get("delimiter", ","), table.detected.get("delimiter", ","))
    rows = []
    for number, line in enumerate(head.splitlines()[:above], start=1):
        try:
            rows.append((number, next(csv.reader([line], delimiter=delimiter), [])))
        except csv.Error:  # a line the csv module refuses is no account line
            continue
    return rows
