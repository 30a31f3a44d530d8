"""`--clients DIR [--jobs N]` of `arctl aging` and `arctl run`: print the batch over many clients."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from arctl.cli import err_console, print_error
from arctl.cli.options import as_of_date
from arctl.errors import ArctlError


def run_batch(folder: Path, job: str, as_of: str, jobs: int | None, output: Path | None, as_json: bool,
              bounds: tuple[int, ...] | None = None) -> None:
    """Every client of `folder`; one line per client (or one JSON document), the clients that failed listed
    with their errors; exit 1 when one failed."""
    from arctl.money import plain_amount
    from arctl.workflows.batch import batch
    from arctl.workflows.daily import DEFAULT_BOUNDS

    date = as_of_date(as_of, None)
    with _progress(enabled=sys.stderr.isatty() and not as_json) as advance:
        result = batch(folder, job, date, jobs=jobs, bounds=bounds or DEFAULT_BOUNDS, output=output,
                       on_client=advance)
    if as_json:
        print(json.dumps({
            "as_of": date.isoformat(), "job": job, "summary": str(result.summary_path),
            "clients": [{"client": o.name, "kind": o.kind, "status": "failed" if o.failed else "ok",
                         "error": o.error or None, "exit_code": o.exit_code, "reports": list(o.reports),
                         "dso": None if o.dso is None else float(o.dso),
                         "totals": [{"currency": t.currency, "total": plain_amount(t.total, t.currency),
                                     "overdue": plain_amount(sum(t.buckets[1:]), t.currency)}
                                    for t in (o.aging.totals if o.aging else ())]}
                        for o in result.outcomes],
            "failed": [o.name for o in result.failed]}, ensure_ascii=False, indent=2))
    else:
        for outcome in result.outcomes:
            if outcome.failed:
                typer.echo(f"FAILED  {outcome.name}: {outcome.error}")
                continue
            totals = "; ".join(f"{t.currency} {plain_amount(t.total, t.currency)} open, "
                               f"{plain_amount(sum(t.buckets[1:]), t.currency)} overdue"
                               for t in (outcome.aging.totals if outcome.aging else ())) or "nothing open"
            skipped = f" ({outcome.skipped_rows} unusable row(s) left out)" if outcome.skipped_rows else ""
            typer.echo(f"ok      {outcome.name}: {totals}{skipped}")
        typer.echo(f"{len(result.outcomes) - len(result.failed)} client(s) reported, {len(result.failed)} failed; "
                   f"summary: {result.summary_path}")
    if result.failed:
        print_error(ArctlError(f"{len(result.failed)} client(s) failed: "
                               + ", ".join(o.name for o in result.failed),
                               hint="each one's error is listed above and in the summary's `failed` sheet"))
        raise typer.Exit(1)


class _progress:
    """On a terminal: a progress bar over the clients on stderr."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import Progress

            self.bar = Progress(console=err_console(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("clients", total=None)
        return self.advance

    def advance(self, outcome) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, advance=1, description=f"clients ({outcome.name} done)")

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.stop()
