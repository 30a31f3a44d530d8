"""How a dunning document asks to be paid: the invoice's reference, or one made for the document that
`arctl reconcile` recognises; the copy of the invoice attached or linked where the export gives one."""

from __future__ import annotations

import datetime as dt
import email
import json
import textwrap
from email import policy

import pandas as pd
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.dunning.references import ReferenceBook, derived, document_identity
from arctl.model import Action, ActionLine
from arctl.reconcile.open_items import open_items
from arctl.render.dunning import Party, document_for
from arctl.render.email import email_bytes, with_attachments
from arctl.workflows import load_workspace, open_store
from state_check import state_engine

pytestmark = pytest.mark.state

AS_OF = dt.date(2026, 11, 20)


def ogm_check_holds(digits: str) -> bool:
    """The OGM/VCS rule (REFERENCE.md §6): the last two digits are the first ten mod 97, 97 for 0."""
    return len(digits) == 12 and digits.isdigit() and (int(digits[:10]) % 97 or 97) == int(digits[10:])


def rf_check_holds(reference: str) -> bool:
    """ISO 11649: move RF and the check digits to the end, letters to numbers (A=10 ... Z=35), mod 97 gives 1."""
    moved = reference[4:] + reference[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def line(invoice, due, amount, reference=""):
    return ActionLine(invoice, due, amount, "Bakkerij Peeters BV", reference)


def action(*lines, credits=(), customer="K001"):
    return Action("step", customer, "standard", "friendly", "email", "email", "EUR", tuple(lines),
                  sum(item.open_amount for item in lines), credits=tuple(credits))


def book(scheme="ogm", recorded=()):
    return ReferenceBook(scheme, pd.DataFrame({"invoice_id": ["2026-0042", "2026-0045"],
                                               "reference": ["+++090/9337/55493+++", ""]}), recorded)


# --- one invoice: its own reference, else the one derived from its number -------------------------------


def test_a_document_for_one_invoice_shows_the_invoices_own_reference():
    # 0909337554 mod 97 = 93 (97 × 9374613 = 909337461, 909337554 − 909337461 = 93): the check digits are 93
    reference = book().for_action(action(line("2026-0042", dt.date(2026, 9, 30), 121000, "+++090/9337/55493+++")),
                                  AS_OF)

    assert reference is not None
    assert (reference.printed, reference.covers) == ("+++090/9337/55493+++", ())


def test_a_belgian_companys_document_for_an_invoice_without_a_reference_shows_the_ogm_of_its_number():
    # 2026-0043 -> 20260043 -> base 0020260043; 20260043 mod 97 = 41 (97 × 208866 = 20260002): check 41
    reference = book().for_action(action(line("2026-0043", dt.date(2026, 10, 20), 30250)), AS_OF)

    assert reference is not None and reference.printed == "+++002/0260/04341+++"


def test_elsewhere_the_document_shows_the_rf_reference_of_the_invoice_number():
    # ISO 11649: body 20260043 + "RF00" as digits (R=27, F=15) = 20260043271500; mod 97 = 37; check = 98 − 37 = 61
    reference = book("rf").for_action(action(line("2026-0043", dt.date(2026, 10, 20), 30250)), AS_OF)

    assert reference is not None and reference.printed == "RF61 2026 0043"


def test_an_invoice_reference_whose_check_digits_fail_is_not_shown_the_derived_one_is():
    # +++090/9337/55494+++ fails (the check is 93); 2026-0042 -> base 0020260042, 20260042 mod 97 = 40
    reference = book().for_action(action(line("2026-0042", dt.date(2026, 9, 30), 121000, "+++090/9337/55494+++")),
                                  AS_OF)

    assert reference is not None and reference.printed == "+++002/0260/04240+++"


# --- several invoices: a reference made for the document --------------------------------------------------


def test_a_document_for_several_invoices_gets_a_valid_ogm_of_its_own_paying_them_oldest_first():
    document = action(line("2026-0045", dt.date(2026, 10, 15), 60500),
                      line("2026-0042", dt.date(2026, 9, 30), 121000, "+++090/9337/55493+++"))

    reference = book().for_action(document, AS_OF)

    assert reference is not None and reference.kind == "ogm" and ogm_check_holds(reference.value)
    assert reference.printed == f"+++{reference.value[:3]}/{reference.value[3:7]}/{reference.value[7:]}+++"
    assert reference.covers == ("2026-0042", "2026-0045")


def test_outside_belgium_the_documents_own_reference_is_a_valid_rf():
    document = action(line("2026-0042", dt.date(2026, 9, 30), 121000), line("2026-0045", dt.date(2026, 10, 15), 60500))

    reference = book("rf").for_action(document, AS_OF)

    assert reference is not None and reference.kind == "rf" and rf_check_holds(reference.value)
    assert reference.value.startswith("RF") and len(reference.value) == 14   # RF + 2 check digits + 10 digits


def test_a_document_with_a_credit_note_gets_its_own_reference_covering_the_credit_note_too():
    credit = ActionLine("CN-2026-0007", dt.date(2026, 10, 1), -10000, "Bakkerij Peeters BV")

    reference = book().for_action(action(line("2026-0042", dt.date(2026, 9, 30), 121000), credits=[credit]), AS_OF)

    assert reference is not None and reference.covers == ("2026-0042", "CN-2026-0007")


def test_the_documents_reference_is_the_same_in_every_run_of_the_day():
    document = action(line("2026-0042", dt.date(2026, 9, 30), 121000), line("2026-0045", dt.date(2026, 10, 15), 60500))

    assert book().for_action(document, AS_OF) == book().for_action(document, AS_OF)


def test_a_reference_already_recorded_for_another_document_is_never_given_again():
    document = action(line("2026-0042", dt.date(2026, 9, 30), 121000), line("2026-0045", dt.date(2026, 10, 15), 60500))
    first = derived(document_identity(document, AS_OF), 0, "ogm")

    reference = book(recorded=[first]).for_action(document, AS_OF)

    assert reference is not None and (reference.kind, reference.value) != first and ogm_check_holds(reference.value)


# --- in a workspace: recorded with the action, recognised by reconcile -----------------------------------

ACCOUNT = "BE05068123456775"
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference,PDF
    2026-0042,K001,Peeters BV,2026-09-01,2026-09-30,EUR,1210.00,1210.00,+++090/9337/55493+++,invoices/2026-0042.pdf
    2026-0045,K001,Peeters BV,2026-09-15,2026-10-15,EUR,605.00,605.00,,invoices/2026-0045.pdf
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-10-20,EUR,302.50,302.50,,https://portal.example.be/f/2026-0043.pdf
    """
CUSTOMERS = """\
    Customer ID,Name,Email
    K001,Bakkerij Peeters BV,boekhouding@peeters.example.be
    K002,Garage Janssens NV,info@janssens.example.be
    """


def statement(*entries: str, statement_id: str = "S1") -> str:
    """A camt.053.001.02 statement (ISO 20022 BkToCstmrStmt), one Ntry per entry."""
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-20T08:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{''.join(entries)}"
            "</Stmt></BkToCstmrStmt></Document>")


def credit(ref_id: str, amount: str, structured: str, day: str = "2026-11-19") -> str:
    """A credit quoting a structured creditor reference (RmtInf/Strd/CdtrRefInf/Ref)."""
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref_id}</AcctSvcrRef><NtryDtls><TxDtls>"
            "<RltdPties><Dbtr><Nm>BAKKERIJ PEETERS</Nm></Dbtr></RltdPties>"
            f"<RmtInf><Strd><CdtrRefInf><Ref>{structured}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>")


def fee(day: str) -> str:
    return (f"<Ntry><Amt Ccy=\"EUR\">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt>"
            f"</BookgDt><AcctSvcrRef>FEE-{day}</AcctSvcrRef></Ntry>")


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "invoices").mkdir()
    (tmp_path / "invoices" / "2026-0042.pdf").write_bytes(b"%PDF-1.4 invoice 2026-0042\n")
    (tmp_path / "exports" / "open_invoices.csv").write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    (tmp_path / "exports" / "customers.csv").write_text(textwrap.dedent(CUSTOMERS), encoding="utf-8")
    (tmp_path / "exports" / "bank.xml").write_text(statement(fee("2026-11-19")), encoding="utf-8")
    (tmp_path / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775, bic: GKCCBEBB}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
          - path: exports/bank.xml
            kind: bank
        """), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-11-20"]).exit_code == 0
    return tmp_path


def run(as_of: str = "2026-11-20"):
    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def stored_references(root):
    store = open_store(load_workspace(root, root, None))
    try:
        return store.document_references()
    finally:
        store.close()


def open_amounts(root):
    store = open_store(load_workspace(root, root, None))
    try:
        items = open_items(store.invoice_items(), store.applied_allocations())
        return dict(zip(items["invoice_id"], items["open_amount"], strict=True))
    finally:
        store.close()


def pay(root, amount: str, reference: str):
    (root / "exports" / "S2.xml").write_text(statement(credit("PAY-1", amount, reference), statement_id="S2"),
                                             encoding="utf-8")
    assert CliRunner().invoke(app, ["import", "--kind", "bank", "exports/S2.xml"]).exit_code == 0
    result = CliRunner().invoke(app, ["reconcile", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def document_reference(outcome) -> str:
    [k001] = [a for a in outcome["actions"] if a["customer_id"] == "K001"]
    return k001["reference"].strip("+").replace("/", "")


def test_the_run_records_the_reference_of_a_document_for_several_invoices_and_prints_it(workspace):
    outcome = run()

    [k001] = [a for a in outcome["actions"] if a["customer_id"] == "K001"]
    digits = document_reference(outcome)
    assert ogm_check_holds(digits)
    assert stored_references(workspace) == {("ogm", digits): ("2026-0042", "2026-0045")}
    mail = (workspace / k001["documents"][0]).read_bytes().decode("utf-8")
    assert k001["reference"] in email.message_from_string(mail, policy=policy.default).get_body(
        ("plain",)).get_content().replace("\n", "")


def test_a_payment_quoting_the_documents_reference_pays_its_invoices(workspace):
    digits = document_reference(run())

    answer = pay(workspace, "1815.00", digits)

    assert [(m["invoice_id"], m["amount"], m["status"]) for m in answer["matches"]] == [
        ("2026-0042", "1210.00", "auto"), ("2026-0045", "605.00", "auto")]
    assert open_amounts(workspace) == {"2026-0042": 0, "2026-0045": 0, "2026-0043": 30250}


def test_a_partial_payment_of_the_document_pays_the_oldest_invoice_first(workspace):
    digits = document_reference(run())

    pay(workspace, "1500.00", digits)

    # 1500.00 − 1210.00 (2026-0042, due 2026-09-30) leaves 290.00 for 2026-0045: 605.00 − 290.00 = 315.00 open
    assert open_amounts(workspace) == {"2026-0042": 0, "2026-0045": 31500, "2026-0043": 30250}


def test_paying_more_than_the_document_pays_its_invoices_and_leaves_the_excess_unallocated(workspace):
    digits = document_reference(run())

    answer = pay(workspace, "1900.00", digits)

    assert open_amounts(workspace)["2026-0042"] == 0 and open_amounts(workspace)["2026-0045"] == 0
    assert [(e["bank_txn"].rsplit("-", 1)[-1], e["amount"]) for e in answer["excess"]] == [("1", "85.00")]


def test_a_second_run_the_same_day_records_no_second_reference(workspace):
    first = run()

    second = run()

    assert second["actions"] == []
    assert stored_references(workspace) == {("ogm", document_reference(first)): ("2026-0042", "2026-0045")}


def test_a_version_8_database_gains_the_document_references_keeping_its_history(workspace):
    from sqlalchemy import text

    from arctl.state.schema import SCHEMA_VERSION

    run()
    engine = state_engine(workspace)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE document_references"))
        connection.execute(text("UPDATE meta SET value = '8' WHERE key = 'schema_version'"))
    engine.dispose()

    second = run()

    assert second["actions"] == []   # the history of version 8 is kept: nothing is sent twice
    assert stored_references(workspace) == {}
    with engine.connect() as connection:
        version = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    assert version == str(SCHEMA_VERSION)


# --- copies of the invoices ---------------------------------------------------------------------------------


def test_a_copy_of_the_invoice_in_the_workspace_is_attached_to_the_email(workspace):
    outcome = run()

    [k001] = [a for a in outcome["actions"] if a["customer_id"] == "K001"]
    message = email.message_from_bytes((workspace / k001["documents"][0]).read_bytes(), policy=policy.default)
    # beside the letter itself as PDF (where WeasyPrint is installed), named by the message: 2026-...K001....pdf
    [attached] = [part for part in message.iter_attachments() if not part.get_filename().startswith("2026-11")]
    assert (attached.get_filename(), attached.get_content_type()) == ("2026-0042.pdf", "application/pdf")
    assert attached.get_content() == b"%PDF-1.4 invoice 2026-0042\n"


def test_a_missing_copy_is_named_in_a_warning_and_the_email_still_goes(workspace):
    outcome = run()

    assert ("customer K001: the copy of invoice 2026-0045 (invoices/2026-0045.pdf) does not exist; the friendly "
            "e-mail goes without it; fix the invoice export's document column") in outcome["warnings"]
    assert any(a["customer_id"] == "K001" and a["documents"] for a in outcome["actions"])


def test_a_copy_outside_the_workspace_is_never_attached(workspace):
    invoices = (workspace / "exports" / "open_invoices.csv")
    invoices.write_text(invoices.read_text(encoding="utf-8").replace("invoices/2026-0045.pdf", "../../etc/passwd"),
                        encoding="utf-8")
    CliRunner().invoke(app, ["import", "--as-of", "2026-11-20"])

    outcome = run()

    assert any("the copy of invoice 2026-0045 (../../etc/passwd) is outside the workspace" in w
               for w in outcome["warnings"])


def test_an_invoice_online_is_linked_in_the_document():
    online = ActionLine("2026-0043", dt.date(2026, 10, 20), 30250, "Garage Janssens NV",
                        document="https://portal.example.be/f/2026-0043.pdf")

    document = document_for(action(online, customer="K002"), None, Party("Voorbeeld BV"), AS_OF, "nl_BE")

    assert document.invoices[0].link == "https://portal.example.be/f/2026-0043.pdf"


def test_attachments_are_added_as_parts_of_their_own_and_the_message_stays_the_same_bytes_each_time():
    message = email_bytes("Voorbeeld BV <ar@voorbeeld.example.be>", "info@janssens.example.be", "Payment reminder",
                          "Fri, 20 Nov 2026 09:00:00 +0100", "<m1@arctl.invalid>", "Please pay.\n")
    parts = [("2026-0043.pdf", b"%PDF-1.4\n", "application/pdf")]

    once, twice = with_attachments(message, parts), with_attachments(message, parts)

    assert once == twice
    parsed = email.message_from_bytes(once, policy=policy.default)
    assert parsed.get_body(("plain",)).get_content() == "Please pay.\n"
    assert [p.get_filename() for p in parsed.iter_attachments()] == ["2026-0043.pdf"]
    assert with_attachments(message, []) == message


# --- the matcher on its own: RF references outside Belgium ----------------------------------------------


def matcher_frames(reference_in_payment: str, amount: int):
    from test_reconcile import bank, invoices

    frame = invoices(("2026-0043", "K002", "Garage Janssens NV", 30250, "", "2026-10-20"),
                     ("2026-0050", "K002", "Garage Janssens NV", 45000, "", "2026-10-05"))
    return bank({"txn": "T1", "amount": amount, "name": "J. JANSSENS", "ref": reference_in_payment}), frame


def test_a_payment_quoting_the_rf_derived_from_an_invoice_number_pays_that_invoice():
    from arctl.reconcile.engine import reconcile

    # RF61 2026 0043, derived from invoice 2026-0043 (check digits worked out above)
    lines, frame = matcher_frames("RF6120260043", 30250)

    result = reconcile(lines, frame)

    assert [(m.invoice_id, m.amount, m.status) for m in result.matches] == [("2026-0043", 30250, "auto")]


def test_a_payment_quoting_a_documents_rf_pays_its_invoices_oldest_first():
    from arctl.reconcile.engine import reconcile

    value = derived("doc", 0, "rf")[1]
    lines, frame = matcher_frames(value, 50000)

    result = reconcile(lines, frame, documents={("rf", value): ("2026-0050", "2026-0043")})

    # 500.00: 450.00 to 2026-0050 (due 2026-10-05), the other 50.00 to 2026-0043 (due 2026-10-20)
    assert [(m.invoice_id, m.amount, m.status) for m in result.matches] == [
        ("2026-0050", 45000, "auto"), ("2026-0043", 5000, "auto")]


def test_a_statements_transfer_pays_the_items_its_reference_covers_not_a_disputed_one():
    from arctl.model import PaymentReference

    lines = (ActionLine("2026-0101", dt.date(2026, 10, 1), 121000),
             ActionLine("2026-0102", dt.date(2026, 10, 15), 30250, status="disputed"),
             ActionLine("2026-0103", dt.date(2026, 12, 15), 48400))
    statement = Action("statement", "K001", "standard", "monthly-statement", "email", "email", "EUR", lines,
                       121000 + 30250 + 48400,
                       payment_reference=PaymentReference("ogm", "090933755493", "+++090/9337/55493+++",
                                                          ("2026-0101", "2026-0103")))

    document = document_for(statement, None, Party("Voorbeeld BV", iban="BE05068123456775"), dt.date(2026, 11, 26),
                            "nl_BE")

    # 1,210.00 + 484.00: the disputed 302.50 is left out of what a transfer quoting the reference pays
    assert (document.payment.amount, document.payment.reference) == (169400, "090933755493")
