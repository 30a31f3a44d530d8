"""The aging report as one self-contained HTML file: the table with totals, stacked bar charts of the buckets
as inline SVG, the top overdue customers, and KPIs when given; no script, font or picture from anywhere else.

The page comes from `reports/aging.html.j2` (the workspace's templates/ folder over the shipped one), rendered
in Jinja's sandbox with autoescaping: a customer called `<script>` or `{{ 7*7 }}` is shown as written. The
charts' geometry is computed here and the template only draws it. Amounts are formatted for the workspace's
locale (arctl.money.format_money).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from arctl.errors import ConfigError
from arctl.model import AgingReport, AgingRow
from arctl.money import format_money
from arctl.render.aging_xlsx import bucket_colour

TEMPLATE = "reports/aging.html.j2"
TOP = 10                                   # customers in the top-overdue table and chart, per currency
CHART_WIDTH, LABEL_WIDTH, VALUE_WIDTH, BAR_HEIGHT, BAR_GAP = 900, 230, 150, 22, 8
NAME_CHARACTERS = 34


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    width: float
    colour: str
    title: str                             # "31-60: € 1.210,00", shown when the pointer rests on it


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str
    y: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    width: int
    height: float
    label_width: int
    bar_height: int
    value_x: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """A row of the aging table, every amount formatted."""

    customer_id: str
    name: str
    currency: str
    buckets: tuple[str, ...]
    total: str
    credits: str
    invoices: int
    late: tuple[bool, ...]                 # per bucket: an overdue bucket that holds an amount


@dataclass(frozen=True, slots=True)
class Overdue:
    customer_id: str
    name: str
    overdue: str
    oldest: str                            # the label of the oldest bucket holding an amount
    total: str


@dataclass(frozen=True, slots=True)
class Legend:
    label: str
    colour: str


def overdue_of(row: AgingRow) -> int:
    """What is past due: every bucket but the first ('current')."""
    return sum(row.buckets[1:])


def bar_chart(title: str, rows: Sequence[tuple[str, AgingRow]], labels: tuple[str, ...], locale: str,
              *, shared_scale: bool) -> Chart:
    """Horizontal stacked bars, one per row, a part per bucket: positive parts to the right of the axis,
    negative ones (credits) to its left; `shared_scale` draws all bars on one scale (one currency), else each
    bar fills the width (rows in different currencies)."""
    area = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    extents = [(-sum(v for v in row.buckets if v < 0), sum(v for v in row.buckets if v > 0)) for _, row in rows]
    widest_negative = max((negative for negative, _ in extents), default=0)
    widest_positive = max((positive for _, positive in extents), default=0)
    bars = []
    for index, ((label, row), (negative, positive)) in enumerate(zip(rows, extents, strict=True)):
        left, right = (widest_negative, widest_positive) if shared_scale else (negative, positive)
        scale = area / (left + right) if left + right else 0.0
        axis = LABEL_WIDTH + left * scale
        ahead, behind = axis, axis
        segments = []
        for bucket, value in enumerate(row.buckets):
            if not value:
                continue
            width = abs(value) * scale
            if value > 0:
                x, ahead = ahead, ahead + width
            else:
                behind -= width
                x = behind
            segments.append(Segment(round(x, 2), round(width, 2), bucket_colour(bucket, len(labels)),
                                    f"{labels[bucket]}: {format_money(value, row.currency, locale)}"))
        bars.append(Bar(_short(label), format_money(row.total, row.currency, locale),
                        index * (BAR_HEIGHT + BAR_GAP) + BAR_GAP, tuple(segments)))
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    return Chart(title, CHART_WIDTH, height, LABEL_WIDTH, BAR_HEIGHT, CHART_WIDTH - VALUE_WIDTH + 8, tuple(bars))


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARACTERS else text[:NAME_CHARACTERS - 1] + "…"


def _line(row: AgingRow, customer_id: str, name: str, locale: str) -> Line:
    def money(value: int) -> str:
        return format_money(value, row.currency, locale) if value else "·"

    return Line(customer_id, name, row.currency, tuple(money(v) for v in row.buckets),
                format_money(row.total, row.currency, locale), money(row.credits), row.invoices,
                tuple(bucket > 0 and value != 0 for bucket, value in enumerate(row.buckets)))


def top_overdue(report: AgingReport, currency: str, count: int = TOP) -> list[AgingRow]:
    """The customers of one currency with the most overdue, largest first (ties by customer id)."""
    rows = [row for row in report.customers if row.currency == currency and overdue_of(row) > 0]
    return sorted(rows, key=lambda row: (-overdue_of(row), row.customer_id or ""))[:count]


def _oldest(row: AgingRow, labels: tuple[str, ...]) -> str:
    return next((labels[i] for i in range(len(row.buckets) - 1, -1, -1) if row.buckets[i] > 0), labels[0])


def aging_context(report: AgingReport, locale: str, *, kpis: Mapping[str, str] | None = None,
                  company: str | None = None) -> dict:
    """What the template shows, every figure already formatted."""
    def name_of(row: AgingRow) -> str:
        return row.name or row.customer_id or ""

    by_currency = bar_chart("Open amounts by age, per currency",
                            [(f"{row.currency} (all customers)", row) for row in report.totals], report.labels,
                            locale, shared_scale=False)
    sections = []
    for total in report.totals:
        top = top_overdue(report, total.currency)
        sections.append({
            "currency": total.currency,
            "chart": bar_chart(f"Top overdue customers, {total.currency}", [(name_of(row), row) for row in top],
                               report.labels, locale, shared_scale=True) if top else None,
            "top": [Overdue(row.customer_id or "", row.name or "", format_money(overdue_of(row), row.currency, locale),
                            _oldest(row, report.labels), format_money(row.total, row.currency, locale))
                    for row in top],
        })
    return {
        "company": company,
        "as_of": report.as_of.isoformat(),
        "aged_by": "days past the due date" if report.by == "due" else "days since the invoice date",
        "labels": report.labels, "legend": [Legend(label, bucket_colour(i, len(report.labels)))
                                           for i, label in enumerate(report.labels)],
        "customers": [_line(row, row.customer_id or "", row.name or "", locale) for row in report.customers],
        "totals": [_line(row, "TOTAL", f"{row.invoices} open items", locale) for row in report.totals],
        "chart": by_currency if report.totals else None, "sections": sections,
        "converted_to": report.converted_to, "rates": report.rates, "undated": report.undated,
        "kpis": dict(kpis) if kpis is not None else None,
    }


def aging_html(report: AgingReport, locale: str, *, kpis: Mapping[str, str] | None = None,
               company: str | None = None, templates: Path | None = None) -> str:
    """The page; `kpis` (label → formatted value, e.g. from the KPI report) adds its section, `templates` is
    the workspace's templates/ folder, whose reports/aging.html.j2 replaces the shipped one."""
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    from arctl.render.templates import shipped_templates_dir

    folders = [str(p) for p in (templates, shipped_templates_dir()) if p is not None and p.is_dir()]
    env = SandboxedEnvironment(loader=FileSystemLoader(folders), autoescape=True, undefined=StrictUndefined,
                               keep_trailing_newline=True)
    try:
        return env.get_template(TEMPLATE).render(**aging_context(report, locale, kpis=kpis, company=company))
    except TemplateError as exc:
        raise ConfigError(f"template {TEMPLATE}: {exc}",
                          hint="fix the template in the workspace's templates/ folder (README: Reports)") from exc
