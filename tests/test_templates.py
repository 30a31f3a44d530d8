"""Dunning documents from templates: the plan's template, the customer's language, the workspace's
overrides through Jinja's sandbox, the letterhead, the filters and the SEPA payment QR code."""

from __future__ import annotations

import datetime as dt
import textwrap
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import Address, Company
from arctl.errors import ConfigError
from arctl.model import Contact
from arctl.render.dunning import company_party, document_for, render_email, render_letter, render_parts
from arctl.render.epc_qr import epc_payload
from arctl.render.samples import AS_OF, sample_action, sample_document
from arctl.render.templates import document_locale, environment

COMPANY = Company("Voorbeeld", "BV", "0403.170.701", "BE0403170701", Address("Kunstlaan 1", "1000", "Brussel"), "BE",
                  "BE05068123456775", "GKCCBEBB", "debiteuren@voorbeeld.example", "+32 2 555 00 00")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def document(env, template="friendly", language="nl", contact=None, **kwargs):
    return sample_document(env, template, language, company_party(COMPANY, Path()), "nl_BE", customer=contact,
                           **kwargs)


# --- the plan's template, in the customer's language ---------------------------------------------------


def test_the_plans_template_decides_the_document_and_its_subject():
    env = environment(None)
    action = sample_action("demand", costs=("compensation", "interest"))

    shown = document_for(action, Contact("K0001", "Bakkerij Peeters", language="nl"), company_party(COMPANY, Path()),
                         AS_OF, "nl_BE", env)

    assert shown.template == "demand" and shown.language == "nl"
    assert shown.subject == "Ingebrekestelling: facturen 2026-0142, 2026-0157"
    assert "Wij stellen u hierbij formeel in gebreke" in render_letter(env, shown).decode("utf-8")


def test_a_customer_without_a_language_gets_the_companys_and_one_whose_language_has_no_templates_too():
    env = environment(None)
    action = sample_action("friendly")
    company = company_party(COMPANY, Path())

    unknown = document_for(action, Contact("K1", "A", language=""), company, AS_OF, "nl_BE", env)
    italian = document_for(action, Contact("K2", "B", language="it"), company, AS_OF, "nl_BE", env)
    english = document_for(action, Contact("K3", "C", language="EN"), company, AS_OF, "nl_BE", env)

    assert (unknown.language, unknown.locale) == ("nl", "nl_BE")
    assert (italian.language, italian.locale) == ("nl", "nl_BE")   # no Italian templates shipped: the company's
    assert (english.language, english.locale) == ("en", "en_BE")


def test_english_is_the_last_fallback():
    env = environment(None)
    shown = document_for(sample_action("friendly"), Contact("K2", "B", language="it"), company_party(COMPANY, Path()),
                         AS_OF, "es_ES", env)

    assert shown.language == "en"


def test_adding_a_language_is_adding_files_and_amounts_follow_the_customers_locale(tmp_path):
    write(tmp_path / "templates" / "dunning" / "it" / "friendly.txt.j2", """\
        Gentili Signori,
        Saldo: {{ action.net_due|money }}, da pagare entro il {{ pay_by|date }}.
        """)
    write(tmp_path / "templates" / "dunning" / "it" / "subjects.yaml", "friendly: Fatture aperte\n")
    env = environment(tmp_path / "templates")

    shown = document(env, contact=Contact("K1", "Panetteria Rossi", language="it"))
    text, html = render_parts(env, shown)

    # Babel has no it_BE: Italian as such
    assert (shown.language, shown.locale, shown.subject) == ("it", "it", "Fatture aperte")
    # 1,494.00 open less the 60.50 credit note = 1,433.50
    assert text == "Gentili Signori,\nSaldo: 1.433,50\N{NO-BREAK SPACE}€, da pagare entro il 10 dicembre 2026.\n"
    assert html is None     # no Italian HTML part: the e-mail is text only


def test_amounts_in_nl_be_and_fr_be():
    assert document_locale("fr", "nl_BE") == "fr_BE"
    env = environment(None)
    text, _ = render_parts(env, document(env))
    assert "Te betalen: €\N{NO-BREAK SPACE}1.433,50" in text


# --- the workspace's templates: file by file, sandboxed, strict ----------------------------------------


def test_a_workspace_template_overrides_the_shipped_one_file_by_file(tmp_path):
    write(tmp_path / "templates" / "dunning" / "nl" / "friendly.txt.j2", "Eigen tekst voor {{ customer.name }}.\n")
    env = environment(tmp_path / "templates")
    shown = document(env)

    text, html = render_parts(env, shown)

    assert text == "Eigen tekst voor Sample Customer.\n"
    assert html is not None and "Misschien is het aan uw aandacht ontsnapt" in html   # the shipped HTML part


def test_a_subject_line_of_the_workspace_overrides_only_that_line(tmp_path):
    write(tmp_path / "templates" / "dunning" / "nl" / "subjects.yaml", "friendly: 'Even ter herinnering'\n")
    env = environment(tmp_path / "templates")

    assert document(env).subject == "Even ter herinnering"
    assert document(env, "second").subject == "Herinnering: facturen 2026-0142, 2026-0157 nog niet betaald"


def test_a_missing_field_is_an_error_naming_the_template_and_the_field(tmp_path):
    write(tmp_path / "templates" / "dunning" / "nl" / "friendly.txt.j2", "Beste {{ customer.nickname }},\n")
    env = environment(tmp_path / "templates")

    with pytest.raises(ConfigError) as error:
        render_parts(env, document(env))

    assert "template dunning/nl/friendly.txt.j2" in str(error.value)
    assert "has no attribute 'nickname'" in str(error.value)


def test_a_workspace_template_cannot_reach_python_internals(tmp_path):
    write(tmp_path / "templates" / "dunning" / "nl" / "friendly.txt.j2", "{{ ''.__class__.__mro__ }}\n")
    env = environment(tmp_path / "templates")

    with pytest.raises(ConfigError) as error:
        render_parts(env, document(env))

    assert "dunning/nl/friendly.txt.j2" in str(error.value)
    assert "refused by the sandbox" in str(error.value) and "unsafe" in str(error.value)


def test_a_subject_line_is_sandboxed_too(tmp_path):
    write(tmp_path / "templates" / "dunning" / "nl" / "subjects.yaml",
          "friendly: \"{{ customer.__class__.__init__.__globals__ }}\"\n")
    env = environment(tmp_path / "templates")

    with pytest.raises(ConfigError, match="subject friendly of dunning/nl/subjects.yaml"):
        document(env)


HOSTILE_NAME = '<script>alert("x")</script> {{ 7*7 }} =HYPERLINK("http://evil.example","pay here")'


def test_customer_and_invoice_text_are_shown_as_written_never_executed_or_interpreted():
    from dataclasses import replace

    env = environment(None)
    action = sample_action("friendly", lines=1)
    line = replace(action.lines[0], invoice_id='=HYPERLINK("http://evil.example","2026-0142") {{ 7*7 }}<b>')
    action = replace(action, lines=(line,))
    contact = Contact("K0001", HOSTILE_NAME, "accounts@customer.example", language="en")
    shown = document_for(action, contact, company_party(COMPANY, Path()), AS_OF, "nl_BE", env)

    html = render_letter(env, shown).decode("utf-8")
    message = message_from_bytes(render_email(env, shown, dt.datetime(2026, 11, 26, 9)), policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()

    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<b>" not in html and "{{ 7*7 }}&lt;b&gt;" in html
    assert "</script> {{ 7*7 }} =HYPERLINK" in html.replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">")
    assert " 49 " not in html and " 49 " not in text and " 49 " not in message["Subject"]
    assert f"Dear {HOSTILE_NAME}," in text                        # plain text: exactly as written
    assert '=HYPERLINK("http://evil.example","2026-0142") {{ 7*7 }}<b>' in message["Subject"]


def test_bidirectional_overrides_and_control_characters_in_customer_data_never_reach_a_letter_or_email():
    from dataclasses import replace

    env = environment(None)
    action = sample_action("friendly", lines=1)
    line = replace(action.lines[0], invoice_id="2026-\u202e2410\u202c-0142")   # shows as 2026-0142-4102
    action = replace(action, lines=(line,))
    contact = Contact("K0001", "Peeters \u202egnirtS\u202c\u2066 BV\u2069\x07\x1b[31m", "accounts@customer.example",
                      language="en")
    shown = document_for(action, contact, company_party(COMPANY, Path()), AS_OF, "nl_BE", env)

    html = render_letter(env, shown).decode("utf-8")
    message = message_from_bytes(render_email(env, shown, dt.datetime(2026, 11, 26, 9)), policy=policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()

    for written in (html, text, message["Subject"]):
        assert not any(c in written for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x07\x1b")
    assert "Dear Peeters gnirtS BV[31m," in text and "2026-2410-0142" in html


# --- the letterhead -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, legal_form", [("Voorbeeld", "BV"), ("Voorbeeld BV", "BV"), ("Voorbeeld bv", "BV")])
def test_the_letterhead_names_the_legal_form_once(name, legal_form):
    from dataclasses import replace

    company = company_party(replace(COMPANY, name=name, legal_form=legal_form), Path())
    env = environment(None)
    html = render_letter(env, sample_document(env, "demand", "nl", company, "nl_BE")).decode("utf-8")

    assert company.name in ("Voorbeeld BV", "Voorbeeld bv")
    assert "BV BV" not in html.upper()
    assert "Ondernemingsnummer 0403.170.701" in html and "Btw BE0403170701" in html
    assert "IBAN BE05 0681 2345 6775 · BIC GKCCBEBB" in html
    assert "debiteuren@voorbeeld.example" in html and "+32 2 555 00 00" in html


def test_a_logo_is_embedded_as_a_data_uri(tmp_path):
    from dataclasses import replace

    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nlogo")
    company = company_party(replace(COMPANY, logo="logo.png"), tmp_path)
    env = environment(None)

    html = render_letter(env, sample_document(env, "friendly", "en", company, "en_GB")).decode("utf-8")

    assert '<img src="data:image/png;base64,iVBORw0KGgpsb2dv" alt="Voorbeeld BV">' in html


def test_a_logo_that_is_not_there_is_named_with_its_line(tmp_path):
    from dataclasses import replace

    with pytest.raises(ConfigError, match=r"arctl.yaml:7: company.logo: cannot read .*missing.png"):
        company_party(replace(COMPANY, logo="missing.png", logo_line=7), tmp_path)


# --- filters and the payment QR code --------------------------------------------------------------------


def test_the_filters_format_raw_values_in_the_documents_locale():
    env = environment(None)
    template = env.from_string("{{ 123456|money }} | {{ day|date }} | {{ day|date('short') }} | {{ ref|ogm }} | "
                               "{{ rf|ogm }} | {{ iban|iban }}")

    shown = template.render(locale="nl_BE", currency="EUR", day=dt.date(2026, 12, 10), ref="010806817183",
                            rf="rf18539007547034", iban="be05068123456775").replace("\N{NO-BREAK SPACE}", " ")

    # the OGM and RF examples of REFERENCE.md section 6
    assert shown == "€ 1.234,56 | 10 december 2026 | 10/12/2026 | +++010/8068/17183+++ | RF18 5390 0754 7034 | " \
                    "BE05 0681 2345 6775"


def test_the_epc_payload_holds_every_field_in_the_order_of_epc069_12():
    payload = epc_payload("Voorbeeld BV", "BE05 0681 2345 6775", "GKCCBEBB", 143350, "EUR", "+++010/8068/17183+++")

    assert payload is not None
    assert payload.split("\n") == ["BCD", "002", "1", "SCT", "GKCCBEBB", "Voorbeeld BV", "BE05068123456775",
                                   "EUR1433.50", "", "010806817183"]


def test_the_epc_payload_carries_free_text_only_without_a_structured_reference():
    payload = epc_payload("Voorbeeld BV", "BE05068123456775", "", 500, "EUR", "", "Invoices 2026-0142 2026-0157")

    assert payload == "BCD\n002\n1\nSCT\n\nVoorbeeld BV\nBE05068123456775\nEUR5.00\n\n\nInvoices 2026-0142 2026-0157"


@pytest.mark.parametrize("currency, amount, iban", [("USD", 500, "BE05068123456775"), ("EUR", 0, "BE05068123456775"),
                                                    ("EUR", 500, "")])
def test_there_is_no_payment_code_without_euros_an_amount_or_an_iban(currency, amount, iban):
    assert epc_payload("Voorbeeld BV", iban, "GKCCBEBB", amount, currency, "010806817183") is None


def test_every_eur_letter_shows_the_payment_qr_code_with_its_reference():
    env = environment(None)
    html = render_letter(env, document(env, lines=1)).decode("utf-8")

    assert '<svg width="' in html and "SEPA payment QR code (EPC069-12)" in html
    assert "+++002/0260/14243+++" in html          # the invoice's own reference, as the document carries it


# --- plan check -----------------------------------------------------------------------------------------


def plan_workspace(tmp_path: Path, monkeypatch, plan: str, files: dict[str, str] | None = None) -> Path:
    write(tmp_path / "arctl.yaml", """\
        company: {name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775, bic: GKCCBEBB}
        locale: nl_BE
        """)
    write(tmp_path / "plans" / "mine.yaml", plan)
    for relative, text in (files or {}).items():
        write(tmp_path / relative, text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    return tmp_path


PLAN = """\
    name: Mine
    steps:
      - id: reminder
        after_due: 7 days
        channel: email
        template: {template}
        new_term: 10 days
    """


def test_plan_check_refuses_a_template_that_exists_in_no_language_it_needs(tmp_path, monkeypatch):
    plan_workspace(tmp_path, monkeypatch, PLAN.format(template="gentle-nudge"))

    result = CliRunner().invoke(app, ["plan", "check", "mine"])

    assert result.exit_code == 2, result.output
    assert ("plans/mine.yaml: steps[0] (reminder): template 'gentle-nudge' exists in none of the languages its "
            "customers need (nl): no dunning/nl/gentle-nudge.txt.j2") in result.stderr.replace("\n  ", " ")


def test_plan_check_accepts_a_template_the_workspace_adds(tmp_path, monkeypatch):
    plan_workspace(tmp_path, monkeypatch, PLAN.format(template="gentle-nudge"),
                   {"templates/dunning/nl/gentle-nudge.txt.j2": "Beste {{ customer.name }}:{{ action.net_due|money }}"})

    result = CliRunner().invoke(app, ["plan", "check", "mine"])

    assert result.exit_code == 0, result.output


def test_plan_check_renders_each_template_and_names_a_missing_field(tmp_path, monkeypatch):
    plan_workspace(tmp_path, monkeypatch, PLAN.format(template="friendly"),
                   {"templates/dunning/nl/friendly.txt.j2": "Beste {{ customer.first_name }},\n"})

    result = CliRunner().invoke(app, ["plan", "check", "mine"])

    assert result.exit_code == 2, result.output
    assert "plans/mine.yaml: steps[0] (reminder): template dunning/nl/friendly.txt.j2:" in result.stderr
    assert "has no attribute 'first_name'" in result.stderr


def test_plan_check_needs_the_languages_of_the_workspaces_customers(invoices_and_customers_workspace):
    invoices_and_customers_workspace(
        "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,open_amount\n"
        "2026-0042,K001,Bakkerij Peeters BV,2026-09-01,2026-10-01,EUR,1210.00,1210.00\n",
        "customer_id,name,email,language\n"
        "K001,Bakkerij Peeters BV,boekhouding@peeters.example.be,nl\n"
        "K002,Boulangerie Dupont SRL,compta@dupont.example.be,fr\n",
        as_of="2026-11-20",
        files={"plans/mine.yaml": textwrap.dedent(PLAN.format(template="gentle-nudge")),
               "templates/dunning/nl/gentle-nudge.txt.j2": "Beste {{ customer.name }}\n"})

    result = CliRunner().invoke(app, ["plan", "check", "mine"])

    assert result.exit_code == 0, result.output    # in Dutch it exists: French customers fall back to it


def test_every_shipped_plan_passes_plan_check_with_the_shipped_templates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    for plan in ("standard", "key-accounts", "strict", "consumer-be", "consumer-nl"):
        result = CliRunner().invoke(app, ["plan", "check", plan])
        assert result.exit_code == 0, (plan, result.output)
