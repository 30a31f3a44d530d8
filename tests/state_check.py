"""The state of a workspace, read by the tests on whichever back end holds it (its state.url, SQLite file or
PostgreSQL schema), the way arctl itself would open it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from arctl.state.opening import server_url
from arctl.state.store import sqlite_url
from arctl.workflows import load_workspace


def state_url(root: Path) -> str:
    workspace = load_workspace(root, root, None)
    assert workspace is not None, f"{root} is not a workspace"
    return workspace.config.state_url or sqlite_url(root / ".arctl" / "state.sqlite")


def state_engine(root: Path) -> Engine:
    """An engine on the state of the workspace at `root`; dispose of it after use."""
    return create_engine(server_url(make_url(state_url(root))))


def state_rows(root: Path, query: str, parameters: dict | None = None) -> list[tuple]:
    engine = state_engine(root)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), parameters or {})]
    finally:
        engine.dispose()


def state_execute(root: Path, statement: str, parameters: dict | None = None) -> None:
    engine = state_engine(root)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement), parameters or {})
    finally:
        engine.dispose()


def table_counts(root: Path) -> dict[str, int]:
    engine = state_engine(root)
    try:
        with engine.connect() as connection:
            return {t: connection.execute(text(f'select count(*) from "{t}"')).scalar_one()
                    for t in sorted(inspect(connection).get_table_names())}
    finally:
        engine.dispose()


def use_state(root: Path, url: str | None) -> None:
    """Name `url` as the state of the workspace at `root` (None: leave its default SQLite file)."""
    if url:
        with (root / "arctl.yaml").open("a", encoding="utf-8") as config:
            config.write(f"state:\n  url: {url}\n")


# surrogate ids differ between two states that hold the same facts (a killed transaction may use up a sequence
# number); these columns are replaced by the natural key of the row they point to
_POINTERS = {"import_id": "imports", "closed_import_id": "imports", "invoice_import_id": "imports",
             "action_id": "dunning_actions", "plan_id": "payment_plans"}
_NATURAL = {"imports": ("path", "kind", "sha256", "taken_at"),
            "dunning_actions": ("as_of", "customer_id", "plan", "step", "channel", "currency"),
            "payment_plans": ("customer_id", "created_on")}


def comparable_state(root: Path) -> dict[str, list[tuple]]:
    """Every table of the workspace's state as a sorted list of rows that two runs doing the same work agree on:
    no surrogate ids (pointers become the natural key of what they point to), and of each time a row was
    written (`*_at` but the export's own `taken_at`) only whether there is one; the workspace's own folder in a
    text (where a row came from) is written <workspace>."""
    from arctl.state import schema

    engine = state_engine(root)
    try:
        with engine.connect() as connection:
            tables = {t.name: [dict(row._mapping) for row in connection.execute(t.select())]
                      for t in schema.metadata.sorted_tables}
    finally:
        engine.dispose()
    here = str(root.resolve())
    keys = {name: {row["id"]: tuple(row.get(c) for c in _NATURAL[name]) for row in tables[name]}
            for name in _NATURAL if name in tables}
    comparable = {}
    for name, rows in tables.items():
        kept = []
        for row in rows:
            values = []
            for column, value in sorted(row.items()):
                if column == "id" and isinstance(value, int):
                    continue
                if column in _POINTERS:
                    value = keys.get(_POINTERS[column], {}).get(value, value)
                elif column.endswith("_at") and column != "taken_at":
                    value = value is not None
                elif isinstance(value, str) and here in value:
                    value = value.replace(here, "<workspace>")
                values.append((column, value))
            kept.append(tuple(values))
        comparable[name] = sorted(kept, key=repr)
    return comparable
