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


def line_ids(columns: dict[str, pd.Series]) -> list[str] | np.ndarray:
    """The `txn_id` of each line of `columns` (lines.LINE_COLUMNS)."""
    count = len(columns["account_iban"])
    if not count:
        return []
    account = columns["account_iban"].reset_index(drop=True)
    reference = columns["bank_ref"].reset_index(drop=True)
    has_reference = reference.ne("").to_numpy()
    pairs = (account + "\x1f" + reference)[has_reference]
    unique = has_reference.copy()
    unique[has_reference] = ~pairs.duplicated(keep=False).to_numpy()
    ids = np.empty(count, dtype=object)
    ids[unique] = (account[unique] + ":" + reference[unique]).to_numpy(dtype=object)
    hashed = ~unique
    if hashed.any():
        keys = _hash_keys({name: values.reset_index(drop=True)[hashed] for name, values in columns.items()})
        owner = account[hashed].to_numpy(dtype=object)
        statement = columns["statement"].reset_index(drop=True)[hashed].to_numpy(dtype=object)
        occurrence = _occurrences(owner + "\x1f" + statement + "\x1f" + keys)
        ids[hashed] = owner + ":h" + keys + "-" + occurrence.astype(str).astype(object)
    return ids


def _occurrences(groups: np.ndarray) -> np.ndarray:
    """1 for the first line of each group, 2 for the second ..., in order."""
    series = pd.Series(groups, dtype=object)
    repeated = series.duplicated(keep=False).to_numpy()
    occurrence = np.ones(len(groups), dtype=np.int64)
    if repeated.any():
        subset = series[repeated]
        occurrence[repeated] = subset.groupby(subset, sort=False).cumcount().to_numpy() + 1
    return occurrence


def _hash_keys(columns: dict[str, pd.Series]) -> np.ndarray:
    parts = [
        _iso(columns["booking_date"]), _iso(columns["value_date"]),
        pc.cast(pa.array(columns["amount"].to_numpy(dtype=np.int64)), pa.string()), _arrow(columns["currency"]),
        _upper(_arrow(columns["counterparty_iban"])), _collapse(_upper(_arrow(columns["counterparty_name"]))),
        _collapse(_arrow(columns["remittance"])), _arrow(columns["structured_ref"]),
    ]
    joined = pc.binary_join_element_wise(*[pc.cast(part, pa.large_string()) for part in parts],
                                         pa.scalar("\x1f", pa.large_string()))
    texts = pc.cast(joined, pa.large_binary()).to_pylist()
    sha256 = hashlib.sha256
    return np.array([sha256(text).hexdigest()[:16] for text in texts], dtype=object)


def _arrow(values: pd.Series) -> pa.Array:
    return pa.array(values.to_numpy(dtype=object), type=pa.large_string()) if values.dtype == object \
        else pc.cast(pa.array(values), pa.large_string())


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
