"""`arctl hold`/`release`, `dispute open|close`, `promise`, `note`: what a person records about a customer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from arctl.cli import app, out_console, sub_app, workspace_or_none
from arctl.cli.options import as_of_date, optional_date
from arctl.errors import UsageError
from arctl.render.safe_text import escape

dispute_app = sub_app(help="Pause and resume dunning for a disputed invoice.", no_args_is_help=True)
app.add_typer(dispute_app, name="dispute")

AsOfOpt = Annotated[str, typer.Option("--as-of", help="The date to record (a date or today).")]


@app.command()
def hold(
    target: Annotated[str, typer.Argument(help="A customer id or an invoice number.")],
    reason: Annotated[str, typer.Option("--reason", help="insolvency, write_off, legal or other.")],
    until: Annotated[str | None, typer.Option("--until", help="Hold until this date (default: until "
                                              "released).", show_default=False)] = None,
    note: Annotated[str, typer.Option("--note", help="Why, in your words (shown by customer show and "
                                      "explain).")] = "",
    as_of: AsOfOpt = "today",
) -> None:
    """Stop all dunning for a customer or an invoice until released (or until --until).

    Example: [bold]arctl hold K0042 --reason insolvency --note "curator Mr Maes, file 2026/123"[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    date = optional_date(until, workspace, "--until")
    kind = workflows.hold(workspace, target, reason, date, as_of_date(as_of, workspace), note)
    out_console().print(f"{kind} {target} on hold ({reason})" + (f" until {_shown(date)}" if date else "")
                        + (f": {escape(note.strip())}" if note.strip() else ""))


@app.command()
def release(
    target: Annotated[str, typer.Argument(help="The customer id or invoice number on hold.")],
    as_of: AsOfOpt = "today",
) -> None:
    """End a hold: dunning resumes for the customer or invoice.

    Example: [bold]arctl release K0042[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    workflows.release(workspace, target, as_of_date(as_of, workspace))
    out_console().print(f"{target} released")


@dispute_app.command("open")
def dispute_open(
    invoice: Annotated[str, typer.Argument(help="The disputed invoice.")],
    reason: Annotated[str, typer.Option("--reason", help="What the customer disputes.")],
    as_of: AsOfOpt = "today",
) -> None:
    """Record a dispute: dunning of the invoice pauses until the dispute is closed.

    Example: [bold]arctl dispute open 2026-00123 --reason "delivered late, price reduction asked"[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    workflows.dispute_open(workspace, invoice, reason, as_of_date(as_of, workspace))
    out_console().print(f"invoice {invoice} disputed: dunning paused")


@dispute_app.command("close")
def dispute_close(
    invoice: Annotated[str, typer.Argument(help="The disputed invoice.")],
    note: Annotated[str, typer.Option("--note", help="How it was settled.")] = "",
    as_of: AsOfOpt = "today",
) -> None:
    """Close a dispute: dunning resumes where it stopped.

    Example: [bold]arctl dispute close 2026-00123 --note "credit note CN-2026-0012 agreed"[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    workflows.dispute_close(workspace, invoice, note, as_of_date(as_of, workspace))
    out_console().print(f"dispute on invoice {invoice} closed: dunning resumes")


@app.command()
def promise(
    invoice: Annotated[str, typer.Argument(help="The invoice the customer promised to pay.")],
    until: Annotated[str, typer.Option("--until", help="The promised payment date (a date).")],
    note: Annotated[str, typer.Option("--note", help="What was said.")] = "",
    as_of: AsOfOpt = "today",
) -> None:
    """Record a promise to pay: dunning waits until the date has passed unpaid.

    Example: [bold]arctl promise 2026-00123 --until 2026-12-15 --note "by phone, Mr Peeters"[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    date = as_of_date(until, workspace, "--until")
    workflows.promise(workspace, invoice, date, note, as_of_date(as_of, workspace))
    out_console().print(f"promise recorded: invoice {invoice} by {_shown(date)}")


@app.command()
def note(
    customer: Annotated[str | None, typer.Argument(help="The customer id.", show_default=False)] = None,
    text: Annotated[str | None, typer.Argument(help="The remark.", show_default=False)] = None,
    call: Annotated[bool, typer.Option("--call", help="It was a phone call.")] = False,
    outcome: Annotated[str | None, typer.Option("--outcome", help="The call's outcome: promise, no_answer, "
                                                "dispute, paid, callback, other.", show_default=False)] = None,
    until: Annotated[str | None, typer.Option("--until", help="With --outcome promise: the promised date; with "
                                              "--outcome callback: the day to call back.", show_default=False)] = None,
    import_file: Annotated[str | None, typer.Option("--import", help="A call list (call-list.xlsx or .csv) with "
                                                    "its outcome column filled in: each row with an outcome "
                                                    "becomes a call note.", show_default=False)] = None,
    as_of: AsOfOpt = "today",
) -> None:
    """Log a phone call or a remark in the customer's history (--outcome makes it a call).

    A callback with its day (--outcome callback --until DATE) is shown by customer show and explain until a later call is logged.
    --import FILE records the outcomes filled in on a call list (columns outcome, note, until); importing the same list again records nothing new.

    Example: [bold]arctl note K0042 "spoke to accounting, pays Friday" --call --outcome promise --until 2026-11-28[/bold]
    Example: [bold]arctl note --import outbox/2026-11-26/call-list.xlsx[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows

    workspace = workspace_or_none()
    if import_file is not None:
        _import_notes(workspace, import_file, customer, text, call, outcome, until, as_of)
        return
    if customer is None or text is None:
        raise UsageError("arctl note needs a customer id and the remark (or --import FILE)",
                         hint='arctl note K0042 "spoke to accounting"')
    date = optional_date(until, workspace, "--until")
    workflows.note(workspace, customer, text, call=call, outcome=outcome, until=date,
                   today=as_of_date(as_of, workspace))
    said = {"callback": "call back on", "promise": "promised to pay by"}.get(outcome or "", "")
    out_console().print(f"{'call' if call or outcome else 'note'} recorded for {customer}"
                        + (f": {said} {_shown(date)}" if date and said else ""))


def _import_notes(workspace, import_file: str, customer: str | None, text: str | None, call: bool,
                  outcome: str | None, until: str | None, as_of: str) -> None:
    from arctl.workflows.calls import import_outcomes, import_target

    if customer is not None or text is not None or call or outcome is not None or until is not None:
        raise UsageError("--import takes no customer, remark, --call, --outcome or --until: the list's rows say them")
    found = import_outcomes(workspace, import_target(import_file), as_of_date(as_of, workspace))
    console = out_console()
    for row in found.recorded:
        console.print(f"row {row.row}: call recorded for {escape(row.customer_id)}: {row.outcome}"
                      + (f" {_shown(row.until)}" if row.until else ""))
    console.print(f"{len(found.recorded)} call(s) recorded"
                  + (f", {len(found.already)} already recorded by an earlier import" if found.already else ""))


def _shown(day: dt.date) -> str:
    """'2026-12-05 (5 December 2026)': the date as recorded, and in words."""
    from arctl.cli.dates import in_words

    return f"{day.isoformat()} ({in_words(day)})"
