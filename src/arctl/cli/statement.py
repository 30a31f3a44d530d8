"""`arctl statement`: one customer's statement of account, as an HTML or PDF letter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arctl.cli import app, err_console, out_console, workspace_or_none
from arctl.cli.options import as_of_date, optional_date


@app.command()
def statement(
    customer: Annotated[str, typer.Argument(help="The customer id, as in the exports.")],
    output_format: Annotated[str | None, typer.Option("--format", help="html or pdf (default: the -o file's "
                                                      "suffix, else html).", show_default=False)] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="Date of the statement (a date or today).")] = "today",
    since: Annotated[str | None, typer.Option("--from", help="First day of the payments listed (default: the "
                                              "oldest open item's date or 90 days before --as-of, whichever "
                                              "is earlier).", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of "
                                                "reports/<as-of>/statement-<customer>.html|pdf.",
                                                show_default=False)] = None,
) -> None:
    """Statement of account for one customer: every open item (credit notes as negative amounts), the payments of the period and the payments not yet allocated, with a running balance; in the customer's language, with how to pay the balance and the SEPA QR code.

    Prints the path of the file written.

    Example: [bold]arctl statement K0001 --format pdf --as-of 2026-11-26[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows

    workspace = workspace_or_none()
    day = as_of_date(as_of, workspace)
    start = optional_date(since, workspace, "--from")
    result = workflows.account_statement(workspace, customer, day, period_start=start, form=output_format,
                                         output=output)
    for warning in result.warnings:
        err_console().print(f"warning: {warning}")
    out_console().print(result.shown, markup=False)
