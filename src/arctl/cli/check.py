"""`arctl check`: say what is in exports and what is wrong with them."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from arctl.cli import app, err_console, out_console, print_error, state, workspace_or_none
from arctl.cli.options import (
    CurrencyOpt,
    DateFormatOpt,
    DecimalOpt,
    DelimiterOpt,
    FilesArg,
    Kind,
    LocaleOpt,
    ProfileOpt,
    SheetOpt,
    read_options,
    screen_locale,
)


@app.command()
def check(
    files: FilesArg = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="What the files hold (default: detected).",
                                              show_default=False)] = None,
    profile: ProfileOpt = None,
    sheet: SheetOpt = None,
    currency: CurrencyOpt = None,
    date_format: DateFormatOpt = None,
    decimal: DecimalOpt = None,
    delimiter: DelimiterOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Problems listed per file on screen (0: all).")] = 50,
    locale: LocaleOpt = None,
) -> None:
    """Read exports and say what is in them: format, profile, columns, rows, totals and every problem.

    Detects encoding, delimiter, decimal mark, date formats and the profile (column names) of each file, counts rows, invoices and totals per currency, and lists every unusable row with its row number and column. Without FILE, checks arctl.yaml and the workspace's sources.

    Exit 0 when every row is usable (also for a header-only file), 1 when some rows are not, 3 when a file cannot be read at all.

    Example: [bold]arctl check exports/openstaande_posten.csv --json[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows
    from arctl.render.check import check_json, layout_json, print_check, print_layout

    workspace = workspace_or_none()
    options = read_options(kind, profile, sheet, currency, date_format, decimal, delimiter)
    shown_locale = screen_locale(locale, workspace)
    result = workflows.check(list(files or []), options, workspace, shown_locale)
    if as_json:
        document = check_json(result.reads, result.totals)
        for path, error in result.unreadable:
            entry: dict[str, object] = {"path": str(path), "error": error.message, "hint": error.hint}
            answer = getattr(error, "answer", None)
            if answer is not None:  # an unknown layout: the columns: block to paste
                entry["layout"] = layout_json(answer)
            document["files"].append(entry)
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_check(out_console(), result.reads, result.totals, shown_locale, limit)
        for _path, error in result.unreadable:
            answer = getattr(error, "answer", None)
            if answer is not None:
                print_layout(out_console(), answer)
    if result.empty_sources:
        err_console().print(f"note: no file yet in {', '.join(result.empty_sources)} (the folders arctl.yaml "
                            "watches); drop the exports there, or name files: arctl check FILE")
    for path, error in result.unreadable:
        if state.debug:
            raise error
        print_error(error, "" if str(path) in error.message else f"{path}: ")
    if result.unreadable:
        raise typer.Exit(3)
    raise typer.Exit(0 if result.all_valid else 1)
