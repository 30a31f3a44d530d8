"""Open items: what is still owed per invoice once the payments seen at the bank are counted.

ARCHITECTURE.md: open = max(0, min(export_open − allocations booked after the export was taken,
amount − all allocations)), on absolute values for a credit note and then negated. A payment seen at
the bank counts before the accounting export shows it, and never twice once it does.

"After the export was taken": an allocation made against an export's open amount is not in that export
(the matcher found the invoice open there), whatever the file's time says; only a newer export of the
invoice can have counted it, and then its booking date decides.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def open_items(invoices: pd.DataFrame, allocations: pd.DataFrame) -> pd.DataFrame:
    """`invoices` (with open_amount as exported and `export_taken_at`) with open_amount recomputed.

    `allocations`: invoice_id, amount (minor units, signed like the invoice), booking_date of the
    payment, invoice_import_id (the export it was made against), applied ones only.
    """
    frame = invoices.copy()
    if allocations.empty:
        return frame
    merged = allocations.merge(frame[["invoice_id", "export_taken_at", "import_id"]], on="invoice_id", how="inner")
    same_export = merged["invoice_import_id"].eq(merged["import_id"]).fillna(False).to_numpy(dtype=bool)
    after = merged[same_export | (merged["booking_date"] > merged["export_taken_at"]).to_numpy()]
    all_paid = merged.groupby("invoice_id")["amount"].sum()
    paid_after = after.groupby("invoice_id")["amount"].sum()
    total = frame["invoice_id"].map(all_paid).fillna(0).astype("int64")
    later = frame["invoice_id"].map(paid_after).fillna(0).astype("int64")
    sign = np.where(frame["amount"] < 0, -1, 1)
    by_export = frame["open_amount"].abs() - later.abs()
    by_amount = frame["amount"].abs() - total.abs()
    frame["open_amount"] = (sign * np.maximum(0, np.minimum(by_export, by_amount))).astype("int64")
    return frame


def open_periods(items: pd.DataFrame, allocations: pd.DataFrame) -> dict[str, tuple[tuple[dt.date, int], ...]]:
    """Each partly paid open invoice's open amount over time, for the interest (issue 15): from its due date
    the amount open before the bank payments applied to it (the export's; a part paid at an unknown date
    counts as paid from the start, the reading that claims less), then less each payment from its booking
    date. Only invoices a dated payment changed are listed."""
    if allocations.empty or items.empty:
        return {}
    open_now = dict(zip(items["invoice_id"], items["open_amount"], strict=True))
    due = dict(zip(items["invoice_id"], items["due_date"], strict=True))
    found: dict[str, tuple[tuple[dt.date, int], ...]] = {}
    for invoice, paid in allocations[allocations["invoice_id"].isin(open_now.keys())].groupby("invoice_id"):
        now, day = int(open_now[invoice]), _day(due[invoice])
        booked_on = [(_day(b), int(a)) for b, a in zip(paid["booking_date"], paid["amount"], strict=True)]
        dated = sorted((b, a) for b, a in booked_on if b is not None and b > (day or dt.date.min))
        if now <= 0 or day is None or not dated:
            continue
        owed = now + sum(amount for _, amount in dated)
        periods = [(day, owed)]
        for booked, amount in dated:
            owed -= amount
            periods.append((booked, owed))
        found[str(invoice)] = tuple(periods)
    return found


def _day(value: object) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, dt.date) else None
