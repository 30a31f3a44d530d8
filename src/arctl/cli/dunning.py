"""`arctl dunning status`: where every open invoice stands in its dunning plan."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from arctl.cli import app, fail, out_console, workspace_or_none
from arctl.cli.options import LocaleOpt, as_of_date, screen_locale
from arctl.errors import ArctlError

dunning_app = typer.Typer(help="Dunning: where every invoice stands in its plan.", no_args_is_help=True)
app.add_typer(dunning_app, name="dunning")


@dunning_app.command("status")
def status(
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer's invoices.",
                                                 show_default=False)] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="Apply this one plan to every customer (segments "
                                             "ignored).", show_default=False)] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="The date (ISO date or today).")] = "today",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    locale: LocaleOpt = None,
) -> None:
    """Every open invoice with its last dunning step, the next step and its date, and any pause.

    Reads the workspace state (`arctl import`, `arctl reconcile`): payments matched at the bank count.

    Example: [bold]arctl dunning status --customer K0042[/bold]
    """
    from arctl import workflows
    from arctl.money import format_money, plain_amount

    try:
        workspace = workspace_or_none()
        date = as_of_date(as_of, workspace)
        view = workflows.dunning_status(workspace, date, customer=customer, plan=plan)
        shown_locale = screen_locale(locale, workspace)
    except ArctlError as error:
        raise fail(error) from None
    open_by_id = dict(zip(view.items["invoice_id"], view.items["open_amount"], strict=True))
    rows = view.items.set_index("invoice_id")
    invoices = []
    for position in view.decision.positions:
        row = rows.loc[position.invoice_id]
        due = row["due_date"].date() if hasattr(row["due_date"], "date") else None
        invoices.append({
            "invoice_id": position.invoice_id, "customer_id": position.customer_id,
            "open_amount": plain_amount(int(open_by_id[position.invoice_id]), row["currency"]),
            "currency": row["currency"], "due_date": due.isoformat() if due else None,
            "days_overdue": (date - due).days if due else None, "plan": position.plan,
            "last_step": position.last_step,
            "last_step_date": position.last_step_date.isoformat() if position.last_step_date else None,
            "next_step": position.next_step,
            "next_step_date": position.next_step_date.isoformat() if position.next_step_date else None,
            "paused": position.paused,
        })
    if as_json:
        print(json.dumps({"as_of": date.isoformat(), "invoices": invoices}, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Dunning as of {date.isoformat()} (plan {view.plan})", title_justify="left")
    for column in ("invoice", "customer", "open", "due", "days", "last step", "next step", "on", "paused"):
        table.add_column(column, justify="right" if column in ("open", "days") else "left")
    for item in invoices:
        table.add_row(escape(item["invoice_id"]), escape(item["customer_id"]),
                      format_money(int(open_by_id[item["invoice_id"]]), item["currency"], shown_locale),
                      item["due_date"] or "", str(item["days_overdue"] if item["days_overdue"] is not None else ""),
                      item["last_step"] or "·", item["next_step"] or "done", item["next_step_date"] or "",
                      item["paused"] or "")
    out_console().print(table)
