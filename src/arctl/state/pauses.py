"""What pauses dunning and what a person wrote down: holds, disputes, promises and notes, as stored rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CursorResult, Engine, Table, insert, select, update

from arctl.state import schema

Record = dict[str, Any]


class PauseRecords:
    """The Store's methods for holds, disputes, promises and notes; each write is one transaction."""

    engine: Engine

    # --- holds ---------------------------------------------------------------------------------------

    def holds(self, target_id: str | None = None, *, active: bool = False) -> list[Record]:
        """Holds of a customer or invoice (`target_id`), or all; `active`: not released."""
        return self._records(schema.holds, target_id=_any(target_id), released_on=None if active else _UNSET)

    def add_hold(self, target_kind: str, target_id: str, reason: str, until: dt.date | None, today: dt.date,
                 note: str = "") -> int:
        return self._insert(schema.holds, target_kind=target_kind, target_id=target_id, reason=reason, until=until,
                            note=note, created_on=today)

    def release_holds(self, target_id: str, today: dt.date) -> int:
        """Release the active holds of a customer or invoice; returns how many."""
        with self.engine.begin() as connection:
            return connection.execute(update(schema.holds).where(
                schema.holds.c.target_id == target_id, schema.holds.c.released_on.is_(None))
                .values(released_on=today)).rowcount

    # --- disputes ------------------------------------------------------------------------------------

    def disputes(self, invoice_id: str | None = None, *, open_only: bool = False) -> list[Record]:
        return self._records(schema.disputes, invoice_id=_any(invoice_id), closed_on=None if open_only else _UNSET)

    def open_dispute(self, invoice_id: str, reason: str, today: dt.date) -> int:
        return self._insert(schema.disputes, invoice_id=invoice_id, reason=reason, opened_on=today, close_note="")

    def close_dispute(self, dispute_id: int, today: dt.date, note: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(schema.disputes).where(schema.disputes.c.id == dispute_id)
                               .values(closed_on=today, close_note=note))

    # --- promises and notes --------------------------------------------------------------------------

    def promises(self) -> list[Record]:
        return self._records(schema.promises)

    def add_promise(self, invoice_id: str, until: dt.date, note: str, today: dt.date) -> int:
        return self._insert(schema.promises, invoice_id=invoice_id, until=until, note=note, made_on=today)

    def notes(self, customer_id: str | None = None, *, outcome: str | None = None) -> list[Record]:
        """Notes and calls, oldest first; `outcome` only the calls with that outcome (e.g. "promise")."""
        return self._records(schema.notes, customer_id=_any(customer_id), outcome=_any(outcome))

    def add_note(self, customer_id: str, text: str, *, call: bool, outcome: str | None, until: dt.date | None,
                 today: dt.date) -> int:
        return self._insert(schema.notes, customer_id=customer_id, text=text, call=call, outcome=outcome, until=until,
                            written_on=today)

    def actions_of(self, customer_id: str) -> list[Record]:
        """The dunning actions recorded for a customer, oldest first."""
        return self._records(schema.dunning_actions, customer_id=customer_id)

    # --- the two queries behind them -----------------------------------------------------------------

    def _records(self, table: Table, **where: object) -> list[Record]:
        """Rows in id order where each column has its value (None: is empty; `_UNSET`: any value)."""
        query = select(table)
        for column, value in where.items():
            if value is _UNSET:
                continue
            query = query.where(table.c[column].is_(None) if value is None else table.c[column] == value)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query.order_by(table.c.id))]

    def _insert(self, table: Table, **values: object) -> int:
        with self.engine.begin() as connection:
            return new_id(connection.execute(insert(table).values(**values)))


_UNSET = object()


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT of one row created."""
    key = result.inserted_primary_key
    assert key is not None, "an INSERT of one row has a primary key"
    return int(key[0])


def _any(value: object) -> object:
    """A filter value: None means no condition on the column."""
    return _UNSET if value is None else value
