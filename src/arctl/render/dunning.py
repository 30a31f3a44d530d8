"""Dunning documents from templates: a plain e-mail (.eml), a letter (.html), the day's call list (.csv).

Templates are looked up in the workspace's templates/ first, then the shipped ones; a missing field is
an error naming the template (StrictUndefined); HTML is autoescaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from email.utils import format_datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from arctl.errors import ConfigError
from arctl.model import Action, ActionLine, Contact, action_name
from arctl.money import format_money
from arctl.render.email import email_bytes

_PACKAGE = Path(__file__).resolve().parent.parent


def shipped_templates_dir() -> Path:
    installed = _PACKAGE / "data" / "templates"
    return installed if installed.is_dir() else _PACKAGE.parents[1] / "templates"


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
    street: str = ""
    postal_code: str = ""
    city: str = ""
    language: str = ""          # the customer's language (nl, fr, de, en ...), for templates that choose by it
    legal_form: str = ""
    enterprise_number: str = ""
    vat_number: str = ""
    iban: str = ""
    bic: str = ""


@dataclass(frozen=True, slots=True)
class DunningDocument:
    """Everything a template may show, already formatted for the reader."""

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


def environment(workspace_templates: Path | None) -> Environment:
    folders = [str(p) for p in (workspace_templates, shipped_templates_dir()) if p is not None and p.is_dir()]
    # "html.j2": the templates are named letter.html.j2; "html" alone matches only names ending in .html
    return Environment(loader=FileSystemLoader(folders), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "htm", "xml", "html.j2", "htm.j2", "xml.j2"],
                                                    default_for_string=True),
                       keep_trailing_newline=True)


def _render(env: Environment, name: str, document: DunningDocument) -> str:
    try:
        return env.get_template(name).render(**{field: getattr(document, field) for field in
                                                DunningDocument.__slots__})
    except TemplateError as exc:
        raise ConfigError(f"template {name}: {exc}", hint="fix the template in the workspace's templates/") from exc


def render_email(env: Environment, document: DunningDocument, sent_at, *, kind: str = "email") -> bytes:
    """`kind`: "email" for a step's reminder, "statement" for a statement of account."""
    sender = f"{document.company.name} <{document.company.email}>" if document.company.email else \
        document.company.name
    # one Message-ID per action: a resend is recognisable
    return email_bytes(sender, document.customer.email, document.subject, format_datetime(sent_at),
                       f"<{document.message_key}@arctl.invalid>", _render(env, f"dunning/{kind}.txt.j2", document))


def render_letter(env: Environment, document: DunningDocument, *, kind: str = "letter") -> bytes:
    """`kind`: "letter" for a step's letter, "statement" for a statement of account."""
    return _render(env, f"dunning/{kind}.html.j2", document).encode("utf-8")


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


def document_for(action: Action, contact: Contact | None, company: Party, as_of: dt.date, locale: str
                 ) -> DunningDocument:
    """Everything a template shows of one action, formatted for the reader: a step's reminder, a statement
    of account, or a payment plan's installment reminder."""
    def money(minor: int) -> str:
        return format_money(minor, action.currency, locale)

    def listed(line: ActionLine) -> DocumentInvoice:
        status = line.status or (line.step if line.step and line.step != action.step else "")
        return DocumentInvoice(line.invoice_id, _shown_date(line.due_date), money(line.open_amount),
                               _shown_date(line.interest_from), status.replace("_", " "),
                               line.document.strip() if line.document.strip().lower().startswith(
                                   ("https://", "http://")) else "")

    key = f"{as_of.isoformat()}.{action_name(action.customer_id, action.step, action.currency, '.')}"
    customer = party(contact, action)
    if action.kind == "statement":
        subject, channel = _SUBJECTS["statement"], "statement"
    elif action.installment is not None:
        subject = f"Payment plan: installment {action.installment.number} of {action.installment.due_date.isoformat()}"
        channel = action.planned_channel
    else:
        subject, channel = _SUBJECTS.get(action.planned_channel, "Payment reminder"), action.planned_channel
    lines = action.lines
    return DunningDocument(
        as_of=as_of.isoformat(), subject=subject, channel=channel, company=company, customer=customer,
        invoices=tuple(listed(line) for line in lines),
        costs=tuple(DocumentCost(cost.kind.replace("_", " "), money(cost.amount)) for cost in action.costs),
        amount_due=money(action.amount_due), total_due=money(action.total_due), currency=action.currency,
        new_term_date=action.pay_by.isoformat() if action.pay_by else None,
        reference=action.payment_reference.printed if action.payment_reference else None,
        message_key=key, other_overdue=tuple(listed(line) for line in action.other_overdue),
        interest_until=_shown_date(action.interest_until), credits=tuple(listed(line) for line in action.credits),
        net_due=money(action.net_due))


def party(contact: Contact | None, action: Action) -> Party:
    """The customer as a document addresses them: the customer master, else the name on the invoice."""
    contact = contact or Contact(action.customer_id)
    name = contact.name or next((line.customer_name for line in action.lines if line.customer_name), "") \
        or action.customer_id
    return Party(name=name, email=contact.email, phone=contact.phone, street=contact.street,
                 postal_code=contact.postal_code, city=contact.city, language=contact.language)


def render_action(env: Environment, document: DunningDocument, kind: str, channel: str, as_of: dt.date) -> bytes:
    """The bytes of an action's document as it goes: an e-mail (.eml) or a letter (.html)."""
    template = "statement" if kind == "statement" else None
    if channel == "email":
        return render_email(env, document, dt.datetime.combine(as_of, dt.time(9)), kind=template or "email")
    return render_letter(env, document, kind=template or "letter")


def _shown_date(day: dt.date | None) -> str:
    return day.isoformat() if isinstance(day, dt.date) else ""
