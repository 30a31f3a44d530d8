"""The workspace lock: one writing arctl at a time; a lock left by a dead process is simply free.

The lock is an advisory `flock` on `.arctl/lock`: the kernel drops it when its process dies, however
it dies, so there is never a stale lock to break. The file also says who holds it, for the message
the second process prints.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path

from arctl.errors import StateError


class WorkspaceLock:
    """`with WorkspaceLock(folder, wait_seconds=10):` holds the lock, or raises StateError (exit 4)."""

    def __init__(self, folder: Path, *, wait_seconds: float = 10.0, poll_seconds: float = 0.2) -> None:
        self.path = folder / "lock"
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self._handle = None

    def __enter__(self) -> WorkspaceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _describe(self.path)
                    handle.close()
                    raise StateError(f"the workspace is in use by {holder}; waited {self.wait_seconds:g} s",
                                     hint="wait for that run to finish (a lock of a stopped process frees "
                                          "itself)") from None
                time.sleep(self.poll_seconds)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": " ".join(sys.argv),
                                 "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}))
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc_info) -> None:
        if self._handle is not None:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def _describe(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        holder = {}
    if not holder:
        return "another arctl process"
    return (f"arctl (pid {holder.get('pid')} on {holder.get('host')}, running `{holder.get('command', '')}` "
            f"since {holder.get('since')})")
