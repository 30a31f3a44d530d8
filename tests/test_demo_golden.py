"""The documents `make demo` writes are golden files: reviewed once, compared byte for byte on every run.

`pytest --update-golden` rewrites them from the current code; review the diff before committing it.

PDFs are not byte-stable from one machine to the next (fonts, WeasyPrint's version), so the golden files are
the demo's documents as written without PDF (e-mails with their text and HTML, letters as HTML); with PDF
the same documents are checked again, their PDFs by page count and text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "examples" / "demo"
GOLDEN = REPO / "tests" / "golden" / "demo-outbox"


def run_demo(tmp_path: Path, monkeypatch, *, with_pdf: bool = False) -> Path:
    """What `make demo` runs (`arctl run --as-of 2026-11-26`) on a copy of the demo workspace; returns the copy's
    outbox."""
    from arctl.render import pdf

    if not with_pdf:
        monkeypatch.setattr(pdf, "unavailable", lambda: "PDF left out: the golden files are the documents without it")
    workspace = tmp_path / "demo"
    shutil.copytree(DEMO, workspace, ignore=shutil.ignore_patterns(".arctl", "outbox", "reports"))
    monkeypatch.chdir(workspace)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    result = CliRunner().invoke(app, ["run", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, f"arctl run: {result.output}"
    return workspace / "outbox"


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_demo_documents_equal_their_golden_files(tmp_path, monkeypatch, request):
    written = files_under(run_demo(tmp_path, monkeypatch))
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in written.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    golden = files_under(GOLDEN)

    assert sorted(written) == sorted(golden), "the demo wrote other documents than the golden ones"
    changed = [name for name in golden if written[name] != golden[name]]
    assert not changed, f"documents differ from tests/golden/demo-outbox (pytest --update-golden to review): {changed}"


def test_a_letter_names_the_company_once_with_its_legal_form():
    letter = (GOLDEN / "2026-11-26" / "K0043-monthly-statement-EUR.html").read_text(encoding="utf-8")

    assert "<strong>Voorbeeld BV</strong>" in letter and "BV BV" not in letter


@pytest.mark.requires_pdf
def test_with_pdf_the_demo_writes_the_same_documents_and_each_letter_as_pdf(tmp_path, monkeypatch):
    import email
    import email.policy

    from arctl.render.pdf import page_count, text_of

    outbox = run_demo(tmp_path, monkeypatch, with_pdf=True)
    written, golden = files_under(outbox), files_under(GOLDEN)

    # the letters of the day, not the copies of documents in an agency folder (those stay HTML)
    letters = [name for name in golden if name.endswith(".html") and name.count("/") == 1]
    registered = [name for name in letters if "-demand-" in name]
    assert sorted(written) == sorted([*golden, *(n.removesuffix(".html") + ".pdf" for n in letters),
                                      "2026-11-26/print/letters.pdf", "2026-11-26/print/registered-letters.pdf"])
    for name in golden:
        if name.endswith(".eml"):
            message = email.message_from_bytes(written[name], policy=email.policy.default)
            expected = email.message_from_bytes(golden[name], policy=email.policy.default)
            for form in ("plain", "html"):
                part, same = message.get_body(preferencelist=(form,)), expected.get_body(preferencelist=(form,))
                assert (part and part.get_content()) == (same and same.get_content()), name
            attached = [p.get_content_type() for p in message.iter_attachments()]
            assert "application/pdf" in attached, name
        elif name in letters:
            text = " ".join(text_of(written[name.removesuffix(".html") + ".pdf"]).split())
            assert all(number in text for number in _invoice_numbers(golden[name].decode("utf-8"))), name
    def pages(names: list[str]) -> int:
        return sum(page_count(written[n.removesuffix(".html") + ".pdf"]) for n in names)

    posted = [n for n in letters if n not in registered]   # the hand-over notices are posted as letters
    assert page_count(written["2026-11-26/print/letters.pdf"]) == pages(posted)
    assert page_count(written["2026-11-26/print/registered-letters.pdf"]) == pages(registered)


def _invoice_numbers(html: str) -> list[str]:
    """The invoice numbers a letter shows (the demo's look like 2026-00123)."""
    import re

    return re.findall(r"\b20\d\d-\d{5}\b", html)


def test_the_demo_sends_formal_demands_and_hands_claims_to_the_agency(tmp_path, monkeypatch):
    """The demo export says which reminders went out before arctl (Aanmaningsniveau, Laatste aanmaning):
    K0004 and K0009 were called on 17 November 2026 (level 3 of plans/standard.yaml), so their formal demand
    is due 7 days later; K0013 and K0021 got their demand on 9 November (level 4), so 10 days later their
    claim goes to the agency."""
    day = run_demo(tmp_path, monkeypatch) / "2026-11-26"

    assert sorted(p.name for p in day.glob("*-demand-*")) == ["K0004-demand-EUR.html", "K0009-demand-EUR.html"]
    # invoice 2026-00195, EUR 262.57, plus the EUR 40 compensation of art. 6 of the law of 2 August 2002
    demand = (day / "K0004-demand-EUR.html").read_text(encoding="utf-8")
    assert "Ingebrekestelling" in demand and "2026-00195" in demand
    assert "Forfaitaire vergoeding" in demand and "40,00" in demand
    assert sorted(p.name for p in (day / "agency").iterdir()) == ["K0013-agency-EUR", "K0021-agency-EUR"]
    folder = day / "agency" / "K0021-agency-EUR"
    assert {"claim.csv", "claim.xlsx", "history.csv", "documents"} <= {p.name for p in folder.iterdir()}
    # invoice 2026-00076 of EUR 13,374.64, due 8 May 2026, plus the EUR 40 of art. 6 of the law of
    # 2 August 2002 (interest: see the claim's rows)
    claim = (folder / "claim.csv").read_text(encoding="utf-8")
    assert "2026-00076" in claim and "13374,64" in claim and "compensation;;;;40,00" in claim
