"""Bring exports into the workspace state; the same file twice changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from arctl.config import Workspace
from arctl.errors import InputError, UsageError
from arctl.io.export import ExportRead, ReadOptions, read_export
from arctl.model import Finding
from arctl.workflows.reading import source_options
from arctl.workflows.workspace import near, open_store, workspace_key, workspace_lock


@dataclass(slots=True)
class ImportResult:
    records: list = field(default_factory=list)        # state.store.ImportRecord per file read
    unchanged: list[str] = field(default_factory=list)         # workspace-relative names
    skipped: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


CLOSURE_SHARE = 0.20


def import_sources(workspace: Workspace | None, paths: list[Path], options: ReadOptions, *, as_of: dt.date,
                   accept_closures: bool, on_error: str) -> ImportResult:
    """Bring exports into the workspace state; the same file twice changes nothing."""
    import hashlib

    from arctl.io.bank.lines import statement_reach
    from arctl.io.bank.read import is_bank_file, read_bank

    if workspace is None:
        raise UsageError("arctl import needs a workspace", hint="create one with `arctl init DIR`, or use -w DIR")
    if paths:
        jobs = [(path, options, False) for path in paths]
    else:
        jobs = [(near(s.path), source_options(s, options, workspace), s.snapshot) for s in workspace.config.sources]
        if not jobs:
            raise UsageError(f"{workspace.config_path}: no sources to import",
                             hint="add them under sources:, or give the files on the command line")
    result = ImportResult()
    with workspace_lock(workspace, "import"):
        store = open_store(workspace)
        try:
            for path, job_options, snapshot in jobs:
                data = Path(path).read_bytes() if Path(path).is_file() else b""
                key, sha256 = workspace_key(Path(path), workspace), hashlib.sha256(data).hexdigest()
                # the export's own time: a later export with the same content is a newer snapshot
                taken_at = (dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
                            if data else "")
                if job_options.kind and store.seen(key, job_options.kind, sha256, taken_at):
                    result.unchanged.append(key)  # known without reading it again
                    continue
                is_bank = is_bank_file(path, job_options)
                read = read_bank(path, job_options) if is_bank else read_export(path, job_options)
                kind = read.kind if isinstance(read, ExportRead) else "bank"
                if store.seen(key, kind, sha256, taken_at):
                    result.unchanged.append(key)
                    continue
                errors = [f for f in read.findings if f.severity == "error"]
                if errors and on_error == "fail":
                    first = errors[0]
                    raise InputError(f"{first.location()}: {first.message} (value {first.value!r}); "
                                     f"{len(errors)} problem(s) in {path}, nothing imported",
                                     hint="fix the export, or import the usable rows with --on-error skip "
                                          "(`arctl check` lists every problem)")
                result.skipped.extend(errors)
                meta = {"path": key, "kind": kind, "sha256": sha256, "rows": getattr(read, "rows", len(read.frame)),
                        "snapshot": snapshot, "taken_at": taken_at, "as_of": as_of}
                if kind == "bank":
                    result.records.append(store.import_bank_lines(
                        meta, read.frame, statement_reach(read.frame, getattr(read, "balances", []))))
                elif kind == "customers":
                    result.records.append(store.import_customers(meta, read.frame))
                else:
                    result.records.append(_import_invoices(store, meta, read.frame, as_of, accept_closures))
            result.counts = store.counts()
        finally:
            store.close()
    return result


def _import_invoices(store, meta: dict, frame, as_of: dt.date, accept_closures: bool):
    """A complete snapshot closes what it no longer lists, unless that looks like a truncated export."""
    if not meta["snapshot"]:
        return store.import_invoices(meta, frame, set(), as_of)
    newest = store.newest_snapshot(meta["path"], "invoices")
    if newest is not None and meta["taken_at"] < newest:  # strictly older: the same time is not older
        return store.record_older_snapshot(meta, len(frame))
    open_before = store.open_invoice_ids(meta["path"])
    close = open_before - set(frame["invoice_id"])
    if open_before and len(close) > CLOSURE_SHARE * len(open_before) and not accept_closures:
        raise InputError(f"{meta['path']}: this snapshot would close {len(close)} of {len(open_before)} open "
                         f"invoices ({len(close) * 100 // len(open_before)} %) at once: that looks like a "
                         "truncated export, so nothing was imported",
                         hint="check the export; if it is complete, import it with --accept-closures")
    return store.import_invoices(meta, frame, close, as_of)
