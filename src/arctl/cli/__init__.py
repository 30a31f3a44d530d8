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


class QuickGroup(TyperGroup):
    """A command group that does not convert its own unset options. Typer converts every option's value through
    pydantic (unless it is a flag already holding a bool), and pydantic's import alone costs a tenth of a second:
    `arctl CMD --help` passes the root's options unset (--help's own is None) and would pay it for nothing. The
    --help speed test holds every command's --help to a minimal Typer app's start-up."""

    def parse_args(self, ctx, args):
        for param in self.get_params(ctx):
            param.process_value = _unset_as_is(param, param.process_value)  # type: ignore[method-assign]
        return super().parse_args(ctx, args)


class ArctlGroup(QuickGroup):
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


def _unset_as_is(param, process_value):
    """`param.process_value` that leaves an unset (None) value as it is, then runs the option's callback."""
    if getattr(process_value, "unset_as_is", False):
        return process_value

    def process(ctx, value):
        if value is not None or param.required:
            return process_value(ctx, value)
        return param.callback(ctx, param, value) if param.callback is not None else value

    process.unset_as_is = True  # type: ignore[attr-defined]
    return process


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


def sub_app(**settings) -> typer.Typer:
    """A group of subcommands (`arctl dunning ...`), as quick to start as the root."""
    return typer.Typer(cls=QuickGroup, **settings)


def main() -> None:
    _app_for(sys.argv[1:])()


def _app_for(args: list[str]) -> typer.Typer:
    """Typer builds every command's options before it dispatches to one: when the arguments name a command, an
    app of that command alone is run (a tenth of a second of start-up). Anything else (no command, --help, a
    misspelt name that needs the others to suggest from) runs the whole app."""
    import copy

    name = _command_in(args)
    commands = [c for c in app.registered_commands if _name_of(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not (commands or groups):
        return app
    alone = copy.copy(app)
    alone.registered_commands, alone.registered_groups = commands, groups
    return alone


def _command_in(args: list[str]) -> str | None:
    """The command the arguments name, past the root's options (-w/--workspace takes a value)."""
    rest = iter(args)
    for arg in rest:
        if arg in ("-w", "--workspace"):
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return None


def _name_of(command) -> str:
    return command.name or command.callback.__name__.lower().replace("_", "-")


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
from arctl.cli import state_db  # noqa: E402,F401,I001
from arctl.cli import run  # noqa: E402,F401,I001
