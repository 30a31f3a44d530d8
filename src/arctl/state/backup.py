"""Backups of a SQLite state, made before the changes that cannot be taken back by running again: a migration to
a newer schema, and the import of a new open-items snapshot (which closes what it no longer lists).

Each is a whole, consistent copy made with SQLite's online backup (the -wal file's content included), in
`backups/` beside the database, named by the time (UTC) and the reason; the newest KEEP are kept. A state on a
database server is backed up with that server's tools (pg_dump), not here."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from arctl.errors import StateError

FOLDER = "backups"
KEEP = 10


def backups(database: Path) -> list[Path]:
    """The backups of `database`, oldest first."""
    folder = database.parent / FOLDER
    return sorted(folder.glob(f"{database.stem}-*.sqlite")) if folder.is_dir() else []


def back_up(database: Path, reason: str, now: dt.datetime, keep: int = KEEP) -> Path | None:
    """Copy the state at `database` to backups/<stem>-<time>-<reason>.sqlite; None when there is nothing yet."""
    if not database.is_file() or database.stat().st_size == 0:
        return None
    folder = database.parent / FOLDER
    target = folder / f"{database.stem}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{reason}.sqlite"
    partial = target.with_name(f".{target.name}.partial")
    try:
        folder.mkdir(exist_ok=True)
        with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise StateError(f"the state could not be backed up to {target} before it changes ({exc}); nothing was "
                         "changed", hint=f"make room in {folder} (or give this user write access to it), then run "
                         "again") from exc
    for old in backups(database)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def newest_backup(database: Path) -> Path | None:
    found = backups(database)
    return found[-1] if found else None
