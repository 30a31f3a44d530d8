"""Bounds on the texts of a file, checked in one pass before it is parsed.

A camt statement's longest text is a few hundred characters (ISO 20022 caps Ustrd at 140, names at 140), an
MT940 line 65 (SWIFT), a CODA record 128, an export's row a few hundred: a file holding megabytes between two
tags, or on one line, is not a statement or an export, and parsing it would hold that text several times over in
memory. The longest stretch without the separator is found with numpy a chunk at a time, so that the check costs
little on an honest file of any size and no more than a chunk of memory on a hostile one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from arctl.errors import InputError
from arctl.io.sniff import FIELD_LIMIT

_CHUNK = 8 << 20


def longest_stretch(chunks: Iterable[bytes | memoryview], separator: bytes) -> tuple[int, int]:
    """The longest stretch of the bytes without `separator` (one byte), and the offset where it starts."""
    code = separator[0]
    best, best_at, run_start, offset = 0, 0, 0, 0
    for chunk in chunks:
        hits = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == code) + offset
        if hits.size:
            starts = np.concatenate(([run_start], hits[:-1] + 1))
            gaps = hits - starts
            longest = int(gaps.argmax())
            if gaps[longest] > best:
                best, best_at = int(gaps[longest]), int(starts[longest])
            run_start = int(hits[-1]) + 1
        offset += len(chunk)
    if offset - run_start > best:
        best, best_at = offset - run_start, run_start
    return best, best_at


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def memory_chunks(data: bytes) -> Iterator[memoryview]:
    view = memoryview(data)
    return (view[start:start + _CHUNK] for start in range(0, len(view), _CHUNK))


def refuse_long_texts(path: Path, separators: bytes, what: str, limit: int = FIELD_LIMIT, *,
                      data: bytes | None = None, kind: str = "bank statement") -> None:
    """Refuse the file (its bytes `data` when they are read already) when it holds more than `limit` bytes
    without any one of `separators` (b"\n\r": a line ends at either), naming the line the stretch starts on."""
    def chunks() -> Iterable[bytes | memoryview]:
        return file_chunks(path) if data is None else memory_chunks(data)

    length, at = min(longest_stretch(chunks(), bytes([separator])) for separator in separators)
    if length <= limit:
        return
    line, seen, upto = 1, 0, at + 1   # through the stretch's first byte: after "\r", the "\n" of its line end
    for chunk in chunks():
        if seen + len(chunk) >= upto:
            line += bytes(chunk[:upto - seen]).count(b"\n")
            break
        line += bytes(chunk).count(b"\n")
        seen += len(chunk)
    article = "an" if kind[0] in "aeiou" else "a"
    raise InputError(f"{path}: line {line}: {what} of {length / 1_000_000:,.1f} MB, more than any {kind} holds "
                     f"({limit / 1_000_000:,.0f} MB at most): not {article} {kind}",
                     hint="export the file again" if kind != "bank statement" else
                     "download the statement again from the bank")
