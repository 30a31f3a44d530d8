"""The state's lock on a database server: a PostgreSQL advisory lock, held for as long as a connection of its own
stays open, so that two people whose workspaces on two machines name one `state.url` never run the same step.

The server drops the lock when that connection ends, however its process ends: there is never a stale lock. The
key is arctl's (ARCTL_KEY) and the state's schema's: one server can keep many clients' states, each in a database
or a schema of its own, each locked on its own. The connection is named after its holder (application_name), which
is how the second process can say who holds the lock."""

from __future__ import annotations

import os
import socket
import time
import zlib
from types import TracebackType

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from arctl.errors import StateError
from arctl.state.opening import server_url

ARCTL_KEY = 0x61726374  # "arct": the first half of every arctl advisory lock key
_NAME_LIMIT = 63        # PostgreSQL keeps this much of an application_name


def takes_server_lock(url: str | None) -> bool:
    """The state at `url` is on a server whose own lock arctl takes (PostgreSQL)."""
    return bool(url) and make_url(url).get_backend_name() == "postgresql"  # type: ignore[arg-type]


class ServerLock:
    """`with ServerLock(url, command="arctl run"):` holds the advisory lock of the state at `url`, waiting up to
    `wait_seconds` for another holder to let go, or raises StateError (exit 4) naming that holder."""

    def __init__(self, url: str, *, command: str, wait_seconds: float = 10.0, poll_seconds: float = 0.2) -> None:
        self.url = url
        self.command = command
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def __enter__(self) -> ServerLock:
        self._engine = create_engine(server_url(make_url(self.url)), poolclass=NullPool)
        try:
            self._connection = self._engine.connect()
            name = f"{self.command} (pid {os.getpid()} on {socket.gethostname()})"[:_NAME_LIMIT]
            self._connection.execute(text("SELECT set_config('application_name', :name, false)"), {"name": name})
            key = _schema_key(self._connection)
            deadline = time.monotonic() + self.wait_seconds
            while not self._connection.execute(text("SELECT pg_try_advisory_lock(:a, :b)"),
                                               {"a": ARCTL_KEY, "b": key}).scalar_one():
                self._connection.commit()  # let each try see the server as it is now
                if time.monotonic() >= deadline:
                    holder = _holder(self._connection, key)
                    raise StateError(f"the workspace state is in use by {holder}; waited {self.wait_seconds:g} s",
                                     hint="wait for that run to finish (the lock of a stopped process frees itself)")
                time.sleep(self.poll_seconds)
            self._connection.commit()
        except DBAPIError as exc:
            self._close()
            raise StateError(f"the state database cannot be locked: {exc.orig}",
                             hint="check that the PostgreSQL server in state.url is reachable") from exc
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._close()  # the server releases a session's advisory locks when its connection ends

    def _close(self) -> None:
        try:
            if self._connection is not None:
                self._connection.close()
        finally:
            self._connection = None
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


def _schema_key(connection: Connection) -> int:
    schema = connection.execute(text("SELECT current_schema()")).scalar_one() or "public"
    return zlib.crc32(schema.encode("utf-8")) & 0x7FFFFFFF


def _holder(connection: Connection, key: int) -> str:
    row = connection.execute(text(
        "SELECT a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :a AND l.objid = :b AND l.objsubid = 2 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {"a": ARCTL_KEY, "b": key}).first()
    if row is None:
        return "another arctl process"
    name, address, since = row
    where = f" connected from {address}" if address else ""
    started = f" since {since.isoformat(timespec='seconds')}" if since else ""
    return f"{name or 'another arctl process'}{where}{started}"
