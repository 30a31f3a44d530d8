"""`arctl statement CUSTOMER`: a customer's statement of account — every open item (credit notes negative), the
payments of the period and the payments not yet allocated, with a running balance — in the customer's
language, with how to pay the balance and the SEPA QR code (EPC069-12).

The workspace is written by hand: a Belgian company, a Dutch-speaking customer (an invoice paid in part, a
second invoice, a credit note, a payment nobody allocated) and a French-speaking one (an invoice paid in part
with its structured reference, an invoice paid in full in the period). The bank statement is camt.053.001.02
written from the ISO 20022 message definition (Ntry/Amt, CdtDbtInd, BookgDt, AcctSvcrRef, RltdPties, RmtInf),
as Belgian banks send it. Golden files: tests/golden/statements/ (`pytest --update-golden` rewrites them).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app

pytestmark = pytest.mark.state

GOLDEN = Path(__file__).resolve().parent / "golden" / "statements"
AS_OF = "2026-11-26"
ACCOUNT = "BE05068123456775"        # Voorbeeld BV's account
PEETERS_IBAN = "BE48001123456727"

# Structured references (OGM/VCS): ten digits and their remainder modulo 97.
# 2026010100 = 97 x 20886702 + 6  -> +++202/6010/10006+++ (2026-0101)
# 2026011000 = 97 x 20886711 + 33 -> +++202/6011/00033+++ (2026-0110)
# 2026012000 = 97 x 20886721 + 63 -> +++202/6012/00063+++ (2026-0120)
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0101,K001,Bakkerij Peeters BV,2026-09-15,2026-10-15,EUR,1210.00,1210.00,+++202/6010/10006+++
    2026-0130,K001,Bakkerij Peeters BV,2026-10-20,2026-11-19,EUR,605.00,605.00,
    2026-0135,K001,Bakkerij Peeters BV,2026-10-25,2026-10-25,EUR,-121.00,-121.00,
    2026-0110,K002,Boulangerie Dubois SRL,2026-09-20,2026-10-20,EUR,75.00,75.00,+++202/6011/00033+++
    2026-0120,K002,Boulangerie Dubois SRL,2026-10-05,2026-11-04,EUR,302.50,302.50,+++202/6012/00063+++
    """

CUSTOMERS = f"""\
    Customer ID,Name,Email,Language,Country,IBAN,Street,Postal Code,City
    K001,Bakkerij Peeters BV,info@peeters.example.be,nl,BE,{PEETERS_IBAN},Meir 12,2000,Antwerpen
    K002,Boulangerie Dubois SRL,compta@dubois.example.be,fr,BE,,Rue Haute 5,1000,Bruxelles
    """


def entry(ref_id, amount, *, day, name="", iban="", structured="", text=""):
    account = f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>" if iban else ""
    parties = f"<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>{account}</RltdPties>" if name else ""
    remittance = (f"<RmtInf><Strd><CdtrRefInf><Ref>{structured}</Ref></CdtrRefInf></Strd></RmtInf>" if structured
                  else f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>" if text else "")
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref_id}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls>{parties}{remittance}</TxDtls></NtryDtls></Ntry>")


BANK = ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
        "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-25T08:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>"
        # 500.00 of 2026-0101's 1 210.00, quoting its reference: 710.00 stays open
        + entry("REF-1", "500.00", day="2026-10-20", name="BAKKERIJ PEETERS", iban=PEETERS_IBAN,
                structured="202601010006")
        # 2026-0110 paid in full
        + entry("REF-2", "75.00", day="2026-10-18", name="BOULANGERIE DUBOIS", structured="202601100033")
        # 100.00 of 2026-0120's 302.50: 202.50 stays open
        + entry("REF-3", "100.00", day="2026-11-10", name="BOULANGERIE DUBOIS", structured="202601200063")
        # 200.00 from Peeters' account, naming nothing and fitting no combination of its items: nobody allocates it
        + entry("REF-4", "200.00", day="2026-11-20", name="BAKKERIJ PEETERS", iban=PEETERS_IBAN, text="voorschot")
        + "</Stmt></BkToCstmrStmt></Document>")


def cli(*args):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    root = invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-25",
                                            files={"exports/bank.xml": BANK})
    for args in (("import", "--kind", "bank", "--as-of", "2026-11-25", "exports/bank.xml"), ("reconcile",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return root


def statement_html(root: Path, customer: str, *args: str) -> str:
    result = cli("statement", customer, "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    return (root / result.stdout.strip()).read_text(encoding="utf-8")


def rows(html: str) -> list[list[str]]:
    """The statement table's cells, as text, row by row (the header left out)."""
    table = html.split('<table class="statement">')[1].split("</table>")[0]
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL)[1:]:
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
        found.append([re.sub(r"<[^>]+>", "", cell).replace("\xa0", " ").strip() for cell in cells])
    return found


# --- what the statement lists, and its running balance -------------------------------------------------------


def test_the_running_balance_ends_at_what_the_customer_owes(workspace):
    # Period: the earlier of the oldest open item's date (15/09/2026) and 90 days before 26/11/2026
    # (28/08/2026: 3 days to 31/08 + 30 + 31 + 26 = 90). Lines in date order, items before payments on a day:
    #   15/09 invoice 2026-0101 open when the period began: 710.00 open + 500.00 paid in the period = 1 210.00
    #   20/10 invoice 2026-0130                                   +605.00 -> 1 815.00
    #   20/10 payment REF-1 on 2026-0101                          -500.00 -> 1 315.00
    #   25/10 credit note 2026-0135                               -121.00 -> 1 194.00
    #   20/11 payment REF-4, not allocated                        -200.00 ->   994.00
    # 994.00 = 710.00 + 605.00 - 121.00 - 200.00; overdue: 710.00 (due 15/10) + 605.00 (due 19/11) = 1 315.00
    assert rows(statement_html(workspace, "K001")) == [
        ["15/09/2026", "Factuur 2026-0101", "15/10/2026", "€ 1.210,00", "€ 1.210,00"],
        ["20/10/2026", "Factuur 2026-0130", "19/11/2026", "€ 605,00", "€ 1.815,00"],
        ["20/10/2026", "Betaling voor 2026-0101, dank u", "", "€ -500,00", "€ 1.315,00"],
        ["25/10/2026", "Creditnota 2026-0135", "25/10/2026", "€ -121,00", "€ 1.194,00"],
        ["20/11/2026", "Betaling, nog niet aan een factuur toegewezen", "", "€ -200,00", "€ 994,00"],
        ["Saldo op 26 november 2026", "€ 994,00"],
        ["Waarvan vervallen", "€ 1.315,00"],
    ]


def test_an_invoice_paid_in_full_in_the_period_shows_with_its_payment_in_french(workspace):
    # 20/09 2026-0110 75,00 -> 75,00; 05/10 2026-0120 302,50 -> 377,50; 18/10 REF-2 -75,00 -> 302,50;
    # 10/11 REF-3 -100,00 -> 202,50 = 302.50 - 100.00 (2026-0110 is paid: 0)
    assert rows(statement_html(workspace, "K002")) == [
        ["20/09/26", "Facture 2026-0110", "20/10/26", "75,00 €", "75,00 €"],
        ["5/10/26", "Facture 2026-0120", "4/11/26", "302,50 €", "377,50 €"],
        ["18/10/26", "Paiement pour 2026-0110, merci", "", "-75,00 €", "302,50 €"],
        ["10/11/26", "Paiement pour 2026-0120, merci", "", "-100,00 €", "202,50 €"],
        ["Solde au 26 novembre 2026", "202,50 €"],
        ["Dont échu", "202,50 €"],
    ]


def test_payments_before_from_are_folded_into_what_was_open_when_the_period_began(workspace):
    # --from 01/11/2026: REF-1 (20/10) is before it, so 2026-0101 starts at its 710.00 open (of 1 210.00);
    # 994.00 all the same
    table = rows(statement_html(workspace, "K001", "--from", "2026-11-01"))

    assert table[0] == ["15/09/2026", "Factuur 2026-0101 (factuurbedrag € 1.210,00)", "15/10/2026", "€ 710,00",
                        "€ 710,00"]
    assert not any(row[1].startswith("Betaling voor") for row in table)
    assert table[-2] == ["Saldo op 26 november 2026", "€ 994,00"]


def test_a_disputed_invoice_is_listed_with_its_status_and_left_out_of_what_is_asked(workspace):
    disputed = cli("dispute", "open", "2026-0130", "--reason", "levering onvolledig", "--as-of", "2026-11-23")
    assert disputed.exit_code == 0, disputed.output

    html = statement_html(workspace, "K001")

    assert rows(html)[1][1] == "Factuur 2026-0130 (betwist)"
    # asked: 994.00 - 605.00 disputed = 389.00
    assert "<strong>€\xa0389,00</strong>" in html   # Babel: a no-break space after the sign
    assert "Betwiste of aangehouden posten zijn daarin niet meegerekend." in html


def test_the_file_goes_to_the_days_reports_folder_and_its_path_is_printed(workspace):
    result = cli("statement", "K001", "--as-of", AS_OF)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"reports/{AS_OF}/statement-K001.html"
    assert (workspace / "reports" / AS_OF / "statement-K001.html").is_file()


def test_o_writes_elsewhere(workspace, tmp_path):
    target = tmp_path / "out" / "peeters.html"

    result = cli("statement", "K001", "--as-of", AS_OF, "-o", str(target))

    assert result.exit_code == 0, result.output
    assert "Bakkerij Peeters BV" in target.read_text(encoding="utf-8")


def test_a_customer_id_that_is_not_safe_as_a_file_name_is_made_safe():
    from arctl.workflows.statement import statement_file_name

    assert statement_file_name("K001", "pdf") == "statement-K001.pdf"
    name = statement_file_name("../K/1", "html")
    assert "/" not in name and name.startswith("statement-K_1~") and name.endswith(".html")
    assert statement_file_name("K/1", "html") != statement_file_name("K_1", "html")


def test_an_unknown_customer_is_a_usage_error_naming_the_close_ids(workspace):
    result = cli("statement", "K01", "--as-of", AS_OF)

    assert result.exit_code == 2
    assert "no customer 'K01' in the workspace (2 customers known)" in result.output
    assert "did you mean K001 (Bakkerij Peeters BV)" in result.output


def test_a_customer_can_be_found_by_a_name_close_to_theirs(workspace):
    result = cli("statement", "Boulangerie Dubois", "--as-of", AS_OF)

    assert result.exit_code == 2
    assert "did you mean K002 (Boulangerie Dubois SRL)" in result.output


def test_format_and_o_suffix_that_disagree_are_refused(workspace, tmp_path):
    result = cli("statement", "K001", "--format", "pdf", "-o", str(tmp_path / "x.html"))

    assert result.exit_code == 2
    assert "is a .html file, but --format is pdf" in result.output


def test_the_language_a_person_set_for_the_customer_wins_over_the_customer_master(workspace):
    assert cli("customer", "set", "K001", "--language", "en").exit_code == 0

    html = statement_html(workspace, "K001")

    assert "<h1 style=\"font-size: 13pt\">Statement of account as of 26 November 2026</h1>" in html
    # English words; amounts as Babel writes them in en_BE (English in the company's country), as the letters do
    assert rows(html)[-2] == ["Balance as of 26 November 2026", "994,00 €"]


def test_a_workspace_overrides_the_words_of_one_language(workspace):
    shipped = Path(__file__).resolve().parents[1] / "templates" / "statement" / "nl" / "words.j2"
    own = workspace / "templates" / "statement" / "nl" / "words.j2"
    own.parent.mkdir(parents=True)
    own.write_text(shipped.read_text(encoding="utf-8").replace('"Rekeninguittreksel op "', '"Uw rekening op "'),
                   encoding="utf-8")

    assert "<h1 style=\"font-size: 13pt\">Uw rekening op 26 november 2026</h1>" in statement_html(workspace, "K001")


def test_pdf_without_weasyprint_is_a_usage_error_saying_how_to_get_it(workspace, monkeypatch):
    from arctl.render import pdf

    monkeypatch.setattr(pdf, "unavailable", lambda: "letters are written as HTML only: PDF needs WeasyPrint and "
                        "pypdf (weasyprint is not installed); install them with `pip install 'arctl[pdf]'`")

    result = cli("statement", "K001", "--as-of", AS_OF, "--format", "pdf")

    assert result.exit_code == 2
    assert "pip install 'arctl[pdf]'" in result.output


# --- how to pay: reference and QR code ------------------------------------------------------------------------


def test_one_invoice_to_pay_is_asked_with_its_own_reference_and_the_qr_code_names_balance_and_reference(workspace):
    from qr_check import assert_epc, decode_qr, raster_of_svg

    pytest.importorskip("zxingcpp", reason="zxing-cpp (the QR reader) is not installed: pip install -e '.[test]'")
    html = statement_html(workspace, "K002")

    assert "avec la communication structurée <strong>+++202/6012/00063+++</strong>" in html
    text, _ = decode_qr(raster_of_svg(html))
    # the closing balance 202,50 € and 2026-0120's own OGM
    assert_epc(text, bic="GKCCBEBB", name="Voorbeeld BV", iban=ACCOUNT, amount_cents=20250,
               reference="202601200063")


def test_several_items_are_asked_by_their_invoice_numbers_which_reconcile_finds(workspace):
    from qr_check import decode_qr, epc_fields, raster_of_svg

    pytest.importorskip("zxingcpp", reason="zxing-cpp (the QR reader) is not installed: pip install -e '.[test]'")
    html = statement_html(workspace, "K001")

    fields = epc_fields(decode_qr(raster_of_svg(html))[0])
    # no reference recorded covers 2026-0101, 2026-0130 and credit note 2026-0135 together: the balance
    # 994.00 with the invoice numbers as remittance text
    assert (fields.amount, fields.reference, fields.text) == ("EUR994.00", "", "2026-0101 2026-0130")
    assert "met vermelding van 2026-0101 2026-0130." in html


def add_bank(root: Path, name: str, *entries: str) -> None:
    (root / "exports" / name).write_text(BANK.split("<Ntry>")[0].replace("<Id>S1</Id>", f"<Id>{name}</Id>")
                                         + "".join(entries) + "</Stmt></BkToCstmrStmt></Document>", encoding="utf-8")
    for args in (("import", "--kind", "bank", f"exports/{name}"), ("reconcile",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output


def test_paying_what_the_qr_code_asks_with_its_text_settles_the_balance(workspace):
    # Peeters pays the 994.00 quoting "2026-0101 2026-0130" as the statement asks: reconcile finds the invoice
    # numbers (payer confirmed by its IBAN) and pays the oldest first: 710.00 on 2026-0101, 284.00 on 2026-0130;
    # 605.00 - 284.00 = 321.00 open, less credit note 121.00 and the 200.00 not allocated = 0.00
    add_bank(workspace, "bank-12.xml", entry("REF-5", "994.00", day="2026-11-25", name="BAKKERIJ PEETERS",
                                             iban=PEETERS_IBAN, text="2026-0101 2026-0130"))

    table = rows(statement_html(workspace, "K001"))

    assert table[-1] == ["Saldo op 26 november 2026", "€ 0,00"]


def test_nothing_due_means_no_qr_code(workspace):
    # 2026-0120's 202.50 paid with its reference: K002 owes nothing
    add_bank(workspace, "bank-12.xml", entry("REF-9", "202.50", day="2026-11-24", name="BOULANGERIE DUBOIS",
                                             structured="202601200063"))

    html = statement_html(workspace, "K002")

    assert "<svg" not in html
    assert "Vous n'avez rien à payer." in html
    assert rows(html)[-1] == ["Solde au 26 novembre 2026", "0,00 €"]


# --- golden files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("customer", "language"), [("K001", "nl"), ("K002", "fr")])
def test_the_statement_renders_as_its_golden_file(workspace, customer, language, request):
    html = statement_html(workspace, customer)
    path = GOLDEN / f"{language}-{customer}.html"
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")

    assert path.read_text(encoding="utf-8") == html, f"{path} differs (pytest --update-golden to review)"


# --- PDF ------------------------------------------------------------------------------------------------------


@pytest.mark.requires_pdf
@pytest.mark.requires_poppler
def test_the_pdf_statement_has_the_lines_and_the_balance(workspace):
    result = cli("statement", "K001", "--as-of", AS_OF, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"reports/{AS_OF}/statement-K001.pdf"

    text = subprocess.run(["pdftotext", "-layout", str(workspace / result.stdout.strip()), "-"], check=True,
                          capture_output=True, text=True).stdout

    assert "Rekeninguittreksel op 26 november 2026" in text
    assert re.search(r"Creditnota\s+(?:\S+\s+)*?2026-0135", text)
    assert "Saldo op 26 november 2026" in text and "€ 994,00" in text


@pytest.mark.requires_pdf
@pytest.mark.requires_poppler
def test_the_qr_code_printed_on_the_pdf_statement_scans_to_the_balance_and_reference(workspace):
    import io

    import numpy as np
    from PIL import Image

    from conftest import pdf_page_png
    from qr_check import assert_epc, decode_qr

    pytest.importorskip("zxingcpp", reason="zxing-cpp (the QR reader) is not installed: pip install -e '.[test]'")
    result = cli("statement", "K002", "--as-of", AS_OF, "--format", "pdf")
    assert result.exit_code == 0, result.output
    page = np.array(Image.open(io.BytesIO(pdf_page_png((workspace / result.stdout.strip()).read_bytes(), dpi=200)))
                    .convert("L"))

    text, level = decode_qr(page)

    assert level == "M"
    # 202,50 € (302.50 - 100.00) with 2026-0120's own OGM +++202/6012/00063+++
    assert_epc(text, bic="GKCCBEBB", name="Voorbeeld BV", iban=ACCOUNT, amount_cents=20250,
               reference="202601200063")
