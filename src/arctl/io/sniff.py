"""Recognise what a file is before reading it: container, text encoding, CSV delimiter."""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from arctl.errors import InputError

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 256 * 1024
# No accounting export or bank statement of one company comes near this; a file that does is a mistake (a log, a
# database dump) or hostile. Settable for the rare honest one.
MAX_FILE_MB_VARIABLE = "ARCTL_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 1_000
# The longest field read (the csv module stops at 128 KiB): a remittance or a note of a megabyte is already
# no export's; a longer field is refused with its row (table.py), never a traceback.
FIELD_LIMIT = 1024 * 1024

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Container:
    """What kind of file this is: 'text', 'xlsx', 'xls', 'ods'."""

    kind: str
    encoding: str | None = None


def max_file_bytes() -> int:
    """The largest export or statement arctl reads: MAX_FILE_MB_VARIABLE's whole number of MB, else the default."""
    text = os.environ.get(MAX_FILE_MB_VARIABLE, "").strip().replace("_", "")
    if not text:
        return DEFAULT_MAX_FILE_MB * 1_000_000
    if not text.isdecimal() or int(text) == 0:
        raise InputError(f"{MAX_FILE_MB_VARIABLE}={os.environ[MAX_FILE_MB_VARIABLE]!r}: expected a whole number of "
                         "MB above 0", hint=f"unset it to use the default ({DEFAULT_MAX_FILE_MB} MB)")
    return int(text) * 1_000_000


def detect_container(path: Path) -> Container:
    """Say whether `path` is a text table or a spreadsheet, or refuse it with a clear reason (a file larger
    than max_file_bytes() among them)."""
    try:
        size = path.stat().st_size
        if size > (limit := max_file_bytes()) and path.is_file():
            raise InputError(f"{path}: {size / 1_000_000:,.1f} MB, more than arctl reads from one file "
                             f"({limit / 1_000_000:,.0f} MB)",
                             hint=f"export a shorter period, or raise the limit with {MAX_FILE_MB_VARIABLE}=<MB>")
        with path.open("rb") as handle:
            head = handle.read(_SAMPLE_BYTES)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file", hint="check the path") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not an export file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not head:
        raise InputError(f"{path}: the file is empty", hint="export the list again from your accounting package")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return _container_from_magic(path, head, kind)
    encoding = detect_encoding(head)
    if encoding is None:
        raise InputError(
            f"{path}: binary data, not a text table or a spreadsheet",
            hint="export the list as CSV or XLSX from your accounting package",
        )
    return Container("text", encoding)


def _container_from_magic(path: Path, head: bytes, kind: str) -> Container:
    if kind == "zip":
        if b"xl/" in head or b"[Content_Types].xml" in head and b"spreadsheetml" in head:
            return Container("xlsx")
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head:
            return Container("ods")
        if path.suffix.lower() in {".xlsx", ".xlsm", ".ods"}:
            return Container("ods" if path.suffix.lower() == ".ods" else "xlsx")
        raise InputError(f"{path}: a ZIP archive, not a spreadsheet", hint="unpack it and check the export inside")
    if kind == "ole":
        return Container("xls")
    names = {"pdf": "a PDF document", "png": "a PNG image", "jpeg": "a JPEG image", "gif": "a GIF image",
             "gzip": "a gzip archive", "rar": "a RAR archive", "7z": "a 7-Zip archive"}
    raise InputError(
        f"{path}: {names[kind]}, not an export (whatever its name says)",
        hint="export the list as CSV or XLSX from your accounting package",
    )


def detect_encoding(head: bytes) -> str | None:
    """The text encoding of a file from its first bytes, or None when it is binary.

    A byte-order mark decides; then UTF-16 without a mark (every other byte NUL); then strict
    UTF-8; then cp1252, falling back to latin-1 for the five bytes cp1252 leaves undefined.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if len(head) >= 4 and head.count(b"\x00") * 3 > len(head):
        odd_nuls = head[1::2].count(b"\x00")
        even_nuls = head[0::2].count(b"\x00")
        if odd_nuls > len(head) // 3 and even_nuls < len(head) // 20:
            return "utf-16-le"
        if even_nuls > len(head) // 3 and odd_nuls < len(head) // 20:
            return "utf-16-be"
    if b"\x00" in head:
        return None
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13, 12))
    if controls > max(2, len(head) // 100):
        return None
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if exc.start >= len(head) - 3 and len(head) == _SAMPLE_BYTES:
            return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(sample: str) -> str:
    """The field delimiter whose lines of one width hold the most fields: the table's rows, not a decimal comma
    (two fields a line) or a report preamble of `key;value` lines."""
    lines = [line for line in sample.splitlines()[:200] if line.strip()]
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        # each line on its own, so that one stray quote cannot swallow the lines after it
        counts = Counter(_field_count(line, delimiter) for line in lines)
        multi = {width: n for width, n in counts.items() if width > 1}
        if not multi:
            continue
        score = (max(width * rows for width, rows in multi.items()), max(multi.values()))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_count(line: str, delimiter: str) -> int:
    """The fields of one line; 0 for a line the csv module refuses (a field longer than FIELD_LIMIT)."""
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:
        return 0


def allow_long_fields() -> None:
    """Let the csv module read fields up to FIELD_LIMIT (its own limit is 128 KiB)."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def field_too_long(exc: Exception) -> bool:
    """Whether a csv.Error is the csv module's 'field larger than field limit'."""
    return "field larger than field limit" in str(exc)


def describe_encoding(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16": "UTF-16 with BOM",
            "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "cp1252": "Windows-1252",
            "latin-1": "Latin-1"}.get(encoding, encoding)


allow_long_fields()
