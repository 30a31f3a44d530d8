"""Copy a whole state into an empty database (`arctl state migrate --to URL`), verified table by table.

The copy is one transaction on the target: its tables are created, every row of every table is written in the
order of the foreign keys, each table's id sequence is moved past its highest id, and then each table is read
back and compared with the source by row count and checksum. Only when every table agrees is it committed;
otherwise nothing of it stays."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, create_engine, func, insert, inspect, select, text
from sqlalchemy.engine import URL, make_url

from arctl.errors import StateError
from arctl.state import schema
from arctl.state.opening import server_url

_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int
    checksum: str     # sha256 of the table's rows in primary-key order, each value in one spelling


def copy_state(source: Connection, target_url: str) -> list[TableCopy]:
    """Copy every table of the state `source` reads into the empty database at `target_url`; the tables as
    copied and verified. A target that already holds tables, or a copy that does not read back the same, is
    refused (StateError) and the target is left as it was."""
    engine = create_engine(server_url(make_url(target_url)))
    try:
        with engine.begin() as target:
            found = inspect(target).get_table_names()
            if found:
                raise StateError(f"{shown_url(target_url)} already holds tables ({', '.join(sorted(found)[:5])}"
                                 f"{', ...' if len(found) > 5 else ''}): arctl copies a state only into an empty "
                                 "database", hint="name a new database (CREATE DATABASE ...) or an empty schema")
            schema.metadata.create_all(target)
            copied = []
            for table in schema.metadata.sorted_tables:
                for rows in _batches(source, table):
                    target.execute(insert(table), rows)
                _move_sequence(target, table)
                expected, got = table_summary(source, table), table_summary(target, table)
                if expected != got:
                    raise StateError(f"the copy of table {table.name} does not read back the same: {expected.rows} "
                                     f"row(s) with checksum {expected.checksum[:12]} in the source, {got.rows} "
                                     f"with {got.checksum[:12]} in {shown_url(target_url)}; nothing was kept",
                                     hint="report this as a bug, with both databases' versions")
                copied.append(got)
            return copied
    finally:
        engine.dispose()


def table_summary(connection: Connection, table: Table) -> TableCopy:
    """The table's row count and checksum, the same for the same rows on any database."""
    digest = hashlib.sha256()
    rows = 0
    order = list(table.primary_key.columns) or list(table.columns)
    for row in connection.execute(select(table).order_by(*order)):
        digest.update(repr(tuple(_spelled(value) for value in row)).encode("utf-8"))
        digest.update(b"\n")
        rows += 1
    return TableCopy(table.name, rows, digest.hexdigest())


def _spelled(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _batches(source: Connection, table: Table) -> Iterable[list[dict]]:
    result = source.execute(select(table))
    keys = list(result.keys())
    for part in result.partitions(_BATCH):
        yield [dict(zip(keys, row, strict=True)) for row in part]


def _move_sequence(target: Connection, table: Table) -> None:
    """After rows were written with their own ids, the next id the database gives must come after them."""
    if target.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:   # whichever has a sequence behind it (SERIAL, an identity)
        sequence = target.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                  {"table": table.name, "column": column.name}).scalar()
        if sequence:
            highest = target.execute(select(func.max(column))).scalar()
            target.execute(text("SELECT setval(:sequence, :value, :called)"),
                           {"sequence": sequence, "value": highest or 1, "called": highest is not None})


def same_database(engine_url: URL, url: str) -> bool:
    """`url` names the database `engine_url` (an open store's) is."""
    return server_url(make_url(url)).render_as_string() == engine_url.render_as_string()


def shown_url(url: str | URL) -> str:
    """A database as a person names it: a SQLite state by its file, any other by its URL (never a password)."""
    location = make_url(url)
    if location.get_backend_name() == "sqlite" and location.database:
        return location.database
    return location.render_as_string(hide_password=True)
