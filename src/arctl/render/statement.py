"""`arctl statement`'s document: a customer's statement of account as an HTML letter (and PDF), in the
customer's language, on the shared letterhead of the dunning letters.

The document is `statement/account.html.j2` (the table, the balance, how to pay, with the SEPA QR code),
which extends the language's `dunning/LANG/layout.html.j2` (and so the shared `dunning/letter.html.j2`) and
takes its words from `statement/LANG/words.j2`. The language is the customer's where words exist in it, else
the company's, else English, as the dunning letters choose theirs (render/templates.py); a workspace
overrides any of these files in its own `templates/` folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from arctl.model import AccountStatement
from arctl.render.templates import FALLBACK_LANGUAGE, DunningEnvironment, document_locale, language_code, render

TEMPLATE = "statement/account.html.j2"


def words_file(language: str) -> str:
    return f"statement/{language}/words.j2"


@dataclass(frozen=True, slots=True)
class StatementPayment:
    """How to pay one currency's balance: what a transfer needs and the SEPA QR code encodes (the `qr` filter).
    `reference`: a structured reference reconcile recognises (compact), else "" and `text` names the invoices
    for the remittance information."""

    name: str
    iban: str
    bic: str
    amount: int
    currency: str
    reference: str = ""
    printed: str = ""           # the reference as the document prints it
    text: str = ""


@dataclass(frozen=True, slots=True)
class StatementSection:
    statement: AccountStatement
    payment: StatementPayment | None    # None when nothing is to be paid in this currency


@dataclass(frozen=True, slots=True)
class StatementDocument:
    company: Any                # render.dunning.Party
    customer: Any               # render.dunning.Party
    sections: tuple[StatementSection, ...]
    letter_date: dt.date
    period_start: dt.date
    language: str
    locale: str
    subject: str = ""


def statement_language(env: DunningEnvironment, customer_language: str, company_locale: str) -> str:
    """The customer's language where the statement's words exist in it, else the company's, else English."""
    for language in (language_code(customer_language), language_code(company_locale), FALLBACK_LANGUAGE):
        if language and env.has(words_file(language)) and env.has(f"dunning/{language}/layout.html.j2"):
            return language
    return FALLBACK_LANGUAGE


def statement_document(env: DunningEnvironment, company: Any, customer: Any, sections: tuple[StatementSection, ...],
                       letter_date: dt.date, period_start: dt.date, company_locale: str) -> StatementDocument:
    language = statement_language(env, customer.language, company_locale)
    return StatementDocument(company, customer, sections, letter_date, period_start, language,
                             document_locale(language, company_locale))


def render_statement(env: DunningEnvironment, document: StatementDocument) -> str:
    """The statement as an HTML letter."""
    context = {"company": document.company, "customer": document.customer, "sections": document.sections,
               "letter_date": document.letter_date, "period_start": document.period_start,
               "language": document.language, "locale": document.locale,
               "currency": document.sections[0].statement.currency if document.sections else "EUR"}
    return render(env, TEMPLATE, {**context, "subject": statement_subject(env, document.language, context)})


def statement_subject(env: DunningEnvironment, language: str, context: dict[str, Any]) -> str:
    """The subject line: `subject` of the language's words file."""
    from jinja2 import TemplateError, TemplateNotFound

    from arctl.errors import ConfigError
    from arctl.render.templates import HINT

    name = words_file(language)
    try:
        module = env.get_template(name).make_module(context)
    except TemplateNotFound as exc:
        raise ConfigError(f"template {name} not found", hint=HINT) from exc
    except TemplateError as exc:
        raise ConfigError(f"template {name}: {exc}", hint=HINT) from exc
    return " ".join(str(getattr(module, "subject", "")).split())
