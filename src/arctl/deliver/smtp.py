"""SMTP: one connection to the workspace's server (STARTTLS, implicit TLS, or plain to a local test server),
and handing it one message exactly as it was written into the outbox."""

from __future__ import annotations

import re
import smtplib
import ssl

from arctl.config import SmtpSettings

_BARE_LF = re.compile(rb"(?<!\r)\n")
_LEADING_DOT = re.compile(rb"(?m)^\.")


class SmtpRefusal(Exception):
    """The server did not take a message (or could not be reached): `answer` is what it said; `unreachable`:
    no message can go (no connection, no TLS, login refused); `handed_over`: the whole message reached the server
    but its answer never came (a timeout, a dropped connection), so it may have gone: RFC 5321 §6.1's window in
    which a retry would send it twice."""

    def __init__(self, answer: str, *, connection_lost: bool = False, unreachable: bool = False,
                 handed_over: bool = False) -> None:
        super().__init__(answer)
        self.answer = answer
        self.connection_lost = connection_lost
        self.unreachable = unreachable
        self.handed_over = handed_over


class SmtpTransport:
    """A connection opened on the first message and again after the server dropped it; `close` ends it."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self.password = password
        self._client: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        """Connect, secure the connection and log in; SmtpRefusal says why that failed."""
        settings = self.settings
        context = ssl.create_default_context()
        if settings.ca_file is not None:
            context.load_verify_locations(cafile=str(settings.ca_file))
        where = f"{settings.host}:{settings.port}"
        try:
            if settings.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                        context=context)
            else:
                client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            client.ehlo()
            if settings.security == "starttls":
                if not client.has_extn("starttls"):
                    client.close()
                    raise SmtpRefusal(f"{where} does not offer STARTTLS; arctl does not send unencrypted "
                                      "(use security: tls if it takes TLS on connect)", unreachable=True)
                client.starttls(context=context)
                client.ehlo()
            if settings.username:
                client.login(settings.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise SmtpRefusal(f"{where} refused the login of {settings.username}: {_said(exc)}",
                              unreachable=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise SmtpRefusal(f"{where}: {_said(exc)}", unreachable=True) from exc
        except ssl.SSLError as exc:
            raise SmtpRefusal(f"{where}: the TLS connection failed: {exc}", unreachable=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpRefusal(f"cannot connect to {where}: {exc}", unreachable=True) from exc
        self._client = client
        return client

    def send(self, sender: str, recipients: list[str], data: bytes) -> None:
        """Hand one message to the server: every recipient must be accepted before the message is given
        (a refused one stops it before anything goes). Raises SmtpRefusal with the server's answer."""
        client = self._client or self.open()
        options = ["BODY=8BITMIME"] if not data.isascii() and client.has_extn("8bitmime") else []
        handed_over = False
        try:
            code, answer = client.mail(sender, options)
            if code != 250:
                self._reset()
                raise SmtpRefusal(f"sender {sender}: {code} {_text(answer)}")
            for recipient in recipients:
                code, answer = client.rcpt(recipient)
                if code not in (250, 251):
                    self._reset()
                    raise SmtpRefusal(f"recipient {recipient}: {code} {_text(answer)}")
            code, answer = client.docmd("DATA")
            if code != 354:
                raise SmtpRefusal(f"DATA: {code} {_text(answer)}")
            # SMTP lines end in CRLF, a line starting with a dot gets another (RFC 5321 §4.5.2), and a line of one
            # dot ends the message; its bytes are otherwise handed over as written
            body = _LEADING_DOT.sub(b"..", _BARE_LF.sub(b"\r\n", data))
            client.send(body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n")
            handed_over = True
            code, answer = client.getreply()
            if code != 250:
                raise SmtpRefusal(f"{code} {_text(answer)}")
        except smtplib.SMTPServerDisconnected as exc:
            self._client = None
            raise SmtpRefusal(self._lost("the server closed the connection", exc, handed_over),
                              connection_lost=True, handed_over=handed_over) from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise SmtpRefusal(_said(exc)) from exc
        except OSError as exc:
            self._client = None
            raise SmtpRefusal(self._lost("the connection was lost", exc, handed_over), connection_lost=True,
                              handed_over=handed_over) from exc

    @staticmethod
    def _lost(what: str, exc: Exception, handed_over: bool) -> str:
        if handed_over:
            return (f"{what} after the whole message was handed over, before the server said it took it ({exc}): "
                    "it may or may not have gone")
        return f"{what}: {exc}"

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (OSError, smtplib.SMTPException):
                self._client.close()
            self._client = None

    def _reset(self) -> None:
        """Forget the refused transaction; a server that does not answer is connected to again next time."""
        if self._client is None:
            return
        try:
            self._client.rset()
        except (OSError, smtplib.SMTPException):
            self._client.close()
            self._client = None


def _said(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _text(answer: bytes | str) -> str:
    return (answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer).replace("\n", " ").strip()
