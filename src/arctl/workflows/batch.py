"""The accountant's batch (`arctl aging --clients DIR`, `arctl run --clients DIR`): every client folder of DIR in
worker processes, one report per client, a summary workbook, and the clients that failed listed, never stopping
at the first.

A client folder is a workspace (it holds arctl.yaml) or a folder of that client's exports, read as files. A
workspace's reports go where its daily run puts them, `reports/<date>/`; an export folder's go to
`DIR/_reports/<client>/<date>/`, since the client's own folder holds only what the client sent. Folders whose
name starts with `_` or `.` are not clients. Each client is independent of the others: the same command over
a part of the folders can run on another machine.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from arctl.config import Workspace
from arctl.errors import ArctlError, UsageError
from arctl.model import AgingReport
from arctl.workflows.daily import DEFAULT_BOUNDS

REPORTS_FOLDER = "_reports"


@dataclass(frozen=True, slots=True)
class ClientTask:
    name: str
    folder: Path
    job: str                      # "aging" or "run"
    as_of: dt.date
    bounds: tuple[int, ...]
    reports_root: Path            # DIR/_reports: where an export folder's reports go


@dataclass(frozen=True, slots=True)
class ClientOutcome:
    """What became of one client: its aging and report files, or why it failed."""

    name: str
    kind: str                             # "workspace" or "exports"
    aging: AgingReport | None = None
    reports: tuple[str, ...] = ()         # the files written, as paths
    error: str = ""                       # why the client failed ("" when it did not)
    exit_code: int = 0
    skipped_rows: int = 0                 # unusable rows left out of an export folder's aging
    dso: Decimal | None = None            # days sales outstanding, where the state holds the history
    run: dict[str, Any] | None = None     # with `run`: the daily run's JSON document

    @property
    def failed(self) -> bool:
        return bool(self.error)


@dataclass(slots=True)
class BatchResult:
    as_of: dt.date
    job: str
    labels: tuple[str, ...]
    outcomes: list[ClientOutcome] = field(default_factory=list)   # in the order of the client names
    summary_path: Path | None = None

    @property
    def failed(self) -> list[ClientOutcome]:
        return [o for o in self.outcomes if o.failed]


def client_folders(folder: Path) -> list[Path]:
    """The client folders of DIR, by name: every sub-folder not starting with `_` or `.`."""
    if not folder.is_dir():
        raise UsageError(f"--clients {folder}: not a folder", hint="name the folder that holds one folder per client")
    found = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if not found:
        raise UsageError(f"--clients {folder}: no client folders in it",
                         hint="one folder per client: a workspace (arctl.yaml) or the client's export files")
    return found


def batch(folder: Path, job: str, as_of: dt.date, *, jobs: int | None = None, bounds: tuple[int, ...] = DEFAULT_BOUNDS,
          output: Path | None = None, on_client: Callable[[ClientOutcome], None] | None = None) -> BatchResult:
    """Every client of `folder` in `jobs` worker processes (default: the CPUs); one client's failure is recorded
    with its message and the others go on. Writes the summary workbook (`output`, default
    DIR/_summary-<date>.xlsx)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from arctl.reports.aging import bucket_labels

    tasks = [ClientTask(p.name, p, job, as_of, bounds, folder / REPORTS_FOLDER) for p in client_folders(folder)]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    done: dict[str, ClientOutcome] = {}
    if workers == 1:
        for task in tasks:
            done[task.name] = client_job(task)
            if on_client:
                on_client(done[task.name])
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(client_job, task): task for task in tasks}
            for future in as_completed(futures):
                task = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 (a worker that died must not hide the other clients)
                    outcome = ClientOutcome(task.name, "unknown", error=f"the worker process failed: {exc}",
                                            exit_code=1)
                done[task.name] = outcome
                if on_client:
                    on_client(outcome)
    result = BatchResult(as_of, job, bucket_labels(bounds), [done[t.name] for t in tasks])
    result.summary_path = output or folder / f"_summary-{as_of.isoformat()}.xlsx"
    _write_summary(result)
    return result


def _write_summary(result: BatchResult) -> None:
    from arctl.render.batch import summary_workbook
    from arctl.render.output import write_output

    assert result.summary_path is not None
    data = summary_workbook(result)
    write_output(result.summary_path, lambda temporary: temporary.write_bytes(data))


def client_job(task: ClientTask) -> ClientOutcome:
    """One client, in a worker process: its aging (or its daily run) and its report files. Every error becomes
    the outcome's message; none escapes to stop the batch."""
    from arctl.config import CONFIG_NAME

    kind = "workspace" if (task.folder / CONFIG_NAME).is_file() else "exports"
    try:
        if kind == "workspace":
            return _workspace_client(task)
        return _exports_client(task)
    except ArctlError as error:
        message = error.message + (f" (hint: {error.hint})" if error.hint else "")
        return ClientOutcome(task.name, kind, error=message, exit_code=error.exit_code)
    except Exception as exc:  # noqa: BLE001 (a bug on one client's data must not stop the others; said as such)
        return ClientOutcome(task.name, kind, error=f"unexpected error (please report it): {type(exc).__name__}: "
                             f"{exc}", exit_code=1)


def client_dso(workspace: Workspace, as_of: dt.date, kpis: Any = None) -> Decimal | None:
    """The client's DSO over the three months to `as_of` (`arctl kpi`'s standard DSO) in the workspace's currency,
    else in the currency with the most receivables; None (an empty cell) without imports or credit sales."""
    from arctl.workflows.kpi import kpis_of

    report = kpis if kpis is not None else kpis_of(workspace, as_of)
    if report is None or not report.totals:
        return None
    own = [f for f in report.totals if f.currency == workspace.config.currency]
    figures = own[0] if own else max(report.totals, key=lambda f: f.receivables)
    return None if figures.dso is None else Decimal(str(round(figures.dso, 1)))


def _workspace_client(task: ClientTask) -> ClientOutcome:
    from arctl.workflows.workspace import load_workspace

    workspace = load_workspace(task.folder, task.folder, None)
    assert workspace is not None
    if task.job == "run":
        from arctl.render.daily import daily_json
        from arctl.workflows.daily import daily_run

        ran = daily_run(workspace, task.as_of)
        document = daily_json(ran)
        refused = ran.refused
        if refused is not None:
            return ClientOutcome(task.name, "workspace", error=f"{refused.name}: {refused.message}",
                                 exit_code=refused.exit_code, run=document)
        files = tuple(str(workspace.root / f) for f in (ran.summary or {}).get("reports", []))
        return ClientOutcome(task.name, "workspace", ran.aging, files, exit_code=ran.exit_code,
                             dso=client_dso(workspace, task.as_of, ran.kpis), run=document)
    from arctl.io.export import ReadOptions
    from arctl.workflows.reading import aging

    report = aging([], ReadOptions(), task.as_of, by="due", bounds=task.bounds, on_error="skip",
                   workspace=workspace)
    files = _write(workspace.root / "reports" / task.as_of.isoformat(), workspace, task.as_of, report.report)
    return ClientOutcome(task.name, "workspace", report.report, files, skipped_rows=len(report.skipped),
                         dso=client_dso(workspace, task.as_of))


def _exports_client(task: ClientTask) -> ClientOutcome:
    """A folder of exports: the invoice exports found in it (what `arctl check` detects as invoices), aged; an
    export that cannot be read fails the client, naming the file."""
    from arctl.io.export import ReadOptions
    from arctl.workflows.reading import aging, check

    files = sorted(p for p in task.folder.iterdir() if p.is_file() and not p.name.startswith((".", "_", "~$")))
    if not files:
        raise UsageError(f"{task.folder}: no export files in it")
    checked = check(files, ReadOptions())
    if checked.unreadable:
        raise ArctlError("; ".join(f"{path.name}: {error.message}" for path, error in checked.unreadable))
    invoices = [Path(read.path) for read in checked.reads if getattr(read, "kind", "bank") == "invoices"]
    if not invoices:
        raise UsageError(f"{task.folder}: no invoice export among {', '.join(p.name for p in files)}",
                         hint="put the client's open-items export in its folder")
    report = aging(invoices, ReadOptions(), task.as_of, by="due", bounds=task.bounds, on_error="skip")
    folder = task.reports_root / task.name / task.as_of.isoformat()
    written = _write(folder, None, task.as_of, report.report)
    return ClientOutcome(task.name, "exports", report.report, written, skipped_rows=len(report.skipped))


def _write(folder: Path, workspace: Workspace | None, as_of: dt.date, report: AgingReport) -> tuple[str, ...]:
    from arctl.workflows.daily import DailyReports, write_reports

    written, unchanged = write_reports(folder, DailyReports(workspace, as_of, report))
    return tuple(str(p) for p in sorted(written + unchanged))
