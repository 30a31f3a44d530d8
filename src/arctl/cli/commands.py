"""The commands: each parses its options, calls one workflow and prints the result."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from arctl.cli import app, err_console, fail, out_console, print_error, state, workspace_or_none
from arctl.errors import ArctlError, UsageError


class Kind(str, Enum):
    invoices = "invoices"
    customers = "customers"


class OnError(str, Enum):
    fail = "fail"
    skip = "skip"


class AgingBy(str, Enum):
    due = "due"
    issue = "issue"


class AgingFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


ProfileOpt = Annotated[str | None, typer.Option("--profile", help="Column profile: generic, exact-online, xero, "
                                                "quickbooks-online, odoo, zoho-invoice, invoiceninja-v4, or a .yaml "
                                                "file. Default: detected from the header.", show_default=False)]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Spreadsheet sheet to read (default: the first "
                                              "sheet with data).", show_default=False)]
CurrencyOpt = Annotated[str | None, typer.Option("--currency", help="Currency of exports without a currency "
                                                 "column (ISO 4217, e.g. EUR).", show_default=False)]
DateFormatOpt = Annotated[str | None, typer.Option("--date-format", help="Date format when the dates are "
                                                   "ambiguous: DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD, DD-MM-YYYY, "
                                                   "DD.MM.YYYY, DD/MM/YY, YYYYMMDD ...", show_default=False)]
DecimalOpt = Annotated[str | None, typer.Option("--decimal", help='Decimal mark when amounts are ambiguous: "." '
                                                'or ",".', show_default=False)]
DelimiterOpt = Annotated[str | None, typer.Option("--delimiter", help='CSV field delimiter: ",", ";", "|" or '
                                                  '"tab" (default: detected).', show_default=False)]
LocaleOpt = Annotated[str | None, typer.Option("--locale", help="Locale for amounts on screen, e.g. nl_BE, "
                                               "fr_BE, en_GB (default: the workspace's, else $LANG).",
                                               show_default=False)]
FilesArg = Annotated[list[Path] | None, typer.Argument(help="Export files (CSV, TSV, XLSX, XLS, ODS). Default: "
                                                       "the workspace's sources.", show_default=False)]


def _options(kind, profile, sheet, currency, date_format, decimal, delimiter):
    from arctl.model import DATE_FORMATS, ReadOptions
    from arctl.money import is_currency

    if currency and not is_currency(currency.upper()):
        raise UsageError(f"--currency {currency}: not an ISO 4217 currency code", hint="e.g. EUR, USD, GBP")
    if date_format and date_format.upper() not in DATE_FORMATS:
        raise UsageError(f"--date-format {date_format}: unknown format",
                         hint=f"one of: {', '.join(DATE_FORMATS)}")
    if decimal and decimal not in (".", ","):
        raise UsageError(f'--decimal {decimal}: expected "." or ","')
    delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter or "", delimiter)
    if delimiter and delimiter not in (",", ";", "\t", "|"):
        raise UsageError(f'--delimiter {delimiter!r}: expected ",", ";", "|" or tab')
    return ReadOptions(kind=kind.value if kind else None, profile=profile, sheet=sheet,
                       currency=currency.upper() if currency else None,
                       date_format=date_format.upper() if date_format else None, decimal=decimal, delimiter=delimiter)


def _locale(explicit: str | None, workspace) -> str:
    from babel import Locale, UnknownLocaleError

    if explicit:
        try:
            Locale.parse(explicit)
        except (UnknownLocaleError, ValueError) as exc:
            raise UsageError(f"--locale {explicit}: unknown locale", hint="e.g. nl_BE, fr_BE, nl_NL, en_GB") from exc
        return explicit
    if workspace is not None:
        return workspace.config.locale
    for variable in ("LC_ALL", "LC_MONETARY", "LANG"):
        value = os.environ.get(variable, "").split(".")[0]
        if value and value not in ("C", "POSIX"):
            try:
                Locale.parse(value)
                return value
            except (UnknownLocaleError, ValueError):
                continue
    return "en_GB"


def _as_of(text: str, workspace) -> dt.date:
    if text == "today":
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(workspace.config.timezone) if workspace is not None else None
        return dt.datetime.now(zone).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--as-of {text}: expected an ISO date such as 2026-11-22, or today") from exc


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing arctl.yaml.")] = False,
) -> None:
    """Create a workspace: a commented arctl.yaml and the folders exports/, plans/, templates/, profiles/, outbox/, reports/.

    Example: [bold]arctl init ~/clients/bakkerij[/bold]
    """
    from arctl.workflows import init_workspace

    try:
        created = init_workspace(directory, force=force)
    except ArctlError as error:
        raise fail(error) from None
    console = out_console()
    for path in created:
        console.print(f"created {path}")
    console.print(f"Next: put the exports in {directory / 'exports'}, edit {directory / 'arctl.yaml'}, "
                  "then run `arctl check`.")


@app.command()
def check(
    files: FilesArg = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="What the files hold (default: detected).",
                                              show_default=False)] = None,
    profile: ProfileOpt = None,
    sheet: SheetOpt = None,
    currency: CurrencyOpt = None,
    date_format: DateFormatOpt = None,
    decimal: DecimalOpt = None,
    delimiter: DelimiterOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Problems listed per file on screen (0: all).")] = 50,
    locale: LocaleOpt = None,
) -> None:
    """Read exports and say what is in them: format, profile, columns, rows, totals and every problem.

    Detects encoding, delimiter, decimal mark, date formats and the profile (column names) of each file, counts rows, invoices and totals per currency, and lists every unusable row with its row number and column. Without FILE, checks arctl.yaml and the workspace's sources.

    Exit 0 when every row is usable (also for a header-only file), 1 when some rows are not, 3 when a file cannot be read at all.

    Example: [bold]arctl check exports/openstaande_posten.csv --json[/bold]
    """
    from arctl import workflows
    from arctl.render.check import check_json, print_check

    try:
        workspace = workspace_or_none()
        options = _options(kind, profile, sheet, currency, date_format, decimal, delimiter)
        result = workflows.check(list(files or []), options, workspace)
        shown_locale = _locale(locale, workspace)
    except ArctlError as error:
        raise fail(error) from None
    if as_json:
        document = check_json(result.reads)
        for path, error in result.unreadable:
            document["files"].append({"path": str(path), "error": error.message, "hint": error.hint})
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_check(out_console(), result.reads, shown_locale, limit)
    for path, error in result.unreadable:
        if state.debug:
            raise error
        print_error(error, "" if str(path) in error.message else f"{path}: ")
    if result.unreadable:
        raise typer.Exit(3)
    raise typer.Exit(0 if result.all_valid else 1)


@app.command()
def aging(
    files: FilesArg = None,
    by: Annotated[AgingBy, typer.Option("--by", help="Age by due date or by invoice (issue) date.")] = AgingBy.due,
    buckets: Annotated[str, typer.Option("--buckets", help="Upper bounds of the day buckets.")] = "30,60,90",
    output_format: Annotated[AgingFormat, typer.Option("--format", help="Output format.")] = AgingFormat.table,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.",
                                                show_default=False)] = None,
    as_of: Annotated[str, typer.Option("--as-of", help="Date of the report (ISO date or today).")] = "today",
    on_error: Annotated[OnError, typer.Option("--on-error", help="Unusable rows: skip them (with a warning "
                                              "that counts them) or fail.")] = OnError.skip,
    profile: ProfileOpt = None,
    sheet: SheetOpt = None,
    currency: CurrencyOpt = None,
    date_format: DateFormatOpt = None,
    decimal: DecimalOpt = None,
    delimiter: DelimiterOpt = None,
    locale: LocaleOpt = None,
) -> None:
    """Aging report: open amounts per customer and currency by days past due, with totals per currency.

    Days overdue = as-of date − due date (or invoice date with --by issue); 'current' holds 0 or fewer days, '1-30' 1 to 30 days, and so on. Without FILE, reads the workspace's invoice sources. Unusable rows are left out with a warning that counts them (--on-error fail stops instead).

    Example: [bold]arctl aging exports/openstaande_posten.csv --as-of 2026-11-26 --format json[/bold]
    """
    from arctl import workflows
    from arctl.render.aging import aging_csv, aging_json, print_aging

    try:
        bounds = _bounds(buckets)
        workspace = workspace_or_none()
        options = _options(None, profile, sheet, currency, date_format, decimal, delimiter)
        date = _as_of(as_of, workspace)
        result = workflows.aging(list(files or []), options, date, by=by.value, bounds=bounds,
                                 on_error=on_error.value, workspace=workspace)
        shown_locale = _locale(locale, workspace)
    except ArctlError as error:
        raise fail(error) from None
    if result.skipped:
        files_with = sorted({f.file for f in result.skipped})
        err_console().print(f"[yellow]warning:[/yellow] {len(result.skipped)} problem(s) in "
                            f"{', '.join(files_with)}: those rows are left out of the report; "
                            "run `arctl check` for the list")
    if result.report.undated:
        err_console().print(f"[yellow]warning:[/yellow] {result.report.undated} open invoice(s) have no "
                            f"{'due' if by == AgingBy.due else 'invoice'} date and are not in the buckets")
    if output_format == AgingFormat.table:
        if output:
            raise fail(UsageError("-o needs --format csv or json"))
        print_aging(out_console(), result.report, shown_locale)
        return
    text = (json.dumps(aging_json(result.report), ensure_ascii=False, indent=2) + "\n"
            if output_format == AgingFormat.json else aging_csv(result.report))
    if output:
        output.write_text(text, encoding="utf-8")
        err_console().print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def _bounds(text: str) -> tuple[int, ...]:
    try:
        bounds = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise UsageError(f"--buckets {text}: expected whole numbers of days such as 30,60,90") from exc
    if not bounds or any(b <= 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
        raise UsageError(f"--buckets {text}: expected increasing positive numbers of days such as 30,60,90")
    return bounds
