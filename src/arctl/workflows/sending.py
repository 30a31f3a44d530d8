"""outbox: send the written e-mails over SMTP, list what was written, sent, failed, unknown and to print,
let a person settle a message whose fate is unknown, and record the day letters were posted."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from arctl.config import Workspace
from arctl.errors import ConfigError, UsageError
from arctl.workflows.workspace import open_store, workspace_lock, writing

if TYPE_CHECKING:
    from arctl.state.store import Store

Record = dict[str, Any]


@dataclass(slots=True)
class SendResult:
    sent: list[Record] = field(default_factory=list)
    failed: list[Record] = field(default_factory=list)      # each with the server's `answer`
    unknown: list[Record] = field(default_factory=list)     # stopped while sending: a person decides

    def by_document(self) -> dict[str, str]:
        """Each document's delivery: sent, failed or unknown."""
        return {**{r["document"]: "unknown" for r in self.unknown}, **{r["document"]: "failed" for r in self.failed},
                **{r["document"]: "sent" for r in self.sent}}


def smtp_password(workspace: Workspace) -> str | None:
    """The SMTP password from the environment variable arctl.yaml names (None: the server needs no login);
    ConfigError when arctl.yaml has no smtp: or the variable is not set. Checked before anything is written."""
    smtp = workspace.config.smtp
    if smtp is None:
        raise ConfigError(f"{workspace.config_path}: no smtp: section, so there is no server to send e-mails "
                          "through", hint="add smtp: {host, port, security, username, password_env} to arctl.yaml "
                          "(README: Sending)")
    if not smtp.username:
        return None
    password = os.environ.get(smtp.password_env)
    if not password:
        raise ConfigError(f"the SMTP password of {smtp.username} is read from the environment variable "
                          f"{smtp.password_env} ({smtp.where}.password_env), which is not set",
                          hint=f"export {smtp.password_env}=... in the environment that runs arctl (the cron "
                          "job's too); the password is never written in arctl.yaml")
    return password


def outbox_send(workspace: Workspace | None, day: dt.date | None, today: dt.date) -> SendResult:
    """`arctl outbox send [DATE]`: send the e-mails written or failed and not yet sent (of outbox day `day`)."""
    if workspace is None:
        raise UsageError("arctl outbox needs a workspace", hint="run it inside one, or use -w DIR")
    password = smtp_password(workspace)
    with workspace_lock(workspace, "outbox send"):
        store = open_store(workspace)
        try:
            return send_pending(store, workspace, day, today, password)
        finally:
            store.close()


def send_pending(store: Store, workspace: Workspace, day: dt.date | None, today: dt.date,
                 password: str | None) -> SendResult:
    """Send every e-mail written or failed (of outbox day `day`, else of every day), under the workspace lock
    the caller holds. A message left `sending` by a run that stopped is `unknown` from now on: listed, never
    sent again until a person decides (`arctl outbox resolve`)."""
    from arctl.deliver.sending import Outgoing, send_batch
    from arctl.deliver.smtp import SmtpTransport
    from arctl.state.deliveries import MAIL_CHANNELS, SENDABLE

    settings = workspace.config.smtp
    assert settings is not None   # smtp_password refused a workspace without one
    store.unknown_after_crash()
    documents = [d for d in store.outbox_documents(day) if d["channel"] in MAIL_CHANNELS]
    messages = [_outgoing(workspace, d, Outgoing) for d in documents if d["status"] in SENDABLE]

    def record(document: Record, status: str, answer: str) -> None:
        store.mark_delivery(document, status, answer=answer, sent_on=today if status == "sent" else None,
                            attempt=status == "sending")

    result = SendResult(unknown=[d for d in documents if d["status"] == "unknown"])
    for done in send_batch(messages, SmtpTransport(settings, password), settings, record):
        row = {**done.record, "status": done.status, "answer": done.answer, "recipients": list(done.recipients)}
        {"sent": result.sent, "unknown": result.unknown}.get(done.status, result.failed).append(row)
    return result


def _outgoing(workspace: Workspace, document: Record, outgoing: Any) -> Any:
    """The message of an outbox record, its bytes exactly as written."""
    name = next((part for part in document["document"].split(";") if part.endswith(".eml")), "")
    path = workspace.root / name
    try:
        return outgoing(document, path.read_bytes())
    except OSError as exc:
        return outgoing(document, None, f"{name or document['document']}: cannot be read ({exc.strerror or exc}); "
                                        "it is not sent")


def outbox_list(workspace: Workspace | None, day: dt.date | None = None) -> list[Record]:
    """Every e-mail and letter recorded (of outbox day `day`), with its delivery: written, sending, sent, failed,
    unknown, to_print or printed."""
    if workspace is None:
        raise UsageError("arctl outbox needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        return store.outbox_documents(day)
    finally:
        store.close()


def outbox_resolve(workspace: Workspace | None, key: str, *, sent: bool, today: dt.date) -> Record:
    """A person's word on a message whose fate is unknown (or that failed): it went (`sent`), or send it again
    with the next --send."""
    with writing(workspace, "outbox resolve") as store:
        store.unknown_after_crash()
        found = next((d for d in store.outbox_documents()
                      if str(d["id"]) == key or d["document"] == key or d["document"].endswith("/" + key)), None)
        if found is None:
            raise UsageError(f"no e-mail {key!r} in the outbox", hint="`arctl outbox` lists them with their ID")
        allowed = ("unknown", "failed") if sent else ("unknown",)
        if found["channel"] != "email" or found["status"] not in allowed:
            raise UsageError(f"{found['document']} is {found['status']}: only an e-mail whose fate is unknown "
                             f"{'or that failed ' if sent else ''}can be marked {'sent' if sent else 'to resend'}")
        if sent:
            store.mark_delivery(found, "sent", answer=f"marked sent by a person on {today}", sent_on=today)
        else:
            store.mark_delivery(found, "written", answer=f"to be sent again (decided by a person on {today})")
        return {**found, "status": "sent" if sent else "written"}


def outbox_printed(workspace: Workspace | None, posted_on: dt.date, today: dt.date,
                   written_on: dt.date | None = None) -> list[Record]:
    """Record the letters waiting to be printed (written on or before `posted_on`; of outbox day `written_on`
    only, when given) as posted on `posted_on`: the day their legal periods count from."""
    from arctl.state.deliveries import LETTER_CHANNELS

    if posted_on > today:
        raise UsageError(f"posting date {posted_on} is after today ({today})",
                         hint="record letters once they are posted, with the day they went")
    with writing(workspace, "outbox printed") as store:
        letters = [d for d in store.outbox_documents(written_on)
                   if d["channel"] in LETTER_CHANNELS and d["status"] == "to_print" and d["as_of"] <= posted_on]
        for letter in letters:
            store.mark_delivery(letter, "printed", answer=f"posted on {posted_on}", sent_on=posted_on)
    return [{**letter, "status": "printed", "sent_on": posted_on} for letter in letters]
