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
