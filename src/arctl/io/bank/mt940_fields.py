"""MT940 files into statements of tagged fields: bytes, line ends, SWIFT blocks and tags (no meaning yet).

The file
- Bytes are decoded as UTF-8 (a BOM is dropped), else as cp1252, else as latin-1 (with a notice).
  Line ends LF, CRLF and CR are all accepted; `line` numbers count physical lines from 1.
- SWIFT block wrappers are stripped: `{1:...}`, `{2:...}`, `{3:...}` and `{5:...}` are skipped,
  `{4:` opens the text block, `-}` and `}` close it; a block marker also ends the current statement.
  The SWIFT FIN transmission characters SOH (`\\x01`, before `{1:`) and ETX (`\\x03`, after `-}` or
  straight after the `-` that ends the last field) are message boundaries too, wherever they are on a
  line: what stands before one on its line still belongs to the message before it.
- A line starting with `:NN:` or `:NNa:` (and `:NS:`) starts a tag; every other line continues the
  value of the tag before it. Outside a statement (before the first tag, after a terminator) such
  lines are header lines (`ABNANL2A`, `940`, `:940:`) and are skipped; blank lines are skipped.
- A line holding only `-` ends the statement when the statement already has its closing balance
  (`:62F:`/`:62M:`) or when the next line starts a tag or a block or the file ends. Otherwise it is
  text: ING's test file wraps a mandate reference as `MND` / `-` / `EV01`.
- `:20:` starts a statement; a file holds any number of them, for one or more accounts. Any other
  tag outside a statement starts one as well (a bank that leaves out `:20:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

TAG = re.compile(r":(\d{2}[A-Z]?|NS):")
_BLOCK_START = re.compile(r"\{([0-9A-Za-z]{1,3}):")
_TRANSMISSION = re.compile(r"[\x01\x03]")  # SOH and ETX around a FIN message


def decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    """(text, notices) of the bytes of an MT940 file."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), [f"{path.name}: not UTF-8, read as {encoding}"]
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _physical_lines(text: str) -> list[str]:
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _strip_blocks(line: str) -> tuple[str, bool]:
    """(the line without SWIFT block markers, whether it held any: a message boundary)."""
    rest = line
    boundary = False
    while True:
        head = rest.lstrip()
        if head.startswith("-}"):
            rest, boundary = head[2:], True
            continue
        if head.startswith("}"):
            rest, boundary = head[1:], True
            continue
        found = _BLOCK_START.match(head)
        if not found:
            break
        boundary = True
        if found.group(1) == "4":
            rest = head[found.end():]
            continue
        depth, end = 0, len(head)
        for index, char in enumerate(head):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                end = index + 1
                break
        rest = head[end:]
    return (rest if boundary else line), boundary


@dataclass(slots=True)
class Field:
    """One tag and its value, as physical lines."""

    tag: str
    line: int
    parts: list[tuple[str, int]]  # (text of one physical line, its width counting the value only)

    def plain(self) -> str:
        """Physical lines joined with nothing, outer white space removed (tags other than :86:)."""
        return "".join(text for text, _ in self.parts).strip()


@dataclass(slots=True)
class Statement:
    """The fields of one statement (from a `:20:` to its terminator), in file order."""

    fields: list[Field] = field(default_factory=list)
    closed: bool = False


def _pieces(lines: list[str]) -> list[tuple[int, str, bool]]:
    """(line number, content, whether a message boundary comes before it) of every piece of every line.

    A line is cut at SOH and ETX: the piece before such a character stays with the message before it,
    the piece after it starts after a boundary."""
    pieces: list[tuple[int, str, bool]] = []
    for number, line in enumerate(lines, start=1):
        for index, piece in enumerate(_TRANSMISSION.split(line)):
            if index and not piece.strip():
                pieces.append((number, "", True))
                continue
            content, boundary = _strip_blocks(piece)
            pieces.append((number, content, boundary or index > 0))
    return pieces


def statements(text: str) -> list[Statement]:
    """The statements of an MT940 text, each a list of tagged fields with their physical lines."""
    cleaned = _pieces(_physical_lines(text))
    found: list[Statement] = []
    current: Statement | None = None
    value: Field | None = None

    def next_is_boundary(index: int) -> bool:
        for _, content, boundary in cleaned[index + 1:]:
            if boundary:
                return True
            if content.strip():
                return bool(TAG.match(content))
        return True

    for index, (number, content, boundary) in enumerate(cleaned):
        if boundary:
            current, value = None, None
        if not content.strip():
            continue
        tag = TAG.match(content)
        if tag:
            if current is None or tag.group(1) == "20":
                current = Statement()
                found.append(current)
            rest = content[tag.end():]
            value = Field(tag.group(1), number, [(rest, len(rest))])
            current.fields.append(value)
            if tag.group(1) in ("62F", "62M"):
                current.closed = True
            continue
        if content.strip() == "-" and (current is None or current.closed or next_is_boundary(index)):
            current, value = None, None
            continue
        if value is not None:
            value.parts.append((content, len(content)))
        # else: a header line outside any statement (ABNANL2A, 940, :940:): skipped
    return found
