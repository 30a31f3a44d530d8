"""Checks made before a state database is used: a state that is empty, damaged, unreadable, read-only or not a
file is refused (StateError, exit 4) with what is wrong and how to restore it, never taken as a new workspace."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import NoSuchModuleError

from arctl.errors import StateError

SQLITE_HEADER = b"SQLite format 3\x00"


def may(path: Path, mode: int) -> bool:
    """This user may read (os.R_OK) or write (os.W_OK) `path`."""
    return os.access(path, mode)


def restore_hint(path: Path) -> str:
    from arctl.state.backup import newest_backup

    newest = newest_backup(path)
    restore = (f"restore the newest backup arctl made, {newest}: with no arctl running, copy it over {path} and "
               f"delete {path.name}-wal and {path.name}-shm beside it (steps taken since that backup was made "
               "will be decided again, so run `arctl dunning run --dry-run` first); or restore"
               if newest is not None else "restore")
    return (f"{restore} {path} from your own backup (with its -wal file, if there is one); moving it aside starts "
            "a new state that has forgotten every dunning step already sent, so run `arctl dunning run --dry-run` "
            "first if you must")


def check_state_folder(folder: Path) -> None:
    """The workspace's .arctl/ must be a folder arctl can write in (it holds the lock and the database)."""
    if folder.exists() and not folder.is_dir():
        raise StateError(f"the state folder {folder} is not a folder",
                         hint=f"move {folder} aside; it should be the folder holding state.sqlite")
    if folder.is_dir() and not may(folder, os.W_OK | os.X_OK):
        raise StateError(f"the state folder {folder} is read-only for this user",
                         hint=f"give this user write access to {folder} (arctl writes the database and its lock "
                         "there), or run arctl as the user who owns it")


def check_sqlite_file(path: Path) -> None:
    """A SQLite state file that exists must be a readable, writable, whole SQLite database; a missing one is
    a new workspace (created by the caller)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StateError(f"the state database {path} cannot be read: {exc.strerror}", hint=restore_hint(path)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise StateError(f"the state database {path} is a folder, not a database file",
                         hint=f"move the folder aside, then {restore_hint(path)}")
    if not stat.S_ISREG(info.st_mode):
        raise StateError(f"the state database {path} is not a regular file", hint=restore_hint(path))
    if info.st_size == 0:
        raise StateError(f"the state database {path} is empty (0 bytes): its history of dunning steps is lost, and "
                         "running on it would send every step again", hint=restore_hint(path))
    if not may(path, os.R_OK):
        raise StateError(f"the state database {path} is not readable for this user",
                         hint=f"give this user read and write access to {path}, or run arctl as its owner")
    if not may(path, os.W_OK):
        raise StateError(f"the state database {path} is read-only",
                         hint=f"give this user write access to {path} (arctl records what it does there)")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StateError(f"the state database {path} cannot be read: {exc.strerror}", hint=restore_hint(path)) from exc
    problem = _header_problem(header, info.st_size)
    if problem:
        raise StateError(f"the state database {path} is damaged: {problem}", hint=restore_hint(path))


def _header_problem(header: bytes, size: int) -> str | None:
    """What the 100-byte SQLite header says is wrong with a file of `size` bytes (sqlite.org/fileformat.html)."""
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return "it is not a SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"its header gives an impossible page size ({page_size})"
    change_counter = int.from_bytes(header[24:28], "big")
    pages = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    if pages and valid_for == change_counter and size < pages * page_size:
        return f"it is cut short ({size} bytes where its header counts {pages} pages of {page_size} bytes)"
    return None


# a URL naming only the database (postgresql://...) gets the driver arctl installs with its `postgresql` extra
_DRIVERS = {"postgresql": ("postgresql+psycopg", "pip install 'arctl[postgresql]'")}


def server_url(location: URL) -> URL:
    """`location` with the driver arctl uses for its database; a driver that is not installed is refused."""
    backend = location.get_backend_name()
    drivername, install = _DRIVERS.get(backend, (None, None))
    if drivername is not None and location.drivername == backend:
        location = location.set(drivername=drivername)
    try:
        location.get_dialect().import_dbapi()
    except ImportError as exc:
        raise StateError(f"state.url names a {backend} database, but its Python driver is not installed ({exc})",
                         hint=install or f"install the SQLAlchemy driver for {location.drivername}") from exc
    except NoSuchModuleError as exc:
        raise StateError(f"state.url: arctl cannot use a database of kind {location.drivername!r} ({exc})",
                         hint="use sqlite:///path/to/state.sqlite or postgresql://user@host/database") from exc
    return location
