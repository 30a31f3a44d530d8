"""The command line: parse options, call one workflow, print. Nothing here imports pandas at start-up."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from arctl import __version__
from arctl.errors import ArctlError


class ArctlGroup(TyperGroup):
    """The root command group: the one place where an ArctlError, from any command or subcommand, becomes a red
    `Error:` line (and its hint) on stderr and the error's exit code. With --debug it propagates with its
    traceback. Anything else is a bug and is left alone to show its traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArctlError as error:
            if ctx.params.get("debug"):
                raise
            print_error(error)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=ArctlGroup,
    name="arctl",
    help="Accounts-receivable control: read exports, match payments, dun by plan, report aging.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class State:
    workspace: Path | None = None
    debug: bool = False


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"arctl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help="Workspace folder (else "
                                                   "ARCTL_WORKSPACE, else the nearest folder upwards with "
                                                   "arctl.yaml).", show_default=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    state.workspace = workspace
    state.debug = debug


def main() -> None:
    app()


def print_error(error: ArctlError, prefix: str = "") -> None:
    """One red `Error:` line on stderr, then the hint; user text is never read as markup.

    ArctlGroup calls it for every command's error; a command calls it itself only to report an error and go on
    (`check` lists every file it cannot read, each with its path as `prefix`)."""
    from arctl.render.safe_text import escape

    console = err_console()
    console.print(f"[bold red]Error:[/bold red] {escape(prefix + error.message)}")
    if error.hint:
        console.print(f"  hint: {escape(error.hint)}")


def out_console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=not sys.stdout.isatty(), width=None if sys.stdout.isatty() else 160)


def err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def workspace_or_none():
    from arctl.workflows import load_workspace

    return load_workspace(state.workspace, Path.cwd(), os.environ.get("ARCTL_WORKSPACE"))


# registering the commands on `app`, in the order --help lists them
from arctl.cli import init  # noqa: E402,F401,I001
from arctl.cli import check  # noqa: E402,F401,I001
from arctl.cli import importing  # noqa: E402,F401,I001
from arctl.cli import aging  # noqa: E402,F401,I001
from arctl.cli import reconcile  # noqa: E402,F401,I001
from arctl.cli import payments  # noqa: E402,F401,I001
from arctl.cli import pauses  # noqa: E402,F401,I001
from arctl.cli import dunning  # noqa: E402,F401,I001
from arctl.cli import outbox  # noqa: E402,F401,I001
from arctl.cli import payplan  # noqa: E402,F401,I001
from arctl.cli import plan  # noqa: E402,F401,I001
from arctl.cli import customer  # noqa: E402,F401,I001
from arctl.cli import kpi  # noqa: E402,F401,I001
from arctl.cli import statement  # noqa: E402,F401,I001
from arctl.cli import todo  # noqa: E402,F401,I001
from arctl.cli import run  # noqa: E402,F401,I001
