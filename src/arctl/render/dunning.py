"""Dunning documents from templates: a plain e-mail (.eml), a letter (.html), the day's call list (.csv).

Templates are looked up in the workspace's templates/ first, then the shipped ones; a missing field is
an error naming the template (StrictUndefined); HTML is autoescaped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from arctl.errors import ConfigError

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


@dataclass(frozen=True, slots=True)
class DocumentCost:
    label: str
    amount: str


@dataclass(frozen=True, slots=True)
class Party:
    name: str
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


def environment(workspace_templates: Path | None) -> Environment:
    folders = [str(p) for p in (workspace_templates, shipped_templates_dir()) if p is not None and p.is_dir()]
    return Environment(loader=FileSystemLoader(folders), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


def _render(env: Environment, name: str, document: DunningDocument) -> str:
    try:
        return env.get_template(name).render(**{field: getattr(document, field) for field in
                                                DunningDocument.__slots__})
    except TemplateError as exc:
        raise ConfigError(f"template {name}: {exc}", hint="fix the template in the workspace's templates/") from exc


def render_email(env: Environment, document: DunningDocument, sent_at, *, kind: str = "email") -> bytes:
    """`kind`: "email" for a step's reminder, "statement" for a statement of account."""
    message = EmailMessage()
    message["From"] = f"{document.company.name} <{document.company.email}>" if document.company.email else \
        document.company.name
    message["To"] = document.customer.email
    message["Subject"] = document.subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = f"<{document.message_key}@arctl.invalid>"  # one per action: a resend is recognisable
    message.set_content(_render(env, f"dunning/{kind}.txt.j2", document))
    return message.as_bytes()


def render_letter(env: Environment, document: DunningDocument, *, kind: str = "letter") -> bytes:
    """`kind`: "letter" for a step's letter, "statement" for a statement of account."""
    return _render(env, f"dunning/{kind}.html.j2", document).encode("utf-8")


def call_list(documents: list[DunningDocument]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["customer", "phone", "email", "invoices", "amount_due", "currency", "step", "outcome", "note"])
    for document in documents:
        writer.writerow([document.customer.name, document.customer.phone, document.customer.email,
                         " ".join(i.invoice_id for i in document.invoices), document.total_due, document.currency,
                         document.subject, "", ""])
    return out.getvalue().encode("utf-8")


def as_plain(document: DunningDocument) -> dict:
    return asdict(document)
