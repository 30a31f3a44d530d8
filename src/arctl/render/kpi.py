"""KPI report writers: terminal tables, JSON (amounts as strings, days and percentages as numbers with one
decimal), CSV with formula-safe text, and `kpi_summary`, the flat label → text mapping other reports show."""

from __future__ import annotations

import csv
import io

from rich.console import Console
from rich.table import Table

from arctl.model import KpiFigures, KpiMonth, KpiReport, csv_cell
from arctl.money import format_money, plain_amount
from arctl.render.safe_text import escape

CSV_COLUMNS = ("customer_id", "name", "currency", "receivables", "current", "overdue", "overdue_percent",
               "credit_sales", "dso", "best_possible_dso", "average_days_delinquent", "countback_dso", "cei_percent",
               "average_days_to_pay", "average_days_late", "invoices_paid", "oldest_days_overdue")


def one_decimal(value: float | None) -> float | None:
    """Days and percentages as shown: rounded to one decimal (the figures themselves are kept unrounded)."""
    return None if value is None else round(value, 1)


def current_meaning(report: KpiReport) -> str:
    return "not yet due" if report.current_days == 0 else f"at most {report.current_days} days past due"


def kpi_json(report: KpiReport) -> dict:
    paid = report.paid_by_bank + report.paid_by_snapshot
    return {
        "as_of": report.as_of.isoformat(),
        "period": {"from": report.start.isoformat(), "to": report.as_of.isoformat(), "days": report.days},
        "settings": {"current_days": report.current_days, "current": current_meaning(report),
                     "cei_sales": report.cei_sales, "cei_months": report.cei_months},
        "payment_dates": {"invoices_paid": paid, "bank": report.paid_by_bank, "snapshot": report.paid_by_snapshot,
                          "bank_percent": one_decimal(100.0 * report.paid_by_bank / paid) if paid else None,
                          "snapshot_percent": one_decimal(100.0 * report.paid_by_snapshot / paid) if paid else None},
        "overall": {"average_days_to_pay": one_decimal(report.average_days_to_pay),
                    "average_days_late": one_decimal(report.average_days_late), "invoices_paid": paid},
        "totals": [_figures_json(figures, totals=True) for figures in report.totals],
        "customers": [_figures_json(figures) for figures in report.customers],
        "top_overdue": [_figures_json(figures) for figures in report.top_overdue],
        "trend": [_month_json(month) for month in report.trend],
        "undated_invoices": report.undated,
    }


def _figures_json(figures: KpiFigures, *, totals: bool = False) -> dict:
    money = {key: plain_amount(getattr(figures, key), figures.currency)
             for key in ("receivables", "current", "overdue", "credit_sales")}
    found: dict = ({} if totals else {"customer_id": figures.customer_id, "name": figures.name})
    found.update({"currency": figures.currency, **money,
                  "overdue_percent": one_decimal(figures.overdue_share),
                  "dso": one_decimal(figures.dso), "best_possible_dso": one_decimal(figures.best_possible_dso),
                  "average_days_delinquent": one_decimal(figures.average_days_delinquent),
                  "average_days_to_pay": one_decimal(figures.average_days_to_pay),
                  "average_days_late": one_decimal(figures.average_days_late),
                  "invoices_paid": figures.invoices_paid, "oldest_days_overdue": figures.oldest_days_overdue})
    if totals:
        found.update({"begin_receivables": plain_amount(figures.begin_receivables, figures.currency),
                      "countback_dso": one_decimal(figures.countback_dso), "cei_percent": one_decimal(figures.cei)})
    return found


def _month_json(month: KpiMonth) -> dict:
    return {"month": month.month, "end_date": month.end_date.isoformat(), "currency": month.currency,
            "receivables": plain_amount(month.receivables, month.currency),
            "overdue": plain_amount(month.overdue, month.currency),
            "credit_sales": plain_amount(month.credit_sales, month.currency), "dso": one_decimal(month.dso)}


def kpi_csv(report: KpiReport) -> str:
    """One row per customer and currency, then a TOTAL row per currency (with countback DSO and CEI)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for figures in (*report.customers, *report.totals):
        writer.writerow([csv_cell(figures.customer_id or "TOTAL"), csv_cell(figures.name or ""),
                         csv_cell(figures.currency),
                         *(plain_amount(getattr(figures, key), figures.currency)
                           for key in ("receivables", "current", "overdue")),
                         _number(figures.overdue_share), plain_amount(figures.credit_sales, figures.currency),
                         *(_number(value) for value in (figures.dso, figures.best_possible_dso,
                                                        figures.average_days_delinquent, figures.countback_dso,
                                                        figures.cei, figures.average_days_to_pay,
                                                        figures.average_days_late)),
                         figures.invoices_paid, figures.oldest_days_overdue])
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def kpi_pairs(report: KpiReport) -> list[tuple[str, object]]:
    """The headline figures as (label, value) for a worksheet: amounts as (minor units, currency), days and
    percentages as numbers with one decimal (None: not defined), the period's days as a whole number."""
    pairs: list[tuple[str, object]] = [("Period from", report.start), ("Period to", report.as_of),
                                       ("Period days", report.days), ("Current receivables", current_meaning(report))]
    for figures in report.totals:
        c = figures.currency
        pairs += [(f"Receivables ({c})", (figures.receivables, c)), (f"Overdue ({c})", (figures.overdue, c)),
                  (f"Overdue share % ({c})", one_decimal(figures.overdue_share)),
                  (f"Credit sales ({c})", (figures.credit_sales, c)), (f"DSO days ({c})", one_decimal(figures.dso)),
                  (f"Countback DSO days ({c})", one_decimal(figures.countback_dso)),
                  (f"Best possible DSO days ({c})", one_decimal(figures.best_possible_dso)),
                  (f"Average days delinquent ({c})", one_decimal(figures.average_days_delinquent)),
                  (f"Collection effectiveness % ({c})", one_decimal(figures.cei))]
    pairs += [("Average days to pay", one_decimal(report.average_days_to_pay)),
              ("Average days late", one_decimal(report.average_days_late)),
              ("Invoices paid", report.paid_by_bank + report.paid_by_snapshot)]
    return pairs


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} days"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def kpi_summary(report: KpiReport, locale: str) -> dict[str, str]:
    """The report's headline figures as label → text, in order: what an HTML or XLSX report lists beside its
    aging table (amounts in `locale`, days and percentages with one decimal)."""
    paid = report.paid_by_bank + report.paid_by_snapshot
    found = {"Period": f"{report.start.isoformat()} to {report.as_of.isoformat()} ({report.days} days)",
             "Current receivables": current_meaning(report)}
    for figures in report.totals:
        c = figures.currency
        found.update({
            f"Receivables ({c})": format_money(figures.receivables, c, locale),
            f"Overdue ({c})": format_money(figures.overdue, c, locale),
            f"Overdue share ({c})": _percent(figures.overdue_share),
            f"Credit sales ({c})": format_money(figures.credit_sales, c, locale),
            f"DSO ({c})": _days(figures.dso),
            f"Countback DSO ({c})": _days(figures.countback_dso),
            f"Best possible DSO ({c})": _days(figures.best_possible_dso),
            f"Average days delinquent ({c})": _days(figures.average_days_delinquent),
            f"Collection effectiveness ({c})": _percent(figures.cei),
        })
    found["Average days to pay"] = _days(report.average_days_to_pay)
    found["Average days late"] = _days(report.average_days_late)
    found["Invoices paid"] = str(paid)
    found["Payment dates"] = (f"bank {_percent(100.0 * report.paid_by_bank / paid)}, snapshot "
                              f"{_percent(100.0 * report.paid_by_snapshot / paid)}" if paid else "–")
    return found


def print_kpi(console: Console, report: KpiReport, locale: str) -> None:
    summary = Table(title=f"KPIs {report.start.isoformat()} to {report.as_of.isoformat()} ({report.days} days)",
                    title_justify="left", show_header=False)
    summary.add_column("KPI")
    summary.add_column("value", justify="right")
    for label, value in kpi_summary(report, locale).items():
        summary.add_row(escape(label), escape(value))
    console.print(summary)
    if report.top_overdue:
        console.print(_customer_table("Top overdue customers", report.top_overdue, locale))
    if report.trend:
        console.print(_trend_table(report.trend, locale))


def _customer_table(title: str, rows: tuple[KpiFigures, ...], locale: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("customer")
    table.add_column("name", overflow="fold")
    for header in ("overdue", "open", "oldest", "DSO", "days to pay", "days late"):
        table.add_column(header, justify="right")
    for row in rows:
        table.add_row(escape(row.customer_id or ""), escape(row.name or ""),
                      f"[red]{format_money(row.overdue, row.currency, locale)}[/red]",
                      format_money(row.receivables, row.currency, locale), f"{row.oldest_days_overdue} d",
                      _number(row.dso) or "–", _number(row.average_days_to_pay) or "–",
                      _number(row.average_days_late) or "–")
    return table


def _trend_table(months: tuple[KpiMonth, ...], locale: str) -> Table:
    table = Table(title="Month by month", title_justify="left")
    table.add_column("month")
    for header in ("receivables", "overdue", "credit sales", "DSO"):
        table.add_column(header, justify="right")
    for month in months:
        table.add_row(f"{month.month} {month.currency}", format_money(month.receivables, month.currency, locale),
                      format_money(month.overdue, month.currency, locale),
                      format_money(month.credit_sales, month.currency, locale), _number(month.dso) or "–")
    return table
