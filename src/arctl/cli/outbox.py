"""`arctl outbox`: what was written, sent, failed, unknown and to print; `send`, `resolve`, `printed`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from arctl.cli import app, out_console, sub_app, workspace_or_none
from arctl.cli.options import as_of_date, optional_date
from arctl.errors import DeliveryError
from arctl.render.safe_text import escape

outbox_app = sub_app(help="The outbox: e-mails to send, letters to print, and what became of them.",
                         invoke_without_command=True)
app.add_typer(outbox_app, name="outbox")

AsOfOpt = Annotated[str, typer.Option("--as-of", help="Today's date for the record (a date or today).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


@outbox_app.callback()
def outbox(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--day", help="Only the documents of this outbox day.",
                                            show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every e-mail and letter written, with what became of it: written (to send), sent, failed (with the
    server's answer), unknown (the run stopped while sending it: a person decides), to_print or printed.

    Example: [bold]arctl outbox --json[/bold]
    """
    if ctx.invoked_subcommand is not None:
        return
    from arctl import workflows

    workspace = workspace_or_none()
    documents = workflows.outbox_list(workspace, optional_date(day, workspace, "--day"))
    if as_json:
        print(json.dumps({"documents": [_json(d) for d in documents],
                          "counts": _counts(documents)}, ensure_ascii=False, indent=2))
        return
    console = out_console()
    if not documents:
        console.print("the outbox is empty")
        return
    table = Table(title="Outbox", title_justify="left")
    for column in ("id", "day", "customer", "channel", "status", "on", "document", "answer"):
        table.add_column(column, overflow="fold")
    for d in documents:
        table.add_row(str(d["id"] or ""), d["as_of"].isoformat(), escape(d["customer_id"]), d["channel"],
                      d["status"], d["sent_on"].isoformat() if d["sent_on"] else "", escape(d["document"]),
                      escape(d["answer"]))
    console.print(table)
    console.print(", ".join(f"{n} {status}" for status, n in _counts(documents).items()))
    if any(d["status"] == "unknown" for d in documents):
        console.print("[yellow]warning:[/yellow] a run stopped while sending the unknown ones: check the sent "
                      "mail, then `arctl outbox resolve ID --sent` or `--resend`")


@outbox_app.command("send")
def send(
    day: Annotated[str | None, typer.Argument(help="Only the e-mails of this outbox day (default: every day).",
                                              show_default=False)] = None,
    as_of: AsOfOpt = "today",
    as_json: JsonOpt = False,
) -> None:
    """Send the e-mails written or failed and not yet sent, over the SMTP server of arctl.yaml (`smtp:`).

    A message whose fate is unknown (a run stopped while sending it) is listed, never sent again until
    `arctl outbox resolve`. Exits 5 when a message failed or is unknown; the next send retries only the failed.

    Example: [bold]ARCTL_SMTP_PASSWORD=... arctl outbox send 2026-11-26[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    result = workflows.outbox_send(workspace, optional_date(day, workspace, "DATE"), as_of_date(as_of, workspace))
    print_sending(result, as_json=as_json)
    raise_for_sending(result)


def print_sending(result: Any, *, as_json: bool) -> None:
    """The messages sent, failed and unknown: JSON on stdout, or one line each."""
    if as_json:
        print(json.dumps(sending_json(result), ensure_ascii=False, indent=2))
        return
    console = out_console()
    for row in result.sent:
        console.print(f"sent {escape(row['document'])} to {escape(', '.join(row['recipients']))}")
    for row in result.failed:
        console.print(f"[red]failed[/red] {escape(row['document'])}: {escape(row['answer'])}")
    for row in result.unknown:
        console.print(f"[yellow]unknown[/yellow] {escape(row['document'])} (ID {row['id']}): not sent again; check "
                      f"the sent mail, then `arctl outbox resolve {row['id']} --sent` or `--resend`")
    console.print(f"sent {len(result.sent)}, failed {len(result.failed)}, unknown {len(result.unknown)}")


def sending_json(result: Any) -> dict:
    return {"sent": [_json(r) for r in result.sent], "failed": [_json(r) for r in result.failed],
            "unknown": [_json(r) for r in result.unknown]}


def raise_for_sending(result: Any) -> None:
    """Exit 5 when some message did not go (failed) or may not have gone (unknown)."""
    if result.failed or result.unknown:
        parts = [f"{len(result.failed)} failed"] if result.failed else []
        parts += [f"{len(result.unknown)} unknown"] if result.unknown else []
        raise DeliveryError(f"not every e-mail was sent: {', '.join(parts)}",
                            hint="the next `--send` (or `arctl outbox send`) retries the failed ones; an unknown "
                            "one waits for `arctl outbox resolve ID --sent|--resend`")


@outbox_app.command("resolve")
def resolve(
    document: Annotated[str, typer.Argument(help="The ID `arctl outbox` shows, or the document's path.")],
    sent: Annotated[bool, typer.Option("--sent", help="It went: never send it again.")] = False,
    resend: Annotated[bool, typer.Option("--resend", help="It did not go: send it with the next send.")] = False,
    as_of: AsOfOpt = "today",
) -> None:
    """Settle an e-mail whose fate is unknown (the run stopped while sending it): it went, or send it again.

    Example: [bold]arctl outbox resolve 12 --sent[/bold]
    """
    from arctl import workflows
    from arctl.errors import UsageError

    if sent == resend:
        raise UsageError("say what became of the message: --sent or --resend (one of them)")
    workspace = workspace_or_none()
    row = workflows.outbox_resolve(workspace, document, sent=sent, today=as_of_date(as_of, workspace))
    out_console().print(f"{escape(row['document'])}: " + ("marked sent" if sent else "will be sent again by the "
                                                          "next send"))


@outbox_app.command("printed")
def printed(
    posted_on: Annotated[str, typer.Argument(help="The day the letters were posted (a date or today).")],
    day: Annotated[str | None, typer.Option("--day", help="Only the letters of this outbox day.",
                                            show_default=False)] = None,
    as_of: AsOfOpt = "today",
) -> None:
    """Record the letters waiting to be printed (written on or before the date) as posted on that date.

    The legal waiting periods of a letter count from the day it was posted: until then its period has not
    started (README: Readings of unsure law).

    Example: [bold]arctl outbox printed 2026-11-27[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    letters = workflows.outbox_printed(workspace, as_of_date(posted_on, workspace, "DATE"),
                                       as_of_date(as_of, workspace), optional_date(day, workspace, "--day"))
    console = out_console()
    for letter in letters:
        console.print(f"posted {escape(letter['document'])} ({letter['channel']})")
    console.print(f"{len(letters)} letter(s) recorded as posted on {letters[0]['sent_on']}" if letters
                  else "no letter waits to be printed")


def _counts(documents: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in documents:
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    return counts


def _json(row: dict) -> dict:
    return {"id": row["id"], "document": row["document"], "day": row["as_of"].isoformat(),
            "customer_id": row["customer_id"], "channel": row["channel"], "status": row["status"],
            "answer": row["answer"], "on": row["sent_on"].isoformat() if row.get("sent_on") else None,
            **({"recipients": row["recipients"]} if "recipients" in row else {})}
