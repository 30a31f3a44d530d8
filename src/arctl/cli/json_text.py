"""JSON documents printed by commands, as `json.dumps(document, ensure_ascii=False, indent=2)` writes them, byte
for byte, but fast for a long list of flat records: the standard library encodes with `indent` in Python, value
by value (about 10 s for a million invoices); here each value is encoded by the C string encoder and each record
laid out by one format operation."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any


def dumps(document: dict[str, Any], records: str) -> str:
    """`document` as indented JSON, its key `records` (a list of dicts of scalars, each with the same keys in the
    same order) laid out fast."""
    parts = []
    for key, value in document.items():
        text = _records(value) if key == records else _nested(value)
        parts.append(f"  {encode_basestring(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


def _nested(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def _records(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "[]"
    keys = list(rows[0])
    if any(list(row) != keys for row in rows) or not keys:
        return _nested(rows)
    template = "    {\n" + ",\n".join(f"      {encode_basestring(key)}: %s" for key in keys) + "\n    }"
    columns = [[_scalar(row[key]) for row in rows] for key in keys]
    return "[\n" + ",\n".join(template % values for values in zip(*columns, strict=True)) + "\n  ]"


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return _nested(value).replace("\n  ", "\n      ")
