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
    """Create a workspace: a commented arctl.yaml and the folders exports/, plans/, templates/, profiles/, outbox/, reports/.

    Example: [bold]arctl init ~/clients/bakkerij[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl.workflows import init_workspace

    created = init_workspace(directory, force=force)
    console = out_console()
    for path in created:
        console.print(f"created {path}")
    console.print(f"Next: put the exports in {directory / 'exports'}, edit {directory / 'arctl.yaml'}, "
                  "then run `arctl check`.")
