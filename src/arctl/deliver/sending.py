"""Sending a batch of outbox e-mails: who each goes to, and the record made before and after each one, so that
a message is never sent twice and a refusal stops only its own message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses
from typing import Any, Protocol

from arctl.config import SmtpSettings


class Transport(Protocol):
    def send(self, sender: str, recipients: list[str], data: bytes) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One e-mail to send: its outbox record and its bytes as written (None: the file cannot be read, `problem`
    says why)."""

    record: dict[str, Any]
    data: bytes | None
    problem: str = ""


@dataclass(frozen=True, slots=True)
class Sent:
    record: dict[str, Any]
    status: str            # sent or failed
    answer: str
    recipients: tuple[str, ...] = ()


Record = Callable[[dict[str, Any], str, str], None]   # (outbox record, status, answer): committed when it returns


def envelope(data: bytes, settings: SmtpSettings) -> tuple[str, list[str]]:
    """The envelope of a message: the sender (smtp.from, else the address in its From) and its recipients
    (To and Cc of the message, then the archive copy smtp.bcc). ValueError says what is missing."""
    headers = BytesHeaderParser(policy=default).parsebytes(data)
    sender = settings.sender or next((address for _, address in getaddresses([str(headers.get("From", ""))])
                                      if "@" in address), "")
    if not sender:
        raise ValueError("no sender address: the message's From has none; set smtp.from in arctl.yaml")
    recipients = [address for _, address in getaddresses([str(value) for name in ("To", "Cc")
                                                           for value in headers.get_all(name, [])]) if address]
    if not recipients:
        raise ValueError("the message has no recipient (To is empty)")
    if settings.bcc and settings.bcc not in recipients:
        recipients.append(settings.bcc)
    return sender, recipients


def send_batch(messages: list[Outgoing], transport: Transport, settings: SmtpSettings, record: Record) -> list[Sent]:
    """Send each message in turn: recorded `sending` before the server is asked, `sent` once it accepted, or
    `failed` with its answer (`unknown` when the whole message reached the server and no answer came back: it may
    have gone, so a person decides); a refused message or a dropped connection stops only that message (the next
    is sent over a new connection). When the server cannot be reached at all, every message left fails with that
    answer."""
    from arctl.deliver.smtp import SmtpRefusal

    done: list[Sent] = []
    unreachable = ""
    try:
        for message in messages:
            if message.data is None or unreachable:
                answer = unreachable or message.problem
                record(message.record, "failed", answer)
                done.append(Sent(message.record, "failed", answer))
                continue
            try:
                sender, recipients = envelope(message.data, settings)
            except ValueError as exc:
                record(message.record, "failed", str(exc))
                done.append(Sent(message.record, "failed", str(exc)))
                continue
            record(message.record, "sending", "")
            try:
                transport.send(sender, recipients, message.data)
            except SmtpRefusal as refusal:
                fate = "unknown" if refusal.handed_over else "failed"   # unknown: never sent again by arctl
                record(message.record, fate, refusal.answer)
                done.append(Sent(message.record, fate, refusal.answer, tuple(recipients)))
                if refusal.unreachable:
                    unreachable = refusal.answer
                continue
            record(message.record, "sent", "")
            done.append(Sent(message.record, "sent", "", tuple(recipients)))
    finally:
        transport.close()
    return done
