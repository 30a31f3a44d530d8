"""The daily run (`arctl run`): import the sources, reconcile, run dunning, write the day's reports; one lock
around it all, stopping at the first step that refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arctl.config import Workspace
from arctl.errors import ArctlError, DeliveryError, UsageError
from arctl.model import AgingReport
from arctl.workflows.workspace import workspace_lock

if TYPE_CHECKING:
    from arctl.model import KpiReport
    from arctl.reconcile.payments import Payments
    from arctl.reports.todo import TodoList
    from arctl.workflows.running import RunResult

STEPS = ("import", "reconcile", "dunning", "reports")
DEFAULT_BOUNDS = (30, 60, 90)


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """One step of the run: `done` (it changed something), `nothing_new` or `refused` (the run stops there)."""

    name: str
    status: str
    exit_code: int = 0
    summary: dict[str, Any] = field(default_factory=dict)   # JSON-ready: counts, and amounts as strings
    message: str = ""                                        # a refusal's error and hint
    hint: str = ""


@dataclass(frozen=True, slots=True)
class DailyReports:
    """What the day's report files are written from."""

    workspace: Workspace | None          # None: a client's folder of exports (the batch)
    as_of: dt.date
    aging: AgingReport
    worklist: TodoList | None = None     # what waits for a person (a workspace only)
    kpis: KpiReport | None = None        # the last three months' KPIs (a workspace with imports only)

    @property
    def locale(self) -> str:
        return self.workspace.config.locale if self.workspace is not None else "en_GB"


# A report file of reports/<date>/ and the function that gives its bytes (None: no such file today). A writer that
# writes to a path rather than returning bytes is wrapped with `via_file`.
ReportWriter = Callable[[DailyReports], "bytes | None"]


def via_file(write: Callable[[Any, Path], object], part: Callable[[DailyReports], Any]) -> ReportWriter:
    """A writer `write(value, path)` as a ReportWriter: it writes a temporary file whose bytes are returned."""
    def bytes_of(reports: DailyReports) -> bytes | None:
        import tempfile

        value = part(reports)
        if value is None:
            return None
        with tempfile.TemporaryDirectory(prefix="arctl-report-") as folder:
            path = Path(folder) / "report"
            write(value, path)
            return path.read_bytes()
    return bytes_of


def _aging_json(reports: DailyReports) -> bytes:
    import json

    from arctl.render.aging import aging_json

    return (json.dumps(aging_json(reports.aging), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _aging_csv(reports: DailyReports) -> bytes:
    from arctl.render.aging import aging_csv

    return aging_csv(reports.aging, reports.locale).encode("utf-8")


def _aging_xlsx(reports: DailyReports, path: Path) -> None:
    """The workbook, with a KPIs sheet when there are KPIs (its creation date is the report's: the same day's
    run writes the same bytes)."""
    from arctl.render.aging_xlsx import key_value_sheet, write_aging_xlsx
    from arctl.render.kpi import kpi_pairs

    extra = [key_value_sheet("KPIs", kpi_pairs(reports.kpis))] if reports.kpis is not None else []
    write_aging_xlsx(path, reports.aging, extra=extra)


def _aging_html(reports: DailyReports) -> bytes:
    from arctl.render.aging_html import aging_html
    from arctl.render.kpi import kpi_summary

    workspace = reports.workspace
    kpis = kpi_summary(reports.kpis, reports.locale) if reports.kpis is not None else None
    return aging_html(reports.aging, reports.locale, kpis=kpis,
                      company=workspace.config.company.name if workspace is not None else None,
                      templates=workspace.root / "templates" if workspace is not None else None).encode("utf-8")


def _todo(suffix: str) -> ReportWriter:
    def write(worklist: TodoList, path: Path) -> None:
        from arctl.render.todo import write_todo

        write_todo(worklist, path.with_suffix(suffix))
        path.with_suffix(suffix).replace(path)
    return via_file(write, lambda reports: reports.worklist)


# The files of reports/<date>/, in order.
REPORT_FILES: list[tuple[str, ReportWriter]] = [
    ("aging.json", _aging_json),
    ("aging.csv", _aging_csv),
    ("aging.xlsx", via_file(_aging_xlsx, lambda reports: reports)),
    ("aging.html", _aging_html),
    ("todo.json", _todo(".json")),
    ("todo.csv", _todo(".csv")),
]


def worklist_of(workspace: Workspace, as_of: dt.date, standing: Payments | None = None) -> TodoList:
    """What waits for a person on `as_of` (`arctl todo`'s list); `standing`: the payments the reconcile step
    listed (nothing after it changes a match)."""
    from arctl.workflows.todo import collect

    return collect(workspace, as_of, standing)


@dataclass(slots=True)
class DailyResult:
    as_of: dt.date
    steps: list[StepOutcome] = field(default_factory=list)
    summary: dict[str, Any] | None = None    # when every step ran
    aging: AgingReport | None = None         # the day's aging (for the totals a person reads)
    kpis: KpiReport | None = None
    dunning: RunResult | None = None

    @property
    def refused(self) -> StepOutcome | None:
        return next((s for s in self.steps if s.status == "refused"), None)

    @property
    def exit_code(self) -> int:
        """The refusing step's code, else the highest code of a step that ran to its end (5: an e-mail not sent)."""
        refused = self.refused
        return refused.exit_code if refused else max((s.exit_code for s in self.steps), default=0)


Progress = Callable[[str, "StepOutcome | None"], None]   # (step, None) as it starts; (step, outcome) at its end


def daily_run(workspace: Workspace | None, as_of: dt.date, *, send: bool = False, allow_stale_bank: bool = False,
              accept_closures: bool = False, progress: Progress | None = None) -> DailyResult:
    """Import, reconcile, dunning run and the day's reports, under one workspace lock. A step that raises an
    ArctlError is `refused` and ends the run; the steps before it stay done (each one is complete on its own).
    Running again for the same date finds nothing new: every step answers `nothing_new`."""
    if workspace is None:
        raise UsageError("arctl run needs a workspace", hint="run it inside one, or use -w DIR")
    result = DailyResult(as_of)
    facts: dict[str, Any] = {}
    try:
        with workspace_lock(workspace, "run"):
            _run_steps(workspace, as_of, result, facts, progress or (lambda name, outcome: None), send=send,
                       allow_stale_bank=allow_stale_bank, accept_closures=accept_closures)
    except ArctlError as error:   # the lock itself: each step's refusal is caught inside
        result.steps.append(_refused("lock", error))
        return result
    if result.refused is None:
        result.summary = _summary(facts)
        result.aging, result.dunning, result.kpis = facts["aging"], facts["dunning"], facts["kpis"]
    return result


def _run_steps(workspace: Workspace, as_of: dt.date, result: DailyResult, facts: dict, progress: Progress,
               **options: bool) -> None:
    for name, step in (("import", _import), ("reconcile", _reconcile), ("dunning", _dunning), ("reports", _reports)):
        progress(name, None)
        try:
            outcome = step(workspace, as_of, facts, **options)
        except ArctlError as error:
            outcome = _refused(name, error)
        result.steps.append(outcome)
        progress(name, outcome)
        if outcome.status == "refused":
            return


def _refused(name: str, error: ArctlError) -> StepOutcome:
    return StepOutcome(name, "refused", error.exit_code, message=error.message, hint=error.hint or "")


def _import(workspace: Workspace, as_of: dt.date, facts: dict, *, accept_closures: bool, **_) -> StepOutcome:
    from arctl.io.export import ReadOptions
    from arctl.workflows.importing import import_sources

    done = import_sources(workspace, [], ReadOptions(), as_of=as_of, accept_closures=accept_closures,
                          on_error="fail")
    applied = [r for r in done.records if r.outcome == "applied"]
    facts["counts"] = done.counts
    summary = {"files": len(applied), "records": sum(r.records for r in applied),
               "closed": sum(r.closed for r in applied), "unchanged": len(done.unchanged) + len(done.records)
               - len(applied), "state": done.counts}
    return StepOutcome("import", "done" if applied else "nothing_new", summary=summary)


def _reconcile(workspace: Workspace, as_of: dt.date, facts: dict, **_) -> StepOutcome:
    from arctl.workflows.payments import payments
    from arctl.workflows.reconciling import reconcile_workspace

    counts = facts.get("counts", {})
    if not any(s.kind == "bank" for s in workspace.config.sources):
        return StepOutcome("reconcile", "nothing_new", summary={"note": "no bank source in arctl.yaml"})
    if not counts.get("bank_lines") or not counts.get("open_invoices"):
        return StepOutcome("reconcile", "nothing_new",
                           summary={"note": "no " + ("bank lines" if not counts.get("bank_lines")
                                                     else "open invoices") + " in the state"})
    done = reconcile_workspace(workspace, workspace.config.matching)
    new = done.reconciliation.summary()
    returned = [n for n in done.notices if " was returned " in n]
    view = payments(workspace)
    standing = view.summary()
    facts["standing"] = view
    facts["payments"] = {"matched_auto": new["auto"], "suggested": standing["suggested"],
                         "left_to_a_person": standing["unmatched"], "matched_in_all": standing["auto"]
                         + standing["manual"]}
    summary = {"new_matches": len(done.reconciliation.matches), "auto": new["auto"], "suggested": new["suggested"],
               "unmatched": new["unmatched"], "returned": len(returned), "standing": standing}
    changed = bool(done.reconciliation.matches or returned)
    return StepOutcome("reconcile", "done" if changed else "nothing_new", summary=summary)


def _dunning(workspace: Workspace, as_of: dt.date, facts: dict, *, send: bool, allow_stale_bank: bool,
             **_) -> StepOutcome:
    from arctl.workflows.running import dunning_run

    done = dunning_run(workspace, as_of, allow_stale_bank=allow_stale_bank, send=send)
    facts["dunning"] = done
    reasons: dict[str, int] = {}
    for skip in done.skipped:
        reasons[skip.reason] = reasons.get(skip.reason, 0) + 1
    summary: dict[str, Any] = {"actions": len(done.outcomes), "by_channel_and_step": actions_by_channel(done),
                               "skipped": dict(sorted(reasons.items())), "warnings": list(done.warnings),
                               "callbacks": len(done.callbacks)}
    code, sent = 0, 0
    if done.sending is not None:
        sending = done.sending
        sent = len(sending.sent)
        summary["sending"] = {"sent": sent, "failed": len(sending.failed), "unknown": len(sending.unknown)}
        if sending.failed or sending.unknown:
            code = DeliveryError.exit_code
    status = "done" if done.outcomes or sent else "nothing_new"
    return StepOutcome("dunning", status, code, summary=summary)


def actions_by_channel(done: RunResult) -> list[dict[str, Any]]:
    """The run's documents counted per channel and step (and the invoices they list)."""
    counted: dict[tuple[str, str], list[int]] = {}
    for outcome in done.outcomes:
        row = counted.setdefault((outcome.action.channel, outcome.action.step), [0, 0])
        row[0] += 1
        row[1] += len(outcome.action.invoices)
    return [{"channel": channel, "step": step, "actions": n, "invoices": invoices}
            for (channel, step), (n, invoices) in sorted(counted.items())]


def _reports(workspace: Workspace, as_of: dt.date, facts: dict, **_) -> StepOutcome:
    from arctl.io.export import ReadOptions
    from arctl.workflows.kpi import kpis_of
    from arctl.workflows.reading import aging

    report = aging([], ReadOptions(), as_of, by="due", bounds=DEFAULT_BOUNDS, on_error="fail",
                   workspace=workspace).report
    worklist, kpis = worklist_of(workspace, as_of, facts.get("standing")), kpis_of(workspace, as_of)
    facts["aging"], facts["worklist"], facts["kpis"] = report, worklist, kpis
    folder = workspace.root / "reports" / as_of.isoformat()
    written, unchanged = write_reports(folder, DailyReports(workspace, as_of, report, worklist, kpis))
    shown = [_shown(path, workspace) for path in (*written, *unchanged)]
    facts["reports"] = shown
    return StepOutcome("reports", "done" if written else "nothing_new",
                       summary={"folder": _shown(folder, workspace), "files": shown,
                                "written": len(written), "unchanged": len(unchanged)})


def write_reports(folder: Path, reports: DailyReports) -> tuple[list[Path], list[Path]]:
    """Each of REPORT_FILES into `folder`, whole or not at all; a file whose bytes are already there is left
    alone. Returns the files written and those unchanged."""
    from arctl.render.output import write_output

    written, unchanged = [], []
    for name, writer in REPORT_FILES:
        data = writer(reports)
        if data is None:
            continue
        path = folder / name
        if path.is_file() and path.read_bytes() == data:
            unchanged.append(path)
            continue
        write_output(path, _bytes_writer(data))
        written.append(path)
    return written, unchanged


def _bytes_writer(data: bytes) -> Callable[[Path], object]:
    return lambda temporary: temporary.write_bytes(data)


def _shown(path: Path, workspace: Workspace) -> str:
    try:
        return path.relative_to(workspace.root).as_posix()
    except ValueError:
        return str(path)


def _summary(facts: dict) -> dict[str, Any]:
    """The run in a few figures: payments, documents by channel and step, overdue per currency, what needs a
    person."""
    from arctl.money import plain_amount

    report: AgingReport = facts["aging"]
    dunning: RunResult = facts["dunning"]
    paid = facts.get("payments", {"matched_auto": 0, "suggested": 0, "left_to_a_person": 0, "matched_in_all": 0})
    overdue = [{"currency": row.currency, "overdue": plain_amount(sum(row.buckets[1:]), row.currency),
                "total": plain_amount(row.total, row.currency)} for row in report.totals]
    worklist: TodoList = facts["worklist"]
    return {"payments": paid, "actions": actions_by_channel(dunning), "overdue": overdue,
            "needs_a_person": len(worklist.items), "needs_a_person_by_kind": {
                kind: count for kind, count in worklist.counts_by_kind().items() if count},
            "reports": facts.get("reports", [])}
