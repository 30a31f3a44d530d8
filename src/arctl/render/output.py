"""Writing a report to the file named by `-o`: its folder is created, the file appears whole or not at all,
and a path that cannot be written is a UsageError (an `Error:` line), never a traceback."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from arctl.errors import UsageError


def write_output(path: Path, write: Callable[[Path], object]) -> None:
    """Create `path`'s folder if it is missing, let `write` write a temporary file beside it, then move that
    into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise UsageError(f"-o {path}: is a folder", hint="name a file, e.g. reports/aging.csv")
        handle, temporary = tempfile.mkstemp(prefix=f".arctl-tmp-{path.name}.", suffix=path.suffix, dir=path.parent)
        os.close(handle)
        try:
            write(Path(temporary))
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write it: {exc.strerror or exc}",
                         hint="name a file in a folder you can write to") from exc


def write_text_output(path: Path, text: str) -> None:
    write_output(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
