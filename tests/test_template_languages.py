"""The customer's language decides the templates: French and German are shipped beside Dutch and English, a
language without templates falls back to the company's language, then English (README, Templates); a
payment plan's confirmation is written when it is agreed; a dry run renders every template and language
the run uses."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import Address, Company
from arctl.model import Contact
from arctl.render.dunning import company_party, document_for, render_parts
from arctl.render.samples import AS_OF, sample_action
from arctl.render.templates import environment

BE_COMPANY = Company("Voorbeeld", "BV", "0403.170.701", "BE0403170701", Address("Kunstlaan 1", "1000", "Brussel"),
                     "BE", "BE05068123456775", "GKCCBEBB", "debiteuren@voorbeeld.example", "+32 2 555 00 00")


def friendly_for(language: str, company_locale: str = "nl_BE"):
    env = environment(None)
    # the sample's two invoices, 1,210.00 + 284.00 open, less the credit note of 60.50: 1,433.50 to pay
    document = document_for(sample_action("friendly"), Contact("K0001", "Client", language=language),
                            company_party(BE_COMPANY, Path()), AS_OF, company_locale, env)
    return document, render_parts(env, document)[0]


def test_a_french_speaking_customer_of_a_belgian_company_gets_french_in_belgian_french_notation():
    document, text = friendly_for("fr")

    assert (document.language, document.locale) == ("fr", "fr_BE")
    assert document.subject == "Factures ouvertes 2026-0142, 2026-0157"
    # fr_BE: a narrow no-break space between thousands, a no-break space before the euro sign
    assert "Veuillez virer 1\u202f433,50\u00a0€ au plus tard le 10 décembre 2026" in text


def test_a_german_speaking_customer_gets_german_with_the_formal_sie():
    document, text = friendly_for("de")

    assert (document.language, document.locale) == ("de", "de_BE")
    assert document.subject == "Offene Rechnungen 2026-0142, 2026-0157"
    assert "Bitte überweisen Sie 1.433,50\u00a0€ spätestens am 10. Dezember 2026" in text
    assert text.startswith("Sehr geehrte Damen und Herren,")


def test_a_language_without_templates_gets_the_companys_language_then_english():
    italian, _ = friendly_for("it")                       # a Belgian company writing Dutch: Dutch
    abroad, _ = friendly_for("it", company_locale="it_IT")   # nobody wrote Italian templates: English

    assert (italian.language, italian.locale) == ("nl", "nl_BE")
    assert abroad.language == "en"


def test_the_friendly_reminder_is_never_called_a_first_reminder_in_french_or_german():
    for language, words in (("fr", ("premier rappel", "première")), ("de", ("erste mahnung", "erste erinnerung"))):
        _, text = friendly_for(language)
        assert not any(word in text.lower() for word in words)


# --- a payment plan's confirmation --------------------------------------------------------------------

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Boulangerie Dupont SRL,2026-10-01,2026-10-30,EUR,600.00,600.00
    2026-0043,K001,Boulangerie Dupont SRL,2026-10-05,2026-11-13,EUR,300.00,300.00
    2026-0050,K002,Bäckerei Schmitz GmbH,2026-10-05,2026-11-13,EUR,99.00,99.00
    2026-0060,K003,Bakkerij Peeters BV,2026-10-05,2026-11-10,EUR,150.00,150.00
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Street,Postal Code,City,Language
    K001,Boulangerie Dupont SRL,compta@dupont.example.be,Rue Haute 5,1000,Bruxelles,fr
    K002,Bäckerei Schmitz GmbH,,Aachener Straße 3,4700,Eupen,de
    K003,Bakkerij Peeters BV,boekhouding@peeters.example.be,Kerkstraat 3,3000,Leuven,nl
    """


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-20")


def create(*args: str):
    return CliRunner().invoke(app, ["payplan", "create", *args, "--as-of", "2026-11-20"])


def test_agreeing_a_payment_plan_writes_its_confirmation_in_the_customers_language(workspace):
    result = create("K001", "--invoices", "2026-0042,2026-0043", "--installments", "3", "--first", "2026-12-15")

    assert result.exit_code == 0, result.output
    emails = sorted((workspace / "outbox" / "2026-11-20").glob("*.eml"))
    assert [path.name for path in emails] == ["K001-payment-plan-1-EUR.eml"]
    message = message_from_bytes(emails[0].read_bytes(), policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\u202f", " ").replace("\u00a0", " ")
    assert message["Subject"] == "Confirmation de votre plan de paiement"
    assert message["To"] == "compta@dupont.example.be"
    # 900.00 in three equal installments, a month apart from 15 December 2026
    assert "Échéance 1 : 300,00 € au plus tard le 15 décembre 2026" in text
    assert "Échéance 3 : 300,00 € au plus tard le 15 février 2027" in text


def test_a_customer_without_an_address_gets_the_confirmation_as_a_letter(workspace):
    result = create("K002", "--invoices", "2026-0050", "--installments", "2", "--first", "2026-12-15")

    assert result.exit_code == 0, result.output
    letter = (workspace / "outbox" / "2026-11-20" / "K002-payment-plan-1-EUR.html").read_text(encoding="utf-8")
    assert "Bestätigung Ihrer Ratenzahlungsvereinbarung" in letter
    # 99.00 in two: 49.50 each
    assert "<td>1</td><td>15. Dezember 2026</td><td class=\"amount\">49,50\u00a0€</td>" in letter


def test_a_dunning_run_the_same_day_keeps_the_confirmation(workspace):
    assert create("K001", "--invoices", "2026-0042", "--installments", "2", "--first", "2026-12-15").exit_code == 0

    run = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--json"])

    assert run.exit_code == 0, run.output
    assert (workspace / "outbox" / "2026-11-20" / "K001-payment-plan-1-EUR.eml").is_file()


# --- a dry run renders every template and language it uses --------------------------------------------

def test_a_dry_run_finds_a_broken_template_in_the_second_language_of_a_step(workspace):
    # K001 (French) and K003 (Dutch) get the friendly reminder by e-mail, K001 first; the Dutch e-mail's HTML
    # part is broken in the workspace's override
    broken = workspace / "templates" / "dunning" / "nl" / "friendly.html.j2"
    broken.parent.mkdir(parents=True)
    broken.write_text("<p>{{ customer.nickname }}</p>\n", encoding="utf-8")

    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--dry-run", "--json"])

    assert result.exit_code == 2, result.output
    assert "dunning/nl/friendly.html.j2" in result.stderr and "nickname" in result.stderr


def test_a_dry_run_with_sound_templates_succeeds_for_every_language(workspace):
    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--dry-run", "--json"])

    assert result.exit_code == 0, result.output
    assert {a["customer_id"] for a in json.loads(result.stdout)["actions"]} >= {"K001", "K003"}


def test_the_confirmation_is_recorded_but_is_no_dunning_step_of_its_invoices(workspace):
    from sqlalchemy import create_engine, text

    assert create("K001", "--invoices", "2026-0042", "--installments", "2", "--first", "2026-12-15").exit_code == 0

    engine = create_engine(f"sqlite:///{workspace / '.arctl' / 'state.sqlite'}")
    with engine.connect() as connection:
        actions = connection.execute(text("SELECT step, document FROM dunning_actions")).all()
        items = connection.execute(text("SELECT COUNT(*) FROM dunning_items")).scalar()
    engine.dispose()
    assert [tuple(row) for row in actions] == [("payment-plan-1", "outbox/2026-11-20/K001-payment-plan-1-EUR.eml")]
    assert items == 0
