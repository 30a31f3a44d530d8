"""`make screenshots`: a letter photographed with headless Chromium (docs/screenshots.py), and the system
helpers the PDF tests lean on, checked on this machine."""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
from pathlib import Path

import pytest

from conftest import pdf_page_png

REPO = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"   # PNG specification, section 5.2


def screenshots_module():
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "docs" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.requires_chromium
def test_a_letter_is_photographed_as_a_png(tmp_path):
    letter = tmp_path / "letter.html"
    letter.write_text("<!DOCTYPE html><html lang='nl'><meta charset='utf-8'><p>Voorbeeld BV</p>"
                      "<h1>Betalingsherinnering</h1><p>Factuur 2026-00412: € 1.210,00</p>", encoding="utf-8")

    screenshots_module().screenshot(letter, tmp_path / "shots" / "letter-nl.png")

    picture = (tmp_path / "shots" / "letter-nl.png").read_bytes()
    assert picture.startswith(PNG_SIGNATURE) and len(picture) > 1000
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == ["letter-nl.png"], "no browser profile left"


def test_the_readme_shows_a_screenshot_that_exists():
    readme = (REPO / "README.md").read_text(encoding="utf-8")

    for picture in ("letter-nl.png", "aging-report.png"):
        assert f"](docs/screenshots/{picture})" in readme
        assert (REPO / "docs" / "screenshots" / picture).read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.requires_pdf
@pytest.mark.requires_poppler
def test_a_pdf_letter_reads_back_with_poppler_as_text_and_as_a_picture():
    from arctl.render.pdf import letter_pdf

    data = letter_pdf("<p>Factuur 2026-00412 — € 1.210,00</p>", dated=dt.date(2026, 11, 20))

    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    assert "2026-00412" in text.decode("utf-8")
    assert pdf_page_png(data).startswith(PNG_SIGNATURE)


def test_a_missing_system_program_skips_with_its_reason_and_fails_in_ci(monkeypatch):
    from conftest import REQUIRE_SYSTEM_ENV, require_system

    monkeypatch.delenv(REQUIRE_SYSTEM_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_system("Chromium is not installed (Debian: apt-get install chromium)")
    monkeypatch.setenv(REQUIRE_SYSTEM_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="ARCTL_REQUIRE_SYSTEM=1 makes this a failure"):
        require_system("Chromium is not installed (Debian: apt-get install chromium)")
    require_system(None)   # nothing missing: the test runs


def test_ci_installs_the_system_packages_and_requires_them():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")

    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "poppler-utils", "chromium"):
        assert package in script
    assert "apt-get install -y -q --no-install-recommends" in script
    assert "export ARCTL_REQUIRE_SYSTEM=1" in script


@pytest.mark.requires_chromium
def test_the_qr_code_of_a_letter_shown_in_a_browser_scans(tmp_path):
    # an e-mail's HTML part and a letter's HTML are read in browsers: a flex layout must not squeeze the code
    import io
    from dataclasses import replace

    import numpy as np
    from PIL import Image

    from arctl.model import Contact
    from arctl.render import dunning as documents
    from arctl.render.samples import sample_document
    from qr_check import decode_qr

    company = documents.Party(name="Voorbeeld BV", street="Kunstlaan 1", postal_code="1000", city="Brussel",
                              iban="BE05068123456775", bic="GKCCBEBB")
    customer = Contact("K0001", "Gilson Techniques SA", "", "", "Rue du Moulin 8", "7500", "Tournai", "fr")
    sample = sample_document(documents.environment(None), "friendly", "fr", company, "fr_BE", channel="letter",
                             customer=customer)
    document = replace(sample, payment=replace(sample.payment, reference="090933755493"))
    letter = tmp_path / "letter.html"
    letter.write_bytes(documents.render_letter(documents.environment(None), document))

    screenshots_module().screenshot(letter, tmp_path / "shots" / "letter-fr.png")

    picture = Image.open(io.BytesIO((tmp_path / "shots" / "letter-fr.png").read_bytes())).convert("L")
    text, _ = decode_qr(np.array(picture))
    assert text.splitlines()[-1] == "090933755493"
