"""`arctl payments`: the bank credits in the workspace and what became of each; the file to book them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from arctl.cli import app, err_console, out_console, workspace_or_none
from arctl.cli.options import as_of_date, screen_locale
from arctl.errors import UsageError


@app.command()
def payments(
    unmatched: Annotated[bool, typer.Option("--unmatched", help="Only the credits with money no allocation "
                                            "accounts for (nothing matched, or paid beyond its invoices), and "
                                            "the returns no payment explains.")] = False,
    suggested: Annotated[bool, typer.Option("--suggested", help="Only the credits with a suggestion waiting "
                                            "for a person (with --unmatched: either).")] = False,
    since: Annotated[str | None, typer.Option("--since", help="Only what the bank booked on or after this date "
                                              "(e.g. 2026-11-01, or today).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the allocations to book, one row "
                                                "each (date, customer, invoice, amount, bank reference), to "
                                                "FILE.csv (in the workspace's locale) or FILE.xlsx.",
                                                show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows listed per table on screen (0: all).")] = 50,
    locale: Annotated[str | None, typer.Option("--locale", help="Locale for amounts on screen and in the CSV "
                                               "file, e.g. nl_BE, fr_BE, en_GB (default: the workspace's).",
                                               show_default=False)] = None,
) -> None:
    """List the bank credits in the workspace and how each was allocated: [green]auto[/green], by hand ([cyan]manual[/cyan]), [yellow]suggested[/yellow] (a person decides) [red]unmatched[/red] (left to a person) or [magenta]returned[/magenta]; the open rest of the invoices they paid in part; and the returns and refunds (debits that give money back).

    -o writes the file a bookkeeper imports into the accounting package to book the payments: one row per allocation applied (auto or by hand; never a suggestion, nor a payment that was returned). CSV follows the locale: ";" and a decimal comma in nl_BE, fr_BE, de_DE; "," and a decimal point in en_*. XLSX has real dates and numbers.

    Example: [bold]arctl payments --since 2026-11-01 -o reports/payments-2026-11.csv[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl import workflows
    from arctl.render.payments import BOOKING_SUFFIXES, payments_json, print_payments, write_bookings

    workspace = workspace_or_none()
    if output is not None and output.suffix.lower() not in BOOKING_SUFFIXES:
        raise UsageError(f"-o {output}: expected a .csv or .xlsx file", hint="e.g. -o reports/payments.csv")
    if output is not None and (unmatched or suggested):
        raise UsageError("-o writes the allocations to book; the credits --unmatched or --suggested select have "
                         "none", hint="leave out --unmatched and --suggested (--since still applies)")
    day = as_of_date(since, workspace, "--since") if since is not None else None
    view = workflows.payments(workspace, since=day, unmatched=unmatched, suggested=suggested)
    shown_locale = screen_locale(locale, workspace)
    if output is not None:
        rows = write_bookings(output, view, shown_locale)
        err_console().print(f"wrote {output}: {rows} allocation(s) to book")
    if as_json:
        print(json.dumps(payments_json(view), ensure_ascii=False, indent=2))
    else:
        print_payments(out_console(), view, shown_locale, limit)

