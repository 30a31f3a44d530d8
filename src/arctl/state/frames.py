"""Query results as pandas frames, column by column.

SQLAlchemy turns every row into a Row and every SQLite date string into a `date`, one Python call per value: at
a million invoices that is most of a state read. On SQLite the query runs on the driver's own cursor instead
and the columns are converted whole: a Date column the caller wants as datetime64 goes straight from its ISO
strings, any other Date column to `date` objects, a Boolean column to bools, as SQLAlchemy would give them.
Other databases, and any query this does not know how to hand over, keep SQLAlchemy's path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Boolean, Date
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

_PLAIN = (str, int, float, type(None))


def frame_of(connection: Connection, query: Select, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows of `query` as a frame, its `dates` columns as datetime64[s] (NaT where empty)."""
    raw = _driver_rows(connection, query) if connection.dialect.name == "sqlite" else None
    rows: Sequence[Sequence[Any]]
    if raw is None:
        result = connection.execute(query)
        names, rows = list(result.keys()), result.fetchall()
        kinds: Sequence[object] = [None] * len(names)
    else:
        names, rows = raw
        kinds = [column.type for column in query.selected_columns]
    columns = list(zip(*rows, strict=True)) or [() for _ in names]
    frame = pd.DataFrame({name: _converted(values, kind, as_datetime=raw is not None and name in dates)
                          for name, values, kind in zip(names, columns, kinds, strict=True)}, columns=names)
    for column in dates:
        if column in frame and frame[column].dtype != "datetime64[s]":
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    return frame


def _driver_rows(connection: Connection, query: Select) -> tuple[list[str], list[tuple]] | None:
    """The query's column names and rows from the sqlite3 cursor, or None when its parameters need SQLAlchemy's
    conversion (anything but text, numbers and NULL) or its column names would not be SQLAlchemy's."""
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.params
    if not all(isinstance(value, _PLAIN) for value in values.values()):
        return None
    keys = list(query.selected_columns.keys())
    params = [values[name] for name in compiled.positiontup or ()] if compiled.positional else values
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        names = [description[0] for description in cursor.description]
        if names != keys:
            return None
        return names, cursor.fetchall()
    finally:
        cursor.close()


def _converted(values: tuple, kind: object, *, as_datetime: bool) -> object:
    if isinstance(kind, Date):
        if as_datetime:
            return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601").astype("datetime64[s]")
        return [None if value is None else dt.date.fromisoformat(value) for value in values]
    if isinstance(kind, Boolean):
        return [None if value is None else bool(value) for value in values]
    return list(values)
