"""`arctl aging`: open amounts by customer, currency and days past due."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from arctl.cli import app, err_console, out_console, workspace_or_none
from arctl.cli.options import (
    AgingBy,
    AgingFormat,
    ClientsOpt,
    DateFormatOpt,
    DecimalOpt,
    DelimiterOpt,
    FilesArg,
    JobsOpt,
    LocaleOpt,
    OnError,
    ProfileOpt,
    SheetOpt,
    aging_format,
    as_of_date,
    parse_bounds,
    read_options,
    screen_locale,
)
from arctl.render.safe_text import escape

if TYPE_CHECKING:
    from arctl.model import Finding


@app.command()
def aging(
    files: FilesArg = None,
    by: Annotated[AgingBy, typer.Option("--by", help="Age by due date or by invoice (issue) date.")] = AgingBy.due,
    buckets: Annotated[str, typer.Option("--buckets", help="Upper bounds of the day buckets.")] = "30,60,90",
    output_format: Annotated[AgingFormat | None, typer.Option(
        "--format", help="Output format (default: from the -o file's suffix, else table).",
        show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.",
                                                show_default=False)] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="Date of the report (a date or today).")] = "today",
    on_error: Annotated[OnError, typer.Option("--on-error", help="Unusable rows: skip them (with a warning "
                                              "that counts them) or fail.")] = OnError.skip,
    profile: ProfileOpt = None,
    sheet: SheetOpt = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Currency of exports without a currency "
                                                 "column; with --rates, the currency every amount is converted "
                                                 "into (ISO 4217, e.g. EUR).", show_default=False)] = None,
    rates: Annotated[Path | None, typer.Option("--rates", help="CSV of conversion rates, a line `USD,0.92` per "
                                               "currency (1 USD = 0.92 of --currency).", show_default=False)] = None,
    detail: Annotated[bool, typer.Option("--detail", help="List each open item under its customer.")] = False,
    date_format: DateFormatOpt = None,
    decimal: DecimalOpt = None,
    delimiter: DelimiterOpt = None,
    locale: LocaleOpt = None,
    clients: ClientsOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """Aging report: open amounts per customer and currency by days past due, with totals per currency.

    Days overdue = as-of date − due date (or invoice date with --by issue); 'current' holds 0 or fewer days, '1-30' 1 to 30 days, and so on. Credit notes and (in a workspace) bank payments not applied to an invoice are negative amounts aged by their own date, also shown as credits. Without FILE, reads the workspace's open items (a past --as-of rebuilds those of that day from the state) or its invoice sources. Unusable rows are left out with a warning that counts them (--on-error fail stops instead). CSV follows --locale (else the workspace's, else en): nl_BE writes ';' and a decimal comma.

    -o aging.xlsx writes a workbook for accountants (summary, detail, chart), -o aging.html one self-contained web page.

    With --clients DIR: every client folder of DIR (a workspace, or a folder of the client's exports) in --jobs worker processes, a report per client (a workspace's in its reports/<date>/, an export folder's in DIR/_reports/<client>/<date>/) and the summary workbook DIR/_summary-<date>.xlsx (or -o); exit 1 when a client failed.

    Example: [bold]arctl aging exports/openstaande_posten.csv --as-of 2026-11-26 --format json[/bold]
    Example: [bold]arctl aging --detail --currency EUR --rates rates.csv[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    if clients is not None:
        from arctl.cli.batch import run_batch

        run_batch(clients, "aging", as_of, jobs, output, output_format == AgingFormat.json, parse_bounds(buckets))
        return
    from arctl import workflows
    from arctl.render.aging import aging_csv, aging_json_text, print_aging

    bounds = parse_bounds(buckets)
    output_format = aging_format(output_format, output)
    workspace = workspace_or_none()
    options = read_options(None, profile, sheet, currency, date_format, decimal, delimiter)
    date = as_of_date(as_of, workspace)
    result = workflows.aging(list(files or []), options, date, by=by.value, bounds=bounds,
                             on_error=on_error.value, workspace=workspace, detail=detail,
                             convert_to=currency.upper() if currency else None, rates=rates)
    shown_locale = screen_locale(locale, workspace)
    print_warnings(result, by)
    if output_format == AgingFormat.table:
        print_aging(out_console(), result.report, shown_locale)
        return
    if output_format in (AgingFormat.xlsx, AgingFormat.html) and output:
        from arctl.render.aging_files import write_aging_file
        from arctl.workflows.kpi import kpis_of

        kpis = kpis_of(workspace, date) if not files else None   # the KPIs are the workspace's, not FILE's
        for notice in write_aging_file(output, result.report, output_format.value, shown_locale,
                                       workspace.root if workspace else None,
                                       workspace.config.company.name if workspace else "", kpi_report=kpis):
            err_console().print(f"[yellow]warning:[/yellow] {escape(notice)}")
        err_console().print(f"wrote {output}")
        return
    text = (aging_json_text(result.report) + "\n"
            if output_format == AgingFormat.json else aging_csv(result.report, csv_locale(locale, workspace)))
    if output:
        from arctl.render.output import write_text_output

        write_text_output(output, text)
        err_console().print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def print_warnings(result, by: AgingBy) -> None:
    """The rows left out, the workflow's notes and the undated invoices, on stderr."""
    for file, rows in skipped_rows(result.skipped).items():
        listed = ", ".join(str(row) for row in rows[:12]) + (f" … ({len(rows)} rows)" if len(rows) > 12 else "")
        err_console().print(f"[yellow]warning:[/yellow] {escape(file)}: {len(rows)} unusable row(s) left out "
                            f"of the report: row {listed}; run `arctl check {escape(file)}` for the reasons")
    for note in result.notes:
        err_console().print(f"[yellow]warning:[/yellow] {escape(note)}")
    if result.report.undated:
        err_console().print(f"[yellow]warning:[/yellow] {result.report.undated} open invoice(s) have no "
                            f"{'due' if by == AgingBy.due else 'invoice'} date and are not in the buckets")


def csv_locale(explicit: str | None, workspace) -> str:
    """The locale a CSV is written for: --locale, else the workspace's, else en (never the machine's: a script's
    CSV must not change with $LANG)."""
    return screen_locale(explicit, workspace) if explicit or workspace is not None else "en"


def skipped_rows(findings: list[Finding]) -> dict[str, list[int]]:
    """The rows left out, per file, in order (a row with several problems once)."""
    rows: dict[str, set[int]] = {}
    for finding in findings:
        rows.setdefault(finding.file, set()).add(finding.row or 0)
    return {file: sorted(numbers) for file, numbers in rows.items()}
