"""The documents as they go out: e-mails with a text and an HTML alternative, the sender's address, the
workspace's time zone in their date, a Message-ID per action and the letter as PDF; letters as HTML and PDF,
and the day's letters combined into one PDF to print, registered letters apart.

The multipart layout follows RFC 2046 (multipart/alternative inside multipart/mixed for attachments) and is
read back with the standard library's parser; PDFs are read back with pypdf."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.render import dunning as documents
from arctl.render import pdf
from outbox_check import outbox_agrees_with_state

pytestmark = pytest.mark.state

AS_OF = "2026-11-26"
BRUSSELS = ZoneInfo("Europe/Brussels")
COMPANY = documents.Party(name="Voorbeeld BV", email="debiteuren@voorbeeld.be", reply_to="boekhouding@voorbeeld.be",
                          street="Kunstlaan 1", postal_code="1000", city="Brussel", iban="BE05068123456775",
                          bic="GKCCBEBB")
CUSTOMER = documents.Party(name="Bakkerij Janssens", email="boekhouding@bakkerij-janssens.be", street="Meir 12",
                           postal_code="2000", city="Antwerpen", language="nl")


def reminder(company: documents.Party = COMPANY) -> documents.DunningDocument:
    """The shipped English friendly reminder of a sample action (customer K0001, invoices 2026-0142 and
    2026-0157), addressed to Bakkerij Janssens."""
    from arctl.model import Contact
    from arctl.render.samples import sample_document

    customer = Contact("K0001", CUSTOMER.name, CUSTOMER.email, "", CUSTOMER.street, CUSTOMER.postal_code,
                       CUSTOMER.city, "en")
    return sample_document(documents.environment(None), "friendly", "en", company, "nl_BE", channel="email",
                           customer=customer)


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def render(document: documents.DunningDocument, sent_at: dt.datetime, *, with_pdf: bool = False) -> bytes:
    files = documents.render_action(documents.environment(None), document, "step", "email", sent_at, pdf=with_pdf)
    return files["eml"]


# --- the e-mail ---------------------------------------------------------------------------------------------------


def test_an_email_holds_the_text_and_the_letters_html_as_alternatives():
    message = parsed(render(reminder(), dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS)))

    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert "2026-0142" in plain.get_content() and "Bakkerij Janssens" in plain.get_content()
    assert "<table" in html.get_content() and "2026-0142" in html.get_content()


def test_an_email_comes_from_the_companys_address_and_answers_go_to_its_reply_to():
    message = parsed(render(reminder(), dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS)))

    assert message["From"] == "Voorbeeld BV <debiteuren@voorbeeld.be>"
    assert message["Reply-To"] == "boekhouding@voorbeeld.be"
    assert message["To"] == "boekhouding@bakkerij-janssens.be"
    assert message["Subject"] == reminder().subject


def test_answers_go_to_the_sending_address_when_no_reply_to_is_set():
    company = documents.Party(name="Voorbeeld BV", email="debiteuren@voorbeeld.be")

    message = parsed(render(reminder(company), dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS)))

    assert message["Reply-To"] == "debiteuren@voorbeeld.be"


def test_the_date_carries_brussels_winter_and_summer_offsets():
    # Europe/Brussels: CET (UTC+1) from the last Sunday of October (2026-10-25), CEST (UTC+2) from the last
    # Sunday of March (2026-03-29): 26 November is +0100, 19 May +0200.
    winter = parsed(render(reminder(), dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS)))
    summer = parsed(render(reminder(), dt.datetime(2026, 5, 19, 9, tzinfo=BRUSSELS)))

    assert winter["Date"] == "Thu, 26 Nov 2026 09:00:00 +0100"
    assert summer["Date"] == "Tue, 19 May 2026 09:00:00 +0200"


def test_the_message_id_is_the_same_each_time_an_action_is_rendered_in_the_companys_domain():
    sent_at = dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS)

    first, again = parsed(render(reminder(), sent_at)), parsed(render(reminder(), sent_at))

    assert first["Message-ID"] == again["Message-ID"] == "<2026-11-26.K0001.friendly.EUR@voorbeeld.be>"


def test_a_company_without_an_email_address_gets_a_message_id_in_a_reserved_domain():
    company = documents.Party(name="Voorbeeld BV")

    message = parsed(render(reminder(company), dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS)))

    # RFC 2606 reserves .invalid: the id cannot collide with a real domain's
    assert message["Message-ID"] == "<2026-11-26.K0001.friendly.EUR@arctl.invalid>"


@pytest.mark.requires_pdf
def test_with_pdf_the_email_attaches_the_letter_whose_text_names_the_invoice():
    message = parsed(render(reminder(), dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS), with_pdf=True))

    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "2026-11-26.K0001.friendly.EUR.pdf"
    assert "2026-0142" in pdf.text_of(attachment.get_content())


# --- letters and the print PDFs ---------------------------------------------------------------------------------

PLAN = """\
    name: Letters
    steps:
      - id: letter
        after_due: 7 days
        channel: letter
        new_term: 10 days
    segments:
      - match: {segment: formal}
        plan: registered
    """
REGISTERED = """\
    name: Registered
    steps:
      - id: formal
        after_due: 7 days
        channel: registered_letter
        new_term: 8 days
    """
# Every invoice is due 2026-11-02: 24 days overdue on 2026-11-26, past either plan's one step (7 days).
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0101,K001,Bakkerij Janssens,2026-10-03,2026-11-02,EUR,1210.00,1210.00
    2026-0102,K002,Garage Peeters,2026-10-03,2026-11-02,EUR,484.00,484.00
    2026-0103,K003,Drukkerij Maes,2026-10-03,2026-11-02,EUR,2420.00,2420.00
    2026-0104,K004,Brouwerij Wouters,2026-10-03,2026-11-02,EUR,726.00,726.00
    """
CUSTOMERS = """\
    Customer ID,Name,Street,Postal Code,City,Segment
    K001,Bakkerij Janssens,Meir 12,2000,Antwerpen,
    K002,Garage Peeters,Veldstraat 3,9000,Gent,
    K003,Drukkerij Maes,Grote Markt 7,8000,Brugge,formal
    K004,Brouwerij Wouters,Diestsestraat 40,3000,Leuven,
    """


def letters_workspace(root: Path) -> Path:
    for relative, content in {"plans/letters.yaml": PLAN, "plans/registered.yaml": REGISTERED,
                              "exports/open_invoices.csv": INVOICES, "exports/customers.csv": CUSTOMERS}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(textwrap.dedent(content), encoding="utf-8")
    (root / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775, bic: GKCCBEBB}
        dunning: {plan: letters}
        timezone: Europe/Brussels
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """), encoding="utf-8")
    imported = CliRunner().invoke(app, ["-w", str(root), "import", "--as-of", AS_OF])
    assert imported.exit_code == 0, imported.output
    return root


def dunning_run(root: Path):
    result = CliRunner().invoke(app, ["-w", str(root), "dunning", "run", "--as-of", AS_OF, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.requires_pdf
def test_each_letter_is_written_as_html_and_pdf_and_both_are_recorded(tmp_path):
    root = letters_workspace(tmp_path)

    report = dunning_run(root)

    day = root / "outbox" / AS_OF
    assert sorted(p.name for p in day.glob("K001-*")) == ["K001-letter-EUR.html", "K001-letter-EUR.pdf"]
    assert "2026-0101" in pdf.text_of((day / "K001-letter-EUR.pdf").read_bytes())
    assert outbox_agrees_with_state(root)
    assert not any("HTML only" in warning for warning in report.get("warnings", []))


@pytest.mark.requires_pdf
def test_the_days_letters_are_combined_to_print_and_registered_letters_apart(tmp_path):
    root = letters_workspace(tmp_path)

    dunning_run(root)

    day = root / "outbox" / AS_OF
    ordinary = [day / f"{c}-letter-EUR.pdf" for c in ("K001", "K002", "K004")]
    combined = (day / "print" / "letters.pdf").read_bytes()
    registered = (day / "print" / "registered-letters.pdf").read_bytes()
    assert pdf.page_count(combined) == sum(pdf.page_count(p.read_bytes()) for p in ordinary)
    assert pdf.page_count(registered) == pdf.page_count((day / "K003-formal-EUR.pdf").read_bytes())
    text = pdf.text_of(combined)
    assert all(number in text for number in ("2026-0101", "2026-0102", "2026-0104")) and "2026-0103" not in text
    assert "2026-0103" in pdf.text_of(registered)


@pytest.mark.requires_pdf
def test_a_second_run_the_same_day_adds_its_letters_to_the_print_pdf(tmp_path):
    root = letters_workspace(tmp_path)
    dunning_run(root)
    invoices = textwrap.dedent(INVOICES) + "2026-0105,K005,Bakkerij Claes,2026-10-03,2026-11-02,EUR,100.00,100.00\n"
    (root / "exports" / "open_invoices.csv").write_text(invoices, encoding="utf-8")
    imported = CliRunner().invoke(app, ["-w", str(root), "import", "--as-of", AS_OF])
    assert imported.exit_code == 0, imported.output

    dunning_run(root)

    day = root / "outbox" / AS_OF
    letters = sorted(day.glob("K00?-letter-EUR.pdf"))
    assert len(letters) == 4
    combined = (day / "print" / "letters.pdf").read_bytes()
    assert pdf.page_count(combined) == sum(pdf.page_count(p.read_bytes()) for p in letters)
    assert "2026-0105" in pdf.text_of(combined)
    assert outbox_agrees_with_state(root)


def test_without_weasyprint_letters_are_html_and_one_warning_says_how_to_get_pdf(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    pdf.unavailable.cache_clear()
    root = letters_workspace(tmp_path)
    try:
        report = dunning_run(root)
    finally:
        pdf.unavailable.cache_clear()

    day = root / "outbox" / AS_OF
    assert sorted(p.name for p in day.iterdir()) == [f"{c}-{s}-EUR.html" for c, s in
                                                     (("K001", "letter"), ("K002", "letter"), ("K003", "formal"),
                                                      ("K004", "letter"))]
    said = [w for w in report["warnings"] if "PDF" in w]
    assert len(said) == 1, "one message per run, not one per letter"
    assert "pip install 'arctl[pdf]'" in said[0]
    assert outbox_agrees_with_state(root)


def test_without_pango_the_message_names_the_debian_packages(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    pdf.unavailable.cache_clear()
    try:
        message = pdf.unavailable()
    finally:
        pdf.unavailable.cache_clear()

    assert message is not None and "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in message


@pytest.mark.requires_pdf
def test_a_letter_cannot_make_the_pdf_renderer_read_a_file_outside_its_folders(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE-KEY-MATERIAL", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    html = (f'<link rel="stylesheet" href="file://{secret}"><p>Brief</p>'
            f'<object data="file://{secret}"></object><img src="https://example.com/pixel.png">')

    data = pdf.letter_pdf(html, (templates,), dated=dt.date(2026, 11, 20))

    assert "Brief" in pdf.text_of(data) and "PRIVATE" not in pdf.text_of(data)


@pytest.mark.requires_pdf
def test_a_letter_written_again_later_is_the_same_pdf_byte_for_byte(monkeypatch):
    """A run killed after writing a letter writes it again: the font subsets inside must not carry the time."""
    import time

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = "<p>Ingebrekestelling — factuur 2026-0042, € 1.210,00</p>"
    first = pdf.letter_pdf(html, dated=dt.date(2026, 12, 1))
    later = time.time() + 86_400 + 61
    monkeypatch.setattr(time, "time", lambda: later)

    assert pdf.letter_pdf(html, dated=dt.date(2026, 12, 1)) == first
    assert "SOURCE_DATE_EPOCH" not in __import__("os").environ


@pytest.mark.requires_pdf
def test_an_emails_date_is_in_the_workspaces_time_zone(tmp_path):
    root = letters_workspace(tmp_path)
    customers = textwrap.dedent(CUSTOMERS).replace("Segment", "Email").replace(",formal", ",")
    customers = "\n".join(line.replace(",\n", "") for line in customers.splitlines())
    rows = ["Customer ID,Name,Street,Postal Code,City,Email"] + [
        line.rstrip(",") + f",boekhouding@{line.split(',')[0].lower()}.example.be"
        for line in customers.splitlines()[1:]]
    (root / "exports" / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "plans" / "letters.yaml").write_text(textwrap.dedent(PLAN).replace("channel: letter", "channel: email"),
                                                 encoding="utf-8")
    imported = CliRunner().invoke(app, ["-w", str(root), "import", "--as-of", AS_OF])
    assert imported.exit_code == 0, imported.output

    dunning_run(root)

    message = parsed((root / "outbox" / AS_OF / "K001-letter-EUR.eml").read_bytes())
    # 09:00 on 2026-11-26 in Europe/Brussels (CET, UTC+1 since 2026-10-25)
    assert message["Date"] == "Thu, 26 Nov 2026 09:00:00 +0100"
    assert message.get_content_type() == "multipart/mixed"
    assert outbox_agrees_with_state(root)


# --- file names -----------------------------------------------------------------------------------------------

HOSTILE_IDS = ["../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "K\x001", "..", ".", "CON", "nul",
               "COM1", "LPT9.txt", "aux.", "A" * 300, "Ü" * 200, "K 1", "K/1", "K_1", "k_1"]
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


@pytest.mark.parametrize("customer_id", HOSTILE_IDS, ids=lambda text: repr(text[:20]))
@pytest.mark.parametrize("channel", ["email", "letter", "registered_letter"])
def test_a_customer_id_never_names_a_file_outside_the_days_outbox(tmp_path, customer_id, channel):
    from arctl.deliver.outbox import Outbox

    outbox = Outbox(tmp_path, AS_OF)

    for path in outbox.document_paths(customer_id, "friendly", "EUR", channel, pdf=True):
        assert path.parent == outbox.folder
        assert path.resolve().parent == (tmp_path / "outbox" / AS_OF).resolve()
        name = path.name
        assert name.isascii() and "\x00" not in name and "/" not in name and "\\" not in name
        assert len(name.encode("utf-8")) <= 255, "NAME_MAX of ext4, NTFS and APFS"
        assert name.split(".")[0].upper() not in WINDOWS_RESERVED
        assert not name.startswith(".")


def test_customer_ids_that_sanitise_alike_get_different_file_names(tmp_path):
    from arctl.deliver.outbox import Outbox

    outbox = Outbox(tmp_path, AS_OF)

    names = [outbox.path_for(customer_id, "friendly", "EUR", "letter") for customer_id in HOSTILE_IDS]

    # case-insensitive file systems: K_1 and k_1 must differ in more than case
    assert len({str(name).lower() for name in names}) == len(HOSTILE_IDS)


@pytest.mark.requires_pdf
def test_a_hostile_customer_id_in_an_export_writes_its_letter_inside_the_outbox(tmp_path):
    root = letters_workspace(tmp_path)
    hostile = '"../../../../tmp/evil"'
    for name in ("open_invoices.csv", "customers.csv"):
        path = root / "exports" / name
        path.write_text(path.read_text(encoding="utf-8").replace("K002", hostile), encoding="utf-8")
    imported = CliRunner().invoke(app, ["-w", str(root), "import", "--as-of", AS_OF])
    assert imported.exit_code == 0, imported.output

    dunning_run(root)

    written = [p for p in tmp_path.rglob("*evil*")]
    assert written and all(p.parent == root / "outbox" / AS_OF for p in written)
    assert outbox_agrees_with_state(root)


@pytest.mark.parametrize(("one", "other"), [("_K1", "K1"), ("K1.", "K1"), ("LPT9.TXT", "_LPT9.TXT")])
def test_plain_looking_ids_that_sanitise_to_the_same_name_still_get_their_own_file(tmp_path, one, other):
    from arctl.deliver.outbox import Outbox

    outbox = Outbox(tmp_path, AS_OF)

    assert outbox.path_for(one, "friendly", "EUR", "letter") != outbox.path_for(other, "friendly", "EUR", "letter")


@pytest.mark.requires_pdf
def test_rendering_an_action_again_gives_the_same_bytes():
    sent_at = dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS)

    assert render(reminder(), sent_at, with_pdf=True) == render(reminder(), sent_at, with_pdf=True)
    assert render(reminder(), sent_at) == render(reminder(), sent_at)


@pytest.mark.requires_pdf
def test_dunning_email_pdf_false_sends_emails_without_the_pdf_but_keeps_pdf_letters(tmp_path):
    root = letters_workspace(tmp_path)
    config = (root / CONFIG_NAME).read_text(encoding="utf-8")
    (root / CONFIG_NAME).write_text(config.replace("dunning: {plan: letters}",
                                                   "dunning: {plan: letters, email_pdf: false}"), encoding="utf-8")
    rows = ["Customer ID,Name,Street,Postal Code,City,Segment,Email",
            "K001,Bakkerij Janssens,Meir 12,2000,Antwerpen,,boekhouding@janssens.example.be",
            "K003,Drukkerij Maes,Grote Markt 7,8000,Brugge,formal,"]
    (root / "exports" / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "plans" / "letters.yaml").write_text(textwrap.dedent(PLAN).replace("channel: letter", "channel: email"),
                                                 encoding="utf-8")
    imported = CliRunner().invoke(app, ["-w", str(root), "import", "--as-of", AS_OF])
    assert imported.exit_code == 0, imported.output

    dunning_run(root)

    day = root / "outbox" / AS_OF
    assert parsed((day / "K001-letter-EUR.eml").read_bytes()).get_content_type() == "multipart/alternative"
    assert (day / "K003-formal-EUR.pdf").is_file()


@pytest.mark.requires_pdf
@pytest.mark.requires_poppler
def test_the_qr_code_printed_on_a_pdf_letter_scans_to_the_transfer_the_letter_asks_for():
    import io
    from dataclasses import replace

    import numpy as np
    from PIL import Image

    from conftest import pdf_page_png
    from qr_check import assert_epc, decode_qr

    # +++090/9337/55493+++: 0909337554 mod 97 = 93, the last two digits
    sample = reminder()
    document = replace(sample, payment=replace(sample.payment, reference="090933755493"))
    files = documents.render_action(documents.environment(None), document, "step", "letter",
                                    dt.datetime(2026, 11, 26, 9, tzinfo=BRUSSELS), pdf=True)
    page = np.array(Image.open(io.BytesIO(pdf_page_png(files["pdf"], dpi=200))).convert("L"))

    text, level = decode_qr(page)

    assert level == "M"   # EPC069-12: error correction level M
    assert_epc(text, bic="GKCCBEBB", name="Voorbeeld BV", iban="BE05068123456775",
               amount_cents=document.payment.amount, reference="090933755493")
