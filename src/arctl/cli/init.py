"""`arctl init`: create a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arctl.cli import app, out_console


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing arctl.yaml.")] = False,
) -> None:
    """Create a workspace: a commented arctl.yaml, the folders exports/, plans/, templates/, profiles/, outbox/, reports/, and the watched folders exports/invoices/, exports/customers/, exports/bank/.

    Every command works at once: name a file (arctl import --kind invoices FILE), or drop the exports in the watched folders and run arctl import.

    Example: [bold]arctl init ~/clients/bakkerij[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl.workflows import init_workspace

    created = init_workspace(directory, force=force)
    console = out_console()
    for path in created:
        console.print(f"created {path}")
    exports = directory / "exports"
    console.print(f"Next: drop the open-items export in {exports / 'invoices'}, the customer export in "
                  f"{exports / 'customers'} and the bank statements in {exports / 'bank'}, then run `arctl import`; "
                  "or name a file at once: `arctl check FILE`, `arctl import --kind invoices FILE`, "
                  "`arctl aging FILE`.")
