"""Dunning documents from templates: a plain e-mail (.eml), a letter (.html), the day's call list (.csv).

Which template, in which language, and how a workspace overrides it: render/templates.py. A missing field
is an error naming the template (StrictUndefined); HTML is autoescaped; templates run in Jinja's sandbox.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import asdict, dataclass, fields, replace
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arctl.errors import ConfigError
from arctl.model import Action, ActionLine, Contact, action_name
from arctl.money import format_money
from arctl.render.email import multipart_email
from arctl.render.templates import (
    DunningEnvironment,
    default_template,
    document_locale,
    file_name,
    language_code,
    language_for,
    render,
    shipped_templates_dir,
    subject,
)
from arctl.render.templates import environment as environment

if TYPE_CHECKING:
    from arctl.config import Company

__all__ = ["environment", "shipped_templates_dir"]


@dataclass(frozen=True, slots=True)
class DocumentInvoice:
    invoice_id: str
    due_date: str
    open_amount: str
    interest_from: str = ""     # where the letter claims interest: the day after the due date
    status: str = ""            # its own step where it differs from the document's, or why it is paused
    link: str = ""              # where the export says a copy of the invoice is online (a URL), else ""


@dataclass(frozen=True, slots=True)
class DocumentCost:
    label: str
    amount: str


@dataclass(frozen=True, slots=True)
class Party:
    name: str                   # as the party signs: the company's name with its legal form ("Voorbeeld BV")
    email: str = ""
    phone: str = ""
    reply_to: str = ""          # the company's: where answers go, when not to `email`
    street: str = ""
    postal_code: str = ""
    city: str = ""
    language: str = ""          # the customer's language (nl, fr, de, en ...), for templates that choose by it
    legal_form: str = ""
    enterprise_number: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    country: str = ""
    signature: str = ""         # who signs the company's letters
    logo: str = ""              # the letterhead image as a data: URI, "" when none


@dataclass(frozen=True, slots=True)
class PaymentDetails:
    """How to pay a document: what a transfer needs and the SEPA QR code encodes."""

    name: str
    iban: str
    bic: str
    amount: int                 # minor units
    currency: str
    reference: str              # the structured reference to quote (compact), "" when the document has none


@dataclass(frozen=True, slots=True)
class PlanInstallment:
    number: int
    due_date: dt.date
    amount: int                 # minor units


@dataclass(frozen=True, slots=True)
class DunningDocument:
    """Everything a template may show: the raw values (`action`: amounts in minor units, dates as dates) that
    templates format with the filters in the customer's `locale`, and formatted text in the company's locale
    (the older fields: amount_due, total_due, invoices ..., which the call list shows)."""

    as_of: str
    subject: str
    channel: str
    company: Party
    customer: Party
    invoices: tuple[DocumentInvoice, ...]
    costs: tuple[DocumentCost, ...]
    amount_due: str
    total_due: str
    currency: str
    new_term_date: str | None
    reference: str | None
    message_key: str
    other_overdue: tuple[DocumentInvoice, ...] = ()   # the customer's other overdue items, for the record
    interest_until: str = ""    # the last day interest is claimed for (the letter's date), when it claims interest
    credits: tuple[DocumentInvoice, ...] = ()   # the customer's open credit notes, set against the total
    net_due: str = ""           # the total less those credit notes: what the customer is asked to pay
    action: Action | None = None        # the raw action: lines, costs (interest periods), pay_by, announced costs
    template: str = "reminder"          # the template's name (the plan's `template:` or the channel's default)
    language: str = "en"                # the language of the template used
    locale: str = "en"                  # the locale amounts and dates are written in
    letter_date: dt.date | None = None
    pay_by: dt.date | None = None       # the engine's pay-by date
    costs_due_from: dt.date | None = None   # the day the announced costs become due: the day after pay_by
    law_country: str = ""               # whose law the letter states: the consumer plan's country, else the company's
    payment: PaymentDetails | None = None
    installments: tuple[PlanInstallment, ...] = ()   # a payment plan's confirmation: its installments


def _context(document: DunningDocument) -> dict[str, Any]:
    return {field.name: getattr(document, field.name) for field in fields(DunningDocument)}


def template_files(document: DunningDocument, env: DunningEnvironment, form: str) -> str:
    return file_name(language_for(env, document.template, (document.language,), form), document.template, form)


def render_parts(env: DunningEnvironment, document: DunningDocument) -> tuple[str, str | None]:
    """The plain-text part and, where the template has one, the HTML part of a document's e-mail (the HTML
    is what a multipart e-mail carries beside the text, and what a PDF is printed from)."""
    text = render(env, template_files(document, env, "txt"), _context(document))
    html_name = file_name(document.language, document.template, "html")   # only in the text's language
    html = render(env, html_name, _context(document)) if env.has(html_name) else None
    return text, html


def render_email(env: DunningEnvironment, document: DunningDocument, sent_at: dt.datetime, *,
                 parts: tuple[str, str | None] | None = None, pdf: bytes | None = None) -> bytes:
    """The document as an e-mail: the text and (where the template has one) the HTML as alternatives, the
    letter as PDF attached when `pdf` is given. `sent_at` carries the workspace's time zone (the Date's
    offset); `parts`: render_parts' text and HTML when already rendered."""
    company = document.company
    sender = f"{company.name} <{company.email}>" if company.email else company.name
    headers = {"From": sender, "Reply-To": company.reply_to or company.email, "To": document.customer.email,
               "Subject": document.subject, "Date": format_datetime(sent_at),
               "Message-ID": message_id(document)}
    text, html = parts or render_parts(env, document)
    attachments = ((f"{document.message_key}.pdf", pdf),) if pdf is not None else ()
    return multipart_email(headers, text, html, attachments)


def message_id(document: DunningDocument) -> str:
    """One Message-ID per action, the same each time it is rendered (a resend is recognisable), in the domain
    of the company's e-mail address."""
    domain = document.company.email.rpartition("@")[2].strip().lower()
    if not _DOMAIN.match(domain):
        domain = "arctl.invalid"
    return f"<{document.message_key}@{domain}>"


_DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+\Z")


def render_letter(env: DunningEnvironment, document: DunningDocument) -> bytes:
    """The document as an HTML letter."""
    return render(env, template_files(document, env, "html"), _context(document)).encode("utf-8")


def address_problem(address: str, channel: str) -> str | None:
    """Why an e-mail cannot go to this address: None when it is one plain address (or nothing goes by e-mail)."""
    if channel != "email":
        return None
    if not address.strip():
        return "is empty"
    if any(mark in address for mark in "\r\n\t\x00"):
        return f"{address!r} contains a line break or a control character"
    if any(mark in address for mark in ",; ") or address.count("@") != 1:
        return f"{address!r} is not one address (a list of addresses, or not an address at all)"
    local, _, domain = address.partition("@")
    if not local or "." not in domain or domain.startswith(".") or domain.endswith(".") or "<" in address:
        return f"{address!r} is not an e-mail address"
    return None


def as_plain(document: DunningDocument) -> dict:
    return asdict(document)


_SUBJECTS = {"email": "Payment reminder", "letter": "Payment reminder", "registered_letter": "Formal notice",
             "statement": "Statement of account", "agency": "Hand-over to a collection agency", "phone": "Phone call"}


def document_for(action: Action, contact: Contact | None, company: Party, as_of: dt.date, locale: str,
                 env: DunningEnvironment | None = None) -> DunningDocument:
    """Everything a template shows of one action: a step's reminder, a statement of account, or a payment
    plan's installment reminder. With `env`, the template's language and the subject in that language."""
    customer = party(contact, action)
    company_language = language_code(locale)
    template = action.template or default_template(action.kind, action.planned_channel)
    wanted = (language_code(customer.language), company_language)
    language = template_and_language(action, contact, locale, env)[1] if env is not None else \
        (wanted[0] or company_language or "en")
    shown_locale = document_locale(language, locale)

    def money(minor: int) -> str:   # the formatted fields are for the company's people (the call list)
        return format_money(minor, action.currency, locale)

    def listed(line: ActionLine) -> DocumentInvoice:
        status = line.status or (line.step if line.step and line.step != action.step else "")
        return DocumentInvoice(line.invoice_id, _shown_date(line.due_date), money(line.open_amount),
                               _shown_date(line.interest_from), status.replace("_", " "),
                               line.document.strip() if line.document.strip().lower().startswith(
                                   ("https://", "http://")) else "")

    key = f"{as_of.isoformat()}.{action_name(action.customer_id, action.step, action.currency, '.')}"
    lines = action.lines
    given = action.payment_reference   # the run's reference for the document (dunning/references.py)
    reference = given.printed if given else \
        (lines[0].reference or None) if action.kind == "step" and len(lines) == 1 else None
    default_subject = _SUBJECTS["statement"] if action.kind == "statement" else \
        _SUBJECTS.get(action.planned_channel, "Payment reminder")
    channel = "statement" if action.kind == "statement" else action.planned_channel
    document = DunningDocument(
        as_of=as_of.isoformat(), subject=default_subject, channel=channel, company=company, customer=customer,
        invoices=tuple(listed(line) for line in lines),
        costs=tuple(DocumentCost(cost.kind.replace("_", " "), money(cost.amount)) for cost in action.costs),
        amount_due=money(action.amount_due), total_due=money(action.total_due), currency=action.currency,
        new_term_date=action.pay_by.isoformat() if action.pay_by else None, reference=reference,
        message_key=key, other_overdue=tuple(listed(line) for line in action.other_overdue),
        interest_until=_shown_date(action.interest_until), credits=tuple(listed(line) for line in action.credits),
        net_due=money(action.net_due), action=action, template=template, language=language, locale=shown_locale,
        letter_date=as_of, pay_by=action.pay_by,
        costs_due_from=action.pay_by + dt.timedelta(days=1) if action.pay_by and action.announced else None,
        law_country=action.consumer or company.country,
        payment=PaymentDetails(company.name, company.iban, company.bic, _to_pay(action), action.currency,
                               given.value if given else _compact(reference)))
    if env is None:
        return document
    return replace(document, subject=subject(env, language, template, _context(document), default_subject))


def template_and_language(action: Action, contact: Contact | None, locale: str,
                          env: DunningEnvironment) -> tuple[str, str]:
    """The template an action's document uses and the language it is written in: the customer's language
    where the template exists in it, else the company's (`locale`), else English (render/templates.py)."""
    template = action.template or default_template(action.kind, action.planned_channel)
    wanted = (language_code(contact.language if contact else ""), language_code(locale))
    return template, language_for(env, template, wanted)


def party(contact: Contact | None, action: Action) -> Party:
    """The customer as a document addresses them: the customer master, else the name on the invoice."""
    contact = contact or Contact(action.customer_id)
    name = contact.name or next((line.customer_name for line in action.lines if line.customer_name), "") \
        or action.customer_id
    return Party(name=name, email=contact.email, phone=contact.phone, street=contact.street,
                 postal_code=contact.postal_code, city=contact.city, language=contact.language)


def company_party(company: Company, root: Path) -> Party:
    """The company as its letters sign: the registered name with its legal form once (a name already ending in
    its form, "Voorbeeld BV" with legal_form BV, is not given it twice), and its logo as a data: URI."""
    from arctl.config import CONFIG_NAME, LOGO_TYPES

    name = company.name.strip()
    form = company.legal_form.strip()
    if form and not name.lower().endswith((f" {form.lower()}", f" {form.lower().rstrip('.')}")):
        name = f"{name} {form}".strip()
    logo = ""
    if company.logo:
        path = root / company.logo
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{CONFIG_NAME}:{company.logo_line}: company.logo: cannot read {path} ({exc.strerror})",
                              hint="put the image there, or remove company.logo") from exc
        logo = f"data:{LOGO_TYPES[path.suffix.lower()]};base64,{base64.b64encode(data).decode('ascii')}"
    return Party(name=name, email=company.email, phone=company.phone, street=company.address.street,
                 postal_code=company.address.postal_code, city=company.address.city, legal_form=form,
                 enterprise_number=company.enterprise_number, vat_number=company.vat_number, iban=company.iban,
                 bic=company.bic, country=company.country, signature=company.signature, logo=logo)


PAPER = ("letter", "registered_letter")   # letters a person prints and posts (arctl.dunning.plan.PAPER_CHANNELS)


def render_action(env: DunningEnvironment, document: DunningDocument, kind: str, channel: str,
                  sent_at: dt.datetime, *, pdf: bool = False, allowed: tuple[Path, ...] = ()) -> dict[str, bytes]:
    """The files of an action's document as it goes, by suffix: an e-mail ("eml"), or a letter ("html", and
    "pdf" with `pdf`). With `pdf` an e-mail carries its HTML as a PDF attachment. `sent_at`: the e-mail's
    date, in the workspace's time zone; `allowed`: the folders a letter may load files from."""
    from arctl.render import pdf as pdfs

    if channel == "email":
        text, html = render_parts(env, document)
        printed = pdfs.letter_pdf(html, allowed, dated=sent_at.date()) if pdf and html is not None else None
        return {"eml": render_email(env, document, sent_at, parts=(text, html), pdf=printed)}
    letter = render_letter(env, document)
    if not pdf:
        return {"html": letter}
    return {"html": letter, "pdf": pdfs.letter_pdf(letter.decode("utf-8"), allowed, dated=sent_at.date())}


def _shown_date(day: dt.date | None) -> str:
    return day.isoformat() if isinstance(day, dt.date) else ""


def _to_pay(action: Action) -> int:
    """What a transfer quoting the document's reference pays: a statement's items that its reference covers (not
    the disputed, held or promised ones), any other document's net total."""
    given = action.payment_reference
    if action.kind != "statement" or given is None or not given.covers:
        return action.net_due
    covered = set(given.covers)
    return max(sum(line.open_amount for line in action.lines if line.invoice_id in covered), 0)


def _compact(reference: str | None) -> str:
    """A printed reference as a payment order carries it (+++090/9337/55493+++ -> 090933755493)."""
    from arctl.refs import parse_reference

    if not reference:
        return ""
    parsed = parse_reference(reference)
    return parsed.value if parsed is not None else reference
