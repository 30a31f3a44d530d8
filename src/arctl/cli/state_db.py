"""`arctl state migrate --to URL`: move the workspace's state into another database (a team's PostgreSQL)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from arctl.cli import app, err_console, out_console, sub_app, workspace_or_none

state_app = sub_app(
    name="state",
    help="The workspace's state database: copy it into another database.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(state_app, name="state")


@state_app.command("migrate")
def migrate(
    to: Annotated[str, typer.Option("--to", help="The new, empty database, e.g. postgresql://arctl@db.example.be/"
                                    "client_a; no password in it (PGPASSWORD or ~/.pgpass give it).",
                                    show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Copy the workspace's whole state into the empty database --to names, for a team to share it.

    The state is first brought up to this version of arctl; then every table is copied in one transaction, read
    back and compared with the original by row count and checksum: only a copy that agrees in every table is kept.
    The workspace keeps using its old state until you set [bold]state.url[/bold] in arctl.yaml to the new one; the
    old one stays as it was (keep it as a backup). Exits 4 when the target already holds tables or cannot be
    reached.

    Example: [bold]PGPASSWORD=... arctl state migrate --to postgresql://arctl@db.example.be/voorbeeld[/bold]
    """
    from arctl.workflows.state_copy import migrate_state

    done = migrate_state(workspace_or_none(), to)
    if as_json:
        print(json.dumps({"source": done.source, "target": done.target,
                          "tables": [{"table": t.table, "rows": t.rows, "sha256": t.checksum} for t in done.tables]},
                         ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"state copied to {done.target}")
    for name, justify in (("table", "left"), ("rows", "right"), ("sha256 (both sides)", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for copied in done.tables:
        table.add_row(copied.table, str(copied.rows), copied.checksum[:16])
    out_console().print(table)
    err_console().print(f"every table reads back the same. To use it, set in arctl.yaml:\n  state:\n    url: "
                        f"{done.target}\n{done.source} stays as it was: keep it as a backup.")
