"""`arctl payplan create|show|cancel`: payment plans agreed with a customer."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from arctl.cli import app, out_console, sub_app, workspace_or_none
from arctl.cli.options import as_of_date

payplan_app = sub_app(help="Payment plans: the customer pays in installments; dunning waits for them.",
                          no_args_is_help=True)
app.add_typer(payplan_app, name="payplan")


def _print(view, as_json: bool, locale: str) -> None:
    from arctl.money import format_money, plain_amount

    plan, currency = view.plan, view.plan["currency"]
    if as_json:
        print(json.dumps({"id": plan["id"], "customer_id": plan["customer_id"], "invoices": plan["invoices"].split(),
                          "currency": currency, "total": plain_amount(plan["total"], currency),
                          "every": plan["every"], "created_on": str(plan["created_on"]),
                          "cancelled_on": str(plan["cancelled_on"]) if plan["cancelled_on"] else None,
                          "outcome": "cancelled" if plan["cancelled_on"] else view.state.outcome,
                          "installments": [{"number": s.number, "due_date": s.due_date.isoformat(),
                                            "amount": plain_amount(s.amount, currency),
                                            "paid": plain_amount(s.paid, currency), "status": s.status}
                                           for s in view.state.installments]}, indent=2))
        return
    outcome = "cancelled" if plan["cancelled_on"] else view.state.outcome
    table = Table(title=f"Payment plan {plan['id']} of {plan['customer_id']}: {plan['invoices']} — "
                        f"{format_money(plan['total'], currency, locale)}, every {plan['every']} ({outcome})",
                  title_justify="left")
    for column in ("#", "due", "amount", "paid", "status"):
        table.add_column(column, justify="right" if column in ("amount", "paid") else "left")
    for s in view.state.installments:
        table.add_row(str(s.number), s.due_date.isoformat(), format_money(s.amount, currency, locale),
                      format_money(s.paid, currency, locale), s.status)
    out_console().print(table)


@payplan_app.command("create")
def create(
    customer: Annotated[str, typer.Argument(help="The customer id.")],
    invoices: Annotated[list[str], typer.Option("--invoices", help="An invoice the plan pays (repeat, or separate "
                                                "with commas).")],
    installments: Annotated[int, typer.Option("--installments", help="How many installments (2-60).")],
    first: Annotated[str, typer.Option("--first", help="Due date of the first installment (a date).")],
    every: Annotated[str, typer.Option("--every", help="Between installments: 1m, 2w, 14d.")] = "1m",
    as_of: Annotated[str, typer.Option("--as-of", help="The date it was agreed (a date or today).")] = "today",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Agree a payment plan: the invoices' open total in equal installments (the rest on the last one).

    Dunning of these invoices waits; each unpaid installment is reminded once, the day after its date; two installments still unpaid 7 days after their date end the plan and dunning resumes.

    Example: [bold]arctl payplan create K0042 --invoices 2026-00123,2026-00131 --installments 3 --first 2026-12-15[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows

    workspace = workspace_or_none()
    names = [name.strip() for value in invoices for name in value.split(",") if name.strip()]
    first_date = as_of_date(first, workspace, "--first")
    view = workflows.payplan_create(workspace, customer, names, installments, first_date, every,
                                    as_of_date(as_of, workspace))
    locale = workspace.config.locale
    _print(view, as_json, locale)


@payplan_app.command("show")
def show(
    customer: Annotated[str, typer.Argument(help="The customer id.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The date (a date or today).")] = "today",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document per plan on stdout.")] = False,
) -> None:
    """The customer's payment plans: each installment, what is paid of it, and whether the plan still runs.

    Example: [bold]arctl payplan show K0042[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    views = workflows.payplan_show(workspace, customer, as_of_date(as_of, workspace))
    locale = workspace.config.locale
    for view in views:
        _print(view, as_json, locale)


@payplan_app.command("cancel")
def cancel(
    customer: Annotated[str, typer.Argument(help="The customer id.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The date (a date or today).")] = "today",
) -> None:
    """Cancel the customer's running payment plan: dunning of its invoices resumes.

    Example: [bold]arctl payplan cancel K0042[/bold]
    """
    from arctl import workflows

    workspace = workspace_or_none()
    workflows.payplan_cancel(workspace, customer, as_of_date(as_of, workspace))
    out_console().print(f"payment plan of {customer} cancelled: dunning resumes")
