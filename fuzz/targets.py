"""What the fuzzer feeds: each target takes bytes and runs one of arctl's parsers on them. A parser may refuse
its input only as arctl refuses a user's file: an ArctlError (for the readers), or the ValueError family its
docstring names (the money and reference parsers that the readers wrap). Anything else is a bug the fuzzer
reports, with the input that caused it.

The readers take a path: the bytes are written to a file in a folder of the target's own (on /dev/shm where
there is one, so that the disk is not worn), named as the format's files are named."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from arctl.errors import ArctlError

_FOLDER = Path(tempfile.mkdtemp(prefix="arctl-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))


def _file(name: str, data: bytes) -> Path:
    path = _FOLDER / name
    path.write_bytes(data)
    return path


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")  # as the readers decode what is not text


def sniff(data: bytes) -> None:
    """The dialect detection: the container and encoding from the first bytes, the delimiter from a sample."""
    from arctl.io.sniff import detect_container, detect_delimiter, detect_encoding

    encoding = detect_encoding(data[:65536])
    detect_delimiter(data[:65536].decode(encoding or "latin-1", errors="replace"))
    with suppress(ArctlError):
        detect_container(_file("export.csv", data))


def money(data: bytes) -> None:
    """An amount in any spelling, with and without a known decimal mark, in currencies of 0, 2 and 3 decimals."""
    from arctl.money import parse_amount

    text = _text(data[1:])
    currency = ("EUR", "JPY", "KWD")[data[0] % 3] if data else "EUR"
    for mark in (None, ".", ","):
        with suppress(ValueError):   # AmountError is one: a cell that is not an amount
            parse_amount(text, currency, mark)


def dates(data: bytes) -> None:
    """A column of date texts: the format decided from its values, then every value parsed by it."""
    import pandas as pd

    from arctl.io.dialect import decide_date_format, parse_dates

    values = pd.Series(_text(data).split("\n")[:64], dtype="object")
    for typed_cells in (False, True):
        decision = decide_date_format(values, typed_cells=typed_cells)
        parse_dates(values, decision.format, typed_cells=typed_cells)


def references(data: bytes) -> None:
    """Payment references (OGM/VCS, RF, Dutch) read from a field and found in free text."""
    from arctl.refs import corrections, find_references, parse_reference

    text = _text(data)
    for assume_ogm in (False, True):
        found = parse_reference(text, assume_ogm=assume_ogm)
        if found is not None:
            corrections(found)
    for reference in find_references(text):
        corrections(reference)


def _bank(name: str) -> Callable[[bytes], None]:
    def read(data: bytes) -> None:
        from arctl.io.bank.read import read_bank

        with suppress(ArctlError):
            read_bank(_file(name, data))

    read.__doc__ = f"A bank file named {name}, read as arctl reads any statement (the format from its content)."
    return read


def export_csv(data: bytes) -> None:
    """An open-items export, read as `arctl import` reads one (dialect, columns, values)."""
    from arctl.io.export import ReadOptions, read_export

    with suppress(ArctlError):
        read_export(_file("open_invoices.csv", data), ReadOptions(kind="invoices"))


TARGETS: dict[str, Callable[[bytes], None]] = {
    "sniff": sniff,
    "money": money,
    "dates": dates,
    "references": references,
    "camt": _bank("statement.xml"),
    "mt940": _bank("statement.sta"),
    "coda": _bank("statement.cod"),
    "export-csv": export_csv,
}
