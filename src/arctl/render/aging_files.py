"""Writing the aging report as a file a person opens: the XLSX workbook or the HTML page, whole or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.model import AgingReport, KpiReport
from arctl.render.output import write_output

if TYPE_CHECKING:
    from arctl.render.aging_xlsx import Sheet


def write_aging_file(path: Path, report: AgingReport, form: str, locale: str, workspace_root: Path | None = None,
                     company: str = "", kpis: Mapping[str, str] | None = None,
                     sheets: Sequence[Sheet] = (), kpi_report: KpiReport | None = None) -> list[str]:
    """Write `report` to `path` as `form` ("xlsx" or "html"); the notices to show the user (an XLSX detail
    sheet cut at Excel's row limit). In a workspace its templates/ folder may replace the HTML template.
    `kpis` (label → formatted value) adds the HTML page's KPI section, `sheets` adds worksheets after the
    aging's own (aging_xlsx.key_value_sheet("KPIs", [(label, number), ...])); `kpi_report` gives both from
    `arctl kpi`'s figures."""
    if kpi_report is not None:
        from arctl.render.aging_xlsx import key_value_sheet
        from arctl.render.kpi import kpi_pairs, kpi_summary

        kpis = kpi_summary(kpi_report, locale)
        sheets = [*sheets, key_value_sheet("KPIs", kpi_pairs(kpi_report))]
    if form == "xlsx":
        from arctl.render.aging_xlsx import write_aging_xlsx

        notices: list[str] = []
        write_output(path, lambda temporary: notices.extend(write_aging_xlsx(temporary, report, extra=sheets)))
        return notices
    from arctl.render.aging_html import aging_html

    templates = workspace_root / "templates" if workspace_root is not None else None
    page = aging_html(report, locale, kpis=kpis, company=company or None, templates=templates)
    write_output(path, lambda temporary: temporary.write_text(page, encoding="utf-8"))
    return []
