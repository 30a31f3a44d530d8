"""What is owed on a day, from the state: the open items and the payments not applied, today or back-dated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from arctl.config import Workspace
    from arctl.state.store import Store


@dataclass(slots=True)
class Receivables:
    """The open items on `as_of` (canonical invoice columns; credit notes negative), the bank credits not applied
    then (reconcile/unallocated.py's columns) and whether the items were rebuilt for a past day."""

    items: pd.DataFrame
    payments: pd.DataFrame
    rebuilt: bool
    first_import: dt.date | None = None     # the day of the first invoice export the state holds


def receivables_on(store: Store, as_of: dt.date, allocations: pd.DataFrame | None = None,
                   rebuilt: bool | None = None) -> pd.DataFrame:
    """The open items on `as_of`: today's (reconcile/open_items.open_items) when nothing the state holds is newer
    than `as_of`, else rebuilt as the state knew them then (reconcile/open_items.open_items_on). `allocations`
    and `rebuilt` (whether it is back-dated), when the caller has them already."""
    from arctl.reconcile.open_items import open_items, open_items_on

    allocations = store.applied_allocations() if allocations is None else allocations
    if not (_back_dated(store, as_of) if rebuilt is None else rebuilt):
        return open_items(store.invoice_items(), allocations)
    return open_items_on(store.invoices(include_closed=True), allocations, store.amount_history(include_closed=True),
                         store.invoice_imports(), as_of)


def receivables(workspace: Workspace, store: Store, as_of: dt.date) -> Receivables:
    """The open items and the unapplied payments on `as_of`, payers identified with the workspace's settings."""
    import pandas as pd

    from arctl.reconcile.unallocated import unapplied_payments

    rebuilt = _back_dated(store, as_of)
    allocations = store.applied_allocations()
    items = receivables_on(store, as_of, allocations, rebuilt)
    every = store.invoices(include_closed=True)
    # an allocation to an invoice the state did not know yet on a past day did not apply the money then
    closed_by_then = every["closed_on"].notna() & (every["closed_on"] <= pd.Timestamp(as_of))
    known = set(items["invoice_id"]) | set(every.loc[closed_by_then, "invoice_id"]) if rebuilt else None
    payments = unapplied_payments(store.bank_lines(), allocations, every, store.customers(),
                                  store.known_ibans(), as_of, workspace.config.matching, known)
    imports = store.invoice_imports()
    first = imports["day"].min().date() if len(imports) else None
    return Receivables(items, payments, rebuilt, first)


def _back_dated(store: Store, as_of: dt.date) -> bool:
    """An import or a bank booking after `as_of`: today's figures are not those of that day."""
    import pandas as pd

    imports = store.invoice_imports()
    if len(imports) and (imports["day"] > pd.Timestamp(as_of)).any():
        return True
    return any(day is not None and day > as_of for day in store.latest_dates())
