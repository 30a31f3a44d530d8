"""Options and option parsing shared by the commands."""

from __future__ import annotations

import datetime as dt
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from arctl.errors import UsageError


class Kind(StrEnum):
    invoices = "invoices"
    customers = "customers"
    bank = "bank"


class OnError(StrEnum):
    fail = "fail"
    skip = "skip"


class AgingBy(StrEnum):
    due = "due"
    issue = "issue"


class AgingFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    html = "html"


def aging_format(given: AgingFormat | None, output: Path | None) -> AgingFormat:
    """The format of `arctl aging`: --format when given, else the suffix of -o (aging.xlsx, aging.html,
    aging.csv, aging.json), else the table; xlsx and html are files, so they need -o."""
    if given is None and output is not None:
        given = next((f for f in AgingFormat if f != AgingFormat.table and output.suffix.lower() == f".{f}"), None)
        if given is None:
            raise UsageError(f"-o {output}: cannot tell the format from the name",
                             hint="add --format csv, json, xlsx or html, or name the file aging.xlsx, aging.html, "
                                  "aging.csv or aging.json")
    chosen = given or AgingFormat.table
    if chosen in (AgingFormat.xlsx, AgingFormat.html) and output is None:
        raise UsageError(f"--format {chosen} writes a file: name it with -o",
                         hint=f"arctl aging --format {chosen} -o aging.{chosen}")
    if chosen == AgingFormat.table and output is not None:
        raise UsageError("-o needs --format csv, json, xlsx or html")
    return chosen


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


def read_options(kind, profile, sheet, currency, date_format, decimal, delimiter):
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


def screen_locale(explicit: str | None, workspace) -> str:
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


def as_of_date(text: str, workspace, option: str = "--as-of") -> dt.date:
    """A date option's value: ISO, the workspace's locale (15/12/2026 in nl_BE; see cli/dates.py) or today."""
    from arctl.cli.dates import date_order, environment_locale, in_words, order_words, parse_date

    locale = workspace.config.locale if workspace is not None else environment_locale()
    day, ambiguous = parse_date(text, option, locale, today=today(workspace))
    if ambiguous:
        from arctl.cli import err_console

        err_console().print(f"note: {option} {text} is {day.isoformat()} ({in_words(day)}): "
                            f"{order_words(date_order(locale))}")
    return day


def optional_date(text: str | None, workspace, option: str) -> dt.date | None:
    return None if text is None else as_of_date(text, workspace, option)


def today(workspace) -> dt.date:
    """Today in the workspace's time zone (else the machine's)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(workspace.config.timezone) if workspace is not None else None
    return dt.datetime.now(zone).date()


def parse_bounds(text: str) -> tuple[int, ...]:
    try:
        bounds = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise UsageError(f"--buckets {text}: expected whole numbers of days such as 30,60,90") from exc
    if not bounds or any(b <= 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
        raise UsageError(f"--buckets {text}: expected increasing positive numbers of days such as 30,60,90")
    return bounds


ClientsOpt = Annotated[Path | None, typer.Option("--clients", help="A folder of client folders (each a "
                                                 "workspace, or a folder of that client's exports): run for "
                                                 "every client.", show_default=False)]
JobsOpt = Annotated[int | None, typer.Option("--jobs", min=1, help="With --clients: worker processes. "
                                             "[default: the number of CPUs]", show_default=False)]
