"""An import's rows written to a SQLite state in bulk: each column converted once, vectorised, to the values the
row-by-row path stored (a date as its ISO text, NA as NULL, a column left out of the export as its default),
then handed to SQLite as tuples, a chunk at a time, in the one transaction of the import.

The rows stored are the ones `Store.import_invoices`, `import_customers` and `import_bank_lines` store through
SQLAlchemy for any other database: the same values, in the same order, with the same import records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table

from arctl.state import schema

if TYPE_CHECKING:
    from arctl.state.store import ImportRecord, Store

CHUNK = 50_000   # rows converted to Python values at a time: bounds the memory the tuples take
CACHE_KIB = 256 * 1024   # SQLite's page cache during an import (its default is 2 MiB)


# --- the values, column by column ------------------------------------------------------------------------------


def sql_values(column: pd.Series, *, date: bool = False) -> list:
    """The column as the Python values SQLite stores: a date as 'YYYY-MM-DD', NA/NaT/NaN as None, numbers and
    text as they are (numpy scalars as Python ones)."""
    if date:
        return _date_texts(column)
    if column.dtype == object:
        return [_plain(value) for value in column.tolist()]
    values = column.tolist()
    missing = column.isna().to_numpy()
    if missing.any():
        found = np.empty(len(values), dtype=object)
        found[:] = values
        found[missing] = None
        return found.tolist()
    return values


def _date_texts(column: pd.Series) -> list:
    """Each distinct day formatted once (an export has a few thousand of them), then looked up by position."""
    codes, days = pd.factorize(pd.to_datetime(column), use_na_sentinel=True)
    texts = np.empty(len(days) + 1, dtype=object)
    texts[:-1] = [f"{day.year:04d}-{day.month:02d}-{day.day:02d}" for day in days]
    texts[-1] = None    # code -1: no date
    return texts[codes].tolist()


def _plain(value: object) -> object:
    """One value of a column of Python objects, as the row-by-row path converts it."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bool)):
        return int(value)   # type: ignore[call-overload]
    return value


def _defaults(table: Table, given: list[str]) -> dict[str, object]:
    """The columns an insert leaves out that have a default of their own (SQLAlchemy fills those in)."""
    found: dict[str, object] = {}
    for column in table.columns:
        default = column.default
        if column.name not in given and default is not None and getattr(default, "is_scalar", False):
            found[column.name] = getattr(default, "arg", None)
    return found


def _chunks(frame: pd.DataFrame, positions: np.ndarray, fields: list[str], dates: tuple[str, ...],
            constants: list[object], last: tuple[str, ...] = ()) -> Iterator[list[list]]:
    """The rows at `positions` as columns of values: `fields`, then `constants`, then the fields `last`; CHUNK
    rows at a time."""
    every = len(positions) == len(frame)   # every row, in order (a first import): slices, not a copy
    for start in range(0, len(positions), CHUNK):
        part = frame.iloc[start:start + CHUNK] if every else frame.iloc[positions[start:start + CHUNK]]
        columns = [sql_values(part[field], date=field in dates) for field in fields]
        columns += [[value] * len(part) for value in constants]
        columns += [sql_values(part[field], date=field in dates) for field in last]
        yield columns


@contextmanager
def _roomy_cache(connection: Connection) -> Iterator[None]:
    """A larger page cache while an import writes (its index pages stay in memory instead of being spilled into
    the journal mid-transaction); durability settings are left as they are."""
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bound(columns: list[list]) -> tuple[list[str], list[tuple]]:
    """Each column's SQL value: a column empty throughout (all NULL, or all '') as that literal, else a parameter;
    and the rows of the parameters. SQLite binds a value per row and column: an export's many empty columns
    cost as much as its filled ones otherwise."""
    rows = len(columns[0]) if columns else 0
    values, bound = [], []
    for column in columns:
        first = column[0] if rows else None
        if (first is None or (type(first) is str and first == "")) and column.count(first) == rows:
            values.append("NULL" if first is None else "''")
        else:
            values.append("?")
            bound.append(column)
    return values, list(zip(*bound, strict=True)) if bound else [()] * rows


def _insert(connection: Connection, table: Table, names: list[str], chunks: Iterator[list[list]]) -> None:
    for columns in chunks:
        values, rows = _bound(columns)
        if rows:
            connection.exec_driver_sql(f"INSERT INTO {_quoted(table.name)} ({', '.join(map(_quoted, names))}) "
                                       f"VALUES ({', '.join(values)})", rows)


def _update(connection: Connection, table: Table, key: str, names: list[str], chunks: Iterator[list[list]]) -> None:
    """UPDATE by key; the columns are the values of `names`, then the key."""
    for columns in chunks:
        values, rows = _bound(columns)
        if rows:
            settings = ", ".join(f"{_quoted(name)} = {value}" for name, value in zip(names, values, strict=False))
            connection.exec_driver_sql(f"UPDATE {_quoted(table.name)} SET {settings} "
                                       f"WHERE {_quoted(key)} = {values[-1]}", rows)


def _upsert(connection: Connection, table: Table, key: str, frame: pd.DataFrame, fields: list[str],
            dates: tuple[str, ...], fresh_extra: dict[str, object], known_extra: dict[str, object],
            known: np.ndarray) -> None:
    """Insert the rows whose key the state does not hold (with `fresh_extra` and the defaults of the columns
    left out), update the others (the fields given, then `known_extra`), each in the order of the frame."""
    present = [f for f in fields if f in frame.columns]
    inserted = [*present, *fresh_extra]
    defaults = _defaults(table, inserted)
    _insert(connection, table, [*inserted, *defaults],
            _chunks(frame, np.flatnonzero(~known), present, dates, [*fresh_extra.values(), *defaults.values()]))
    settings = [f for f in present if f != key]
    _update(connection, table, key, [*settings, *known_extra],
            _chunks(frame, np.flatnonzero(known), settings, dates, list(known_extra.values()), (key,)))


# --- the three imports ----------------------------------------------------------------------------------------


def import_invoices(store: Store, meta: dict, frame: pd.DataFrame, close: set[str], as_of: dt.date,
                    fields: list[str]) -> ImportRecord:
    """Store.import_invoices in bulk (SQLite)."""
    from arctl.state.store import ImportRecord

    dates = ("issue_date", "due_date", "last_reminder_date")
    ids = frame["invoice_id"].to_numpy(dtype=object)
    with store.engine.begin() as connection, _roomy_cache(connection):
        import_id = store._record_import(connection, meta, len(frame), len(close), "applied")
        before = _Before.read(connection)
        where = before.index.get_indexer(pd.Index(ids)) if len(before.index) else np.full(len(ids), -1)
        known = where >= 0
        _upsert(connection, schema.invoices, "invoice_id", frame, fields, dates,
                {"import_id": import_id, "source_path": meta["path"]},
                {"import_id": import_id, "source_path": meta["path"], "closed_on": None, "closed_import_id": None},
                known)
        if close:
            connection.exec_driver_sql("UPDATE invoices SET closed_on = ?, closed_import_id = ? WHERE invoice_id = ?",
                                       [(as_of.isoformat(), import_id, invoice) for invoice in sorted(close)])
        changed = _changed_amounts(frame, ids, where, before)
        _record_amount_changes(connection, before, changed, _snapshot_day(meta, as_of))
    return ImportRecord(import_id, meta["path"], "invoices", "applied", len(frame), len(close))


@dataclass(frozen=True, slots=True)
class _Before:
    """Every invoice the state holds before the import: its open amount and the date ('YYYY-MM-DD', or None) of
    the import that brought it, by position in `index`."""

    index: pd.Index
    amounts: np.ndarray        # int64
    as_of: list[str | None]

    @classmethod
    def read(cls, connection: Connection) -> _Before:
        result = connection.exec_driver_sql(
            "SELECT invoices.invoice_id, invoices.open_amount, imports.as_of FROM invoices "
            "LEFT OUTER JOIN imports ON imports.id = invoices.import_id")
        rows = result.fetchall()
        ids, amounts, as_of = ([row[n] for row in rows] for n in range(3))
        return cls(pd.Index(np.array(ids, dtype=object)), np.array(amounts, dtype=np.int64), as_of)


def _changed_amounts(frame: pd.DataFrame, ids: np.ndarray, where: np.ndarray, before: _Before) -> dict[str, int]:
    """invoice -> its new open amount, of the invoices the state held with another amount (in the frame's order;
    an invoice listed twice: its last amount)."""
    positions = np.flatnonzero(where >= 0)
    if not len(positions):
        return {}
    new = frame["open_amount"].to_numpy(dtype=np.int64)[positions]
    differs = before.amounts[where[positions]] != new
    return {ids[position]: int(amount) for position, amount in zip(positions[differs], new[differs], strict=True)}


def _record_amount_changes(connection: Connection, before: _Before, changed: dict[str, int], day: dt.date) -> None:
    """As store._record_amount_changes: the old amount (from the day of the import that brought it when nothing
    older is kept) and the new one from `day`."""
    if not changed:
        return
    kept = {row[0] for row in connection.exec_driver_sql("SELECT DISTINCT invoice_id FROM invoice_amounts")
            } & set(changed)
    connection.exec_driver_sql("DELETE FROM invoice_amounts WHERE invoice_id = ? AND seen_on = ?",
                               [(invoice, day.isoformat()) for invoice in sorted(changed)])
    earlier = day - dt.timedelta(days=1)
    first = sorted(set(changed) - kept)
    old = []
    for invoice, position in zip(first, before.index.get_indexer(pd.Index(first)), strict=True):
        on = before.as_of[position]
        since = min(dt.date.fromisoformat(on) if on else earlier, earlier)
        old.append((invoice, since.isoformat(), int(before.amounts[position])))
    new = [(invoice, day.isoformat(), amount) for invoice, amount in changed.items()]
    connection.exec_driver_sql("INSERT INTO invoice_amounts (invoice_id, seen_on, open_amount) VALUES (?, ?, ?)",
                               old + new)


def _snapshot_day(meta: dict, as_of: dt.date) -> dt.date:
    from arctl.state.store import _snapshot_day as day

    return day(meta, as_of)


def import_customers(store: Store, meta: dict, frame: pd.DataFrame, fields: list[str]) -> ImportRecord:
    """Store.import_customers in bulk (SQLite)."""
    from arctl.state.store import ImportRecord

    with store.engine.begin() as connection, _roomy_cache(connection):
        import_id = store._record_import(connection, meta, len(frame), 0, "applied")
        existing = [row[0] for row in connection.exec_driver_sql("SELECT customer_id FROM customers")]
        ids = frame["customer_id"].astype(object) if len(frame) else pd.Series([], dtype=object)
        known = ids.isin(existing).to_numpy() if existing else np.zeros(len(frame), dtype=bool)
        _upsert(connection, schema.customers, "customer_id", frame, fields, (), {"import_id": import_id},
                {"import_id": import_id}, known)
    return ImportRecord(import_id, meta["path"], "customers", "applied", len(frame), 0)


def import_bank_lines(store: Store, meta: dict, frame: pd.DataFrame, fields: list[str],
                      extend_reach, reach: dict[str, dt.date]) -> ImportRecord:
    """Store.import_bank_lines in bulk (SQLite): the transactions not seen before, each once."""
    from arctl.state.store import ImportRecord

    with store.engine.begin() as connection, _roomy_cache(connection):
        extend_reach(connection, reach)
        existing = [row[0] for row in connection.exec_driver_sql("SELECT txn_id FROM bank_lines")]
        ids = frame["txn_id"].astype(object) if len(frame) else pd.Series([], dtype=object)
        fresh = ~ids.duplicated(keep="first").to_numpy()
        if existing:
            fresh &= ~ids.isin(existing).to_numpy()
        positions = np.flatnonzero(fresh)
        import_id = store._record_import(connection, meta, len(positions), 0, "applied")
        present = [f for f in fields if f in frame.columns]
        defaults = _defaults(schema.bank_lines, [*present, "import_id"])
        _insert(connection, schema.bank_lines, [*present, "import_id", *defaults],
                _chunks(frame, positions, present, ("booking_date", "value_date"), [import_id, *defaults.values()]))
    return ImportRecord(import_id, meta["path"], "bank", "applied", len(positions), 0)
