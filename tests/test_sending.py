"""`arctl dunning run --send` and `arctl outbox send` against a real SMTP server on this machine (aiosmtpd):
what arrives, what a refusal or a dropped connection does, and that no message ever goes twice."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.workflows import load_workspace, open_store
from smtp_server import PASSWORD, USERNAME, LocalServer

pytestmark = pytest.mark.state

# three businesses, each 10 days past due on 20 November: the standard plan's friendly e-mail is due
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0101,K001,Bakkerij Peeters BV,2026-10-10,2026-11-10,EUR,1210.00,1210.00
    2026-0102,K002,Garage Janssens NV,2026-10-10,2026-11-10,EUR,302.50,302.50
    2026-0103,K003,Drukkerij Maes BV,2026-10-10,2026-11-10,EUR,847.00,847.00
    """
CUSTOMERS = """\
    Customer ID,Name,Email
    K001,Bakkerij Peeters BV,boekhouding@peeters.example.be
    K002,Garage Janssens NV,info@janssens.example.be
    K003,Drukkerij Maes BV,facturen@maes.example.be
    """
PEETERS, JANSSENS, MAES = "boekhouding@peeters.example.be", "info@janssens.example.be", "facturen@maes.example.be"
ARCHIVE = "archief@voorbeeld.example.be"
DAY = "2026-11-20"


@pytest.fixture
def server(request, tmp_path_factory):
    security = getattr(request, "param", "starttls")
    with LocalServer(security, tmp_path_factory.mktemp("smtp")) as running:
        yield running


@pytest.fixture
def workspace(invoices_and_customers_workspace, server, monkeypatch):
    monkeypatch.setenv("ARCTL_SMTP_PASSWORD", PASSWORD)
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of=DAY, config=server.config(bcc=ARCHIVE))


def cli(*args: str, code: int = 0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def outbox() -> dict[str, dict]:
    """The outbox listing by customer."""
    return {d["customer_id"]: d for d in json.loads(cli("outbox", "--json").stdout)["documents"]}


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_the_run_sends_every_email_as_written_to_its_customer_and_the_archive(workspace, server):
    result = cli("dunning", "run", "--as-of", DAY, "--send", "--json")

    deliveries = {a["customer_id"]: a["delivery"] for a in json.loads(result.stdout)["actions"]}
    assert deliveries == {"K001": "sent", "K002": "sent", "K003": "sent"}
    assert sorted(tuple(m.recipients) for m in server.mailbox.messages) == [
        (PEETERS, ARCHIVE), (MAES, ARCHIVE), (JANSSENS, ARCHIVE)]
    for message in server.mailbox.messages:
        assert message.sender == USERNAME
        written = (workspace / outbox()[_customer(message.recipients[0])]["document"]).read_bytes()
        assert message.data == crlf(written)   # the .eml of the outbox, byte for byte (SMTP's line ends)
    assert {d["status"] for d in outbox().values()} == {"sent"}


def _customer(address: str) -> str:
    return {PEETERS: "K001", JANSSENS: "K002", MAES: "K003"}[address]


def test_a_multipart_message_arrives_with_both_parts_and_its_attachment(workspace, server):
    cli("dunning", "run", "--as-of", DAY)
    path = workspace / outbox()["K001"]["document"]
    letter = EmailMessage()   # what a rendered reminder looks like: text, HTML and the letter as PDF
    letter["From"] = f"Voorbeeld BV <{USERNAME}>"
    letter["To"] = PEETERS
    letter["Subject"] = "Herinnering factuur 2026-0101"
    letter.set_content("Beste klant,\n\nfactuur 2026-0101 staat nog open: € 1.210,00.\n")
    letter.add_alternative("<p>Beste klant,</p><p>factuur 2026-0101 staat nog open: € 1.210,00.</p>",
                           subtype="html")
    letter.add_attachment(b"%PDF-1.7\n% the letter\n", maintype="application", subtype="pdf",
                          filename="herinnering-2026-0101.pdf")
    path.write_bytes(letter.as_bytes())

    cli("outbox", "send", DAY)

    received = message_from_bytes(server.mailbox.to(PEETERS)[0].data, policy=default)
    assert received["Subject"] == "Herinnering factuur 2026-0101"
    assert received.get_body(("plain",)).get_content().startswith("Beste klant,")
    assert "<p>Beste klant,</p>" in received.get_body(("html",)).get_content()
    attachment = next(received.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content()) == ("herinnering-2026-0101.pdf",
                                                                     b"%PDF-1.7\n% the letter\n")


@pytest.mark.parametrize("server", ["tls", "none"], indirect=True)
def test_implicit_tls_and_a_plain_local_test_server_work_too(workspace, server):
    cli("dunning", "run", "--as-of", DAY, "--send")

    assert len(server.mailbox.messages) == 3


def test_a_refused_recipient_fails_only_its_message_and_the_next_send_retries_only_it(workspace, server):
    server.mailbox.refused[JANSSENS] = "550 5.1.1 <info@janssens.example.be>: Recipient address rejected"

    result = cli("dunning", "run", "--as-of", DAY, "--send", code=5)

    assert "Error: not every e-mail was sent: 1 failed" in result.output
    assert sorted(m.recipients[0] for m in server.mailbox.messages) == [PEETERS, MAES]
    failed = outbox()["K002"]
    assert failed["status"] == "failed"
    assert failed["answer"] == ("recipient info@janssens.example.be: 550 5.1.1 <info@janssens.example.be>: "
                                "Recipient address rejected")

    del server.mailbox.refused[JANSSENS]   # the customer's mailbox is back
    cli("outbox", "send")

    assert sorted(m.recipients[0] for m in server.mailbox.messages) == [PEETERS, MAES, JANSSENS]
    assert outbox()["K002"]["status"] == "sent"


def test_a_connection_dropped_before_the_message_went_fails_it_and_the_retry_sends_only_it(workspace, server):
    server.mailbox.drop_before_data.add(JANSSENS)

    cli("dunning", "run", "--as-of", DAY, "--send", code=5)

    assert sorted(m.recipients[0] for m in server.mailbox.messages) == [PEETERS, MAES]
    assert outbox()["K002"]["status"] == "failed"
    assert outbox()["K002"]["answer"].startswith("the server closed the connection")

    cli("dunning", "run", "--as-of", DAY, "--send")   # the same day again: nothing new, the failed one goes

    assert sorted(m.recipients[0] for m in server.mailbox.messages) == [PEETERS, MAES, JANSSENS]


def test_a_connection_dropped_after_the_whole_message_went_leaves_it_unknown_and_never_resent(workspace, server):
    server.mailbox.drop_once.add(JANSSENS)

    result = cli("dunning", "run", "--as-of", DAY, "--send", code=5)

    assert sorted(m.recipients[0] for m in server.mailbox.messages) == [PEETERS, MAES]
    unknown = outbox()["K002"]
    assert unknown["status"] == "unknown"
    assert "after the whole message was handed over" in unknown["answer"]
    assert "may or may not have gone" in unknown["answer"]
    cli("outbox", "send", code=5)
    assert server.mailbox.to(JANSSENS) == []   # not sent again: a person decides (arctl outbox resolve)
    assert "unknown" in result.output


def test_a_server_too_slow_to_answer_gets_each_message_at_most_once(invoices_and_customers_workspace, server,
                                                                    monkeypatch):
    monkeypatch.setenv("ARCTL_SMTP_PASSWORD", PASSWORD)
    invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of=DAY, config=server.config(bcc=ARCHIVE, timeout="1"))
    server.mailbox.slow[JANSSENS] = 2.5   # longer than smtp.timeout: the server takes it after arctl gave up

    cli("dunning", "run", "--as-of", DAY, "--send", code=5)
    cli("outbox", "send", code=5)

    assert len(server.mailbox.to(JANSSENS)) == 1 and len(server.mailbox.messages) == 3
    assert outbox()["K002"]["status"] == "unknown"
    assert {outbox()[c]["status"] for c in ("K001", "K003")} == {"sent"}


class Killed(BaseException):
    """The process stops (a kill, a power cut) right after the server accepted a message."""


def test_a_message_whose_fate_is_unknown_after_a_crash_is_listed_and_never_resent(workspace, server, monkeypatch):
    from arctl.deliver.smtp import SmtpTransport

    real_send = SmtpTransport.send

    def send_then_die(self, sender, recipients, data):
        real_send(self, sender, recipients, data)
        if JANSSENS in recipients:
            raise Killed   # between `sending` and `sent`

    monkeypatch.setattr(SmtpTransport, "send", send_then_die)
    with pytest.raises(Killed):
        CliRunner().invoke(app, ["dunning", "run", "--as-of", DAY, "--send"], catch_exceptions=False)
    monkeypatch.setattr(SmtpTransport, "send", real_send)
    before = len(server.mailbox.messages)

    result = cli("outbox", "send", code=5)

    assert len(server.mailbox.to(JANSSENS)) == 1, "the message that may have gone is not sent again"
    assert len(server.mailbox.messages) == 3 and before == len(server.mailbox.messages) - 1
    unknown = outbox()["K002"]
    assert unknown["status"] == "unknown"
    assert f"unknown {unknown['document']} (ID {unknown['id']}): not sent again" in result.output

    cli("outbox", "resolve", str(unknown["id"]), "--sent", "--as-of", DAY)
    cli("outbox", "send")

    assert outbox()["K002"]["status"] == "sent"
    assert len(server.mailbox.to(JANSSENS)) == 1


def test_a_person_can_have_an_unknown_message_sent_again(workspace, server):
    cli("dunning", "run", "--as-of", DAY)
    store = open_store(load_workspace(workspace, workspace, None))
    document = next(d for d in store.outbox_documents() if d["customer_id"] == "K001")
    store.mark_delivery(document, "sending")   # as a run killed while sending leaves it
    store.close()
    cli("outbox", "send", code=5)
    assert server.mailbox.to(PEETERS) == []

    cli("outbox", "resolve", document["document"], "--resend")
    cli("outbox", "send")

    assert len(server.mailbox.to(PEETERS)) == 1


def test_without_the_password_variable_nothing_is_written_and_the_variable_is_named(workspace, server,
                                                                                    monkeypatch):
    monkeypatch.delenv("ARCTL_SMTP_PASSWORD")

    result = cli("dunning", "run", "--as-of", DAY, "--send", code=2)

    assert "is read from the environment variable ARCTL_SMTP_PASSWORD (arctl.yaml:" in result.output
    assert "which is not set" in result.output
    assert not (workspace / "outbox" / DAY).exists()
    assert server.mailbox.messages == []


def test_a_wrong_password_fails_every_message_with_the_servers_answer(workspace, server, monkeypatch):
    monkeypatch.setenv("ARCTL_SMTP_PASSWORD", "wrong")

    cli("dunning", "run", "--as-of", DAY, "--send", code=5)

    answers = {d["answer"] for d in outbox().values()}
    assert len(answers) == 1
    assert answers.pop().startswith(f"127.0.0.1:{server.port} refused the login of {USERNAME}: 535")


def test_the_outbox_lists_what_was_sent_and_what_failed_with_the_answer(workspace, server):
    server.mailbox.refused[JANSSENS] = "550 5.1.1 Recipient address rejected"
    cli("dunning", "run", "--as-of", DAY, "--send", code=5)

    listing = cli("outbox").stdout

    assert "2 sent, 1 failed" in listing
    (row,) = [line for line in listing.splitlines() if "K002" in line]
    assert "│ failed │" in row and "│ recipient" in row   # the answer, folded over the next lines
