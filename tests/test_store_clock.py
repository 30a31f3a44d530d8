"""The state's timestamps come from the clock the workflow passes in, never from the store's own reading."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from arctl.state import schema
from arctl.state.store import Store

pytestmark = pytest.mark.state

FIXED = dt.datetime(2026, 11, 26, 7, 30, 15, tzinfo=dt.UTC)


def test_the_store_stamps_what_it_writes_with_the_clock_it_is_given(new_state_url):
    store = Store.open(new_state_url(), now=lambda: FIXED)
    try:
        store.remember_iban("NL91ABNA0417164300", "K001", "BE05068123456775:B1")
        with store.engine.connect() as connection:
            learned = connection.execute(select(schema.known_ibans.c.learned_at)).scalar_one()
    finally:
        store.close()

    assert learned == "2026-11-26T07:30:15+00:00"
