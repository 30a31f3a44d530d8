"""E-mails (.eml) as bytes: reminders as multipart messages (`multipart_email`: text and HTML alternatives,
PDF attachments, boundaries that depend on the message only), and plain-text messages (`email_bytes`),
exactly as the standard library's `EmailMessage` writes them.

Building an `EmailMessage` parses every header it is given, which costs about a millisecond a message:
at thousands of reminders a day that is most of a dunning run. Messages whose headers are plain ASCII
words and addresses are written directly here, with the same body encoding rule as the standard library
(7bit or 8bit when every line is short enough, else quoted-printable when that is not longer than base64);
anything else goes through `EmailMessage`. tests/test_render_email.py holds the two to the same bytes.
"""

from __future__ import annotations

import binascii
import hashlib
import re
from email import quoprimime
from email.message import EmailMessage

MAX_LINE = 78                                   # email.policy.default.max_line_length
_WORDS = re.compile(r"[A-Za-z0-9]+( [A-Za-z0-9]+)*\Z")
_ADDRESS = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\Z")
_UNSTRUCTURED = re.compile(r"[A-Za-z0-9][A-Za-z0-9 :.,/-]*[A-Za-z0-9.]\Z")
_MESSAGE_ID = re.compile(r"<[A-Za-z0-9._-]+@[A-Za-z0-9.-]+>\Z")
_DATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                   r"\d\d:\d\d:\d\d [+-]\d{4}\Z")


def email_bytes(sender: str, recipient: str, subject: str, date: str, message_id: str, text: str) -> bytes:
    """A text/plain UTF-8 message with these headers; `sender` is a name or `Name <address>`, `recipient` an
    address (or empty), `date` RFC 5322 text (email.utils.format_datetime)."""
    headers = (("From", sender), ("To", recipient), ("Subject", subject), ("Date", date), ("Message-ID", message_id))
    encoded = _encode_body(text)
    if encoded is None or not all(_plain(name, value) for name, value in headers):
        return _standard(headers, text)
    cte, body = encoded
    lines = [f"{name}: {value}" for name, value in headers]
    lines += ['Content-Type: text/plain; charset="utf-8"', f"Content-Transfer-Encoding: {cte}", "MIME-Version: 1.0"]
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8")


def _plain(name: str, value: str) -> bool:
    """A header the standard library writes back exactly as given."""
    if len(name) + 2 + len(value) > MAX_LINE:
        return False
    if name == "From":
        display, _, rest = value.partition(" <")
        return bool(_WORDS.match(display)) and (not rest or (rest.endswith(">") and bool(_ADDRESS.match(rest[:-1]))))
    if name == "To":
        return bool(_ADDRESS.match(value))
    if name == "Subject":
        return bool(_UNSTRUCTURED.match(value)) and "  " not in value
    if name == "Date":
        return bool(_DATE.match(value))
    return bool(_MESSAGE_ID.match(value))


def _encode_body(text: str) -> tuple[str, str] | None:
    """The transfer encoding and body the standard library chooses for UTF-8 text; None where it would
    choose base64 (left to the standard library)."""
    lines = text.encode("utf-8").splitlines()
    body = b"\n".join(lines) + b"\n"
    if max((len(line) for line in lines), default=0) <= MAX_LINE:
        try:
            return "7bit", body.decode("ascii")
        except UnicodeDecodeError:
            return "8bit", body.decode("utf-8")  # the default policy's cte_type: UTF-8 text as it is
    sniff = b"\n".join(lines[:10]) + b"\n"
    if len(quoprimime.body_encode(sniff.decode("latin-1"), MAX_LINE)) > len(binascii.b2a_base64(sniff)):
        return None
    return "quoted-printable", quoprimime.body_encode(body.decode("latin-1"), MAX_LINE)


def _standard(headers: tuple[tuple[str, str], ...], text: str) -> bytes:
    message = EmailMessage()
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


def with_attachments(message: bytes, parts: list[tuple[str, bytes, str]]) -> bytes:
    """The message with these (file name, bytes, MIME type) parts attached (multipart/mixed); unchanged when
    there are none."""
    if not parts:
        return message
    import hashlib
    from email import message_from_bytes, policy

    mail = message_from_bytes(message, _class=EmailMessage, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    content = hashlib.sha256(message)
    for filename, data, mime in parts:
        maintype, _, subtype = mime.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
        content.update(filename.encode("utf-8") + b"\0" + data)
    # the same message and parts give the same bytes (the standard library would draw a random boundary)
    mail.set_boundary(f"arctl-{content.hexdigest()[:32]}")
    return mail.as_bytes()


def multipart_email(headers: dict[str, str], text: str, html: str | None,
                    attachments: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    """A reminder as it goes: the text and the HTML as alternatives of one message (a reader shows the HTML,
    or the text where it cannot), then the attachments (file name, PDF bytes). `headers` in their order:
    From, Reply-To, To, Subject, Date, Message-ID; an empty value is left out."""
    message = EmailMessage()
    for name, value in headers.items():
        if value:
            message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    # The standard library draws boundaries at random; these depend on the message only, so that rendering an
    # action again gives the same bytes. "=_" never occurs in quoted-printable or base64 bodies (RFC 2045).
    digest = hashlib.sha256((headers.get("Message-ID", "") + text + (html or "")).encode("utf-8")).hexdigest()[:24]
    for number, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_arctl_{digest}_{number}")
    return message.as_bytes()
