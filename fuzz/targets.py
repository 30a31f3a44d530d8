"""What the fuzzer feeds: each target takes bytes and runs one of arctl's parsers on them. A parser may refuse
its input only as arctl refuses a user's file: an ArctlError (for the readers), or the ValueError family its
docstring names (the money and reference parsers that the readers wrap). Anything else is a bug the fuzzer
reports, with the input that caused it.

Each target has two forms. `fuzz` is what libFuzzer runs a million times: the parser, at the speed the
mutations need. `replay` is what every input the fuzzer kept (the seeds and each input that reached new code)
goes through once at the end of a run and in every `make test` (tests/test_fuzz_regressions.py): the whole
reader as `arctl import` runs it. They differ for the bank readers, whose fuzz form tells the format from the
content and runs the format's own reader up to its records, checking that each record is one the bank-line
frame takes (building that pandas frame costs ~5 ms a file, ten times the parsing; and a file the detection
takes for a CSV export would lead the fuzzer into the pandas CSV reader, at a tenth of the speed, instead of
the format's), and for the dialect detection, whose kept inputs are then read as an open-items export
(dialect, header, columns and every value).

The readers take a path: the bytes are written to a file in a folder of the target's own (on /dev/shm where
there is one, so that the disk is not worn), named as the format's files are named."""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arctl.errors import ArctlError

_FOLDER = Path(tempfile.mkdtemp(prefix="arctl-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
_INT64 = 2**63 - 1


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


def _date_column(data: bytes) -> Any:
    import pandas as pd

    return pd.Series(_text(data).split("\n")[:64], dtype="object")


def dates(data: bytes) -> None:
    """A column of date texts: the format decided from its values as in a CSV and as in a workbook, then every
    value parsed by the workbook's decision (the parse that also reads real date cells)."""
    from arctl.io.dialect import decide_date_format, parse_dates

    values = _date_column(data)
    decide_date_format(values, typed_cells=False)
    parse_dates(values, decide_date_format(values, typed_cells=True).format, typed_cells=True)


def date_column(data: bytes) -> None:
    """The replay of `dates`: the column decided and parsed both ways."""
    from arctl.io.dialect import decide_date_format, parse_dates

    values = _date_column(data)
    for typed_cells in (False, True):
        parse_dates(values, decide_date_format(values, typed_cells=typed_cells).format, typed_cells=typed_cells)


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


_READERS = {"camt": ("arctl.io.bank.camt", "read_camt"), "mt940": ("arctl.io.bank.mt940", "read_mt940"),
            "coda": ("arctl.io.bank.coda", "read_coda")}


def _statement(name: str, kind: str) -> Callable[[bytes], None]:
    module, function = _READERS[kind]

    def read(data: bytes) -> None:
        from arctl.io.bank.read import detect_bank_format

        path = _file(name, data)
        with suppress(ArctlError):
            if detect_bank_format(path) == kind:
                getattr(importlib.import_module(module), function)(path)

    read.__doc__ = (f"A bank file named {name}: the format told from its content and, when it is {kind}, read by "
                    f"that reader (what else read_bank does with it is the CSV reader's, fuzzed by the replay).")
    return read


def export_csv(data: bytes) -> None:
    """An open-items export, read as `arctl import` reads one (dialect, columns, values)."""
    from arctl.io.export import ReadOptions, read_export

    with suppress(ArctlError):
        read_export(_file("open_invoices.csv", data), ReadOptions(kind="invoices"))


@dataclass(frozen=True)
class Target:
    fuzz: Callable[[bytes], None]
    replay: Callable[[bytes], None]
    records_only: bool = False   # fuzz the bank readers up to their records (stop_at_records)


TARGETS: dict[str, Target] = {
    "sniff": Target(sniff, export_csv),
    "money": Target(money, money),
    "dates": Target(dates, date_column),
    "references": Target(references, references),
    "camt": Target(_statement("statement.xml", "camt"), _bank("statement.xml"), records_only=True),
    "mt940": Target(_statement("statement.sta", "mt940"), _bank("statement.sta"), records_only=True),
    "coda": Target(_statement("statement.cod", "coda"), _bank("statement.cod"), records_only=True),
}

# Where the bank readers turn records into the bank-line frame (arctl/io/bank/lines.py), by the names they
# import it under.
FRAME_STAGE = {
    "arctl.io.bank.camt": ("bank_frame",),
    "arctl.io.bank.camt_stream": ("record_columns", "joined_columns", "lines_frame"),
    "arctl.io.bank.mt940": ("bank_frame",),
    "arctl.io.bank.coda": ("bank_frame",),
}


class RecordUnfitForFrame(AssertionError):
    """A reader produced a record that the bank-line frame cannot hold: a crash for the fuzzer."""


def check_records(records: list[Any]) -> None:
    """What the frame stage needs of every record: amounts that fit int64, texts that encode as UTF-8 (no
    lone surrogates), dates as dates, and a line number."""
    import datetime as dt

    for record in records:
        if not isinstance(record.amount, int) or not -_INT64 <= record.amount <= _INT64:
            raise RecordUnfitForFrame(f"amount {record.amount!r} does not fit int64 ({record})")
        if not isinstance(record.booking_date, dt.date) or not isinstance(record.value_date, dt.date | None):
            raise RecordUnfitForFrame(f"dates are not dates ({record})")
        if not isinstance(record.line, int) or not isinstance(record.reversal, bool):
            raise RecordUnfitForFrame(f"line or reversal of the wrong type ({record})")
        for name in ("account", "currency", "counterparty_name", "counterparty_iban", "structured_ref",
                     "remittance", "bank_ref", "statement"):
            value = getattr(record, name)
            if not isinstance(value, str):
                raise RecordUnfitForFrame(f"{name} {value!r} is not text ({record})")
            value.encode("utf-8")   # a lone surrogate raises UnicodeEncodeError: a crash


def stop_at_records() -> None:
    """Make the bank readers of this process stop at their records: each batch is checked (check_records)
    instead of being turned into the frame. For the fuzzing process only; replay reads the whole way."""

    def frame(records: list[Any], path: object) -> None:
        check_records(records)

    def columns(records: list[Any]) -> list[Any]:
        check_records(records)
        return records

    def joined(parts: list[list[Any]]) -> list[Any]:
        return [record for part in parts for record in part]

    stand_ins = {"bank_frame": frame, "record_columns": columns, "joined_columns": joined,
                 "lines_frame": lambda records, path: None}
    for module_name, names in FRAME_STAGE.items():
        module = importlib.import_module(module_name)
        for name in names:
            if not callable(getattr(module, name, None)):
                raise RuntimeError(f"{module_name} no longer has {name}: update fuzz/targets.py FRAME_STAGE")
            setattr(module, name, stand_ins[name])
