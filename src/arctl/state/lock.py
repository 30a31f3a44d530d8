"""The workspace lock: one writing arctl at a time; a lock left by a dead process is simply free.

The lock is the operating system's lock on `.arctl/lock`, taken through filelock (`flock` on Unix,
`LockFileEx` on Windows): the system drops it when its process dies, however it dies, so there is
never a stale lock to break. filelock's fallback to a lock by file existence, on a file system without
`flock`, is refused for that reason. Who holds the lock is written beside it, in `.arctl/lock.holder`,
for the message the second process prints (on Windows the locked file cannot be read by another).

When the state is on a PostgreSQL server (`state.url`), the holder of the file lock also takes the state's
advisory lock on that server (state/advisory.py): two workspace folders on two machines naming one state then
never run at once.

Within one process the lock nests: `arctl run` holds it around the whole daily job, and the import, reconcile
and dunning workflows it calls take it again without waiting for themselves (the operating system's lock is
per open file, so a second `flock` by the same process would wait for the first until it timed out).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from filelock import Timeout

from arctl.errors import StateError
from arctl.state.advisory import ServerLock, takes_server_lock

if sys.platform == "win32":
    from filelock import WindowsFileLock as _OsFileLock
else:
    from filelock import UnixFileLock as _OsFileLock


# lock file -> ((process id, thread id), depth): the locks this process holds; the owner tells a forked child,
# which inherits this dict but not the lock, or another thread, that the entry is not its own
_HELD: dict[str, tuple[tuple[int, int], int]] = {}


def _owner() -> tuple[int, int]:
    return os.getpid(), threading.get_ident()


class WorkspaceLock:
    """`with WorkspaceLock(folder, command="arctl import", now=clock):` holds the lock, or raises StateError
    (exit 4). `command` and `now` say who holds it since when, for the message another process prints. Taken
    again inside the same process it nests (the outer holder stays named)."""

    def __init__(self, folder: Path, *, command: str, now: Callable[[], dt.datetime], wait_seconds: float = 10.0,
                 poll_seconds: float = 0.2, state_url: str | None = None) -> None:
        self.path = folder / "lock"
        self.state_url = state_url
        self.command = command
        self.now = now
        self.holder_path = folder / "lock.holder"
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self._lock: _OsFileLock | None = None
        self._server_lock: ServerLock | None = None
        self._nested = False

    def __enter__(self) -> WorkspaceLock:
        key = str(self.path.absolute())
        owner, depth = _HELD.get(key, ((0, 0), 0))
        if owner == _owner() and depth:
            _HELD[key] = (owner, depth + 1)
            self._nested = True
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = _OsFileLock(self.path, fallback_to_soft=False)
        try:
            lock.acquire(timeout=self.wait_seconds, poll_interval=self.poll_seconds)
        except Timeout:
            raise StateError(f"the workspace is in use by {_describe(self.holder_path)}; "
                             f"waited {self.wait_seconds:g} s",
                             hint="wait for that run to finish (a lock of a stopped process frees itself)") from None
        except OSError as exc:
            if exc.errno != errno.ENOSYS:
                raise
            raise StateError(f"{self.path.parent}: the file system of the workspace cannot lock files, so two runs "
                             "could overlap", hint="keep the workspace on a local disk") from exc
        if takes_server_lock(self.state_url):
            server_lock = ServerLock(self.state_url or "", command=self.command, wait_seconds=self.wait_seconds,
                                     poll_seconds=self.poll_seconds)
            try:
                server_lock.__enter__()
            except BaseException:
                lock.release()
                raise
            self._server_lock = server_lock
        self._lock = lock
        _HELD[key] = (_owner(), 1)
        self.holder_path.write_text(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
            "since": self.now().isoformat(timespec="seconds")}), encoding="utf-8")
        return self

    def __exit__(self, *exc_info) -> None:
        key = str(self.path.absolute())
        if self._nested:
            owner, depth = _HELD[key]
            _HELD[key] = (owner, depth - 1)
            self._nested = False
            return
        if self._lock is not None:
            _HELD.pop(key, None)
            try:
                self.holder_path.write_text("", encoding="utf-8")
            finally:
                try:
                    if self._server_lock is not None:
                        self._server_lock.__exit__(None, None, None)
                finally:
                    self._server_lock = None
                    self._lock.release()
                    self._lock = None


def _describe(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        holder = {}
    if not holder:
        return "another arctl process"
    return (f"arctl (pid {holder.get('pid')} on {holder.get('host')}, running `{holder.get('command', '')}` "
            f"since {holder.get('since')})")
