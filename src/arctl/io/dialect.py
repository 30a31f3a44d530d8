"""Decide a column's number and date dialect from all its values, then convert it in one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from arctl.model import DATE_FORMATS
from arctl.money import AmountError, currency_decimals, parse_amount

EXCEL_SERIAL = "Excel serial number"
# Formats read month first: used only when they are the one reading or are configured.
_MONTH_FIRST = {"MM/DD/YYYY", "MM-DD-YYYY", "MM/DD/YY"}
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_EXCEL_EPOCH = np.datetime64("1899-12-30")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class DateDecision:
    format: str | None
    notice: str | None = None
    ambiguous: bool = False
    candidates: tuple[str, ...] = ()


def _strip_time(values: pd.Series) -> pd.Series:
    return values.str.replace(_TIME_SUFFIX.pattern, "", regex=True)


def _shape(key: str) -> re.Pattern[str]:
    """What a text needs to look like for the format to read it: its digits in the format's groups between
    the format's separators. A necessary condition only (pandas decides), so that a column whose texts are
    no dates is not parsed once per format."""
    separator = next((mark for mark in "-/." if mark in key), None)
    if separator is None:
        return re.compile(r"[\d ]+")
    return re.compile(rf"[\d ]+{re.escape(separator)}[\d ]+{re.escape(separator)}[\d ]+")


_SHAPES = {key: _shape(key) for key in DATE_FORMATS}


def _count_read(texts: list[str], key: str) -> int:
    """How many of the (distinct, stripped) texts the format reads."""
    shape = _SHAPES.get(key)
    candidates = [text for text in texts if shape.fullmatch(text)] if shape else texts
    if not candidates:
        return 0
    return int(_parse_with(pd.Series(candidates, dtype=str), key).notna().sum())


def _parse_with(values: pd.Series, key: str) -> pd.Series:
    if key == EXCEL_SERIAL:
        numbers = pd.to_numeric(values.where(values.str.fullmatch(r"\d{5}(?:\.0+)?"), None), errors="coerce")
        numbers = numbers.where((numbers >= 20000) & (numbers <= 80000))
        days = pd.to_timedelta(numbers, unit="D")
        return (pd.Timestamp(_EXCEL_EPOCH) + days).astype("datetime64[s]")
    return pd.to_datetime(values, format=DATE_FORMATS[key], errors="coerce").astype("datetime64[s]")


def decide_date_format(values: pd.Series, configured: str | None = None, *,
                       typed_cells: bool = False, column: str = "date") -> DateDecision:
    """The date format of a column, chosen from all its (distinct) values.

    A configured format wins. Otherwise the format that reads every value; when several do
    (03/04/2026 fits day-first and month-first), day-first is taken and the notice says so.
    """
    if configured:
        return DateDecision(configured)
    distinct = [text.strip() for text in pd.unique(values) if isinstance(text, str) and text.strip()]
    if typed_cells:  # real date cells read as ISO text; the format concerns the text cells
        distinct = [text for text in distinct if not _ISO_DATE.fullmatch(text)]
        if not distinct:
            return DateDecision("YYYY-MM-DD")
    if not distinct:
        return DateDecision(None)
    distinct = [_TIME_SUFFIX.sub("", text) for text in distinct]
    candidates = list(DATE_FORMATS) + ([EXCEL_SERIAL] if typed_cells else [])
    counts = {key: _count_read(distinct, key) for key in candidates}
    best = max(counts.values())
    if best == 0:
        return DateDecision(None)
    full = [key for key in candidates if counts[key] == best]
    if len(full) == 1:
        return DateDecision(full[0])
    day_first = [key for key in full if key not in _MONTH_FIRST]
    chosen = day_first[0] if day_first else full[0]
    example = _ambiguous_example(pd.Series(distinct, dtype=str), full)
    notice = (f"{column}: dates such as {example} fit {' and '.join(full)}; read as {chosen} (day first). "
              "Set date_format to confirm or change it.")
    return DateDecision(chosen, notice, ambiguous=True, candidates=tuple(full))


def decide_file_dates(values: dict[str, pd.Series], configured: str | None, *, typed_cells: bool,
                      labels: dict[str, str]) -> dict[str, DateDecision]:
    """The format of each date column of one file; an ambiguous column follows another column of the
    same file that reads only one way (then nothing needs saying)."""
    decisions = {column: decide_date_format(series, configured, typed_cells=typed_cells, column=labels[column])
                 for column, series in values.items()}
    settled = [d.format for d in decisions.values() if d.format and not d.ambiguous]
    for column, decision in decisions.items():
        if decision.ambiguous and any(key in decision.candidates for key in settled):
            decisions[column] = DateDecision(next(key for key in settled if key in decision.candidates))
    return decisions


def _ambiguous_example(values: pd.Series, keys: list[str]) -> str:
    parsed = [_parse_with(values, key) for key in keys]
    same = pd.Series(True, index=values.index)
    for series in parsed[1:]:
        same &= series.ne(parsed[0])
    differing = values[same]
    return str(differing.iloc[0] if len(differing) else values.iloc[0])


def parse_dates(values: pd.Series, key: str | None, *, typed_cells: bool = False) -> pd.Series:
    """Dates of a column in a decided format: NaT where empty or not in that format.

    In a spreadsheet, real date cells arrive as ISO text and are read as such whatever the
    format of the column's text cells. Each distinct text is parsed once (a column repeats its dates).
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    texts = pd.Series(distinct, dtype=values.dtype)
    cleaned = _strip_time(texts.str.strip())
    parsed = (_parse_with(cleaned, key) if key is not None
              else pd.Series(pd.NaT, index=texts.index, dtype="datetime64[s]"))
    if typed_cells and key != "YYYY-MM-DD":
        parsed = parsed.fillna(_parse_with(cleaned, "YYYY-MM-DD"))
    return pd.Series(parsed.to_numpy()[codes], index=values.index, dtype="datetime64[s]")


# --- money ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DecimalDecision:
    mark: str
    notice: str | None = None


def decide_decimal_mark(values: pd.Series, configured: str | None = None, fallback: str = ".",
                        column: str = "amounts") -> DecimalDecision:
    """The decimal mark of a set of amount columns, from every distinct value they hold."""
    if configured:
        return DecimalDecision(configured)
    import pyarrow.compute as pc

    from arctl.io.arrowtext import arrow_strings, marks_shown_counts, shown_mark

    every = arrow_strings(values)
    shown = shown_mark(every)  # one kind of vote among all values decides without their distinct values
    if shown is not None:
        return DecimalDecision(shown)
    unique = pc.unique(every)
    unique = unique.filter(pc.not_equal(pc.utf8_trim_whitespace(unique), ""))
    counted = marks_shown_counts(unique)  # the distinct values' marks, counted in one pass where it can
    if counted is not None and any(counted):
        return DecimalDecision("." if counted[0] >= counted[1] else ",")
    distinct = pd.Series(unique.to_pandas(types_mapper=pd.ArrowDtype).array, dtype=str)
    cores = distinct.str.replace(r"[^\d.,]", "", regex=True)
    if counted is None:
        marks = _marks_shown(cores)
        dots, commas = int(marks.eq(".").sum()), int(marks.eq(",").sum())
        if dots or commas:
            return DecimalDecision("." if dots >= commas else ",")
    undecided = cores[cores.str.contains(r"[.,]", regex=True)]
    if undecided.empty:
        return DecimalDecision(fallback)
    name = "comma" if fallback == "," else "point"
    return DecimalDecision(fallback, f"{column}: values such as {distinct[cores.isin(undecided)].iloc[0]} could have "
                                     f"either mark as decimal; read with a decimal {name}. Set decimal to confirm.")


def parse_money(values: pd.Series, currencies: pd.Series, mark: str) -> tuple[pd.Series, pd.Series]:
    """Minor units of each value (int64, 0 where it fails) and the error message where it fails ('' else).

    Plain spellings ('1.234,56', '-12.5') are converted for the whole column at once (`arrowtext`); only
    the rest ('€ 1.234,56', '(12.50)', '12,50-', malformed values) go one distinct value at a time through
    `money.parse_amount`, the one parser of every amount.
    """
    from arctl.io.arrowtext import arrow_strings, plain_minor_units

    text = values.str.strip()
    codes, distinct = pd.factorize(currencies, use_na_sentinel=False)
    places = np.array([-1 if (p := _decimals_or_none(c) if isinstance(c, str) else None) is None else p
                       for c in distinct], dtype=np.int64)
    read, parsed = plain_minor_units(arrow_strings(text), places[codes] if len(codes) else codes, mark)
    minor = pd.Series(parsed, index=values.index, dtype="int64")
    errors = pd.Series(np.full(len(values), "", dtype=object), index=values.index, dtype=object)
    empty = text.eq("").to_numpy(dtype=bool)
    rest = ~read & ~empty
    if rest.any():
        pairs = pd.DataFrame({"text": text[rest], "currency": currencies[rest]})
        cache: dict[tuple[str, str], tuple[int, str]] = {}
        results = []
        for item in zip(pairs["text"].tolist(), pairs["currency"].tolist(), strict=True):
            if item not in cache:
                cache[item] = _parse_one(item[0], item[1], mark)
            results.append(cache[item])
        minor[rest] = np.array([value for value, _ in results], dtype="int64")
        errors[rest] = np.array([message for _, message in results], dtype=object)
    errors[empty] = "empty: expected an amount"
    return minor, errors


def _marks_shown(cores: pd.Series) -> pd.Series:
    """`money.decimal_mark_of` for a whole column at once: '.', ',' or '' where a value cannot tell."""
    dots, commas = cores.str.count(r"\."), cores.str.count(",")
    last = cores.str.replace(r"^.*([.,])\d*$", r"\1", regex=True)
    after = cores.str.replace(r"^.*[.,]", "", regex=True).str.len()
    other = last.map({".": ",", ",": "."})
    return pd.Series(np.select(
        [(dots > 0) & (commas > 0), dots + commas > 1, dots + commas == 1],
        [last, other, np.where(after == 3, "", last)], default=""), index=cores.index)


def map_distinct(values: pd.Series, function) -> pd.Series:
    """`values.map(function)`, calling the function once per distinct value (exports repeat a lot)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    mapped = pd.Series(distinct, dtype=values.dtype).map(function)
    return pd.Series(mapped.take(codes).array, index=values.index, name=values.name)


def _decimals_or_none(currency: str) -> int | None:
    try:
        return currency_decimals(currency)
    except AmountError:
        return None


def _parse_one(text: str, currency: str, mark: str) -> tuple[int, str]:
    try:
        return parse_amount(text, currency, mark), ""
    except AmountError as exc:
        return 0, str(exc)
