"""A real SMTP server on this machine for the sending tests (aiosmtpd): STARTTLS, implicit TLS or plain, with
login, a certificate from a test CA (trustme) that the workspace trusts through smtp.ca_file, and ways to
refuse a recipient or drop the connection in the middle of a message, as a real server may."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "facturen@voorbeeld.example.be"
PASSWORD = "correct horse battery staple"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes          # the message as the server received it (line ends CRLF, as SMTP carries them)


@dataclass
class Mailbox:
    """The server's behaviour and what it accepted."""

    messages: list[Received] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)   # recipient -> the answer refusing it
    drop_once: set[str] = field(default_factory=set)        # recipients whose next message loses the connection
    drop_before_data: set[str] = field(default_factory=set)  # ... lost before the message is handed over
    slow: dict[str, float] = field(default_factory=dict)      # recipient -> seconds before the server says 250

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.drop_before_data:
            self.drop_before_data.discard(address)
            server.transport.close()   # gone before the client could hand the message over
            return "421 4.4.2 connection dropped"
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        dropped = self.drop_once & set(envelope.rcpt_tos)
        if dropped:
            self.drop_once -= dropped
            server.transport.close()   # the whole message arrived, and the connection is gone before the answer
            return "421 4.4.2 connection dropped"
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        delay = max((self.slow.get(r, 0.0) for r in envelope.rcpt_tos), default=0.0)
        if delay:
            await asyncio.sleep(delay)   # a busy server: the message is queued, its answer comes too late
        return "250 2.0.0 Ok: queued"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USERNAME
          and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False)   # handled=False: aiosmtpd answers a refusal with 535


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalServer:
    """`security`: starttls, tls or none; the CA's certificate is written to `ca_file`."""

    def __init__(self, security: str, folder: Path) -> None:
        self.security = security
        self.mailbox = Mailbox()
        self.port = free_port()
        ca = trustme.CA()
        self.ca_file = folder / "test-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = None
        if security != "none":
            import ssl

            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        # aiosmtpd offers AUTH on an implicit TLS connection only when not told to require STARTTLS first
        kwargs = {"authenticator": _authenticate, "auth_require_tls": security == "starttls"}
        if security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port,
                                     ssl_context=context if security == "tls" else None, **kwargs)

    def __enter__(self) -> LocalServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()

    def config(self, **extra: str) -> str:
        """The `smtp:` lines of arctl.yaml for this server."""
        lines = {"host": "127.0.0.1", "port": str(self.port), "security": self.security, "username": USERNAME,
                 "password_env": "ARCTL_SMTP_PASSWORD", "from": USERNAME, "ca_file": str(self.ca_file), **extra}
        return "smtp:\n" + "".join(f"  {key}: {value}\n" for key, value in lines.items())
