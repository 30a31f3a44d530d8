"""The outbox: one folder per run date, documents written so that a crash never leaves half a file under the
final name, and made durable before the run records them."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from arctl.model import safe_name

CALL_LIST = "call-list.csv"


def write_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename it into place; `sync` flushes it to disk first
    (without it the caller makes a batch durable at once with `make_durable`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if sync:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def make_durable(paths: Iterable[Path]) -> None:
    """Flush written files to disk: one system-wide sync where the OS has it, else each file in turn."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())


class Outbox:
    """outbox/<date>/ of a workspace: where each action's document goes, and writing a batch of them."""

    def __init__(self, workspace_root: Path, as_of_text: str) -> None:
        self.root = workspace_root
        self.folder = workspace_root / "outbox" / as_of_text

    def path_for(self, customer_id: str, step: str, currency: str, channel: str) -> Path | None:
        """The file an action's document is written to: a call goes on the day's call list, an e-mail is an
        .eml, anything on paper an .html letter; nothing when a person must act."""
        if channel == "person":
            return None
        if channel == "phone":
            return self.folder / CALL_LIST
        suffix = "eml" if channel == "email" else "html"
        return self.folder / f"{safe_name(customer_id)}-{safe_name(step)}-{currency}.{suffix}"

    def shown(self, path: Path) -> str:
        """The path as the user sees it: relative to the workspace."""
        return str(path.relative_to(self.root))

    def write_batch(self, documents: list[tuple[Path, bytes]]) -> None:
        """Write every document atomically, then make the whole batch durable at once."""
        for path, data in documents:
            write_atomically(path, data, sync=False)
        make_durable(path for path, _ in documents)
