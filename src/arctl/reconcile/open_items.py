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
from typing import Any

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


def open_items_on(invoices: pd.DataFrame, allocations: pd.DataFrame, history: pd.DataFrame, imports: pd.DataFrame,
                  date: dt.date) -> pd.DataFrame:
    """The open items as the state knew them on a past `date`, not today's shifted: `open_items` over the invoices
    known then, each with the amount its export showed then, less the payments booked by then.

    `invoices`: every invoice the state holds, closed ones too (import_id: the import that last listed it,
    source_path, closed_import_id, issue_date, amount, open_amount). `imports`: the applied invoice imports (id,
    path, day: the day the export showed its amounts, taken_at: midnight of the export's day). `history`: the open
    amounts shown per invoice by day (invoice_id, seen_on, open_amount). `allocations` as for `open_items`.

    An invoice is known on `date` when the import that last listed it is of that day or before, when its amount
    was seen by then, or when an export of its source made by then was made on or after its issue date (the
    state keeps the last import of an invoice, not the first: an export of a source made after the invoice was
    issued lists it). It is open unless an import of that day or before closed it. Its amount is the one last
    seen on or before `date` (before the oldest one kept, that one); its export the newest of its source by then.
    Returns the rows of the invoices known and not closed on `date`, with export_taken_at and open_amount."""
    day = pd.Timestamp(date)
    days = dict(zip(imports["id"], imports["day"], strict=True))
    current = invoices["import_id"].map(days)
    closed = invoices["closed_import_id"].map(days)
    view = _newest_import(invoices, imports, day)
    issued = pd.to_datetime(invoices["issue_date"])
    seen = history[history["seen_on"] <= day]
    known = (current.le(day) | invoices["invoice_id"].isin(set(seen["invoice_id"]))
             | (view["day"].notna() & (issued.isna() | (issued <= view["day"]))))
    frame = invoices[(known & ~closed.le(day)).to_numpy()].copy()
    view = view[(known & ~closed.le(day)).to_numpy()]
    later = current[frame.index].gt(day).to_numpy()
    shown = _amount_shown(history, day)
    fallback = frame["invoice_id"].map(shown).fillna(frame["open_amount"]).astype("int64")
    frame["open_amount"] = np.where(later, fallback, frame["open_amount"]).astype("int64")
    frame["import_id"] = np.where(later, view["id"], frame["import_id"])
    taken = dict(zip(imports["id"], imports["taken_at"], strict=True))
    frame["export_taken_at"] = pd.to_datetime(frame["import_id"].map(taken))
    booked = allocations[allocations["booking_date"] <= day] if len(allocations) else allocations
    return open_items(frame.drop(columns=["closed_on"], errors="ignore"), booked)


def _newest_import(invoices: pd.DataFrame, imports: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Per invoice (in its order): the id and day of the newest import of its source made on or before `day`."""
    made = imports[imports["day"] <= day].sort_values(["day", "id"]).drop_duplicates("path", keep="last")
    ids = dict(zip(made["path"], made["id"], strict=True))
    days = dict(zip(made["path"], made["day"], strict=True))
    return pd.DataFrame({"id": invoices["source_path"].map(lambda path: ids.get(path)),
                         "day": pd.to_datetime(invoices["source_path"].map(lambda path: days.get(path)))},
                        index=invoices.index)


def _amount_shown(history: pd.DataFrame, day: pd.Timestamp) -> dict[str, int]:
    """Per invoice with amounts kept: the one seen last on or before `day`, else the oldest kept."""
    ordered = history.sort_values(["invoice_id", "seen_on"])
    before = ordered[ordered["seen_on"] <= day].drop_duplicates("invoice_id", keep="last")
    shown = dict(zip(ordered.drop_duplicates("invoice_id")["invoice_id"],
                     ordered.drop_duplicates("invoice_id")["open_amount"], strict=True))
    shown.update(zip(before["invoice_id"], before["open_amount"], strict=True))
    return {str(k): int(v) for k, v in shown.items()}


def open_periods(items: pd.DataFrame, allocations: pd.DataFrame, history: pd.DataFrame | None = None
                 ) -> dict[str, tuple[tuple[dt.date, int], ...]]:
    """Each open invoice's open amount over time, for the interest (issue 15), where it changed: from its due
    date, then from each day a payment is known to have paid part of it. A payment is known by its bank
    booking date, else by the day the first export showed the lower amount (`history`: invoice_id, seen_on,
    open_amount). Before the oldest amount kept, that amount holds (a part paid at an unknown date counts as
    paid from the start: the reading that claims less). The last amount is today's open amount."""
    history = history if history is not None else pd.DataFrame(columns=["invoice_id", "seen_on", "open_amount"])
    if items.empty or (allocations.empty and history.empty):
        return {}
    candidates = _may_have_changed(items, allocations, history)
    if not candidates:
        return {}
    return periods_of(items[_among(items, candidates)], allocations[_among(allocations, candidates)],
                      history[_among(history, candidates)])


def periods_of(items: pd.DataFrame, allocations: pd.DataFrame, history: pd.DataFrame
               ) -> dict[str, tuple[tuple[dt.date, int], ...]]:
    """open_periods over every item given, without first setting aside those that cannot have changed."""
    open_now = dict(zip(items["invoice_id"], items["open_amount"], strict=True))
    totals = dict(zip(items["invoice_id"], items["amount"], strict=True)) if "amount" in items else {}
    due = dict(zip(items["invoice_id"], items["due_date"], strict=True))
    known = set(open_now)
    paid = _listed_by_invoice(allocations[_among(allocations, known)], ("booking_date", "amount"))
    seen = _listed_by_invoice(history[_among(history, known)], ("seen_on", "open_amount"))
    found: dict[str, tuple[tuple[dt.date, int], ...]] = {}
    for invoice in sorted(set(paid) | set(seen)):
        now, day = int(open_now[invoice]), _day(due[invoice])
        if now <= 0 or day is None:
            continue
        snapshots = sorted((d, int(a)) for d, a in ((_day(d), a) for d, a in seen.get(invoice, [])) if d is not None)
        payments = [(_day(b), int(a)) for b, a in paid.get(invoice, [])]
        periods = _periods(day, now, int(totals.get(invoice, now)), snapshots, payments)
        if len(periods) > 1:
            found[invoice] = periods
    return found


def _may_have_changed(items: pd.DataFrame, allocations: pd.DataFrame, history: pd.DataFrame) -> set[str]:
    """The open invoices whose amount may have changed since their due date: a payment was allocated to them,
    an export showed another amount than today's, or the total is below today's amount. The others have one
    period (today's amount throughout), and the loop over the rest stays small."""
    open_ = items[(items["open_amount"] > 0).to_numpy() & items["due_date"].notna().to_numpy()]
    ids = _ids(open_)
    now = open_["open_amount"].astype("int64").to_numpy()
    changed = _among(open_, set(_ids(allocations)))
    if "amount" in open_:
        changed |= (open_["amount"].astype("int64").to_numpy() < now)
    if len(history):
        amounts = history["open_amount"].astype("int64").to_numpy()
        spread = pd.DataFrame({"low": amounts, "high": amounts}).groupby(_ids(history)).agg(
            {"low": "min", "high": "max"})
        lowest = dict(zip(spread.index, spread["low"].tolist(), strict=True))
        highest = dict(zip(spread.index, spread["high"].tolist(), strict=True))
        low = np.fromiter((lowest.get(i, np.nan) for i in ids), dtype="float64", count=len(ids))
        high = np.fromiter((highest.get(i, np.nan) for i in ids), dtype="float64", count=len(ids))
        changed |= ~np.isnan(low) & ((low != now) | (high != now))
    return set(ids[changed])


def _ids(frame: pd.DataFrame) -> np.ndarray:
    """The invoice ids as Python strings (pandas' isin and map on Arrow strings convert value by value)."""
    return frame["invoice_id"].astype(str).to_numpy(dtype=object)


def _among(frame: pd.DataFrame, wanted: set[str]) -> np.ndarray:
    """Which rows' invoice is in `wanted`."""
    return np.fromiter((invoice in wanted for invoice in _ids(frame)), dtype=bool, count=len(frame))


def _listed_by_invoice(frame: pd.DataFrame, columns: tuple[str, str]) -> dict[str, list[tuple[Any, Any]]]:
    """Per invoice: its rows' two `columns` as pairs, in the frame's order (one pass over plain lists: a pandas
    group per invoice costs a hundred times more)."""
    found: dict[str, list[tuple[Any, Any]]] = {}
    for invoice, first, second in zip(_ids(frame).tolist(), frame[columns[0]].tolist(),
                                      frame[columns[1]].tolist(), strict=True):
        found.setdefault(invoice, []).append((first, second))
    return found


def _periods(due: dt.date, now: int, total: int, snapshots: list[tuple[dt.date, int]],
             payments: list[tuple[dt.date | None, int]]) -> tuple[tuple[dt.date, int], ...]:
    """The open amount from `due` on, on each day it changed: the export's amount as last seen, less what the
    bank paid after that export (as open_items counts it), never more than the total less all bank payments."""
    dated = sorted((b, a) for b, a in payments if b is not None)
    undated = sum(a for b, a in payments if b is None)
    if not snapshots:  # the bank alone: today's amount plus what it paid later, less each payment on its day
        owed = now + sum(a for b, a in dated if b > due)
        periods = [(due, owed)]
        for booked, amount in dated:
            if booked > due:
                owed -= amount
                periods.append((booked, owed))
        return _merged(periods, now)
    days = sorted({due} | {d for d, _ in snapshots if d > due} | {b for b, _ in dated if b > due})
    periods = []
    for day in days:
        shown_on, shown = next(((d, a) for d, a in reversed(snapshots) if d <= day), snapshots[0])
        after_export = sum(a for b, a in dated if shown_on < b <= day)
        all_paid = undated + sum(a for b, a in dated if b <= day)
        periods.append((day, max(0, min(shown - after_export, total - all_paid))))
    return _merged(periods, now)


def _merged(periods: list[tuple[dt.date, int]], now: int) -> tuple[tuple[dt.date, int], ...]:
    """Consecutive equal amounts as one period; the last one is today's open amount."""
    kept: list[tuple[dt.date, int]] = []
    for day, amount in periods:
        if not kept or kept[-1][1] != amount:
            kept.append((day, amount))
    if kept and kept[-1][1] != now:
        kept[-1] = (kept[-1][0], now)
    return tuple(kept)


def _day(value: object) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, dt.date) else None
