"""State reads as frames: the SQLite driver's path gives what SQLAlchemy's would, column by column."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, create_engine, insert, select

from arctl.state.frames import frame_of

pytestmark = pytest.mark.state

metadata = MetaData()
invoices = Table("invoices", metadata, Column("invoice_id", String, primary_key=True), Column("amount", Integer),
                 Column("due_date", Date), Column("closed_on", Date), Column("disputed", Boolean))


@pytest.fixture
def connection(new_state_url):
    """The frames' table on the session's back end (SQLite in memory takes the driver's path)."""
    url = new_state_url()
    engine = create_engine("sqlite://" if url.startswith("sqlite") else url)
    metadata.create_all(engine)
    with engine.begin() as made:
        made.execute(insert(invoices), [
            {"invoice_id": "2026-0001", "amount": 121000, "due_date": dt.date(2026, 10, 31), "closed_on": None,
             "disputed": False},
            {"invoice_id": "2026-0002", "amount": 60500, "due_date": dt.date(2026, 11, 15),
             "closed_on": dt.date(2026, 11, 20), "disputed": True},
            {"invoice_id": "2026-0003", "amount": -12100, "due_date": None, "closed_on": None, "disputed": None}])
    with engine.connect() as open_:
        yield open_


def sqlalchemy_frame(connection, query) -> pd.DataFrame:
    result = connection.execute(query)
    return pd.DataFrame([tuple(row) for row in result.fetchall()], columns=list(result.keys()))


def test_dates_come_as_dates_and_booleans_as_booleans_as_sqlalchemy_gives_them(connection):
    query = select(invoices).where(invoices.c.invoice_id.in_(("2026-0001", "2026-0002", "2026-0003")))
    ours = frame_of(connection, query)

    assert ours.to_dict("records") == sqlalchemy_frame(connection, query).to_dict("records")
    assert ours.loc[1, "closed_on"] == dt.date(2026, 11, 20) and ours.loc[1, "disputed"] is True


def test_the_dates_asked_for_come_as_datetime64_with_nat_where_empty(connection):
    ours = frame_of(connection, select(invoices).order_by(invoices.c.invoice_id), dates=("due_date",))

    assert str(ours["due_date"].dtype) == "datetime64[s]"
    assert list(ours["due_date"]) == [pd.Timestamp("2026-10-31"), pd.Timestamp("2026-11-15"), pd.NaT]


def test_a_query_with_a_date_parameter_takes_sqlalchemys_path_and_gives_the_same(connection):
    query = select(invoices.c.invoice_id, invoices.c.due_date).where(invoices.c.due_date > dt.date(2026, 11, 1))
    ours = frame_of(connection, query, dates=("due_date",))

    assert list(ours["invoice_id"]) == ["2026-0002"] and ours.loc[0, "due_date"] == pd.Timestamp("2026-11-15")


def test_a_labelled_expression_keeps_its_label(connection):
    query = select(invoices.c.invoice_id, (invoices.c.amount * 2).label("twice")).order_by(invoices.c.invoice_id)

    assert list(frame_of(connection, query)["twice"]) == [242000, 121000, -24200]


def test_no_rows_give_the_columns_empty(connection):
    ours = frame_of(connection, select(invoices).where(invoices.c.amount > 10**9), dates=("due_date",))

    assert list(ours.columns) == ["invoice_id", "amount", "due_date", "closed_on", "disputed"] and ours.empty

