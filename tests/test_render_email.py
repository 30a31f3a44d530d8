"""The e-mails arctl writes are byte for byte what the standard library's EmailMessage writes, on the fast
path for plain headers and on the standard path for everything else."""

from __future__ import annotations

from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from arctl.render import email as mail

DATE = "Thu, 26 Nov 2026 09:00:00 -0000"
BODY = ("Dear Lange Küchenbau GmbH,\n\nAccording to our records the following invoice is still open:\n\n"
        "2026-00121  due 2026-07-26  open €\u00a0595,10\n\nPlease transfer it to BE05068123456775 (GKCCBEBB), with "
        "the reference +++260/0012/10145+++.\n")


def standard(sender, recipient, subject, date, message_id, text):
    message = EmailMessage()
    for name, value in (("From", sender), ("To", recipient), ("Subject", subject), ("Date", date),
                        ("Message-ID", message_id)):
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


def test_a_reminder_with_plain_headers_takes_the_fast_path(monkeypatch):
    monkeypatch.setattr(mail, "_standard", lambda *args: (_ for _ in ()).throw(AssertionError("standard path")))
    args = ("Voorbeeld BV", "verwaltung@lange-kuchenbau.example.de", "Payment reminder", DATE,
            "<2026-11-26.K0001.friendly.EUR@arctl.invalid>", BODY)

    written = mail.email_bytes(*args)

    monkeypatch.undo()
    assert written == standard(*args)


def test_a_short_lined_body_with_euro_signs_is_sent_8bit_as_utf_8():
    args = ("Voorbeeld BV", "a@b.example", "Payment reminder", DATE, "<k@arctl.invalid>", "Total: €\u00a0595,10\n")

    written = mail.email_bytes(*args)

    assert b"Content-Transfer-Encoding: 8bit" in written and written == standard(*args)


def test_an_ascii_body_with_short_lines_is_sent_7bit():
    written = mail.email_bytes("Voorbeeld BV", "a@b.example", "Payment reminder", DATE, "<k@arctl.invalid>",
                               "Dear customer,\nplease pay.\n")

    assert b"Content-Transfer-Encoding: 7bit" in written
    assert written.endswith(b"\n\nDear customer,\nplease pay.\n")


def test_a_company_name_with_a_comma_goes_through_the_standard_library():
    args = ("Voorbeeld, Antwerpen <info@voorbeeld.example>", "a@b.example", "Payment reminder", DATE,
            "<k@arctl.invalid>", BODY)

    assert mail.email_bytes(*args) == standard(*args)


names = st.from_regex(r"[A-Z][a-z]{0,8}( [A-Za-z0-9]{1,8}){0,3}", fullmatch=True) | st.text(
    st.sampled_from("AaBbZz09 .,&'-éü\"<>@"), max_size=30)
addresses = st.from_regex(r"[a-z0-9._+-]{1,12}@[a-z0-9-]{1,10}\.(be|nl|example)", fullmatch=True) | st.just("")
subjects = st.sampled_from(["Payment reminder", "Formal notice", "Payment plan: installment 2 of 2026-11-01"]) \
    | st.text(st.sampled_from("Payment reminder:,./- 0123éÜ"), max_size=90)
bodies = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400) | st.lists(
    st.text(st.sampled_from("ab €\u00a0=.\t"), max_size=120), max_size=25).map("\n".join) | st.lists(
    st.text(st.sampled_from("Dear Küchenbau, open €\u00a0595,10"), max_size=70), max_size=15).map("\n".join)


@settings(max_examples=300)
@given(names, addresses, addresses, subjects, bodies)
def test_every_message_equals_the_standard_librarys(name, company_address, recipient, subject, text):
    args = (f"{name} <{company_address}>" if company_address else name, recipient, subject, DATE,
            "<2026-11-26.K1.friendly.EUR@arctl.invalid>", text)

    assert outcome(mail.email_bytes, args) == outcome(standard, args)


def outcome(write, args):
    """The bytes written, or the kind of error (the standard library refuses some display names)."""
    try:
        return write(*args)
    except Exception as error:  # noqa: BLE001
        return type(error)
