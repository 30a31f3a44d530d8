"""The workspace lock: one writing arctl at a time; a lock left by a dead process is simply free.

The lock is the operating system's lock on `.arctl/lock`, taken through filelock (`flock` on Unix,
`LockFileEx` on Windows): the system drops it when its process dies, however it dies, so there is
never a stale lock to break. filelock's fallback to a lock by file existence, on a file system without
`flock`, is refused for that reason. Who holds the lock is written beside it, in `.arctl/lock.holder`,
for the message the second process prints (on Windows the locked file cannot be read by another).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from filelock import Timeout

from arctl.errors import StateError

if sys.platform == "win32":
    from filelock import WindowsFileLock as _OsFileLock
else:
    from filelock import UnixFileLock as _OsFileLock


class WorkspaceLock:
    """`with WorkspaceLock(folder, command="arctl import", now=clock):` holds the lock, or raises StateError
    (exit 4). `command` and `now` say who holds it since when, for the message another process prints."""

    def __init__(self, folder: Path, *, command: str, now: Callable[[], dt.datetime], wait_seconds: float = 10.0,
                 poll_seconds: float = 0.2) -> None:
        self.path = folder / "lock"
        self.command = command
        self.now = now
        self.holder_path = folder / "lock.holder"
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self._lock: _OsFileLock | None = None

    def __enter__(self) -> WorkspaceLock:
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
        self._lock = lock
        self.holder_path.write_text(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
            "since": self.now().isoformat(timespec="seconds")}), encoding="utf-8")
        return self

    def __exit__(self, *exc_info) -> None:
        if self._lock is not None:
            try:
                self.holder_path.write_text("", encoding="utf-8")
            finally:
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
