"""The state database: open it (SQLite in WAL mode by default, any SQLAlchemy URL), check its version,
and the queries the workflows need. Nothing outside this package writes SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from arctl.errors import StateError
from arctl.model import Action, ActionLine
from arctl.state import bulk_import, schema
from arctl.state.backup import back_up
from arctl.state.deliveries import DeliveryRecords, letters_already_posted
from arctl.state.frames import frame_of
from arctl.state.learned import LearnedIbans
from arctl.state.opening import check_sqlite_file, restore_hint, server_url
from arctl.state.pauses import PauseRecords, new_id
from arctl.state.references import DocumentReferences, reference_rows

_INVOICE_FIELDS = [c.name for c in schema.invoices.columns
                   if c.name not in ("import_id", "closed_on", "closed_import_id", "source_path")]
_CUSTOMER_FIELDS = [c.name for c in schema.customers.columns if c.name != "import_id"]
_BANK_FIELDS = [c.name for c in schema.bank_lines.columns if c.name != "import_id"]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: int
    path: str
    kind: str
    outcome: str
    records: int
    closed: int


class Store(PauseRecords, LearnedIbans, DocumentReferences, DeliveryRecords):
    """One workspace's state. Every write method runs in one transaction: all of it or none.

    `now` is the clock (an aware datetime, UTC) for the times a row records when it was written; the
    workflow passes it in, so that the state never reads the clock itself."""

    def __init__(self, engine: Engine, *, now: Callable[[], dt.datetime]) -> None:
        self.engine = engine
        self.now = now
        # SQLite: an import's rows are written in bulk (state/bulk_import.py); any other database row by row
        self.bulk = engine.dialect.name == "sqlite"

    # --- opening and versions ------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, now: Callable[[], dt.datetime]) -> Store:
        """Open the state at `url`; a SQLite file that is empty, damaged, unreadable, read-only or a folder is
        refused (StateError) before anything reads or writes it."""
        location = make_url(url)
        database = location.database if location.get_backend_name() == "sqlite" else None
        if database and database != ":memory:" and not database.startswith("file:"):
            check_sqlite_file(Path(database))
        engine = create_engine(server_url(location))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine, now=now)
        store.migrate()
        return store

    def version(self) -> int | None:
        try:
            with self.engine.connect() as connection:
                tables = inspect(connection).get_table_names()
                if "meta" not in tables:
                    if tables:
                        raise StateError(f"the state database {self.engine.url.database} has tables but no arctl "
                                         "schema version: it is not an arctl state, or it is damaged",
                                         hint=restore_hint(Path(self.engine.url.database or "")))
                    return None  # a new, empty database
                value = connection.execute(select(schema.meta.c.value).where(
                    schema.meta.c.key == "schema_version")).scalar()
        except DatabaseError as exc:
            raise StateError(f"the state database {self.engine.url.database} cannot be used: {exc.orig}",
                             hint=restore_hint(Path(self.engine.url.database or ""))) from exc
        if value is None:
            raise StateError(f"the state database {self.engine.url.database} has lost its schema version: it is "
                             "damaged", hint=restore_hint(Path(self.engine.url.database or "")))
        return int(value)

    def migrate(self) -> None:
        """Create a new database, or bring an older one up to SCHEMA_VERSION; refuse a newer one."""
        found = self.version()
        if found is not None and found > schema.SCHEMA_VERSION:
            raise StateError(f"the state database has schema version {found}, newer than this arctl "
                             f"understands ({schema.SCHEMA_VERSION})",
                             hint="upgrade arctl (pip install -U arctl) before using this workspace")
        if found == schema.SCHEMA_VERSION:
            return
        if found is not None:
            self.back_up(f"before-migration-from-v{found}")
        with self.engine.begin() as connection:
            schema.metadata.create_all(connection)
            for version in range((found or 0) + 1, schema.SCHEMA_VERSION + 1):
                for step in MIGRATIONS.get(version, ()):
                    step(connection)
            connection.execute(schema.meta.delete().where(schema.meta.c.key == "schema_version"))
            connection.execute(insert(schema.meta).values(key="schema_version", value=str(schema.SCHEMA_VERSION)))

    def close(self) -> None:
        self.engine.dispose()

    def back_up(self, reason: str) -> Path | None:
        """A backup of a SQLite state file beside it (state/backup.py); a server's state is backed up there."""
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return back_up(Path(database), reason, self.now())

    # --- imports ---------------------------------------------------------------------------------

    def seen(self, path: str, kind: str, sha256: str, taken_at: str | None) -> bool:
        """This very export (same content, same export time; `taken_at` None: at any time) was imported before."""
        condition = and_(schema.imports.c.path == path, schema.imports.c.kind == kind,
                         schema.imports.c.sha256 == sha256)
        if taken_at is not None:
            condition = and_(condition, schema.imports.c.taken_at == taken_at)
        with self.engine.connect() as connection:
            return connection.execute(select(schema.imports.c.id).where(condition)).first() is not None

    def newest_snapshot(self, path: str, kind: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(schema.imports.c.taken_at)).where(and_(
                schema.imports.c.path == path, schema.imports.c.kind == kind, schema.imports.c.snapshot.is_(True),
                schema.imports.c.outcome == "applied"))).scalar()

    def open_invoice_ids(self, source_path: str) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.execute(select(schema.invoices.c.invoice_id).where(and_(
                schema.invoices.c.source_path == source_path, schema.invoices.c.closed_on.is_(None)))).scalars())

    def import_invoices(self, meta: dict, frame: pd.DataFrame, close: set[str], as_of: dt.date) -> ImportRecord:
        """Upsert the invoices of one export; close `close` (missing from a newer complete snapshot)."""
        if self.bulk:
            return bulk_import.import_invoices(self, meta, frame, close, as_of, _INVOICE_FIELDS)
        rows = _records(frame, _INVOICE_FIELDS, dates=("issue_date", "due_date", "last_reminder_date"))
        with self.engine.begin() as connection:
            import_id = self._record_import(connection, meta, len(rows), len(close), "applied")
            existing = {invoice: (amount, on) for invoice, amount, on in connection.execute(
                select(schema.invoices.c.invoice_id, schema.invoices.c.open_amount, schema.imports.c.as_of)
                .join(schema.imports, schema.imports.c.id == schema.invoices.c.import_id, isouter=True)).all()}
            fresh = [{**r, "import_id": import_id, "source_path": meta["path"]}
                     for r in rows if r["invoice_id"] not in existing]
            known = [{**r, "import_id": import_id, "source_path": meta["path"], "closed_on": None,
                      "closed_import_id": None, "b_invoice_id": r["invoice_id"]}
                     for r in rows if r["invoice_id"] in existing]
            if fresh:
                connection.execute(insert(schema.invoices), fresh)
            if known:
                _update_many(connection, schema.invoices, "invoice_id", known)
            if close:
                connection.execute(update(schema.invoices).where(schema.invoices.c.invoice_id.in_(sorted(close)))
                                   .values(closed_on=as_of, closed_import_id=import_id))
            _record_amount_changes(connection, existing, rows, _snapshot_day(meta, as_of))
        return ImportRecord(import_id, meta["path"], "invoices", "applied", len(rows), len(close))

    def amount_history(self, *, include_closed: bool = False) -> pd.DataFrame:
        """The open amounts the exports showed for each open invoice (`include_closed`: each invoice) whose
        amount changed, by day seen."""
        query = (select(schema.invoice_amounts.c.invoice_id, schema.invoice_amounts.c.seen_on,
                        schema.invoice_amounts.c.open_amount)
                 .join(schema.invoices, schema.invoices.c.invoice_id == schema.invoice_amounts.c.invoice_id)
                 .where(true() if include_closed else schema.invoices.c.closed_on.is_(None))
                 .order_by(schema.invoice_amounts.c.invoice_id, schema.invoice_amounts.c.seen_on))
        return self._frame(query, dates=("seen_on",))

    def record_older_snapshot(self, meta: dict, records: int) -> ImportRecord:
        with self.engine.begin() as connection:
            import_id = self._record_import(connection, meta, records, 0, "older_snapshot")
        return ImportRecord(import_id, meta["path"], meta["kind"], "older_snapshot", records, 0)

    def import_customers(self, meta: dict, frame: pd.DataFrame) -> ImportRecord:
        if self.bulk:
            return bulk_import.import_customers(self, meta, frame, _CUSTOMER_FIELDS)
        rows = _records(frame, _CUSTOMER_FIELDS)
        with self.engine.begin() as connection:
            import_id = self._record_import(connection, meta, len(rows), 0, "applied")
            existing = set(connection.execute(select(schema.customers.c.customer_id)).scalars())
            fresh = [{**r, "import_id": import_id} for r in rows if r["customer_id"] not in existing]
            known = [{**r, "import_id": import_id, "b_customer_id": r["customer_id"]}
                     for r in rows if r["customer_id"] in existing]
            if fresh:
                connection.execute(insert(schema.customers), fresh)
            if known:
                _update_many(connection, schema.customers, "customer_id", known)
        return ImportRecord(import_id, meta["path"], "customers", "applied", len(rows), 0)

    def import_bank_lines(self, meta: dict, frame: pd.DataFrame,
                          reach: dict[str, dt.date] | None = None) -> ImportRecord:
        """Add the transactions not seen before; one seen in an overlapping statement is left as it is.
        `reach`: per account, the last day the statements cover; the state keeps the latest."""
        if self.bulk:
            return bulk_import.import_bank_lines(self, meta, frame, _BANK_FIELDS, _extend_reach, reach or {})
        rows = _records(frame, _BANK_FIELDS, dates=("booking_date", "value_date"))
        with self.engine.begin() as connection:
            _extend_reach(connection, reach or {})
            existing = set(connection.execute(select(schema.bank_lines.c.txn_id)).scalars())
            seen_here: set[str] = set()
            fresh = []
            for row in rows:
                if row["txn_id"] in existing or row["txn_id"] in seen_here:
                    continue
                seen_here.add(row["txn_id"])
                fresh.append(row)
            import_id = self._record_import(connection, meta, len(fresh), 0, "applied")
            if fresh:
                connection.execute(insert(schema.bank_lines), [{**r, "import_id": import_id} for r in fresh])
        return ImportRecord(import_id, meta["path"], "bank", "applied", len(fresh), 0)

    def _record_import(self, connection, meta: dict, records: int, closed: int, outcome: str) -> int:
        result = connection.execute(insert(schema.imports).values(
            path=meta["path"], kind=meta["kind"], sha256=meta["sha256"], rows=meta["rows"], records=records,
            snapshot=meta.get("snapshot", False), taken_at=meta["taken_at"],
            imported_at=self.now().isoformat(timespec="seconds"), as_of=meta["as_of"],
            outcome=outcome, closed=closed))
        return new_id(result)

    # --- reading -----------------------------------------------------------------------------------

    def invoices(self, *, include_closed: bool = False, columns: tuple[str, ...] = ()) -> pd.DataFrame:
        """The open invoices (all, with `include_closed`): every column, or only `columns`."""
        table = schema.invoices
        query = select(*(table.c[name] for name in columns)) if columns else select(table)
        if not include_closed:
            query = query.where(schema.invoices.c.closed_on.is_(None))
        return self._frame(query, dates=("issue_date", "due_date", "last_reminder_date", "closed_on"))

    def latest_dates(self) -> tuple[dt.date | None, dt.date | None]:
        """The last day an invoice was closed and the last booking day of a bank line (None: none)."""
        with self.engine.connect() as connection:
            closed = connection.execute(select(func.max(schema.invoices.c.closed_on))).scalar()
            booked = connection.execute(select(func.max(schema.bank_lines.c.booking_date))).scalar()
        return closed, booked

    def customers(self) -> pd.DataFrame:
        return self._frame(select(schema.customers))

    def bank_lines(self) -> pd.DataFrame:
        return self._frame(select(schema.bank_lines), dates=("booking_date", "value_date"))

    def invoice_items(self) -> pd.DataFrame:
        """Open invoices with `export_taken_at`: when the export that last listed them was made."""
        query = (select(schema.invoices, schema.imports.c.taken_at.label("export_taken_at"))
                 .join(schema.imports, schema.imports.c.id == schema.invoices.c.import_id)
                 .where(schema.invoices.c.closed_on.is_(None)))
        frame = self._frame(query, dates=("issue_date", "due_date", "last_reminder_date", "closed_on"))
        taken_at = pd.to_datetime(frame["export_taken_at"], utc=True)
        frame["export_taken_at"] = taken_at.dt.tz_localize(None).dt.normalize()
        return frame

    def applied_allocations(self) -> pd.DataFrame:
        """Active auto, confirmed and manual allocations with the booking date of their payment."""
        query = (select(schema.matches.c.invoice_id, schema.matches.c.amount, schema.matches.c.invoice_import_id,
                        schema.bank_lines.c.booking_date, schema.matches.c.bank_txn)
                 .join(schema.bank_lines, schema.bank_lines.c.txn_id == schema.matches.c.bank_txn)
                 .where(schema.matches.c.removed_at.is_(None),
                        schema.matches.c.status.in_(("auto", "confirmed", "manual"))))
        return self._frame(query, dates=("booking_date",))

    def invoice_imports(self) -> pd.DataFrame:
        """The applied invoice imports: id, path, taken_at (midnight of the export's UTC day) and day (the day the
        export showed its amounts: the day it was made, never after the import's date, as the amount history)."""
        query = select(schema.imports.c.id, schema.imports.c.path, schema.imports.c.taken_at, schema.imports.c.as_of
                       ).where(schema.imports.c.kind == "invoices", schema.imports.c.outcome == "applied")
        frame = self._frame(query)
        as_of = pd.to_datetime(frame["as_of"])
        frame["day"] = pd.Series([_snapshot_day({"taken_at": t}, a.date()) for t, a in
                                  zip(frame["taken_at"], as_of, strict=True)], index=frame.index, dtype="object")
        frame["day"] = pd.to_datetime(frame["day"]).astype("datetime64[s]")
        taken = pd.to_datetime(frame["taken_at"], utc=True, format="ISO8601").dt.tz_localize(None).dt.normalize()
        frame["taken_at"] = taken.astype("datetime64[s]")
        return frame

    def matches(self, bank_txn: str | None = None, *, active: bool = True) -> pd.DataFrame:
        query = select(schema.matches)
        if bank_txn is not None:
            query = query.where(schema.matches.c.bank_txn == bank_txn)
        if active:
            query = query.where(schema.matches.c.removed_at.is_(None))
        return self._frame(query)

    def txns_left_to_a_person(self) -> set[str]:
        """Lines with an active match, or whose match a person undid: never matched automatically again."""
        with self.engine.connect() as connection:
            return set(connection.execute(select(schema.matches.c.bank_txn).where(
                schema.matches.c.removed_at.is_(None) | schema.matches.c.removed_reason.in_(
                    ("rejected", "unmatched by a person")))).scalars())

    def add_matches(self, rows: list[dict]) -> int:
        if not rows:
            return 0
        now = self.now().isoformat(timespec="seconds")
        with self.engine.begin() as connection:
            connection.execute(insert(schema.matches), [{**row, "created_at": now} for row in rows])
        return len(rows)

    def remove_matches(self, bank_txn: str, reason: str, *, only_status: tuple[str, ...] | None = None) -> int:
        """Undo a line's active matches (kept with the reason, never deleted); returns how many."""
        condition = and_(schema.matches.c.bank_txn == bank_txn, schema.matches.c.removed_at.is_(None))
        if only_status:
            condition = and_(condition, schema.matches.c.status.in_(only_status))
        now = self.now().isoformat(timespec="seconds")
        with self.engine.begin() as connection:
            result = connection.execute(update(schema.matches).where(condition)
                                        .values(removed_at=now, removed_reason=reason))
        return result.rowcount

    def confirm_match(self, match_id: int, amount: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(schema.matches).where(schema.matches.c.id == match_id)
                               .values(status="confirmed", amount=amount))

    def bank_line(self, txn_id: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(schema.bank_lines).where(schema.bank_lines.c.txn_id == txn_id)).first()
        return dict(row._mapping) if row else None

    def customer(self, customer_id: str) -> dict | None:
        """The customer file's row of a customer, or None when the customer file does not list it."""
        with self.engine.connect() as connection:
            row = connection.execute(select(schema.customers).where(
                schema.customers.c.customer_id == customer_id)).first()
        return dict(row._mapping) if row else None

    def invoice(self, invoice_id: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(schema.invoices).where(
                schema.invoices.c.invoice_id == invoice_id)).first()
        return dict(row._mapping) if row else None

    # --- pauses and notes ----------------------------------------------------------------------------

    def customer_exists(self, customer_id: str) -> bool:
        with self.engine.connect() as connection:
            for table in (schema.customers, schema.invoices):
                if connection.execute(select(table.c.customer_id).where(
                        table.c.customer_id == customer_id).limit(1)).first():
                    return True
        return False

    # --- customer overrides ------------------------------------------------------------------------

    def overrides(self) -> dict[str, dict]:
        """customer_id -> the fields a person set (plan, segment, language, channel, email); unset ones left out."""
        fields = ("plan", "segment", "language", "channel", "email")
        with self.engine.connect() as connection:
            rows = connection.execute(select(schema.customer_overrides)).mappings().all()
        return {row["customer_id"]: {f: row[f] for f in fields if row[f] is not None} for row in rows}

    def set_overrides(self, customer_id: str, values: dict, today: dt.date) -> None:
        """Set the given fields (a value) or unset them (None); a customer with nothing left is removed."""
        table = schema.customer_overrides
        with self.engine.begin() as connection:
            row = connection.execute(select(table).where(table.c.customer_id == customer_id)).mappings().first()
            merged = {**(dict(row) if row else {}), **values, "customer_id": customer_id, "updated_on": today}
            connection.execute(delete(table).where(table.c.customer_id == customer_id))
            if any(merged.get(f) is not None for f in ("plan", "segment", "language", "channel", "email")):
                connection.execute(insert(table).values(**merged))

    def payment_plans(self) -> list[dict]:
        """Every payment plan agreed, oldest first."""
        return self._records(schema.payment_plans)

    def cancel_payment_plan(self, plan_id: int, today: dt.date) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(schema.payment_plans).where(schema.payment_plans.c.id == plan_id)
                               .values(cancelled_on=today))

    def add_payment_plan(self, values: dict, installments: list[dict]) -> int:
        with self.engine.begin() as connection:
            plan_id = new_id(connection.execute(insert(schema.payment_plans).values(**values)))
            connection.execute(insert(schema.installments), [{**row, "plan_id": plan_id} for row in installments])
        return plan_id

    def installments_of(self, plan_id: int) -> list[dict]:
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(
                select(schema.installments).where(schema.installments.c.plan_id == plan_id)
                .order_by(schema.installments.c.number))]


    def steps_taken(self) -> pd.DataFrame:
        """Every invoice's recorded dunning steps: invoice_id, step, taken_on (the action's date), channel and
        document."""
        query = (select(schema.dunning_items.c.invoice_id, schema.dunning_actions.c.step,
                        schema.dunning_actions.c.as_of.label("taken_on"), schema.dunning_actions.c.channel,
                        schema.dunning_actions.c.document)
                 .join(schema.dunning_actions, schema.dunning_actions.c.id == schema.dunning_items.c.action_id))
        return self._frame(query, dates=("taken_on",))

    def documents_sent(self) -> pd.DataFrame:
        """Every recorded action, steps and scheduled documents alike: customer_id, step, currency, sent_on."""
        actions = schema.dunning_actions.c
        query = select(actions.customer_id, actions.step, actions.currency, actions.as_of.label("sent_on"))
        return self._frame(query, dates=("sent_on",))

    def actions_recorded(self, since: dt.date | None = None) -> list[dict]:
        """The recorded actions (of `since` and later): as_of, customer_id, step, channel, currency, document,
        delivery; oldest first."""
        actions = schema.dunning_actions.c
        query = select(actions.as_of, actions.customer_id, actions.step, actions.channel, actions.currency,
                       actions.document, actions.delivery).order_by(actions.id)
        if since is not None:
            query = query.where(actions.as_of >= since)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def newest_action_date(self) -> dt.date | None:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(schema.dunning_actions.c.as_of))).scalar()

    def record_actions(self, actions: list[tuple[Action, str, str]], as_of: dt.date) -> None:
        """Dunning actions as (action, document paths joined by ";", delivery), the invoices each covered and
        the installment an installment reminder reminded, all in one transaction."""
        if not actions:
            return
        now = self.now().isoformat(timespec="seconds")
        # one row per step an action's invoices are at: a lower step's invoices that joined a higher step's
        # document are recorded with their own step (the same document)
        parts = [(action, document, delivery, step, lines)
                 for action, document, delivery in actions for step, lines in _by_step(action)]
        rows = [{"as_of": as_of, "customer_id": action.customer_id, "plan": action.plan, "step": step,
                 "channel": action.channel, "currency": action.currency,
                 "amount_due": sum(line.open_amount for line in lines),
                 "total_due": sum(line.open_amount for line in lines) + (
                     sum(cost.amount for cost in action.costs) if step == action.step else 0),
                 "document": document, "delivery": delivery, "created_at": now,
                 "payment_plan": action.installment.payment_plan if action.installment else None}
                for action, document, delivery, step, lines in parts]
        with self.engine.begin() as connection:
            # one statement for the batch; the new ids come back in the order of the rows
            ids = connection.execute(insert(schema.dunning_actions).returning(
                schema.dunning_actions.c.id, sort_by_parameter_order=True), rows).scalars().all()
            items = [{"action_id": action_id, "invoice_id": line.invoice_id, "open_amount": line.open_amount}
                     for action_id, part in zip(ids, parts, strict=True) for line in part[4]]
            if items:   # a payment plan's confirmation is recorded without invoices
                connection.execute(insert(schema.dunning_items), items)
            # a document's own payment reference, with the row of the action's own step (the first of its rows)
            own_rows = {id(part[0]): action_id for action_id, part in reversed(list(zip(ids, parts, strict=True)))}
            references = reference_rows([(action, own_rows[id(action)]) for action, _, _ in actions])
            if references:
                connection.execute(insert(schema.document_references), references)
            reminded = [action.installment for action, _, _ in actions if action.installment is not None]
            for installment in reminded:
                connection.execute(update(schema.installments).where(
                    schema.installments.c.plan_id == installment.payment_plan,
                    schema.installments.c.number == installment.number).values(reminded_on=as_of))

    def suggested_invoices(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.execute(select(schema.matches.c.invoice_id).where(
                schema.matches.c.removed_at.is_(None), schema.matches.c.status == "suggested")).scalars())

    def last_run_date(self) -> dt.date | None:
        """The date of the newest recorded dunning action (None before the first run)."""
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(schema.dunning_actions.c.as_of))).scalar()

    def statement_reach_dates(self) -> dict[str, dt.date]:
        """Per account: the last day its imported statements cover."""
        with self.engine.connect() as connection:
            return dict(connection.execute(select(schema.bank_reach.c.account_iban,
                                                  schema.bank_reach.c.reach_date)).all())

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            # one pass over the invoices: all of them, and those closed
            every, closed = connection.execute(select(func.count(), func.count(schema.invoices.c.closed_on))
                                               .select_from(schema.invoices)).one()
            return {
                "open_invoices": every - closed,
                "closed_invoices": closed,
                "customers": connection.execute(select(func.count()).select_from(schema.customers)).scalar_one(),
                "bank_lines": connection.execute(select(func.count()).select_from(schema.bank_lines)).scalar_one(),
            }

    def _frame(self, query, dates: tuple[str, ...] = ()) -> pd.DataFrame:
        with self.engine.connect() as connection:
            return frame_of(connection, query, dates)


def _payment_plan_of_installment_reminders(connection: Connection) -> None:
    """Version 6: an installment reminder names its payment plan in a column of its own instead of a made-up
    dunning plan `payplan-N`."""
    columns = {column["name"] for column in inspect(connection).get_columns("dunning_actions")}
    if "payment_plan" not in columns:
        connection.execute(text("ALTER TABLE dunning_actions ADD COLUMN payment_plan INTEGER"))
    connection.execute(text("UPDATE dunning_actions SET payment_plan = CAST(SUBSTR(plan, 9) AS INTEGER), plan = '' "
                            "WHERE plan LIKE 'payplan-%'"))


def _snapshot_day(meta: dict, as_of: dt.date) -> dt.date:
    """The day an export showed its amounts: the day it was made, never after the import's date."""
    try:
        taken = dt.datetime.fromisoformat(str(meta.get("taken_at", ""))).date()
    except ValueError:
        return as_of
    return min(taken, as_of)


def _record_amount_changes(connection: Connection, before: dict[str, tuple[int, dt.date | None]], rows: list[dict],
                           day: dt.date) -> None:
    """Keep the open amount an export shows when it differs from the one the state held (`before`: amount and
    the day of the import that brought it): the old amount, from that import's day when nothing older is
    kept, and the new one from `day`."""
    changed = {r["invoice_id"]: int(r["open_amount"]) for r in rows
               if r["invoice_id"] in before and int(before[r["invoice_id"]][0]) != int(r["open_amount"])}
    if not changed:
        return
    kept = set(connection.execute(select(schema.invoice_amounts.c.invoice_id).where(
        schema.invoice_amounts.c.invoice_id.in_(sorted(changed)))).scalars())
    connection.execute(delete(schema.invoice_amounts).where(schema.invoice_amounts.c.invoice_id.in_(sorted(changed)),
                                                            schema.invoice_amounts.c.seen_on == day))
    earlier = day - dt.timedelta(days=1)
    old = [{"invoice_id": invoice, "seen_on": min(before[invoice][1] or earlier, earlier),
            "open_amount": int(before[invoice][0])} for invoice in sorted(set(changed) - kept)]
    connection.execute(insert(schema.invoice_amounts), old + [{"invoice_id": invoice, "seen_on": day,
                                                               "open_amount": amount}
                                                              for invoice, amount in changed.items()])


def _extend_reach(connection: Connection, reach: dict[str, dt.date]) -> None:
    known = dict(connection.execute(select(schema.bank_reach.c.account_iban, schema.bank_reach.c.reach_date)).all())
    for account, day in reach.items():
        if account not in known:
            connection.execute(insert(schema.bank_reach).values(account_iban=account, reach_date=day))
        elif day > known[account]:
            connection.execute(update(schema.bank_reach).where(schema.bank_reach.c.account_iban == account)
                               .values(reach_date=day))


def _reach_from_bank_lines(connection: Connection) -> None:
    """Version 7: a database from before knows its statements only by their lines: each account reaches its
    newest booking date until a statement with a closing balance is imported."""
    connection.execute(text("INSERT INTO bank_reach (account_iban, reach_date) SELECT account_iban, "
                            "MAX(booking_date) FROM bank_lines GROUP BY account_iban"))


MIGRATIONS: dict[int, tuple[Callable[[Connection], None], ...]] = {
    # version -> steps run (in a transaction) to reach it from the version before, after create_all
    # has added the tables that version introduces; changes to existing tables go here as steps.
    1: (),
    2: (),   # holds, disputes, promises, notes: new tables only
    3: (),   # dunning_actions, dunning_items: new tables only
    4: (),   # payment_plans, installments: new tables only
    5: (),   # customer_overrides: a new table only
    6: (_payment_plan_of_installment_reminders,),   # installment reminders name their payment plan
    7: (_reach_from_bank_lines,),   # bank_reach: how far each account's statements reach
    8: (),   # invoice_amounts: a new table only (amounts change from the next import on)
    9: (),   # document_references: a new table only
    10: (letters_already_posted,),   # deliveries: letters written before count as posted on their day
}


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _records(frame: pd.DataFrame, fields: list[str], dates: tuple[str, ...] = ()) -> list[dict]:
    """Frame rows as plain Python values: dates as datetime.date, NaT/NA as None, ints as int."""
    present = [f for f in fields if f in frame.columns]
    data = {}
    for field in present:
        column = frame[field]
        if field in dates:
            data[field] = [None if pd.isna(v) else v.date() for v in column]
        else:
            data[field] = [None if v is pd.NA or (isinstance(v, float) and v != v) else
                           (int(v) if hasattr(v, "item") and not isinstance(v, (str, bool)) else v)
                           for v in column.tolist()]
    return [dict(zip(present, values, strict=True)) for values in zip(*data.values(), strict=True)] if present else []


def _update_many(connection, table, key: str, rows: list[dict]) -> None:
    from sqlalchemy import bindparam

    values: dict[str, object] = {name: bindparam(name) for name in rows[0] if name != f"b_{key}"}
    values.pop(key, None)
    connection.execute(update(table).where(table.c[key] == bindparam(f"b_{key}")).values(**values), rows)


def _by_step(action: Action) -> list[tuple[str, list[ActionLine]]]:
    """The action's lines per the step each is at (a line without its own step: the action's), the action's
    own step first."""
    found: dict[str, list[ActionLine]] = {action.step: []}
    for line in action.lines:
        found.setdefault(line.step or action.step, []).append(line)
    return [(step, lines) for step, lines in found.items() if lines or step == action.step]
