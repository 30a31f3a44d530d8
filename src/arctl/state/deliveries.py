"""How each written document left: e-mails sent over SMTP, letters printed and posted, as stored rows.

An e-mail is recorded `sending` (committed) before the server is asked to take it and `sent` (committed) once it
accepted it, so that a run killed in between leaves `sending` behind: the next run reads that as `unknown` and
leaves the message to a person instead of sending it twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text, update

from arctl.state import schema

Record = dict[str, Any]
LETTER_CHANNELS = ("letter", "registered_letter")   # printed and posted by a person
MAIL_CHANNELS = ("email",)
SENDABLE = ("written", "failed")                     # an e-mail in one of these is sent by the next --send


class DeliveryRecords:
    """The Store's methods for deliveries; each write is one transaction."""

    engine: Engine
    now: Callable[[], dt.datetime]

    def outbox_documents(self, day: dt.date | None = None) -> list[Record]:
        """Every e-mail and letter recorded (of outbox day `day`, else all), oldest first, with its delivery:
        id (None before anything happened to it), document, as_of, customer_id, channel, status, answer,
        attempts, sent_on. A document without a delivery row is `written` (an e-mail) or `to_print` (a letter)."""
        actions, kept = schema.dunning_actions.c, schema.deliveries.c
        query = (select(actions.document, actions.as_of, actions.customer_id, actions.channel)
                 .where(actions.document != "", actions.channel.in_(MAIL_CHANNELS + LETTER_CHANNELS))
                 .order_by(actions.id))
        if day is not None:
            query = query.where(actions.as_of == day)
        with self.engine.connect() as connection:
            found: dict[str, Record] = {}
            for action in connection.execute(query).mappings():
                found.setdefault(action["document"], dict(action))
            rows = {row["document"]: dict(row) for row in connection.execute(
                select(schema.deliveries).where(kept.document.in_(sorted(found)))).mappings()} if found else {}
        documents = []
        for document, row in found.items():
            stored = rows.get(document)
            initial = "written" if row["channel"] in MAIL_CHANNELS else "to_print"
            documents.append({**row, "id": stored["id"] if stored else None,
                              "status": stored["status"] if stored else initial,
                              "answer": stored["answer"] if stored else "",
                              "attempts": stored["attempts"] if stored else 0,
                              "sent_on": stored["sent_on"] if stored else None})
        return documents

    def delivery(self, key: int | str) -> Record | None:
        """One document's delivery row, by its id or its document path."""
        column = schema.deliveries.c.id if isinstance(key, int) else schema.deliveries.c.document
        with self.engine.connect() as connection:
            row = connection.execute(select(schema.deliveries).where(column == key)).mappings().first()
        return dict(row) if row else None

    def mark_delivery(self, document: Record, status: str, *, answer: str = "", sent_on: dt.date | None = None,
                      attempt: bool = False) -> None:
        """Record a document's new status (committed before this returns); `attempt` counts one more try."""
        table = schema.deliveries
        values = {"status": status, "answer": answer, "sent_on": sent_on,
                  "updated_at": self.now().isoformat(timespec="seconds")}
        with self.engine.begin() as connection:
            current = connection.execute(select(table.c.id, table.c.attempts).where(
                table.c.document == document["document"])).first()
            if current is None:
                connection.execute(insert(table).values(
                    document=document["document"], as_of=document["as_of"], customer_id=document["customer_id"],
                    channel=document["channel"], attempts=1 if attempt else 0, **values))
            else:
                connection.execute(update(table).where(table.c.id == current.id).values(
                    attempts=current.attempts + (1 if attempt else 0), **values))

    def unknown_after_crash(self) -> int:
        """Turn every `sending` left by a run that stopped while sending into `unknown`; returns how many. Called
        under the workspace lock, so no other run is sending at that moment."""
        with self.engine.begin() as connection:
            return connection.execute(update(schema.deliveries).where(schema.deliveries.c.status == "sending")
                                      .values(status="unknown", answer="the run stopped while this message was "
                                              "being sent: it may or may not have gone",
                                              updated_at=self.now().isoformat(timespec="seconds"))).rowcount

    def posting_dates(self) -> dict[str, dt.date | None]:
        """Per document of an e-mail or letter with a delivery row: the day it was sent or posted (None: not
        yet)."""
        table = schema.deliveries.c
        with self.engine.connect() as connection:
            return {document: (day if status in ("sent", "printed") else None)
                    for document, status, day in connection.execute(select(table.document, table.status,
                                                                            table.sent_on))}


def letters_already_posted(connection: Connection) -> None:
    """Version 10: the letters of a database from before were counted as posted on the day they were written;
    they are recorded so, and keep their waiting periods."""
    connection.execute(text(
        "INSERT INTO deliveries (document, as_of, customer_id, channel, status, answer, attempts, sent_on, "
        "updated_at) SELECT document, MIN(as_of), MIN(customer_id), MIN(channel), 'printed', "
        "'posted on the day it was written (recorded before arctl tracked printing)', 0, MIN(as_of), "
        "MIN(created_at) FROM dunning_actions WHERE document != '' AND channel IN ('letter', 'registered_letter') "
        "AND document NOT IN (SELECT document FROM deliveries) GROUP BY document"))
