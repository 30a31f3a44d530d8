"""`arctl dunning status`: where every open invoice stands in its dunning plan."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, cast

import typer
from rich.table import Table

from arctl.cli import app, out_console, sub_app, workspace_or_none
from arctl.cli.options import LocaleOpt, as_of_date, screen_locale
from arctl.cli.outbox import print_sending, raise_for_sending, sending_json
from arctl.render.columns import aligned
from arctl.render.safe_text import escape

BOXED_ROWS = 500   # a run listing more actions prints plain columns instead of a boxed table

dunning_app = sub_app(help="Dunning: where every invoice stands in its plan.", no_args_is_help=True)
app.add_typer(dunning_app, name="dunning")


@dunning_app.command("status")
def status(
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer's invoices.",
                                                 show_default=False)] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="Apply this one plan to every business customer "
                                             "(segments ignored); consumers keep a consumer plan of their "
                                             "country.", show_default=False)] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="The date (a date or today).")] = "today",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    locale: LocaleOpt = None,
) -> None:
    """Every open invoice with its last dunning step, the next step and its date, and any pause.

    Reads the workspace state (`arctl import`, `arctl reconcile`): payments matched at the bank count.

    Example: [bold]arctl dunning status --customer K0042[/bold]
    """
    from arctl import workflows
    from arctl.money import format_money, plain_amount
    from arctl.render.jsontext import dumps_with_records

    workspace = workspace_or_none()
    date = as_of_date(as_of, workspace)
    view = workflows.dunning_status(workspace, date, customer=customer, plan=plan)
    shown_locale = screen_locale(locale, workspace)
    # each invoice's values looked up by id from the columns (a row lookup in the frame costs ~2 ms per invoice)
    ids = view.items["invoice_id"].tolist()
    open_by_id = dict(zip(ids, view.items["open_amount"].tolist(), strict=True))
    currency_of = dict(zip(ids, view.items["currency"].tolist(), strict=True))
    due_of = dict(zip(ids, view.items["due_date"].tolist(), strict=True))
    invoices: list[dict[str, Any]] = []
    for position in view.decision.positions:
        currency, due_value = currency_of[position.invoice_id], due_of[position.invoice_id]
        due = due_value.date() if hasattr(due_value, "date") else None
        invoices.append({
            "invoice_id": position.invoice_id, "customer_id": position.customer_id,
            "open_amount": plain_amount(int(open_by_id[position.invoice_id]), cast(str, currency)),
            "currency": currency, "due_date": due.isoformat() if due else None,
            "days_overdue": (date - due).days if due else None, "plan": position.plan,
            "plan_reason": view.choices[position.invoice_id].reason,
            "last_step": position.last_step,
            "last_step_date": position.last_step_date.isoformat() if position.last_step_date else None,
            "next_step": position.next_step,
            "next_step_date": position.next_step_date.isoformat() if position.next_step_date else None,
            "paused": position.paused,
        })
    if as_json:
        print(dumps_with_records({"as_of": date.isoformat(), "invoices": invoices, "warnings": view.warnings},
                                 "invoices"))
        return
    table = Table(title=f"Dunning as of {date.isoformat()} (plan {view.plan})", title_justify="left")
    for column in ("invoice", "customer", "open", "due", "days", "last step", "next step", "on", "paused"):
        table.add_column(column, justify="right" if column in ("open", "days") else "left")
    for item in invoices:
        table.add_row(escape(item["invoice_id"]), escape(item["customer_id"]),
                      format_money(int(open_by_id[item["invoice_id"]]), item["currency"], shown_locale),
                      item["due_date"] or "", str(item["days_overdue"] if item["days_overdue"] is not None else ""),
                      item["last_step"] or "·", item["next_step"] or "done", _shown_next_date(item, date),
                      item["paused"] or "")
    console = out_console()
    console.print(table)
    for line in plan_lines([(p.customer_id, view.choices[p.invoice_id]) for p in view.decision.positions],
                           view.plan):
        console.print(escape(line))
    for warning in view.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")


def _shown_next_date(item: dict[str, Any], as_of: dt.date) -> str:
    """A paused invoice's next step waits for the pause to end, whatever date its plan alone would give."""
    if item["paused"] and item["next_step"] and (item["next_step_date"] or "") <= as_of.isoformat():
        return "once the pause ends"
    return item["next_step_date"] or ""


def plan_lines(choices: list[tuple[str, Any]], default: str) -> list[str]:
    """Which plan each customer follows and why: one line per customer not on the default plan for the default
    reason, and how many customers are."""
    seen: dict[tuple[str, str], Any] = {}
    for customer, choice in choices:
        seen.setdefault((customer, choice.plan), choice)
    plain = {customer for (customer, _), choice in seen.items() if choice.plan == default and
             choice.reason == "default plan"}
    lines = [f"plan of {customer}: {choice}" for (customer, _), choice in sorted(seen.items())
             if customer not in plain or choice.plan != default]
    if plain:
        lines.append(f"{len(plain)} customer(s) follow the default plan {default}")
    return lines


@dunning_app.command("run")
def run(
    plan: Annotated[str | None, typer.Option("--plan", help="Apply this one plan to every business customer "
                                             "(segments ignored); consumers keep a consumer plan of their "
                                             "country.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would happen; write and record "
                                          "nothing.")] = False,
    allow_stale_bank: Annotated[bool, typer.Option("--allow-stale-bank", help="Run although the newest bank "
                                                   "statement is older than bank_max_age.")] = False,
    send: Annotated[bool, typer.Option("--send", help="Then send every e-mail written or failed and not yet "
                                       "sent over SMTP (arctl.yaml smtp:); exit 5 when one fails.")] = False,
    as_of: Annotated[str, typer.Option("--as-of", help="The date of the run (a date or today).")] = "today",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    locale: LocaleOpt = None,
) -> None:
    """Decide which dunning steps are due, write their documents into outbox/<date>/ and record them.

    E-mails are .eml files, letters .html, phone steps rows of the day's call-list.csv (a later run adds its rows) and call-list.xlsx (rewritten whole), an agency step a notice and a folder for the agency. A step is recorded once its document is written; running again on the same day adds only what is new and never rewrites a recorded document (new invoices of a customer already dunned today wait for the next run). What a killed run left unrecorded is removed first. Refuses (exit 3) when a bank account's statements do not reach within dunning.bank_max_age business days, and (exit 2) an --as-of before the last recorded run (a --dry-run may look at any date). With --send the e-mails then go over SMTP (a message whose fate is unknown after a stopped run is listed, never resent; see arctl outbox); exit 5 when one is not sent.

    Example: [bold]arctl dunning run --dry-run[/bold]
    """  # noqa: E501
    from arctl import workflows
    from arctl.money import format_money

    workspace = workspace_or_none()
    date = as_of_date(as_of, workspace)
    result = workflows.dunning_run(workspace, date, plan=plan, dry_run=dry_run, allow_stale_bank=allow_stale_bank,
                                   send=send)
    shown_locale = screen_locale(locale, workspace)
    if as_json:
        document = _run_json(result, date, dry_run)
        if result.sending is not None:
            document["sending"] = sending_json(result.sending)
        print(json.dumps(document, ensure_ascii=False, indent=2))
        if result.sending is not None:
            raise_for_sending(result.sending)
        return
    console = out_console()
    verb = "would write" if dry_run else "wrote"
    title = f"Dunning run {date.isoformat()}" + (" (dry run: nothing written)" if dry_run else "")
    columns = ("customer", "step", "channel", "invoices", "total", "document")
    rows = [(o.action.customer_id, o.action.step, o.action.channel, str(len(o.action.invoices)),
             format_money(o.action.total_due, o.action.currency, shown_locale), ", ".join(o.documents))
            for o in result.outcomes]
    if len(rows) > BOXED_ROWS:  # thousands of rows: plain columns, drawn in a fraction of the time
        from arctl.text import terminal_text

        shown = [tuple(terminal_text(cell, one_line=True) for cell in row) for row in rows]
        typer.echo(f"{title}\n{aligned(columns, shown, right=frozenset({'total'}))}", nl=False)
    else:
        table = Table(title=title, title_justify="left")
        for column in columns:
            table.add_column(column, justify="right" if column == "total" else "left", overflow="fold")
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
    reasons: dict[str, int] = {}
    for skip in result.skipped:
        reasons[skip.reason] = reasons.get(skip.reason, 0) + 1
    console.print(f"{verb} {len(result.outcomes)} action(s); skipped: "
                  + (", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items())) or "none"))
    for customer, why in result.plans.items():
        if not why.endswith(": default plan"):
            console.print(escape(f"plan of {customer}: {why}"))
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    for callback in result.callbacks:
        console.print(f"call back {escape(callback['customer_id'])} (due {callback['until']}): "
                      f"{escape(callback['text'])} [dim](call of {callback['written_on']})[/dim]")
    if result.sending is not None:
        print_sending(result.sending, as_json=False)
        raise_for_sending(result.sending)


def _run_json(result, date, dry_run: bool) -> dict:
    from arctl.money import plain_amount

    return {
        "as_of": date.isoformat(), "dry_run": dry_run,
        "actions": [{"customer_id": o.action.customer_id, "step": o.action.step, "channel": o.action.channel,
                     "invoices": list(o.action.invoices),
                     "amount_due": plain_amount(o.action.amount_due, o.action.currency),
                     "currency": o.action.currency,
                     "costs": [{"kind": c.kind, "amount": plain_amount(c.amount, o.action.currency),
                                "basis": c.basis} for c in o.action.costs],
                     "total_due": plain_amount(o.action.total_due, o.action.currency),
                     "credits": [{"invoice_id": c.invoice_id,
                                  "open_amount": plain_amount(c.open_amount, o.action.currency)}
                                 for c in o.action.credits],
                     "net_due": plain_amount(o.action.net_due, o.action.currency),
                     "reference": o.action.payment_reference.printed if o.action.payment_reference else None,
                     "documents": list(o.documents), "delivery": "dry_run" if dry_run else o.delivery,
                     "plan": o.action.plan or None,
                     "plan_reason": result.plans.get(o.action.customer_id, ": ").partition(": ")[2] or None}
                    for o in result.outcomes],
        "skipped": [{"invoice_id": s.invoice_id, "reason": s.reason} for s in result.skipped],
        "warnings": result.warnings,
        "callbacks": [{"customer_id": c["customer_id"], "call_back_on": c["until"].isoformat(),
                       "note": c["text"], "call_of": c["written_on"].isoformat()} for c in result.callbacks],
    }


_REASONS = {
    "paid": "it is paid", "below_minimum": "the customer's overdue total is below the plan's minimum",
    "disputed": "it is disputed", "promised": "the customer promised to pay and the date has not passed",
    "payment_plan": "it is on a payment plan", "held": "it is on hold",
    "payment_to_review": "a bank payment that may pay it waits for a person (arctl match / unmatch)",
    "covered_by_credit": "the customer's credit notes cover what is overdue, or what the document would demand",
    "not_due_yet": "its next step is not due yet", "plan_complete": "every step of its plan has been taken",
    "no_consumer_plan": "the customer is a consumer and no plan route leads to a consumer plan of their country",
    "with_agency": "it was handed over to the collection agency",
    "own_letter_next_run": "its Dutch 14-day letter goes out on its own, in the next run (never inside a cost demand)",
    "recorded_today": "the customer's document of this step was already recorded today; it waits for the next run",
    "unusable_address": "the customer's e-mail address cannot take the document; fix it and run again",
}


@app.command()
def explain(
    invoice: Annotated[str, typer.Argument(help="The invoice number.")],
    as_of: Annotated[str, typer.Option("--as-of", help="The date (a date or today).")] = "today",
    locale: LocaleOpt = None,
) -> None:
    """Why an invoice is (or is not) in today's dunning run: its open amount and where it comes from, its
    steps, what holds it back, and the date of its next step.

    Example: [bold]arctl explain 2026-00123[/bold]
    """
    from arctl import workflows
    from arctl.money import format_money

    workspace = workspace_or_none()
    date = as_of_date(as_of, workspace)
    found = workflows.explain(workspace, invoice, date)
    shown = screen_locale(locale, workspace)
    row, currency = found.invoice, found.invoice["currency"]
    money = lambda minor: format_money(minor, currency, shown)  # noqa: E731
    console = out_console()
    console.print(f"[bold]Invoice {escape(invoice)}[/bold] of {escape(row['customer_name'] or row['customer_id'])} "
                  f"({escape(row['customer_id'])}), due {row['due_date']}: amount {money(row['amount'])}")
    console.print(f"  open now: {money(found.open_amount)} — the export showed {money(row['open_amount'])}"
                  + (f", payments matched at the bank: {money(sum(p['amount'] for p in found.payments))}"
                     if found.payments else ""))
    for payment in found.payments:
        console.print(f"    paid {money(payment['amount'])} on {payment['booking_date']} by "
                      f"{escape(payment['bank_txn'])} ({payment['rule']}, {payment['status']})")
    for suggestion in found.suggestions:
        console.print(f"    suggested: {money(suggestion['amount'])} from {escape(suggestion['bank_txn'])} waits for a "
                      "person")
    if found.steps:
        console.print("  steps taken: " + "; ".join(f"{step} on {day}" for step, day in found.steps))
    else:
        console.print("  no dunning step taken yet")
    if found.verdict:
        console.print(f"  {escape(found.verdict)}")
    if found.plan:
        console.print(f"  plan: {escape(found.plan)}")
    for pause in found.pauses:
        console.print(f"  pause: {escape(pause)}")
    if found.callback:
        console.print(f"  call back on {escape(found.callback)}")
    position = found.position
    if found.in_run:
        console.print(f"  [bold]in the run of {date}[/bold]: {escape(found.in_run)}")
    elif found.due_today and position is not None:
        console.print(f"  [bold]in the run of {date}[/bold]: step {position.next_step}")
    for reason in found.reasons if not found.in_run else ():
        console.print(f"  not in the run of {date}: {escape(_REASONS.get(reason, reason))}")
    if position is not None and position.next_step and not found.due_today:
        if position.paused:
            console.print(f"  next step: {position.next_step} once the pause ends")
        elif position.next_step_date is not None and position.next_step_date < date:
            console.print(f"  next step: {position.next_step} once nothing holds it back")
        else:
            console.print(f"  next step: {position.next_step} on {position.next_step_date}")
