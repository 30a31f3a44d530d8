"""The date format of a column is decided by trying each format only on the texts that look like it (digits in
the format's groups between its separators). That shortcut must never hide a text pandas would read: these
tests check it against pandas itself, for every format, on texts made of everything a date cell holds."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arctl.io.dialect import _SHAPES, _parse_with, decide_date_format
from arctl.model import DATE_FORMATS

# Digits (ASCII, full-width, Arabic-Indic), every separator, spaces, letters of month names and ISO times.
_DATE_ALPHABET = "0123456789" "０１２３４５６７８９" "٠١٢٣" "-/.: T+Z" "JanOctMärzéû"
_DATE_LIKE = st.one_of(
    st.text(alphabet=_DATE_ALPHABET, max_size=14),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    st.dates().map(lambda day: day.isoformat()),
    st.builds(lambda d, m, y, sep, pad: f"{d:{pad}2d}{sep}{m:{pad}2d}{sep}{y}",
              st.integers(1, 31), st.integers(1, 12), st.integers(0, 9999), st.sampled_from("-/. "),
              st.sampled_from(["", "0"])),
)


@pytest.mark.parametrize("key", sorted(DATE_FORMATS))
@given(texts=st.lists(_DATE_LIKE, min_size=1, max_size=20))
def test_a_text_a_date_format_reads_always_has_that_formats_shape(key, texts):
    read = _parse_with(pd.Series(texts, dtype=str), key).notna().tolist()
    for text, was_read in zip(texts, read, strict=True):
        if was_read:
            assert _SHAPES[key].fullmatch(text), f"{text!r} is read by {key} but not tried"


def test_a_column_of_texts_that_are_no_dates_has_no_format():
    decision = decide_date_format(pd.Series(["n/a", "see invoice", "€ 12,50", "2026-13-45x"], dtype=str))
    assert decision.format is None


def test_a_column_is_read_in_the_one_format_that_reads_every_date():
    decision = decide_date_format(pd.Series(["31.01.2026", "1.2.2026", "", "28.02.2026 14:30"], dtype=str))
    assert (decision.format, decision.ambiguous) == ("DD.MM.YYYY", False)


def test_a_column_read_both_ways_is_read_day_first_and_says_so():
    decision = decide_date_format(pd.Series(["03/04/2026", "05/06/2026"], dtype=str), column="Vervaldatum")
    assert decision.format == "DD/MM/YYYY" and decision.ambiguous
    assert decision.notice.startswith("Vervaldatum: dates such as 03/04/2026 fit DD/MM/YYYY and MM/DD/YYYY")


def test_in_a_workbook_the_real_date_cells_leave_the_format_to_the_text_cells():
    typed = decide_date_format(pd.Series(["2026-01-31", "45678", "2026-02-01"], dtype=str), typed_cells=True)
    assert typed.format == "Excel serial number"
