"""`arctl kpi`: DSO, best possible DSO, average days delinquent, CEI, days to pay and late, overdue share."""

from __future__ import annotations

import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from arctl.cli import app, err_console, out_console, workspace_or_none
from arctl.cli.options import LocaleOpt, as_of_date, screen_locale
from arctl.errors import UsageError


class KpiFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class CeiSales(StrEnum):
    total = "total"
    monthly_average = "monthly_average"


@app.command()
def kpi(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Last day of the period (a date or today; "
                                              "default: today, or the end of --period FROM..TO).",
                                              show_default=False)] = None,
    period: Annotated[str, typer.Option("--period", help="The period the KPIs cover, ending on the as-of date: "
                                        "3m (months), 90d (days), or FROM..TO.")] = "3m",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout (= --format json).")
                       ] = False,
    output_format: Annotated[KpiFormat, typer.Option("--format", help="Output format.")] = KpiFormat.table,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout "
                                                "(with --format csv or json).", show_default=False)] = None,
    top: Annotated[int, typer.Option("--top", min=0, help="How many overdue customers to list per currency.")] = 10,
    current_days: Annotated[int | None, typer.Option("--current-days", min=0, max=365, help="Receivables at most "
                                                     "this many days past due count as current (default: "
                                                     "arctl.yaml kpi.current_days, 0: not yet due).",
                                                     show_default=False)] = None,
    cei_sales: Annotated[CeiSales | None, typer.Option("--cei-sales", help="Credit sales CEI adds over several "
                                                       "months: the period's total or the average month's "
                                                       "(default: arctl.yaml kpi.cei_sales, total).",
                                                       show_default=False)] = None,
    locale: LocaleOpt = None,
) -> None:
    """KPIs of the receivables from the workspace's history: DSO (standard and countback), best possible DSO, average days delinquent, collection effectiveness (CEI), the overdue share, average days to pay and days late per customer and overall, the top overdue customers and a month-by-month trend.

    A paid invoice's payment date is the booking date of the bank payment that completed it, else the day of the first snapshot that no longer listed it; the output says how many of each. README "KPIs" gives every formula with a worked example.

    Example: [bold]arctl kpi --period 3m --as-of 2026-11-30 --json[/bold]
    """  # noqa: E501 (rich help keeps the docstring's line breaks)
    from arctl.render.kpi import kpi_csv, kpi_json, print_kpi
    from arctl.workflows.kpi import kpi as compute

    workspace = workspace_or_none()
    if as_json:
        output_format = KpiFormat.json
    months, days, start, end = parse_period(period, workspace)
    if end is not None and as_of is not None:
        raise UsageError(f"--period {period} already says where the period ends: leave out --as-of {as_of}")
    if end is None:
        end = as_of_date(as_of or "today", workspace)
    report = compute(workspace, end, months=months, days=days, start=start, top=top, current_days=current_days,
                     cei_sales=cei_sales.value if cei_sales else None)
    if output_format == KpiFormat.table:
        if output:
            raise UsageError("-o needs --format csv or json")
        print_kpi(out_console(), report, screen_locale(locale, workspace))
        return
    text = (json.dumps(kpi_json(report), ensure_ascii=False, indent=2) + "\n"
            if output_format == KpiFormat.json else kpi_csv(report))
    if output:
        from arctl.render.output import write_text_output

        write_text_output(output, text)
        err_console().print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def parse_period(text: str, workspace):
    """--period: (months, days, start, end); 3m and 90d give a length, FROM..TO the two days."""
    found = re.fullmatch(r"\s*(\d+)\s*([md])\s*", text.lower())
    if found and int(found.group(1)) > 0:
        number = int(found.group(1))
        return (number, 0, None, None) if found.group(2) == "m" else (0, number, None, None)
    if ".." in text:
        first, last = text.split("..", 1)
        return 0, 0, as_of_date(first.strip(), workspace, "--period"), as_of_date(last.strip(), workspace, "--period")
    raise UsageError(f"--period {text}: expected a number of months (3m), of days (90d), or FROM..TO",
                     hint="e.g. --period 3m, --period 90d, --period 2026-09-01..2026-11-30")
