"""Every shipped template, in English, Dutch, French and German, rendered with the sample action of the step
kind that uses it, equals its reviewed golden file (tests/golden/templates/LANG/CASE.txt and .html).

`pytest tests/test_templates_golden.py --update-golden` rewrites them; review the diff before committing.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from arctl.config import Address, Company
from arctl.render.dunning import company_party, render_letter, render_parts
from arctl.render.samples import sample_document
from arctl.render.templates import environment

GOLDEN = Path(__file__).resolve().parent / "golden" / "templates"

BE_COMPANY = Company("Voorbeeld", "BV", "0403.170.701", "BE0403170701", Address("Kunstlaan 1", "1000", "Brussel"),
                     "BE", "BE05068123456775", "GKCCBEBB", "debiteuren@voorbeeld.example", "+32 2 555 00 00",
                     "An Peeters, kredietbeheer")
NL_COMPANY = Company("Voorbeeld", "B.V.", "12345678", "NL123456789B01", Address("Damrak 1", "1012 LG", "Amsterdam"),
                     "NL", "NL91ABNA0417164300", "ABNANL2A", "debiteuren@voorbeeld.example", "+31 20 555 00 00")

# case: (template, company, consumer, costs claimed, costs a later step would claim, invoices listed) as the
# shipped plans use them (plans/*.yaml)
CASES = {
    "friendly": ("friendly", BE_COMPANY, "", (), (), 2),
    "friendly-one-invoice": ("friendly", BE_COMPANY, "", (), (), 1),
    "second": ("second", BE_COMPANY, "", (), (), 2),
    "reminder": ("reminder", BE_COMPANY, "", (), (), 1),
    "demand-be": ("demand", BE_COMPANY, "", ("compensation", "interest"), (), 2),
    "demand-nl": ("demand", NL_COMPANY, "", ("compensation", "interest"), (), 2),
    "consumer-reminder-be": ("consumer-reminder", BE_COMPANY, "BE", (), ("fee", "damages", "interest"), 2),
    "consumer-reminder-nl": ("consumer-reminder", NL_COMPANY, "NL", (), ("collection_costs", "interest"), 2),
    "consumer-second-be": ("consumer-second", BE_COMPANY, "BE", ("fee",), ("damages", "interest"), 2),
    "consumer-demand-be": ("consumer-demand", BE_COMPANY, "BE", ("damages", "interest"), (), 2),
    "consumer-demand-nl": ("consumer-demand", NL_COMPANY, "NL", ("collection_costs", "interest"), (), 2),
    "fourteen-day-letter": ("fourteen-day-letter", NL_COMPANY, "NL", (), ("collection_costs", "interest"), 2),
    "handover": ("handover", BE_COMPANY, "", (), (), 2),
    "statement": ("statement", BE_COMPANY, "", (), (), 2),
    "installment": ("installment", BE_COMPANY, "", (), (), 2),
    "payment-plan": ("payment-plan", BE_COMPANY, "", (), (), 2),
}


@functools.cache
def shipped():
    """One environment for every case: each template is compiled once (the golden tests stay fast)."""
    return environment(None)


def rendered(case: str, language: str) -> tuple[str, str]:
    template, company, consumer, costs, announced, lines = CASES[case]
    env = shipped()
    company_locale = "nl_BE" if company.country == "BE" else "nl_NL"
    # en and nl as the company's own locale; fr and de as a customer of the company writes them (fr_BE, de_BE;
    # for a Dutch company plain fr and de, Babel having no fr_NL or de_NL)
    locale = {"nl": company_locale, "en": "en_GB"}.get(language, company_locale)
    document = sample_document(env, template, language, company_party(company, Path()), locale, consumer=consumer,
                               costs=costs, announced=announced, lines=lines)
    assert document.language == language
    text, _ = render_parts(env, document)
    return f"Subject: {document.subject}\n\n{text}", render_letter(env, document).decode("utf-8")


@pytest.mark.parametrize("language", ["de", "en", "fr", "nl"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_shipped_template_renders_as_its_golden_file(case, language, request):
    text, html = rendered(case, language)
    files = {GOLDEN / language / f"{case}.txt": text, GOLDEN / language / f"{case}.html": html}
    if request.config.getoption("--update-golden"):
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    for path, content in files.items():
        assert path.read_text(encoding="utf-8") == content, f"{path} differs (pytest --update-golden to review)"


def test_every_shipped_template_has_a_golden_case_in_every_shipped_language():
    env = environment(None)
    # the templates of the language folders (dunning/<lang>/<name>), not the letter they all share
    shipped = {name.split("/")[-1].split(".")[0] for name in env.names
               if name.endswith((".txt.j2", ".html.j2")) and name.count("/") == 2}
    assert shipped - {"layout", "parts"} == {template for template, *_ in CASES.values()}
    assert env.languages() == ("de", "en", "fr", "nl")
