"""`arctl reconcile`: match bank credits to open invoices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arctl.cli import app, err_console, out_console, workspace_or_none
from arctl.cli.options import LocaleOpt, ProfileOpt, as_of_date, read_options, screen_locale
from arctl.errors import UsageError
from arctl.match_settings import MatchSettings

_DEFAULTS = MatchSettings()


@app.command()
def reconcile(
    files: Annotated[list[Path] | None, typer.Argument(help="The invoice export, then one or more bank "
                                                       "statements (camt.053/054, MT940, CODA, bank CSV/XLSX). "
                                                       "Default: the workspace's sources.",
                                                       show_default=False)] = None,
    customers: Annotated[Path | None, typer.Option("--customers", help="Customer master (names, IBANs) to "
                                                   "recognise payers.", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the matches to FILE.xlsx (sheets "
                                                "matched, suggested, unmatched) or FILE.csv. In a workspace: "
                                                "every standing allocation, not only this run's.",
                                                show_default=False)] = None,
    fail_on_unmatched: Annotated[bool, typer.Option("--fail-on-unmatched", help="Exit 1 when credits are left "
                                                    "unmatched or only suggested.")] = False,
    shortfall_percent: Annotated[str | None, typer.Option("--shortfall-percent", help="A payment this much short "
                                                          "(bank charges) is matched and flagged. [default: 1, or "
                                                          "matching.shortfall_percent]", show_default=False)] = None,
    shortfall_max: Annotated[str | None, typer.Option("--shortfall-max", help="... but never more than this "
                                                      "amount short. [default: 5.00]", show_default=False)] = None,
    subset_max: Annotated[int | None, typer.Option("--subset-max", min=1, max=8,
                                                   help="A combined payment pays at most this many "
                                                   "invoices ... [default: 5]", show_default=False)] = None,
    subset_pool: Annotated[int | None, typer.Option("--subset-pool", min=1, max=60,
                                                    help="... among the customer's oldest open "
                                                    "invoices. [default: 20]", show_default=False)] = None,
    name_score: Annotated[int | None, typer.Option("--name-score", min=50, max=100,
                                                   help="Score (0-100) a bank name needs to name "
                                                   "a customer. [default: 90]", show_default=False)] = None,
    profile: ProfileOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows listed per table on screen (0: all).")] = 50,
    locale: LocaleOpt = None,
) -> None:
    """Match bank credits to open invoices: by structured reference, invoice number, payer and amount.

    Certain matches are applied ([green]auto[/green]); uncertain ones are [yellow]suggested[/yellow] for a person. A line whose reference (also one whose check digits fail, read as the invoice reference it is one slip from) or invoice number names another invoice than the one its amount and payer pick is suggested with both, never applied. Debits, returned payments and duplicates from overlapping statements are never taken for customer payments. Without FILES, reads the workspace's sources.

    Exit 0, or 1 with --fail-on-unmatched when a credit is left unmatched or only suggested.

    Example: [bold]arctl reconcile exports/open_invoices.csv bank/2026-11.xml --customers exports/customers.csv -o matches.xlsx[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows
    from arctl.config import percent_basis_points
    from arctl.render.reconcile import json_text, print_reconcile, write_matches

    workspace = workspace_or_none()
    base = workspace.config.matching if workspace is not None else _DEFAULTS
    settings = MatchSettings(
        shortfall_basis_points=percent_basis_points(shortfall_percent) if shortfall_percent
        else base.shortfall_basis_points,
        shortfall_max=_amount_text(shortfall_max) if shortfall_max else base.shortfall_max,
        subset_max_invoices=subset_max or base.subset_max_invoices,
        subset_pool=subset_pool or base.subset_pool,
        name_score=name_score or base.name_score,
    )
    if output is not None and output.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(f"-o {output}: expected a .xlsx or .csv file")
    options = read_options(None, profile, None, None, None, None, None)
    result = workflows.reconcile(list(files or []), options, customers=customers, settings=settings,
                                 workspace=workspace)
    shown_locale = screen_locale(locale, workspace)
    reconciliation = result.reconciliation
    for notice in result.notices:
        err_console().print(f"note: {notice}")
    if output is not None and workspace is not None and not files:
        # in a workspace the file is the whole picture, not only this run's new matches
        write_matches(output, workflows.standing_matches(workspace))
        err_console().print(f"wrote {output}: every allocation standing in the workspace (this run's, earlier "
                            "runs' and those made by hand), the suggestions waiting and the credits left unmatched")
    elif output is not None:
        write_matches(output, reconciliation)
        err_console().print(f"wrote {output}")
    if as_json:
        print(json_text(reconciliation))
    else:
        print_reconcile(out_console(), reconciliation, shown_locale, limit)
    summary = reconciliation.summary()
    if fail_on_unmatched and (summary["unmatched"] or summary["suggested"]):
        raise typer.Exit(1)


def _amount_text(text: str) -> str:
    import re

    if not re.fullmatch(r"\d+(?:[.,]\d{1,3})?", text.strip()):
        raise UsageError(f"--shortfall-max {text}: expected an amount such as 5.00")
    return text.strip().replace(",", ".")


@app.command()
def match(
    bank_txn: Annotated[str, typer.Argument(help="The bank transaction (bank_txn in `arctl reconcile --json`).")],
    invoice: Annotated[str, typer.Argument(help="The invoice it pays.")],
    amount: Annotated[str | None, typer.Option("--amount", help="How much of the payment goes to the invoice "
                                               "(default: what is left of it, at most the invoice's open amount).",
                                               show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Match even when the bank's payer name is not the "
                                        "customer's, or the customer or invoice is on hold.")] = False,
    as_of: Annotated[str, typer.Option("--as-of", help="The date whose holds count (ISO date or today).")] = "today",
) -> None:
    """Allocate a payment to an invoice by hand, or confirm the matcher's suggestion.

    The payer's IBAN is remembered for that customer, so that its next payments are recognised. Other suggestions for the same payment are rejected.

    Refused (exit 2) when the bank's payer name is not the customer's name (scored as the matcher scores names, unless the payer's IBAN is already known for that customer) or when the customer or the invoice is on hold: the message says why; add --force to match anyway.

    Example: [bold]arctl match BE05068123456775:REF-0002 2026-0043[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows
    from arctl.money import format_money

    workspace = workspace_or_none()
    done = workflows.match_manually(workspace, bank_txn, invoice, amount, force=force,
                                    as_of=as_of_date(as_of, workspace))
    locale = workspace.config.locale
    for doubt in done.forced:
        err_console().print(f"note: matched with --force although {doubt}")
    what = "confirmed the suggestion" if done.confirmed_suggestion else "matched"
    out_console().print(f"{what}: {done.bank_txn} pays {format_money(done.amount, done.currency, locale)} of "
                        f"invoice {done.invoice_id}")
    if done.rejected:
        out_console().print(f"{done.rejected} other suggestion(s) for this payment rejected")
    if done.remembered_iban:
        out_console().print(f"remembered {done.remembered_iban} as a payer's account")


@app.command()
def unmatch(
    bank_txn: Annotated[str, typer.Argument(help="The bank transaction whose matches to undo.")],
) -> None:
    """Undo every match of a payment (automatic, suggested or by hand); its invoices are open again.

    The payment is then left to a person: `arctl reconcile` will not match it automatically again, `arctl match` can.

    What a manual match of it taught is forgotten: the payer's IBAN no longer names that customer (unless the customer file or another manual match that still stands says so), and automatic matches that recognised their payer only by that IBAN become suggestions again.

    Example: [bold]arctl unmatch BE05068123456775:REF-0002[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows

    undone = workflows.unmatch(workspace_or_none(), bank_txn)
    out_console().print(f"{undone.matches} match(es) of {bank_txn} undone")
    for iban, customer in undone.forgotten:
        out_console().print(f"forgot {iban} as customer {customer}'s account")
    if undone.demoted:
        out_console().print(f"{len(undone.demoted)} payment(s) matched automatically by that account are "
                            "suggestions again: " + ", ".join(undone.demoted))
