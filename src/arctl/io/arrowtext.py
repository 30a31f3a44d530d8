"""Whole-column conversions of text with pyarrow compute: plain amounts to minor units, the decimal marks shown.

Each answers only for the values it can read exactly as `money.parse_amount` (and the pandas spelling of the same
rules in `io.dialect`) would; the callers send the rest through those, one distinct value at a time.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_PLAIN_LENGTH = 17  # characters at most (money._MAX_DIGITS); fewer with decimals, so that minor units fit int64


def arrow_strings(values: pd.Series):
    """The column as one pyarrow string array (no copy of an Arrow-backed column's chunks beyond joining them)."""
    import pyarrow as pa

    array = values.array
    if not isinstance(getattr(array, "_pa_array", None), pa.ChunkedArray):
        array = values.astype("string[pyarrow]").array
    result = pa.array(array)
    if isinstance(result, pa.ChunkedArray):
        result = result.combine_chunks()
    return result


def plain_minor_units(text, row_places: np.ndarray, mark: str) -> tuple[np.ndarray, np.ndarray]:
    """(read, minor): which values are plain amounts ('1.234,56', '-12.5', '1234') with at most as many decimals
    as their row's currency has (`row_places`, -1 where unknown), and their minor units (0 elsewhere).

    The cast to decimal128 is exact; the minor units are its unscaled integers (the Arrow layout: two's complement
    128-bit little-endian values, whose low 64 bits hold any value of 17 digits and 3 decimals)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    grouping = "," if mark == "." else "."
    count = len(text)
    read = np.zeros(count, dtype=bool)
    minor = np.zeros(count, dtype=np.int64)
    lengths = pc.utf8_length(text).to_numpy(zero_copy_only=False)
    for place in np.unique(row_places[row_places >= 0]).tolist():
        # n characters hold at most n digits before the mark: below 10 ** (n + place) minor units < 2 ** 63
        rows = (lengths <= min(_PLAIN_LENGTH, 18 - place)) & (row_places == place)
        if not rows.any():
            continue
        positions = np.flatnonzero(rows)
        subset = text if len(positions) == count else text.take(pa.array(positions))
        fraction = rf"(?:{re.escape(mark)}\d{{1,{place}}})?" if place else ""
        pattern = rf"^-?(?:\d{{1,3}}(?:{re.escape(grouping)}\d{{3}})+|\d+){fraction}$"
        matched = pc.match_substring_regex(subset, pattern).to_numpy(zero_copy_only=False)
        if not matched.any():
            continue
        plain = pc.replace_substring(subset.filter(pa.array(matched)), grouping, "")
        if mark != ".":
            plain = pc.replace_substring(plain, mark, ".")
        decimals = pc.cast(plain, pa.decimal128(_PLAIN_LENGTH + place, place))
        if isinstance(decimals, pa.ChunkedArray):
            decimals = decimals.combine_chunks()
        words = np.frombuffer(decimals.buffers()[1], dtype=np.int64)
        unscaled = words[2 * decimals.offset:2 * (decimals.offset + len(decimals)):2]
        where = positions[matched]
        read[where] = True
        minor[where] = unscaled
    return read, minor


def marks_shown_counts(distinct) -> tuple[int, int] | None:
    """(values showing a decimal point, values showing a decimal comma) among distinct amount texts, as
    `io.dialect._marks_shown` counts them; None where pandas would use Python's Unicode-aware regex (non-ASCII
    text, or line breaks) and the caller counts them its own way."""
    import pyarrow.compute as pc

    if len(distinct) == 0:
        return 0, 0
    if not pc.all(pc.string_is_ascii(distinct)).as_py() or pc.any(pc.match_substring(distinct, "\n")).as_py():
        return None
    cores = pc.replace_substring_regex(distinct, r"[^\d.,]", "")
    dots = pc.count_substring(cores, ".").to_numpy(zero_copy_only=False)
    commas = pc.count_substring(cores, ",").to_numpy(zero_copy_only=False)
    last = pc.replace_substring_regex(cores, r"^.*([.,])\d*$", r"\1")
    last_dot = pc.equal(last, ".").to_numpy(zero_copy_only=False)
    last_comma = pc.equal(last, ",").to_numpy(zero_copy_only=False)
    after = pc.utf8_length(pc.replace_substring_regex(cores, r"^.*[.,]", "")).to_numpy(zero_copy_only=False)
    both = (dots > 0) & (commas > 0)
    several = ~both & (dots + commas > 1)  # one kind of mark, repeated: a thousands separator
    single = (dots + commas == 1) & (after != 3)
    point = int((both & last_dot).sum() + (several & last_comma).sum() + (single & last_dot).sum())
    comma = int((both & last_comma).sum() + (several & last_dot).sum() + (single & last_comma).sum())
    return point, comma
