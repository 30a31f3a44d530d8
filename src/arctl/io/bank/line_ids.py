"""`txn_id` a column at a time: the same ids as `lines.txn_ids` gives record by record (lines.py defines them).

A line whose bank reference is unique within its account in the file is `account:reference`. Every other
line is `account:h<key>-<n>`: key the first 16 hex digits of the SHA-256 of its booking date, value date,
amount, currency, counterparty IBAN (upper case), counterparty name (upper case, white space collapsed),
remittance (white space collapsed) and structured reference joined by U+001F; n its occurrence among the
lines of the same account, statement and key, in file order.

The texts are prepared with pyarrow where that is exactly Python's `str.upper` and `str.split`: white space
is the class of characters Python splits on, written out (RE2's `\\s` is narrower); upper case of ASCII
text only (Python maps ß to SS, pyarrow keeps it), other texts through `str.upper` one by one. Only the
SHA-256 is a loop over the lines, through hashlib.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Every character Python's str.split() and re's \s treat as white space (str.isspace), for RE2.
SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
         "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
SPACES = "[" + SPACE + "]+"
ANY_SPACE = "[" + SPACE + "]"
UNEVEN = "[" + SPACE.replace(" ", "") + "]|  |^ | $"  # what " ".join(text.split()) changes


def line_ids(columns: dict[str, pd.Series]) -> pa.Array:
    """The `txn_id` of each line of `columns` (lines.LINE_COLUMNS)."""
    account = _arrow(columns["account_iban"])
    reference = _arrow(columns["bank_ref"])
    has_reference = pc.not_equal(reference, "").to_numpy(zero_copy_only=False)
    pairs = pd.Series(_join([account, reference], "\x1f"), dtype=str)[has_reference]
    unique = has_reference.copy()
    unique[has_reference] = ~pairs.duplicated(keep=False).to_numpy()
    ids = _join([account, reference], ":")
    hashed = ~unique
    if hashed.any():
        rows = np.flatnonzero(hashed)
        keys = _hash_keys({name: values.reset_index(drop=True).iloc[rows] for name, values in columns.items()})
        owner = account.take(rows)
        groups = _join([owner, _arrow(columns["statement"]).take(rows), keys], "\x1f")
        occurrence = pc.cast(pa.array(_occurrences(groups)), pa.large_string())
        ids = pc.replace_with_mask(ids, pa.array(hashed), _join([_join([owner, keys], ":h"), occurrence], "-"))
    return ids


def _join(parts: list[pa.Array], separator: str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, pa.scalar(separator, pa.large_string()))


def _occurrences(groups: pa.Array) -> np.ndarray:
    """1 for the first line of each group, 2 for the second ..., in order."""
    series = pd.Series(groups, dtype=str)
    repeated = series.duplicated(keep=False).to_numpy()
    occurrence = np.ones(len(series), dtype=np.int64)
    if repeated.any():
        subset = series[repeated]
        occurrence[repeated] = subset.groupby(subset, sort=False).cumcount().to_numpy() + 1
    return occurrence


def _hash_keys(columns: dict[str, pd.Series]) -> pa.Array:
    parts = [
        _iso(columns["booking_date"]), _iso(columns["value_date"]),
        pc.cast(pa.array(columns["amount"].to_numpy(dtype=np.int64)), pa.string()), _arrow(columns["currency"]),
        _upper(_arrow(columns["counterparty_iban"])), _collapse(_upper(_arrow(columns["counterparty_name"]))),
        _collapse(_arrow(columns["remittance"])), _arrow(columns["structured_ref"]),
    ]
    joined = _join([pc.cast(part, pa.large_string()) for part in parts], "\x1f")
    texts = pc.cast(joined, pa.large_binary()).to_pylist()
    sha256 = hashlib.sha256
    return pa.array([sha256(text).hexdigest()[:16] for text in texts], type=pa.large_string())


def _arrow(values: pd.Series) -> pa.Array:
    if values.dtype == object:
        return pa.array(values.to_numpy(dtype=object), type=pa.large_string())
    found = pa.array(values)
    if isinstance(found, pa.ChunkedArray):
        found = found.combine_chunks()
    return found if found.type == pa.large_string() else pc.cast(found, pa.large_string())


def _iso(dates: pd.Series) -> pa.Array:
    """YYYY-MM-DD (date.isoformat) of each date, "" for none: each distinct day written once."""
    codes, days = pd.factorize(dates)
    texts = np.array([day.date().isoformat() for day in days] + [""], dtype=object)
    return pa.array(texts[codes], type=pa.large_string())  # code -1 (none) takes the last one, ""


def _upper(values: pa.Array) -> pa.Array:
    """str.upper of each text: pyarrow for ASCII, Python for the others."""
    ascii_only = pc.string_is_ascii(values)
    if pc.all(ascii_only).as_py() is not False:
        return pc.ascii_upper(values)
    others = pc.invert(ascii_only)
    upper = np.array(pc.ascii_upper(values).to_pylist(), dtype=object)
    positions = np.flatnonzero(others.to_numpy(zero_copy_only=False))
    upper[positions] = [text.upper() for text in pc.filter(values, others).to_pylist()]
    return pa.array(upper, type=pa.large_string())


def _collapse(values: pa.Array) -> pa.Array:
    """" ".join(text.split()) of each text (a column that needs none is left as it is)."""
    if not pc.any(pc.match_substring_regex(values, UNEVEN)).as_py():
        return values
    return pc.utf8_trim(pc.replace_substring_regex(values, SPACES, " "), " ")
