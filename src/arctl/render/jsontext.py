"""JSON text as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, several times faster for large reports.

The standard library's encoder runs in C only without `indent`; with it, every value goes through Python
generators. Reports are dicts, lists, strings, ints, booleans and None: those are written here directly (strings
through the library's own C escaping); anything else (floats, other key types) makes the whole value go through
`json.dumps`, so that the text is always the library's.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any


class RawJSON(str):
    """JSON text written as it is, already indented for the place it stands in (a large list of one shape)."""


class _Unplain(Exception):
    """A value this writer leaves to json.dumps."""


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`."""
    parts: list[str] = []
    try:  # (RawJSON needs this writer: json.dumps would write it as a string)
        _write(value, parts, "\n")
    except _Unplain:
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(parts)


def dumps_with_records(document: dict[str, Any], records: str) -> str:
    """`dumps_indented(document)`, its key `records` (a list of flat dicts with the same keys in the same order,
    a command's long list) laid out by one format operation per record."""
    parts = []
    for key, value in document.items():
        text = _records(value) if key == records else _indented_at(value, "  ")
        parts.append(f"  {encode_basestring(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


def _records(rows: list[dict[str, Any]]) -> str:
    keys = list(rows[0]) if rows else []
    if not keys or any(list(row) != keys for row in rows):
        return _indented_at(rows, "  ")
    try:
        columns = [[_scalar(row[key]) for row in rows] for key in keys]
    except _Unplain:
        return _indented_at(rows, "  ")
    template = "    {\n" + ",\n".join(f"      {encode_basestring(key)}: %s" for key in keys) + "\n    }"
    return "[\n" + ",\n".join(template % values for values in zip(*columns, strict=True)) + "\n  ]"


def _indented_at(value: Any, indent: str) -> str:
    return dumps_indented(value).replace("\n", "\n" + indent)


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is RawJSON:
        return str(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    raise _Unplain


def _write(value: Any, parts: list[str], newline: str) -> None:
    kind = type(value)
    if kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unplain
            parts.append(separator)
            parts.append(encode_basestring(key))
            parts.append(": ")
            if type(item) in (dict, list, tuple):
                _write(item, parts, inner)
            else:
                parts.append(_scalar(item))
            separator = "," + inner
        parts.append(newline + "}")
    elif kind in (list, tuple):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            if type(item) in (dict, list, tuple):
                _write(item, parts, inner)
            else:
                parts.append(_scalar(item))
            separator = "," + inner
        parts.append(newline + "]")
    else:
        parts.append(_scalar(value))
