"""The kill loop's bookkeeper (reliability/mail.py): an e-mail a kill left `unknown` is settled by what the mail
server's log says, `--sent` when it arrived and `--resend` when it did not, so that in the end every e-mail of the
outbox reached its server exactly once and is recorded sent. The two ways a message becomes unknown here are the
ones tests/test_sending.py proves arctl handles: a server that answers too late, a connection dropped after the
message was handed over."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from smtp_server import PASSWORD
from test_sending import ARCHIVE, CUSTOMERS, DAY, INVOICES, JANSSENS, cli, outbox, server, workspace  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from mail import mail_differences, settle_unknown  # noqa: E402

# reliability/mail.py runs arctl in processes of its own, which the test suite's in-process switch of a workspace's
# state to PostgreSQL does not reach; the kill loop itself runs on PostgreSQL (make reliability).
pytestmark = [pytest.mark.state, pytest.mark.sqlite_only("the bookkeeper runs arctl in processes of its own")]


def test_an_unknown_email_the_server_never_got_is_resent_once(workspace, server):  # noqa: F811
    server.mailbox.drop_once.add(JANSSENS)
    cli("dunning", "run", "--as-of", DAY, "--send", code=5)
    assert outbox()["K002"]["status"] == "unknown" and server.mailbox.to(JANSSENS) == []

    settled, problems = settle_unknown(workspace, dt.date.fromisoformat(DAY), server)

    assert (settled, problems) == (1, [])
    assert len(server.mailbox.to(JANSSENS)) == 1
    assert mail_differences(workspace, server) == []


def test_an_unknown_email_the_server_got_is_recorded_sent_and_not_sent_again(invoices_and_customers_workspace,
                                                                           server, monkeypatch):  # noqa: F811
    monkeypatch.setenv("ARCTL_SMTP_PASSWORD", PASSWORD)
    root = invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of=DAY,
                                            config=server.config(bcc=ARCHIVE, timeout="1"))
    server.mailbox.slow[JANSSENS] = 2.5   # the server takes it after arctl gave up waiting
    cli("dunning", "run", "--as-of", DAY, "--send", code=5)
    assert outbox()["K002"]["status"] == "unknown"

    settled, problems = settle_unknown(root, dt.date.fromisoformat(DAY), server)

    assert (settled, problems) == (1, [])
    assert outbox()["K002"]["status"] == "sent"
    assert len(server.mailbox.to(JANSSENS)) == 1
    assert mail_differences(root, server) == []


def test_an_email_that_reached_the_server_twice_is_a_difference(workspace, server):  # noqa: F811
    cli("dunning", "run", "--as-of", DAY, "--send")
    server.mailbox.messages.append(server.mailbox.to(JANSSENS)[0])

    assert any("reached the server 2 times" in found for found in mail_differences(workspace, server))
