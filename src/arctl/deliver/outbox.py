"""The outbox: one folder per run date, documents written so that a crash never leaves half a file under the
final name, and made durable before the run records them."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from arctl.errors import StateError
from arctl.model import action_name, csv_cell

CALL_LIST = "call-list.csv"
CALL_LIST_XLSX = "call-list.xlsx"     # rewritten whole from call-list.csv by every run that writes calls
AGENCY = "agency"                     # outbox/<date>/agency/<customer-step-currency>/: a hand-over's folder
TEMPORARY_PREFIX = ".arctl-tmp-"    # a file being written; one left by a killed run is removed by the next
CALL_KEY = ("customer_id", "step", "currency")  # the call-list columns that name a row's action
PRINT_FOLDER = "print"     # outbox/<date>/print/: the day's letters combined, to print (derived, not recorded)
PRINT_FILES = {"letter": "letters.pdf", "registered_letter": "registered-letters.pdf"}
DOCUMENT_SUFFIXES = (".eml", ".html", ".pdf")


_WRITE_HINTS = {
    errno.ENOSPC: "free disk space where the workspace is, then run again: what was done before stays done, and "
                  "the rest is written then",
    errno.EDQUOT: "free space within this user's disk quota, then run again",
    errno.EROFS: "the outbox is on a read-only file system: mount it writable (or move the workspace), then run again",
    errno.EACCES: "give this user write access to the workspace's outbox/ folder, then run again",
    errno.EPERM: "give this user write access to the workspace's outbox/ folder, then run again",
}


def write_atomically(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename it into place; `sync` flushes it to disk first
    (without it the caller makes a batch durable at once with `make_durable`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{path.name}.", dir=path.parent)
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
        return self.folder / f"{action_name(customer_id, step, currency)}.{suffix}"

    def paths_for(self, path: Path | None) -> tuple[Path, ...]:
        """Every file an action's document is: a call is a row of the day's call-list.csv and call-list.xlsx."""
        if path is None:
            return ()
        return (path, path.with_name(CALL_LIST_XLSX)) if path.name == CALL_LIST else (path,)

    def document_paths(self, customer_id: str, step: str, currency: str, channel: str, *, pdf: bool) -> list[Path]:
        """Every file of an action's document: `paths_for` its path, and beside a letter its PDF when `pdf`."""
        path = self.path_for(customer_id, step, currency, channel)
        if pdf and path is not None and path.suffix == ".html":
            return [path, path.with_suffix(".pdf")]
        return list(self.paths_for(path))

    def print_path(self, channel: str) -> Path:
        """The day's combined PDF of the letters sent by `channel` (letter or registered_letter)."""
        return self.folder / PRINT_FOLDER / PRINT_FILES[channel]

    def shown(self, path: Path) -> str:
        """The path as the user sees it: relative to the workspace."""
        return str(path.relative_to(self.root))

    def write_batch(self, documents: list[tuple[Path, bytes]]) -> None:
        """Write every document atomically, then make the whole batch durable at once. A disk that is full or
        read-only stops the batch with a StateError (exit 4) before any of it is recorded: the next run writes
        it again (`recover` clears what was written of it)."""
        path = self.root
        try:
            for path, data in documents:
                write_atomically(path, data, sync=False)
            make_durable(path for path, _ in documents)
        except OSError as exc:
            raise StateError(f"{self.shown(path)}: cannot be written ({exc.strerror or exc}); the documents of this "
                             "batch are not recorded as sent, and none of them went out",
                             hint=_WRITE_HINTS.get(exc.errno or 0, "fix what the system says and run again: what "
                                                   "was done before stays done, and the rest is written then")) from exc

    def recover(self, recorded: list[dict], since: dt.date | None) -> list[Path]:
        """Bring the outbox back in line with the state after a killed run: remove the temporary files it left,
        and in the folders of `since` and later (the newest day with a recorded action: earlier days were
        recovered by the runs after them) the documents and call-list rows no recorded action names. A run
        killed between writing a document and recording it leaves such a document; this run decides its
        action again (or not, when it is no longer due) and writes it anew. Returns what was removed."""
        removed = [path for path in sorted((self.root / "outbox").glob(f"*/{TEMPORARY_PREFIX}*")) if path.is_file()]
        for path in removed:
            path.unlink(missing_ok=True)
        for folder in sorted((self.root / "outbox").glob("????-??-??")):
            day = _folder_date(folder)
            if day is None or (since is not None and day < since) or not folder.is_dir():
                continue
            mine = [r for r in recorded if r["as_of"] == day]
            named = {part for r in mine for part in r["document"].split(";") if part}
            for path in sorted(folder.iterdir()):
                if path.suffix in DOCUMENT_SUFFIXES and path.is_file() and self.shown(path) not in named:
                    path.unlink()
                    removed.append(path)
            removed += self._recover_agency(folder, named)
            calls = {(r["customer_id"], r["step"], r["currency"]) for r in mine if r["channel"] == "phone"}
            path = folder / CALL_LIST
            if path.is_file():
                data = path.read_bytes()
                kept = _call_list_rows(data, calls)
                if kept is None:
                    path.unlink()
                elif kept != data:
                    write_atomically(path, kept)
                if kept != data:
                    removed.append(path)   # rows removed
                    (folder / CALL_LIST_XLSX).unlink(missing_ok=True)   # the run writes it anew from the CSV
            elif (folder / CALL_LIST_XLSX).is_file():
                (folder / CALL_LIST_XLSX).unlink()
                removed.append(folder / CALL_LIST_XLSX)
        return removed

    def _recover_agency(self, folder: Path, named: set[str]) -> list[Path]:
        """The hand-over folders of `folder`'s day that no recorded action names (a run killed before it
        recorded the hand-over wrote them): removed whole."""
        import shutil

        removed = []
        for handover in sorted((folder / AGENCY).glob("*")) if (folder / AGENCY).is_dir() else []:
            files = [p for p in handover.rglob("*") if p.is_file()] if handover.is_dir() else [handover]
            if not files or any(self.shown(p) not in named for p in files):
                shutil.rmtree(handover) if handover.is_dir() else handover.unlink()
                removed.append(handover)
        return removed

    def agency_folder(self, name: str) -> Path:
        """The folder a hand-over's files go into: outbox/<date>/agency/<name>/."""
        return self.folder / AGENCY / name

    def call_list_with(self, new_rows: bytes) -> bytes:
        """The day's call list with this run's rows (`new_rows`: a header line, then rows) after the rows that
        are already there: a run's call list never replaces an earlier run's rows."""
        path = self.folder / CALL_LIST
        if not path.is_file():
            return new_rows
        old = path.read_bytes()
        if not old.strip():
            return new_rows
        new_header, _, added = new_rows.partition(b"\n")
        old_header = old.split(b"\n", 1)[0].rstrip(b"\r")
        if old_header.removeprefix(b"\xef\xbb\xbf") != new_header:
            return _in_new_dialect(old, new_header) + added   # a list of another locale or an older arctl
        return old + (b"" if old.endswith(b"\n") else b"\n") + added


def _folder_date(folder: Path) -> dt.date | None:
    try:
        return dt.date.fromisoformat(folder.name)
    except ValueError:
        return None


def _call_list_rows(data: bytes, recorded: set[tuple[str, str, str]]) -> bytes | None:
    """A call list with only the rows whose call is recorded (as (customer_id, step, currency)); None when no
    row is left. A list without those columns (another program's, an older arctl's) is kept whole."""
    text = data.decode("utf-8-sig")
    delimiter = _delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows or not all(column in rows[0] for column in CALL_KEY):
        return data
    header = rows[0]
    where = [header.index(column) for column in CALL_KEY]
    keys = {tuple(csv_cell(value) for value in key) for key in recorded}
    kept = [row for row in rows[1:] if len(row) == len(header) and tuple(row[i] for i in where) in keys]
    if len(kept) == len(rows) - 1:
        return data
    if not kept:
        return None
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([header, *kept])
    return out.getvalue().encode("utf-8")


def _delimiter(text: str) -> str:
    """A call list's delimiter, from its header: `;` (a decimal-comma locale's) or `,`."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _in_new_dialect(old: bytes, new_header: bytes) -> bytes:
    """The rows of a day's earlier call list under `new_header` (its delimiter and columns, matched by name;
    a column the old list lacks stays empty), ending in a line break."""
    text = old.decode("utf-8-sig")
    header_text = new_header.decode("utf-8")
    delimiter = _delimiter(header_text)
    columns = next(csv.reader([header_text], delimiter=delimiter))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for record in csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
        writer.writerow([record.get(column) or "" for column in columns])
    return out.getvalue().encode("utf-8")
