"""One pass over the raw bytes of a camt file before it is streamed: may it be, and where do its entries start?

ElementTree's C parser, which the streamed read uses, keeps no source positions. The line of every
`Stmt`/`Ntfctn`/`Rpt`, `Bal`, `Ntry` and `TxDtls` start tag is therefore found here, in the bytes: the
k-th such start tag of the file is the k-th such element the parser reports (camt_stream.py checks the
counts agree). That only holds when every `<` of the file opens a tag, so a file is streamed only when:

- it is ASCII-compatible (UTF-8, ASCII, ISO 8859, Windows-125x; no UTF-16) and starts with `<`;
- it holds no `<!` (no DOCTYPE or entity, no comment, no CDATA section) and no processing instruction
  but the XML declaration;
- every line ends in LF or CRLF (expat also counts a lone CR as a line end);
- every element is in one namespace: all namespace declarations stand on the root element, and the tags
  use either no prefix or prefixes bound to the same namespace. Then the local name `Ntry` is the tag
  `{namespace}Ntry`, which lets NsTree (camt_tree.py) look elements up in C.

Any other file is read as a whole tree (camt.py), as before. The same bytes also give the line of any
other element on demand (an amount that cannot be read): counted from the start tag of its entry.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path

TAGS = ("Stmt", "Ntfctn", "Rpt", "Bal", "Ntry", "TxDtls")
CHUNK = 8 << 20
_ENCODINGS = re.compile(rb"(?i)utf-?8|(?:us-)?ascii|iso-?8859-\d+|latin-?1|(?:windows|cp)-?125\d")
_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_ROOT = re.compile(rb"\s*<([^\s/>?!]+)([^>]*)>")
_NAMESPACE = re.compile(rb"""xmlns(?::([^\s=]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(slots=True)
class Scan:
    """What the pass found: the one namespace, the tag prefixes in use, and per tag the lines and byte
    offsets of its start tags in file order."""

    path: Path
    uri: str
    prefixes: tuple[bytes, ...]
    lines: dict[str, array] = field(default_factory=dict)
    offsets: dict[str, array] = field(default_factory=dict)

    def line_within(self, offset: int, line: int, name: str, index: int) -> int:
        """The line of the `index`-th (0-based) start tag named `name` from byte `offset` (at `line`) on."""
        pattern = _start_tag(self.prefixes, [name.encode()])
        size = 1 << 16
        with self.path.open("rb") as handle:
            while True:
                handle.seek(offset)
                data = handle.read(size)
                found = [match.start() for match in pattern.finditer(data)]
                if len(found) > index:
                    return line + data.count(b"\n", 0, found[index])
                if len(data) < size:
                    return line
                size *= 4


def scan_camt(path: Path) -> Scan | None:
    """The Scan of a file that may be streamed (module docstring), else None."""
    try:
        with Path(path).open("rb") as handle:
            return _scan(Path(path), handle)
    except OSError:
        return None


def _scan(path: Path, handle) -> Scan | None:
    head = handle.read(CHUNK)
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if b"\x00" in head[:4096] or not body.lstrip().startswith(b"<"):
        return None
    declaration = _DECLARATION.match(body.lstrip())
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and not _ENCODINGS.fullmatch(encoding.group(1)):
            return None
    root = _ROOT.match(body.lstrip(), declaration.end() if declaration else 0)
    if root is None:
        return None
    declared: dict[bytes, str] = {}
    for prefix, double, single in _NAMESPACE.findall(root.group(2)):
        declared[prefix] = (double or single).decode("utf-8", "replace")
    if len(declared) != root.group(2).count(b"xmlns"):
        return None
    prefixes = tuple(prefix for prefix in declared if prefix)
    pattern = _start_tag(prefixes, [tag.encode() for tag in TAGS])
    names = {index: tag for index, tag in enumerate(TAGS, start=1)}
    counts = dict.fromkeys((b"<", b"<?", b"<!", b"xmlns", b"\r", b"\r\n"), 0)
    prefixed = dict.fromkeys(prefixes, 0)
    lines = {tag: array("q") for tag in TAGS}
    offsets = {tag: array("q") for tag in TAGS}
    line, start, buffer = 1, 0, head
    while buffer:
        more = handle.read(CHUNK)
        cut = buffer.rfind(b">") + 1 if more else len(buffer)  # a piece ends after a tag: no needle is cut
        if not cut:
            buffer += more
            continue
        piece = buffer[:cut]
        for needle in counts:
            counts[needle] += piece.count(needle)
        if counts[b"<!"]:
            return None
        for prefix in prefixes:
            prefixed[prefix] += piece.count(b"<" + prefix + b":") + piece.count(b"</" + prefix + b":")
        last = 0
        for match in pattern.finditer(piece):
            position = match.start()
            line += piece.count(b"\n", last, position)
            last = position
            name = names[match.lastindex or 0]
            lines[name].append(line)
            offsets[name].append(start + position)
        line += piece.count(b"\n", last)
        start += cut
        buffer = buffer[cut:] + more
    if counts[b"<?"] != (1 if declaration else 0) or counts[b"xmlns"] != len(declared) \
            or counts[b"\r"] != counts[b"\r\n"]:
        return None
    used = {declared[prefix] for prefix, count in prefixed.items() if count}
    if counts[b"<"] - counts[b"<?"] > sum(prefixed.values()):  # tags without a prefix
        used.add(declared.get(b"", ""))
    if len(used) != 1:
        return None
    return Scan(path, used.pop(), prefixes, lines, offsets)


def _start_tag(prefixes: tuple[bytes, ...], names: list[bytes]) -> re.Pattern[bytes]:
    """Start tags named one of `names` (one group each), with or without one of `prefixes`."""
    prefix = b"(?:(?:" + b"|".join(re.escape(p) for p in prefixes) + b"):)?" if prefixes else b""
    return re.compile(b"<" + prefix + b"(?:" + b"|".join(b"(" + re.escape(n) + b")" for n in names) + rb")[\s/>]")
