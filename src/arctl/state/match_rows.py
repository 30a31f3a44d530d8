"""What `arctl reconcile` reads from the state and writes back, in bulk.

The matcher needs a few columns of the bank lines and of the open invoices, not whole rows: they are
read with plain SQL through the driver and made into the frames `Store.bank_lines` and
`Store.invoice_items` would give for those columns (same rows, order and dtypes). Matches are written
with one `executemany` of tuples (SQLite; elsewhere through SQLAlchemy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import insert

from arctl.state import schema

if TYPE_CHECKING:
    from arctl.state.store import Store

# the bank lines' and invoices' columns the matcher (reconcile/engine.py, reconcile/open_items.py) reads
BANK_COLUMNS = ("txn_id", "booking_date", "amount", "currency", "counterparty_name", "counterparty_iban",
                "structured_ref", "remittance", "reversal")
INVOICE_COLUMNS = ("invoice_id", "customer_id", "customer_name", "due_date", "currency", "amount", "open_amount",
                   "reference", "import_id")
MATCH_COLUMNS = ("bank_txn", "invoice_id", "amount", "currency", "rule", "confidence", "status", "note",
                 "invoice_import_id", "created_at")
_DATES = frozenset({"booking_date", "due_date"})
_BOOLEANS = frozenset({"reversal"})


def bank_lines(store: Store) -> pd.DataFrame:
    """`store.bank_lines()[list(BANK_COLUMNS)]`, read faster."""
    return _frame(store, f"SELECT {', '.join(BANK_COLUMNS)} FROM bank_lines", BANK_COLUMNS)


def invoice_items(store: Store) -> pd.DataFrame:
    """`store.invoice_items()` with INVOICE_COLUMNS and export_taken_at only, read faster."""
    names = (*INVOICE_COLUMNS, "export_taken_at")
    frame = _frame(store, f"SELECT {', '.join('invoices.' + c for c in INVOICE_COLUMNS)}, imports.taken_at "
                          "FROM invoices JOIN imports ON imports.id = invoices.import_id "
                          "WHERE invoices.closed_on IS NULL", names)
    taken_at = pd.to_datetime(frame["export_taken_at"], utc=True)
    frame["export_taken_at"] = taken_at.dt.tz_localize(None).dt.normalize()
    return frame


def add_matches(store: Store, rows: list[tuple], created_at: str) -> int:
    """Store matches given as tuples of MATCH_COLUMNS without created_at, all made at `created_at`."""
    if not rows:
        return 0
    if not store.bulk:  # another database than SQLite: through SQLAlchemy, in its own parameter style
        with store.engine.begin() as connection:
            connection.execute(insert(schema.matches), [dict(zip(MATCH_COLUMNS, (*row, created_at), strict=True))
                                                        for row in rows])
        return len(rows)
    sql = (f"INSERT INTO matches ({', '.join(MATCH_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in MATCH_COLUMNS)})")
    with store.engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, [(*row, created_at) for row in rows])
        finally:
            cursor.close()
    return len(rows)


def _frame(store: Store, sql: str, names: tuple[str, ...]) -> pd.DataFrame:
    """Rows of `sql` as a frame built like Store._frame: column lists, dates as datetime64[s], booleans as bool."""
    with store.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            rows = cursor.execute(sql).fetchall()
        finally:
            cursor.close()
    columns = list(zip(*rows, strict=True)) or [() for _ in names]
    data: dict[str, list] = {}
    for name, values in zip(names, columns, strict=True):
        data[name] = [None if v is None else bool(v) for v in values] if name in _BOOLEANS else list(values)
    frame = pd.DataFrame(data, columns=list(names))
    for name in _DATES.intersection(names):
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[s]")
    return frame
