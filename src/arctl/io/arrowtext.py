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
    for place in sorted({int(p) for p in np.bincount(row_places[row_places >= 0]).nonzero()[0]}):
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


def shown_mark(values) -> str | None:
    """The decimal mark the distinct amount texts vote for when they all vote one way ('.' or ','), found without
    collecting the distinct values: a value's vote (`io.dialect._marks_shown`) depends on the value alone, so one
    kind of vote among the rows is one kind among the distinct values. None when both kinds occur (the distinct
    values must be counted), when none does, or for text that pandas reads with Python's Unicode-aware regex."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(values) == 0 or not pc.all(pc.string_is_ascii(values)).as_py() \
            or pc.any(pc.match_substring(values, "\n")).as_py():
        return None
    dots = pc.count_substring(values, ".").to_numpy(zero_copy_only=False)
    commas = pc.count_substring(values, ",").to_numpy(zero_copy_only=False)
    both = (dots > 0) & (commas > 0)
    point = bool(((commas > 1) & (dots == 0)).any())  # a repeated comma groups thousands: the point is decimal
    comma = bool(((dots > 1) & (commas == 0)).any())
    if both.any():  # the last mark is the decimal one
        reversed_text = pc.utf8_reverse(values.filter(pa.array(both)))
        last_dot = pc.find_substring(reversed_text, ".").to_numpy(zero_copy_only=False)
        last_comma = pc.find_substring(reversed_text, ",").to_numpy(zero_copy_only=False)
        point = point or bool((last_dot < last_comma).any())
        comma = comma or bool((last_comma < last_dot).any())
    for mark, single in ((".", (dots == 1) & (commas == 0)), (",", (commas == 1) & (dots == 0))):
        if (point if mark == "." else comma) or not single.any():
            continue
        voted = _votes_once(values.filter(pa.array(single)), mark)  # unless three digits follow the mark
        point, comma = (point or voted, comma) if mark == "." else (point, comma or voted)
    if point and comma:
        return None
    return "." if point else "," if comma else None


def _votes_once(values, mark: str) -> bool:
    """Whether any of these values with one `mark` shows it as decimal: not followed by exactly three digits."""
    import pyarrow.compute as pc

    pattern = rf"{re.escape(mark)}(?:[^0-9]*[0-9]){{3}}[^0-9]*$"
    head = values.slice(0, 1000)  # an export's amounts mostly show their decimals: the first ones tell
    if not pc.all(pc.match_substring_regex(head, pattern)).as_py():
        return True
    return not pc.all(pc.match_substring_regex(values, pattern)).as_py()
