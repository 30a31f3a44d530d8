"""The vectorised decimal-mark evidence of a column agrees with money's rule for one value."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from arctl.io.dialect import _marks_shown
from arctl.money import decimal_mark_of

CORES = st.text(alphabet="0123456789.,", min_size=1, max_size=14)


@given(st.lists(CORES, min_size=1, max_size=30))
def test_column_evidence_equals_the_single_value_rule(cores):
    shown = _marks_shown(pd.Series(cores, dtype=str)).tolist()
    assert shown == [decimal_mark_of(core) or "" for core in cores]
