"""`arctl todo`: the list of what waits for a person, each item with the command that settles it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from arctl.cli import app, err_console, out_console, workspace_or_none
from arctl.cli.options import LocaleOpt, as_of_date, screen_locale


@app.command()
def todo(
    as_of: Annotated[str, typer.Option("--as-of", help="The date (a date or today).")] = "today",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also write the list to FILE.xlsx, "
                                                "FILE.csv (in the workspace's locale) or FILE.json.",
                                                show_default=False)] = None,
    fail_if_any: Annotated[bool, typer.Option("--fail-if-any", help="Exit 1 when anything waits for a person "
                                              "(for scripts).")] = False,
    locale: LocaleOpt = None,
) -> None:
    """List what waits for a person, grouped by kind, each with the command that settles it: suggested matches, bank credits left to a person, promises that ran out unpaid, callbacks due, disputes open longer than the plan allows (dispute_max_days), payment plans with a missed installment, e-mails that failed or may not have gone, letters to print, and consumers no plan reaches.

    Exits 0 (a list is not a failure), or 1 with --fail-if-any when the list is not empty.

    Example: [bold]arctl todo -o reports/todo.xlsx[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl.render.todo import SUFFIXES, print_todo, todo_json
    from arctl.workflows import todo as worklist

    workspace = workspace_or_none()
    if output is not None and output.suffix.lower() not in SUFFIXES:
        from arctl.errors import UsageError

        raise UsageError(f"-o {output}: expected a .xlsx, .csv or .json file", hint="e.g. -o reports/todo.xlsx")
    found = worklist.collect(workspace, as_of_date(as_of, workspace))
    shown_locale = screen_locale(locale, workspace)
    if output is not None:
        written = worklist.write_todo(found, output, shown_locale)
        err_console().print(f"wrote {output}: {written} item(s)")
    if as_json:
        print(json.dumps(todo_json(found), ensure_ascii=False, indent=2))
    else:
        print_todo(out_console(), found, worklist.TITLES, shown_locale)
    if fail_if_any and found.items:
        raise typer.Exit(1)
