"""kpi: the receivables' KPIs over a period, from the history the workspace state keeps (imports, payments)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from arctl.config import CEI_SALES, Workspace
from arctl.errors import UsageError
from arctl.model import KpiReport
from arctl.workflows.workspace import open_store, state_dir


def kpi(workspace: Workspace | None, end: dt.date, *, months: int = 0, days: int = 0, start: dt.date | None = None,
        top: int = 10, current_days: int | None = None, cei_sales: str | None = None) -> KpiReport:
    """The KPIs of the period that ends on `end` (`months` months, `days` days, or from `start`) from every invoice
    the workspace has imported (closed ones too) and the bank payments applied to them; `current_days` and
    `cei_sales` override arctl.yaml's `kpi:`."""
    import pandas as pd

    from arctl.reports.kpi import kpi_report, period_start

    if start is None:
        start = period_start(end, months=months, days=days) if months or days else period_start(end, months=3)

    if workspace is None:
        raise UsageError("arctl kpi needs a workspace: the KPIs come from the history of its imports and payments",
                         hint="run it inside one (arctl init, then arctl import), or use -w DIR")
    if start > end:
        raise UsageError(f"--period {start.isoformat()}..{end.isoformat()}: the period starts after it ends",
                         hint="give the earlier date first, e.g. --period 2026-09-01..2026-11-30")
    if cei_sales is not None and cei_sales not in CEI_SALES:
        raise UsageError(f"--cei-sales {cei_sales}: expected {' or '.join(CEI_SALES)}")
    settings = workspace.config.kpi
    if current_days is not None:
        settings = replace(settings, current_days=current_days)
    if cei_sales is not None:
        settings = replace(settings, cei_sales=cei_sales)
    if workspace.config.state_url is None and not (state_dir(workspace) / "state.sqlite").exists():
        raise _nothing_imported()
    store = open_store(workspace)
    try:
        invoices = store.invoices(include_closed=True)
        imports = store.invoice_imports()
        allocations = store.applied_allocations()
    finally:
        store.close()
    if invoices.empty:
        raise _nothing_imported()
    # the export that last listed an invoice caps its open amount from the day it showed its amounts (the day the
    # aging's open items take it from too: a file copied later keeps the day it was imported for)
    invoices["export_taken_at"] = pd.to_datetime(invoices["import_id"].map(dict(zip(imports["id"], imports["day"],
                                                                                     strict=True))))
    return kpi_report(invoices, allocations, start, end, settings, top=top)


def kpis_of(workspace: Workspace | None, as_of: dt.date) -> KpiReport | None:
    """The KPIs the aging report shows beside it (`arctl run`'s reports, `arctl aging -o FILE.xlsx|html` in a
    workspace): the three months to `as_of`; None outside a workspace or before anything is imported."""
    if workspace is None:
        return None
    try:
        return kpi(workspace, as_of)
    except UsageError:
        return None


def _nothing_imported() -> UsageError:
    return UsageError("no invoices in the workspace yet: the KPIs need the imported exports",
                      hint="run `arctl import` first (the KPIs grow more telling with every snapshot and statement)")
