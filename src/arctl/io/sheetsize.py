"""Bounds on what a spreadsheet may expand to, checked before the workbook is read.

An XLSX file is a zip of XML parts (ECMA-376 part 1: the worksheets `xl/worksheets/sheetN.xml` and the shared
strings `xl/sharedStrings.xml`). Deflate packs repetitive XML about a thousand to one, so a 1–3 MB file can hold
gigabytes of sheet, and a small sheet can repeat one long shared string in every cell, or place one cell at
XFD1048576 so that the reader builds a grid of 17 billion cells. Reading such a file took more than 10 GB of memory
(or aborted the process); these checks refuse it with one message instead, using the sizes in the zip directory
and one streaming pass over the parts (never more than a chunk of XML in memory at a time).
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arctl.errors import InputError

# Settable through the environment, for the rare honest workbook above them (the defaults hold 400,000 invoices
# of 20 columns; an export of open items is far below that).
MAX_MB_VARIABLE = "ARCTL_SHEET_MAX_MB"
MAX_CELLS_VARIABLE = "ARCTL_SHEET_MAX_CELLS"
DEFAULT_MAX_MB = 256          # uncompressed worksheets + shared strings, and the text of all cells once expanded
DEFAULT_MAX_CELLS = 10_000_000  # rows x columns of the area a sheet's cells span
LONGEST_CELL = 32_767         # characters Excel allows in a cell (Excel specifications and limits)

_CHUNK = 1 << 20
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.(xml|bin)$", re.IGNORECASE)    # .bin: XLSB
_STRINGS_PART = re.compile(r"^xl/sharedStrings\.(xml|bin)$", re.IGNORECASE)
_ROW_REF = re.compile(rb'\sr="[A-Z]{0,3}([0-9]{1,9})"')             # <row r="12"> and <c r="B12">
_COLUMN_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})[0-9]')
_SHARED_CELL = re.compile(rb'<c\b[^>]*?\st="s"[^>]*>\s*<v>([0-9]{1,9})</v>')
_ITEM = re.compile(rb"<si[\s>/]")


@dataclass(frozen=True, slots=True)
class SheetLimits:
    max_bytes: int
    max_cells: int


def sheet_limits() -> SheetLimits:
    """The limits in force: the defaults, or the environment's (a whole number of MB, of cells)."""
    def number(variable: str, default: int) -> int:
        text = os.environ.get(variable, "").strip().replace("_", "")
        if not text:
            return default
        if not text.isdecimal() or int(text) == 0:
            raise InputError(f"{variable}={os.environ[variable]!r}: expected a whole number above 0",
                             hint=f"unset it to use the default ({default:,})")
        return int(text)

    return SheetLimits(number(MAX_MB_VARIABLE, DEFAULT_MAX_MB) * 1_000_000,
                       number(MAX_CELLS_VARIABLE, DEFAULT_MAX_CELLS))


def check_sheet_size(path: Path, limits: SheetLimits | None = None) -> None:
    """Refuse an XLSX whose sheets or shared strings would expand past the limits; other files pass."""
    limits = limits or sheet_limits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip (XLS): the reader says what is wrong with it
    with archive:
        members = archive.infolist()
        sheets = [m for m in members if _SHEET_PART.match(m.filename)]
        strings = [m for m in members if _STRINGS_PART.match(m.filename)]
        declared = sum(m.file_size for m in sheets + strings)
        if declared > limits.max_bytes:
            largest = max(sheets + strings, key=lambda m: m.file_size)
            raise _too_large(path, f"its sheets and shared strings unpack to {_mb(declared)} "
                             f"({largest.filename}: {_mb(largest.file_size)} from {_mb(largest.compress_size)})",
                             _mb(limits.max_bytes))
        xml_strings = [m for m in strings if m.filename.lower().endswith(".xml")]
        lengths = (_string_lengths(archive, xml_strings[0], path) if xml_strings
                   else np.zeros(0, dtype=np.int64))
        for member in sheets:
            if member.filename.lower().endswith(".xml"):  # XLSB's binary records are bounded by size only
                _scan_sheet(archive, member, lengths, path, limits)


def _string_lengths(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: Path) -> np.ndarray:
    """The size in bytes of each shared string item, in order (markup included: an upper bound of its text)."""
    starts: list[int] = []
    offset = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            base = offset - len(tail)
            last = starts[-1] if starts else -1  # an item in the carried-over tail was found in the last chunk
            starts.extend(p for p in (base + m.start() for m in _ITEM.finditer(data)) if p > last)
            tail = data[-8:]
            offset += len(chunk)
    begin = np.asarray(starts, dtype=np.int64)
    lengths = np.diff(np.append(begin, offset))
    longest = int(lengths.max(initial=0))
    if longest > 8 * LONGEST_CELL + 1024:  # 4 bytes per character at most in UTF-8, doubled for escaped markup
        raise InputError(f"{path}: a shared string of the workbook is {_mb(longest)} long, more than a spreadsheet "
                         f"cell can hold ({LONGEST_CELL:,} characters): not read",
                         hint="this is not a sheet a spreadsheet program writes; export the list again")
    return lengths


def _scan_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, lengths: np.ndarray, path: Path,
                limits: SheetLimits) -> None:
    """One pass over a worksheet: the area its cells span, and the text its shared-string cells repeat."""
    rows = columns = 0
    widest = b""
    expanded = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")  # the last tag may be incomplete: keep it for the next chunk
            body, tail = (data[:cut], data[cut:]) if cut > 0 and len(data) - cut < 4096 else (data, b"")
            rows = max(rows, max(map(int, set(_ROW_REF.findall(body))), default=0))  # each row's number repeats
            letters = max(set(_COLUMN_REF.findall(body)), key=lambda c: (len(c), c), default=b"")
            if (len(letters), letters) > (len(widest), widest):
                widest, columns = letters, _column_number(letters)
            if len(lengths):  # without shared strings (inline text) no cell can repeat one
                shared = np.fromiter(map(int, _SHARED_CELL.findall(body)), dtype=np.int64)
                shared = shared[shared < len(lengths)]
                expanded += int(lengths[shared].sum())
            if rows * columns > limits.max_cells:
                raise _too_large(path, f"{member.filename} spans {rows:,} rows x {columns:,} columns "
                                 f"(up to column {widest.decode()}, row {rows:,})", f"{limits.max_cells:,} cells")
            if expanded > limits.max_bytes:
                raise _too_large(path, f"{member.filename} repeats its shared strings into at least "
                                 f"{_mb(expanded)} of text", _mb(limits.max_bytes))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return max(number, 1)


def _too_large(path: Path, what: str, limit: str) -> InputError:
    return InputError(
        f"{path}: workbook too large to read safely: {what}; the limit is {limit}",
        hint=f"export the list again (only the sheet with the open items), save it as CSV, or raise the limits "
             f"with {MAX_MB_VARIABLE} / {MAX_CELLS_VARIABLE}")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.{0 if size % 1_000_000 == 0 else 1}f} MB" if size >= 100_000 else f"{size:,} bytes"
