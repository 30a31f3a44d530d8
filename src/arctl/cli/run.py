"""`arctl run`: the daily job (import, reconcile, dunning run, reports), and the same over many clients."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from arctl.cli import app, err_console, print_error, workspace_or_none
from arctl.cli.options import ClientsOpt, JobsOpt, LocaleOpt, as_of_date, screen_locale
from arctl.errors import ArctlError
from arctl.render.safe_text import escape


@app.command("run")
def run(
    as_of: Annotated[str, typer.Option("--as-of", help="The date of the run (a date or today).")] = "today",
    send: Annotated[bool, typer.Option("--send", help="Send the e-mails over SMTP (arctl.yaml smtp:); exit 5 "
                                       "when one is not sent.")] = False,
    allow_stale_bank: Annotated[bool, typer.Option("--allow-stale-bank", help="Run dunning although the newest "
                                                   "bank statement is older than bank_max_age.")] = False,
    accept_closures: Annotated[bool, typer.Option("--accept-closures", help="Accept a snapshot that closes more "
                                                  "than 20 % of the open invoices at once.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    clients: ClientsOpt = None,
    jobs: JobsOpt = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="With --clients: the summary workbook "
                                                "(default DIR/_summary-<date>.xlsx).", show_default=False)] = None,
    locale: LocaleOpt = None,
) -> None:
    """The daily job: import the sources, reconcile, run dunning, write the reports, and say what happened.

    What a cron job calls: no prompts, plain text when not on a terminal, one JSON document with --json. The reports go to reports/<date>/: the aging report (aging.json, aging.csv, aging.xlsx with the KPIs, aging.html) and what needs a person (todo.json, todo.csv; `arctl todo` shows it). It stops at the first step that refuses, with that step's exit code, and says which steps were done before: a snapshot closing more than 20 % of the open invoices (3, --accept-closures), stale bank data (3, --allow-stale-bank), another arctl holding the workspace (4). Running it again for the same date does nothing new. Exit 5 when --send could not send every e-mail.

    With --clients DIR: every client folder of DIR in --jobs worker processes (a folder of exports gets its aging report only); a summary workbook DIR/_summary-<date>.xlsx; exit 1 when a client failed (each listed with its error).

    Example: [bold]arctl run --send[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    if clients is not None:
        from arctl.cli.batch import run_batch

        run_batch(clients, "run", as_of, jobs, output, as_json)
        return
    from arctl.render.daily import daily_json, daily_lines
    from arctl.workflows.daily import daily_run

    workspace = workspace_or_none()
    date = as_of_date(as_of, workspace)
    with _Progress(enabled=sys.stderr.isatty() and not as_json) as progress:
        result = daily_run(workspace, date, send=send, allow_stale_bank=allow_stale_bank,
                           accept_closures=accept_closures, progress=progress)
    if as_json:
        print(json.dumps(daily_json(result), ensure_ascii=False, indent=2))
    else:
        shown = screen_locale(locale, workspace)
        for line in daily_lines(result, shown):
            typer.echo(line)
        _warnings(result)
    refused = result.refused
    if refused is not None:
        print_error(ArctlError(f"{refused.name}: {refused.message}", hint=refused.hint or None))
    elif result.exit_code:
        print_error(ArctlError("not every e-mail was sent", hint="the next `arctl run --send` (or `arctl outbox "
                               "send`) retries the failed ones; see `arctl outbox`"))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def _warnings(result: Any) -> None:
    dunning = next((s for s in result.steps if s.name == "dunning"), None)
    if dunning is None:
        return
    console = err_console()
    for warning in dunning.summary.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")


class _Progress:
    """On a terminal, a step that takes longer than a second shows a spinner on stderr until it ends."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._timer: threading.Timer | None = None
        self._status: Any = None
        self._step = 0                 # the step being shown; a late timer of an ended step shows nothing
        self._lock = threading.Lock()

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()

    def __call__(self, name: str, outcome: Any) -> None:
        if not self.enabled:
            return
        self._stop()
        if outcome is None:
            self._timer = threading.Timer(1.0, self._show, args=(name, self._step))
            self._timer.daemon = True
            self._timer.start()

    def _show(self, name: str, step: int) -> None:
        with self._lock:
            if step == self._step and self._status is None:
                self._status = err_console().status(f"{name} …")
                self._status.start()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with self._lock:
            self._step += 1
            if self._status is not None:
                self._status.stop()
                self._status = None
