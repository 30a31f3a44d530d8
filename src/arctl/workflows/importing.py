"""Bring exports into the workspace state; the same file twice changes nothing; a watched folder's new files once
each, in date order."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from arctl.config import Workspace
from arctl.errors import InputError, UsageError
from arctl.io.bank.lines import BankRead
from arctl.io.export import ExportRead, ReadOptions, read_export
from arctl.model import Finding
from arctl.workflows.reading import source_options
from arctl.workflows.sources import Resolved, file_time, resolve_sources, source_key
from arctl.workflows.workspace import near, open_store, workspace_key, workspace_lock


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file found in a watched folder or glob that no import had read before."""

    source: str           # the source as written in arctl.yaml (exports/bank/)
    path: str             # the file, relative to the workspace
    dated: dt.date        # the order files are imported in
    dated_by: str         # "statement": its closing balance, else newest booking; "file time": when it was saved
    outcome: str = "imported"   # or "superseded": an open-items export older than one found with it


@dataclass(slots=True)
class ImportResult:
    records: list = field(default_factory=list)        # state.store.ImportRecord per file read
    unchanged: list[str] = field(default_factory=list)         # workspace-relative names
    skipped: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    new_files: list[NewFile] = field(default_factory=list)     # of the watched sources, in the order imported
    known_files: dict[str, int] = field(default_factory=dict)  # watched source -> its files imported before (of
    snapshot_sources: set[str] = field(default_factory=set)    # these: not newer than the last export imported)


@dataclass(frozen=True, slots=True)
class _Job:
    path: Path                  # the file to read, as a person names it
    options: ReadOptions
    snapshot: bool = False
    key: str | None = None      # how the state names the import; default: the file (a watched snapshot: its folder)
    read: ExportRead | BankRead | None = None   # read already (a watched statement, to learn its date)
    watched: str | None = None  # the watched folder or glob it was found in (as written in arctl.yaml)


CLOSURE_SHARE = 0.20


def import_sources(workspace: Workspace | None, paths: list[Path], options: ReadOptions, *, as_of: dt.date,
                   accept_closures: bool, on_error: str) -> ImportResult:
    """Bring exports into the workspace state; the same file twice changes nothing."""
    if workspace is None:
        raise UsageError("arctl import needs a workspace", hint="create one with `arctl init DIR`, or use -w DIR")
    if not paths and not workspace.config.sources:
        raise UsageError(f"{workspace.config_path}: no sources to import",
                         hint="add them under sources:, or give the files on the command line")
    result = ImportResult()
    # the files are hashed in threads (hashing releases the GIL), side by side and while the state opens: a
    # re-import of unchanged files costs about the largest file's hash
    with workspace_lock(workspace, "import"), ThreadPoolExecutor(max_workers=4) as hashing:
        early = {path: hashing.submit(_fingerprint, path) for path in (paths or _file_sources(workspace))}
        store = open_store(workspace)
        try:
            jobs = ([_Job(path, options) for path in paths] if paths
                    else _source_jobs(workspace, store, options, result))
            prints = [early.get(job.path) or hashing.submit(_fingerprint, job.path) for job in jobs]
            for job, fingerprint in zip(jobs, prints, strict=True):
                try:
                    _import_file(store, workspace, job, result, as_of=as_of, accept_closures=accept_closures,
                                 on_error=on_error, fingerprint=fingerprint.result())
                except InputError as error:
                    raise _found_in(error, job.watched) from error
            result.counts = store.counts()
        finally:
            store.close()
    return result


def _file_sources(workspace: Workspace) -> list[Path]:
    """The files of arctl.yaml's file sources (not the watched ones), to hash early; none when they cannot be
    resolved (_source_jobs says why, after the state was opened, as before)."""
    try:
        return [near(resolved.found.files[0]) for resolved in resolve_sources(workspace)
                if not resolved.watched and resolved.found.files]
    except Exception:  # noqa: BLE001 (only an optimisation: the same call is made again and raises then)
        return []


def _source_jobs(workspace: Workspace, store, options: ReadOptions, result: ImportResult) -> list[_Job]:
    """The files of arctl.yaml's sources to import, in order: each file source; of a watched open-items snapshot
    source its newest export newer than the last one imported; of any other watched source every file not
    imported before, oldest first (a statement by its own date)."""
    jobs: list[_Job] = []
    for resolved in resolve_sources(workspace):
        source = resolved.source
        job_options = source_options(source, options, workspace)
        if not resolved.watched:
            jobs.append(_Job(near(resolved.found.files[0]), job_options, source.snapshot))
        elif source.snapshot and source.kind == "invoices":
            jobs.extend(_newest_snapshot(workspace, store, resolved, job_options, result))
        else:
            jobs.extend(_new_files(workspace, store, resolved, job_options, result))
    return jobs


def _newest_snapshot(workspace: Workspace, store, resolved: Resolved, options: ReadOptions,
                     result: ImportResult) -> list[_Job]:
    """A watched folder of complete open-items exports is one source: only its newest export counts (an older
    one would close invoices a newer one lists). The state names the import by the folder, so that the next
    export closes what this one listed and no longer does."""
    key, written = source_key(resolved, workspace), resolved.source.written
    last = store.newest_snapshot(key, "invoices") or ""
    fresh = sorted(((file_time(path), path.name, path) for path in resolved.found.files
                    if file_time(path) > last), key=lambda found: found[:2])
    result.known_files[written] = len(resolved.found.files) - len(fresh)
    result.snapshot_sources.add(written)
    if not fresh:
        return []
    for taken, _, path in fresh[:-1]:
        result.new_files.append(NewFile(written, workspace_key(path, workspace), _day(taken, workspace),
                                        "file time", "superseded"))
    taken, _, path = fresh[-1]
    result.new_files.append(NewFile(written, workspace_key(path, workspace), _day(taken, workspace), "file time"))
    return [_Job(near(path), options, True, key, watched=written)]


def _new_files(workspace: Workspace, store, resolved: Resolved, options: ReadOptions,
               result: ImportResult) -> list[_Job]:
    """The files of a watched source that no import read before, oldest first: a bank statement by the last day
    it covers (its closing balance, else its newest booking), other exports by their file time."""
    from arctl.io.bank.lines import statement_reach
    from arctl.io.bank.read import read_bank

    written, kind = resolved.source.written, resolved.source.kind
    found = []
    for path in resolved.found.files:
        sha256, taken = _fingerprint(path)
        # a statement is the same whenever its file was saved (a copy or a sync tool changes the time); another
        # export saved again may be a newer one with the same content
        if store.seen(workspace_key(path, workspace), kind, sha256, _time_that_counts(kind, taken)):
            continue
        try:
            read = read_bank(near(path), options) if kind == "bank" else None
        except InputError as error:
            raise _found_in(error, written) from error
        reach = statement_reach(read.frame, read.balances) if read is not None else {}
        dated, dated_by = (max(reach.values()), "statement") if reach else (_day(taken, workspace), "file time")
        found.append((dated, path.name, _Job(near(path), options, read=read, watched=written),
                      NewFile(written, workspace_key(path, workspace), dated, dated_by)))
    found.sort(key=lambda item: item[:2])
    result.known_files[written] = len(resolved.found.files) - len(found)
    result.new_files.extend(item[3] for item in found)
    return [item[2] for item in found]


def _import_file(store, workspace: Workspace, job: _Job, result: ImportResult, *, as_of: dt.date,
                 accept_closures: bool, on_error: str, fingerprint: tuple[str, str] | None = None) -> None:
    from arctl.io.bank.lines import statement_reach
    from arctl.io.bank.read import is_bank_file, read_bank

    path, shown = job.path, workspace_key(job.path, workspace)
    key = job.key or shown
    sha256, taken_at = fingerprint if fingerprint is not None else _fingerprint(path)
    known = job.options.kind
    if known and store.seen(key, known, sha256, _time_that_counts(known, taken_at)):
        result.unchanged.append(shown)  # known by its content hash, without reading it again
        return
    read = job.read
    if read is None:
        read = read_bank(path, job.options) if is_bank_file(path, job.options) else read_export(path, job.options)
    kind = read.kind if isinstance(read, ExportRead) else "bank"
    if store.seen(key, kind, sha256, _time_that_counts(kind, taken_at)):
        result.unchanged.append(shown)
        return
    errors = [f for f in read.findings if f.severity == "error"]
    if errors and on_error == "fail":
        first = errors[0]
        raise InputError(f"{first.location()}: {first.message} (value {first.value!r}); "
                         f"{len(errors)} problem(s) in {path}, nothing imported",
                         hint="fix the export, or import the usable rows with --on-error skip "
                              "(`arctl check` lists every problem)")
    result.skipped.extend(errors)
    meta = {"path": key, "file": shown, "kind": kind, "sha256": sha256, "rows": getattr(read, "rows", len(read.frame)),
            "snapshot": job.snapshot, "taken_at": taken_at, "as_of": as_of}
    if kind == "bank":
        assert isinstance(read, BankRead)
        record = store.import_bank_lines(meta, read.frame, statement_reach(read.frame, read.balances))
    elif kind == "customers":
        record = store.import_customers(meta, read.frame)
    else:
        record = _import_invoices(store, meta, read.frame, as_of, accept_closures)
    result.records.append(record if key == shown else replace(record, path=shown))


def _found_in(error: InputError, watched: str | None) -> InputError:
    """A file of a watched folder that cannot be imported: say how to get it out of the way."""
    if watched is None:
        return error
    move = f"or move the file out of {watched} (arctl.yaml watches that folder for exports)"
    return InputError(error.message, hint=f"{error.hint}; {move}" if error.hint else move)


def _fingerprint(path: Path) -> tuple[str, str]:
    """The export's content hash and its own time: a later export with the same content is a newer snapshot."""
    import hashlib

    path = Path(path)
    if not path.is_file():
        return hashlib.sha256(b"").hexdigest(), ""
    taken = file_time(path)
    with path.open("rb") as handle:   # read in blocks: a statement of a million lines is not held in memory
        return hashlib.file_digest(handle, "sha256").hexdigest(), taken


def _time_that_counts(kind: str, taken_at: str) -> str | None:
    """The file time that, with the content hash, makes an import the same one: none for a bank statement (its
    lines carry their dates: the same statement saved again or copied is the same), the export's time for
    another export (the same content exported later is a newer snapshot)."""
    return None if kind == "bank" else taken_at


def _day(taken_at: str, workspace: Workspace) -> dt.date:
    """The calendar day of a file time in the workspace's time zone."""
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(taken_at).astimezone(ZoneInfo(workspace.config.timezone)).date()


def _import_invoices(store, meta: dict, frame, as_of: dt.date, accept_closures: bool):
    """A complete snapshot closes what it no longer lists, unless that looks like a truncated export."""
    if not meta["snapshot"]:
        return store.import_invoices(meta, frame, set(), as_of)
    newest = store.newest_snapshot(meta["path"], "invoices")
    if newest is not None and meta["taken_at"] < newest:  # strictly older: the same time is not older
        return store.record_older_snapshot(meta, len(frame))
    open_before = store.open_invoice_ids(meta["path"])
    close = open_before.difference(frame["invoice_id"].tolist()) if open_before else set()
    if open_before and len(close) > CLOSURE_SHARE * len(open_before) and not accept_closures:
        raise InputError(f"{meta['file']}: this snapshot would close {len(close)} of {len(open_before)} open "
                         f"invoices ({len(close) * 100 // len(open_before)} %) at once: that looks like a "
                         "truncated export, so nothing was imported",
                         hint="check the export; if it is complete, import it with --accept-closures")
    if open_before:   # a new snapshot over an older one: what it closes is a backup away (state/backup.py)
        store.back_up("before-import")
    return store.import_invoices(meta, frame, close, as_of)
