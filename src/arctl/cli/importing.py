"""`arctl import`: bring the workspace's exports into its state."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from arctl.cli import app, err_console, out_console, workspace_or_none
from arctl.cli.options import FilesArg, Kind, OnError, ProfileOpt, as_of_date, read_options
from arctl.render.safe_text import escape

_OUTCOME = {"applied": "imported", "older_snapshot": "older snapshot: changes nothing"}


@app.command("import")
def import_(
    files: FilesArg = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="What the FILES hold (default: detected).",
                                              show_default=False)] = None,
    accept_closures: Annotated[bool, typer.Option("--accept-closures", help="Accept a snapshot that closes more "
                                                  "than 20 % of the open invoices at once.")] = False,
    on_error: Annotated[OnError, typer.Option("--on-error", help="A file with unusable rows: import nothing "
                                              "(fail) or import the usable rows and list the others (skip).")
                        ] = OnError.fail,
    as_of: Annotated[str, typer.Option("--as-of", help="Date of the import (a date or today); invoices a "
                                       "snapshot no longer lists are closed on it.")] = "today",
    profile: ProfileOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Import the exports into the workspace state: invoices, customers and bank statements.

    Without FILES, imports the workspace's sources; of a watched folder or glob (exports/bank/) the files no import read before, oldest first (a statement by the last day it covers, another export by its file time), each listed. The same file twice changes nothing; a transaction in two overlapping statements is stored once. A newer complete open-items snapshot (snapshot: true) closes the invoices it no longer lists, but one that would close more than 20 % of them at once is refused (exit 3) unless --accept-closures; an older snapshot imported later changes nothing. A second arctl writing at the same time waits briefly, then exits 4.

    Example: [bold]arctl import[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows

    workspace = workspace_or_none()
    options = read_options(kind, profile, None, None, None, None, None)
    date = as_of_date(as_of, workspace)
    result = workflows.import_sources(workspace, list(files or []), options, as_of=date,
                                      accept_closures=accept_closures, on_error=on_error.value)
    if result.skipped:
        err_console().print(f"[yellow]warning:[/yellow] {len(result.skipped)} unusable row(s) not imported; "
                            "`arctl check` lists them")
    if as_json:
        print(json.dumps({
            "imports": [{"path": r.path, "kind": r.kind, "outcome": r.outcome, "records": r.records,
                         "closed": r.closed} for r in result.records]
            + [{"path": str(p), "outcome": "unchanged", "records": 0, "closed": 0} for p in result.unchanged],
            "new_files": [{"source": f.source, "path": f.path, "dated": f.dated.isoformat(), "dated_by": f.dated_by,
                           "outcome": f.outcome} for f in result.new_files],
            "imported_before": result.known_files,
            "skipped": [{"file": f.file, "row": f.row, "column": f.column, "message": f.message}
                        for f in result.skipped],
            "state": result.counts,
        }, ensure_ascii=False, indent=2))
        return
    table = Table(title="Import", title_justify="left")
    for column in ("file", "kind", "outcome", "records", "closed"):
        table.add_column(column, justify="right" if column in ("records", "closed") else "left")
    for record in result.records:
        table.add_row(escape(record.path), record.kind, _OUTCOME.get(record.outcome, record.outcome),
                      str(record.records), str(record.closed))
    for path in result.unchanged:
        table.add_row(escape(str(path)), "", "unchanged since the last import", "0", "0")
    console = out_console()
    if result.records or result.unchanged:
        console.print(table)
    _print_watched(console, result)
    counts = result.counts
    console.print(f"state: {counts.get('open_invoices', 0)} open invoices, {counts.get('closed_invoices', 0)} "
                  f"closed, {counts.get('customers', 0)} customers, {counts.get('bank_lines', 0)} bank lines")


def _print_watched(console, result) -> None:
    """Per watched folder or glob: the new files found, each with the date that put it in its place."""
    for source, known in result.known_files.items():
        found = [f for f in result.new_files if f.source == source]
        before = (f", {known} not newer than the last export imported" if source in result.snapshot_sources
                  else f", {known} imported before") if known else ""
        console.print(f"{escape(source)}: {len(found) or 'no'} new file{'' if len(found) == 1 else 's'}{before}")
        for new in found:
            outcome = "imported" if new.outcome == "imported" else "not imported: a newer export was found with it"
            console.print(f"  {escape(new.path)}  {new.dated.isoformat()} ({new.dated_by})  {outcome}")
