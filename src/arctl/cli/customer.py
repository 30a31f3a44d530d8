"""`arctl customer set|unset|show`: what a person decides for one customer, kept over every import."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from arctl.cli import app, out_console, sub_app, workspace_or_none
from arctl.cli.options import LocaleOpt, as_of_date, screen_locale
from arctl.render.safe_text import escape

customer_app = sub_app(help="A customer's own plan, segment, language, channel and e-mail address; their file.",
                           no_args_is_help=True)
app.add_typer(customer_app, name="customer")

AsOfOpt = Annotated[str, typer.Option("--as-of", help="The date (a date or today).")]
CustomerArg = Annotated[str, typer.Argument(help="The customer id, as in the exports.")]


def _overrides_line(customer: str, overrides: dict) -> str:
    if not overrides:
        return f"{customer}: nothing set by a person (the exports' values apply)"
    return f"{customer}: " + ", ".join(f"{name} {value}" for name, value in overrides.items())


@customer_app.command("set")
def set_(
    customer: CustomerArg,
    plan: Annotated[str | None, typer.Option("--plan", help="The plan this customer follows, whatever the segments "
                                             "say (a consumer: a consumer plan of their country).",
                                             show_default=False)] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="The segment the plans' segments match on, "
                                                "instead of the export's.", show_default=False)] = None,
    language: Annotated[str | None, typer.Option("--language", help="The language of the customer's documents "
                                                 "(nl, fr, de, en, nl_BE ...).", show_default=False)] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="email or letter: how written documents go "
                                                "(registered letters, calls and the agency stay as planned).",
                                                show_default=False)] = None,
    email: Annotated[str | None, typer.Option("--email", help="The address documents go to, instead of the "
                                              "export's.", show_default=False)] = None,
    as_of: AsOfOpt = "today",
) -> None:
    """Set what a person decided for a customer; a later import of the customer export does not undo it.

    Example: [bold]arctl customer set K0042 --plan key-accounts --language fr[/bold]
    """
    from arctl import workflows

    given = {"plan": plan, "segment": segment, "language": language, "channel": channel, "email": email}
    workspace = workspace_or_none()
    overrides = workflows.customer_set(workspace, customer, {k: v for k, v in given.items() if v is not None},
                                       as_of_date(as_of, workspace))
    out_console().print(escape(_overrides_line(customer, overrides)))


@customer_app.command("unset")
def unset(
    customer: CustomerArg,
    plan: Annotated[bool, typer.Option("--plan", help="Follow the plans' segments again.")] = False,
    segment: Annotated[bool, typer.Option("--segment", help="Use the export's segment again.")] = False,
    language: Annotated[bool, typer.Option("--language", help="Use the export's language again.")] = False,
    channel: Annotated[bool, typer.Option("--channel", help="Send documents as the plan says again.")] = False,
    email: Annotated[bool, typer.Option("--email", help="Use the export's e-mail address again.")] = False,
    everything: Annotated[bool, typer.Option("--all", help="Remove everything set for the customer.")] = False,
    as_of: AsOfOpt = "today",
) -> None:
    """Remove what a person set for a customer: the exports' values and the plans' segments apply again.

    Example: [bold]arctl customer unset K0042 --plan[/bold]
    """
    from arctl import workflows

    chosen = {"plan": plan, "segment": segment, "language": language, "channel": channel, "email": email}
    fields = list(workflows.OVERRIDE_FIELDS) if everything else [name for name, on in chosen.items() if on]
    workspace = workspace_or_none()
    overrides = workflows.customer_unset(workspace, customer, fields, as_of_date(as_of, workspace))
    out_console().print(escape(_overrides_line(customer, overrides)))


@customer_app.command("show")
def show(
    customer: CustomerArg,
    as_of: AsOfOpt = "today",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    locale: LocaleOpt = None,
) -> None:
    """A customer's file: master data and what a person set, the plan it follows and why, its open items,
    holds, notes and dunning history.

    Example: [bold]arctl customer show K0042[/bold]
    """
    from arctl import workflows
    from arctl.money import format_money

    workspace = workspace_or_none()
    date = as_of_date(as_of, workspace)
    view = workflows.customer_show(workspace, customer, date)
    shown_locale = screen_locale(locale, workspace)
    master = {key: ("" if value is None else value) for key, value in view.master.items()
              if key not in ("import_id", "source")}
    if as_json:
        print(json.dumps(_show_json(view, customer, master), ensure_ascii=False, indent=2, default=str))
        return
    console = out_console()
    name = master.get("name") or customer
    console.print(f"[bold]{escape(str(name))}[/bold] ({escape(customer)})")
    for key in ("email", "phone", "language", "country", "segment", "channel"):
        if key in view.overrides:
            console.print(f"  {key}: {escape(str(view.overrides[key]))}  [dim](set by a person; export: "
                          f"{escape(str(master.get(key) or '-'))})[/dim]")
        elif master.get(key):
            console.print(f"  {key}: {escape(str(master[key]))}")
    if master.get("consumer"):
        console.print("  consumer: yes (consumer rules apply)")
    console.print(f"  plan: {view.plan} ({view.plan_reason})")
    for hold in view.holds:
        console.print(f"  [yellow]on hold[/yellow] since {hold['created_on']} ({hold['reason']})"
                      + (f" until {hold['until']}" if hold["until"] else "")
                      + (f": {escape(hold['note'])}" if hold["note"] else ""))
    if view.callback:
        when = view.callback["until"]
        due = " [yellow](due)[/yellow]" if when <= date else ""
        console.print(f"  call back on {when}{due}: {escape(view.callback['text'])} "
                      f"[dim](call of {view.callback['written_on']})[/dim]")
    table = Table(title=f"Open items ({len(view.open_items)})", title_justify="left")
    for column in ("invoice", "due", "open"):
        table.add_column(column, justify="right" if column == "open" else "left")
    for item in view.open_items:
        table.add_row(escape(item["invoice_id"]), str(item["due_date"] or ""),
                      format_money(item["open_amount"], item["currency"], shown_locale))
    console.print(table)
    if view.history:
        console.print("Dunning history (newest first):")
        for action in view.history[:10]:
            console.print(f"  {action['as_of']}  {action['step']} by {action['channel']}  "
                          f"{format_money(action['total_due'], action['currency'], shown_locale)}")
    if view.notes:
        console.print("Notes (newest first):")
        for note in view.notes[:10]:
            kind = f"call, {note['outcome']}" if note["call"] else "note"
            if note["until"] is not None:
                kind += f" {'on' if note['outcome'] == 'callback' else 'by'} {note['until']}"
            console.print(f"  {note['written_on']}  ({kind}) {escape(note['text'])}")
    for warning in view.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")


def _show_json(view, customer: str, master: dict) -> dict:
    from arctl.money import plain_amount

    return {
        "customer_id": customer, "master": {k: v for k, v in master.items() if v not in ("", None)},
        "overrides": view.overrides, "plan": view.plan, "plan_reason": view.plan_reason,
        "open_items": [{**item, "due_date": item["due_date"].isoformat() if item["due_date"] else None,
                        "open_amount": plain_amount(item["open_amount"], item["currency"])}
                       for item in view.open_items],
        "holds": [{"reason": h["reason"], "since": h["created_on"].isoformat(),
                   "until": h["until"].isoformat() if h["until"] else None, "note": h["note"]}
                  for h in view.holds],
        "notes": [{"written_on": n["written_on"].isoformat(), "text": n["text"], "call": bool(n["call"]),
                   "outcome": n["outcome"], "until": n["until"].isoformat() if n["until"] else None}
                  for n in view.notes],
        "call_back_on": view.callback["until"].isoformat() if view.callback else None,
        "history": [{"as_of": a["as_of"].isoformat(), "step": a["step"], "channel": a["channel"],
                     "currency": a["currency"], "total_due": plain_amount(a["total_due"], a["currency"]),
                     "document": a["document"]} for a in view.history],
        "warnings": view.warnings,
    }
