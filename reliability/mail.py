"""The kill loop's e-mail: each copy of the workspace sends its reminders to an SMTP server of its own on this
machine (tests/smtp_server.py: STARTTLS, login, a certificate from a test CA), which keeps every message it
accepts, so that the loop can count how often each one arrived.

A kill while arctl sends leaves a message `unknown` (it may or may not have gone: arctl never sends it again on
its own). The loop then does what the bookkeeper does with `arctl outbox`: looks in the mail server's log (here
its mailbox) and settles each one, `--sent` when it arrived, `--resend` when it did not, then sends what is to be
resent."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import subprocess
import sys
import warnings
from collections import Counter
from email.policy import default
from pathlib import Path

from smtp_server import PASSWORD, LocalServer

warnings.filterwarnings("ignore", "Session.login_data is deprecated")   # aiosmtpd's own, once per login
PASSWORD_VARIABLE = "ARCTL_SMTP_PASSWORD"   # LocalServer.config names it as smtp.password_env


def start_server(folder: Path) -> LocalServer:
    """A started server for one copy (stop it with .controller.stop()); the copy's arctl processes find its
    password in the environment."""
    os.environ[PASSWORD_VARIABLE] = PASSWORD
    folder.mkdir(parents=True, exist_ok=True)
    server = LocalServer("starttls", folder)
    server.controller.start()
    return server


def message_id(data: bytes) -> str:
    return str(email.message_from_bytes(data, policy=default).get("Message-ID", "")).strip()


def arrivals(server: LocalServer) -> Counter[str]:
    """How often each message (by its Message-ID) reached the server."""
    return Counter(message_id(received.data) for received in server.mailbox.messages)


def _arctl(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arctl", "-w", str(root), *args], capture_output=True, text=True)


def settle_unknown(root: Path, day: dt.date, server: LocalServer) -> tuple[int, list[str]]:
    """Settle every e-mail whose fate is unknown as a person does, then send those to resend: how many were
    settled, and the problems met."""
    listed = _arctl(root, "outbox", "--json")
    if listed.returncode != 0:
        return 0, [f"arctl outbox --json exited {listed.returncode}: {listed.stderr.strip()[-300:]}"]
    arrived = arrivals(server)
    unknown = [d for d in json.loads(listed.stdout)["documents"] if d["status"] == "unknown"]
    problems, resend = [], False
    for document in unknown:
        eml = next(part for part in document["document"].split(";") if part.endswith(".eml"))
        went = arrived[message_id((root / eml).read_bytes())] > 0
        resend = resend or not went
        done = _arctl(root, "outbox", "resolve", str(document["id"]), "--sent" if went else "--resend",
                      "--as-of", day.isoformat())
        if done.returncode != 0:
            problems.append(f"arctl outbox resolve {document['id']} exited {done.returncode}: {done.stderr[-300:]}")
    if resend:
        sent = _arctl(root, "outbox", "send", "--as-of", day.isoformat())
        if sent.returncode != 0:
            problems.append(f"arctl outbox send exited {sent.returncode}: {sent.stderr.strip()[-300:]}")
    return len(unknown), problems


def mail_differences(root: Path, server: LocalServer) -> list[str]:
    """Every e-mail of the outbox reached the server exactly once, and is recorded sent."""
    from state_check import state_rows

    outbox = sorted((root / "outbox").rglob("*.eml"))
    written = Counter(message_id(path.read_bytes()) for path in outbox)
    arrived = arrivals(server)
    found = [f"e-mail {m} reached the server {n} times" for m, n in arrived.items() if n > 1]
    found += [f"e-mail {m} never reached the server" for m in written if not arrived[m]]
    found += [f"the server received {m}, which is not in the outbox" for m in arrived if not written[m]]
    statuses = Counter(status for (status,) in state_rows(
        root, "SELECT status FROM deliveries WHERE channel = 'email'"))
    if set(statuses) - {"sent"} or statuses["sent"] != len(outbox):
        found.append(f"{len(outbox)} e-mails in the outbox, deliveries recorded {dict(statuses)}")
    return found
