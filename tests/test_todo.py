"""`arctl todo`: the list of what waits for a person, one kind per test on a small Belgian workspace, each item
with the command that settles it, and the list written as JSON, XLSX and CSV.

The bank statement is camt.053.001.02 written from the ISO 20022 message definition (Ntry/Amt, CdtDbtInd,
BookgDt, AcctSvcrRef, RltdPties, RmtInf), as the Belgian banks send them.
"""

from __future__ import annotations

import csv
import json
import textwrap

import openpyxl
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.workflows import load_workspace, open_store

pytestmark = pytest.mark.state

ACCOUNT = "BE05068123456775"
PEETERS_IBAN = "BE48001123456727"

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50
    2026-0044,K002,Garage Janssens NV,2026-10-06,2026-11-05,EUR,99.00,99.00
    2026-0046,K003,Drukkerij Maes BV,2026-10-12,2026-11-11,EUR,75.00,75.00
    2026-0047,K001,Bakkerij Peeters BV,2026-10-14,2026-11-13,EUR,75.00,75.00
    2026-0050,K004,Anna Schmidt,2026-10-01,2026-10-15,EUR,120.00,120.00
    2026-0051,K005,Jan Modaal,2026-10-01,2026-10-15,EUR,80.00,80.00
    """

# K003 prefers letters: its reminders go by letter. K004 is a German consumer and K005 a consumer whose
# country the export does not give: arctl knows consumer rules of BE and NL only.
CUSTOMERS = f"""\
    Customer ID,Name,Email,Language,Country,Consumer,IBAN,Channel,Street,Postal Code,City
    K001,Bakkerij Peeters BV,info@peeters.example.be,nl,BE,no,{PEETERS_IBAN},,Markt 1,2000,Antwerpen
    K002,Garage Janssens NV,boekhouding@janssens.example.be,nl,BE,no,,,Steenweg 2,3000,Leuven
    K003,Drukkerij Maes BV,factuur@maes.example.be,nl,BE,no,,letter,Kaai 3,9000,Gent
    K004,Anna Schmidt,anna@schmidt.example.de,de,DE,yes,,,Hauptstraße 4,10115,Berlin
    K005,Jan Modaal,jan@modaal.example.nl,nl,,yes,,,Dorpsstraat 5,1234 AB,Ergens
    """


def entry(ref_id: str, amount: str, *, day: str, name: str, iban: str = "", text: str = "") -> str:
    account = f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>" if iban else ""
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref_id}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>{account}</RltdPties>"
            f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>")


def statement(*entries: str) -> str:
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-20T08:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>S1</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{''.join(entries)}"
            "</Stmt></BkToCstmrStmt></Document>")


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-20")


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def done(*args: str) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.output


def todo(as_of: str, *args: str) -> dict:
    result = cli("todo", "--json", "--as-of", as_of, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def of_kind(document: dict, kind: str) -> list[dict]:
    return [item for item in document["items"] if item["kind"] == kind]


def with_bank(root, *entries: str) -> None:
    (root / "exports" / "bank-11.xml").write_text(statement(*entries), encoding="utf-8")
    done("import", "--kind", "bank", "--as-of", "2026-11-20", "exports/bank-11.xml")
    done("reconcile")


def write_plan(root, text: str) -> None:
    (root / "plans").mkdir(exist_ok=True)
    (root / "plans" / "standard.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


# --- the list as a whole ---------------------------------------------------------------------------------------


def test_the_list_counts_every_kind_and_lists_only_the_consumers_before_anything_happened(workspace):
    document = todo("2026-11-20")

    assert document["as_of"] == "2026-11-20"
    assert list(document["counts"]) == ["suggested_match", "unmatched_credit", "promise_broken", "callback_due",
                                        "dispute_overdue", "payment_plan_missed", "delivery_failed",
                                        "letter_to_print", "no_plan"]
    assert {kind for kind, n in document["counts"].items() if n} == {"no_plan"}


def test_a_list_with_items_exits_0_and_with_fail_if_any_exits_1(workspace):
    assert cli("todo", "--as-of", "2026-11-20").exit_code == 0
    assert cli("todo", "--as-of", "2026-11-20", "--fail-if-any").exit_code == 1


def test_an_empty_list_says_so_and_exits_0_also_with_fail_if_any(workspace):
    done("hold", "K004", "--reason", "other", "--as-of", "2026-11-20")
    done("customer", "set", "K005", "--plan", "consumer-nl")

    result = cli("todo", "--as-of", "2026-11-20", "--fail-if-any")

    assert result.exit_code == 0, result.output
    assert "nothing waits for a person as of 2026-11-20" in result.output


def test_the_terminal_groups_the_items_by_kind_with_their_count(workspace):
    result = cli("todo", "--as-of", "2026-11-20")

    assert "Customers no dunning plan reaches (2)" in result.output
    assert "2 item(s) wait for a person as of 2026-11-20: 2 no_plan" in result.output


# --- bank credits ----------------------------------------------------------------------------------------------


def test_a_suggested_match_lists_its_candidates_and_the_match_command(workspace):
    # 75.00 from Maes by name only, while Peeters is owed 75.00 too: the matcher suggests, a person decides
    with_bank(workspace, entry("REF-4", "75.00", day="2026-11-19", name="DRUKKERIJ MAES", text="betaling"))

    [item] = of_kind(todo("2026-11-20"), "suggested_match")

    assert (item["customer_id"], item["subject"], item["amount"], item["currency"], item["since"]) == (
        "K003", f"{ACCOUNT}:REF-4", "75.00", "EUR", "2026-11-19")
    assert item["candidates"] == ["2026-0046"]
    assert item["command"] == f"arctl match {ACCOUNT}:REF-4 2026-0046"


def test_a_credit_nobody_owes_is_left_to_a_person_with_the_match_command(workspace):
    with_bank(workspace, entry("REF-5", "55.00", day="2026-11-20", name="FOD FINANCIEN",
                               text="Terugbetaling belasting"))

    [item] = of_kind(todo("2026-11-20"), "unmatched_credit")

    assert (item["customer_id"], item["amount"], item["since"]) == (None, "55.00", "2026-11-20")
    assert item["why"] == "FOD FINANCIEN paid €\u00a055,00 (Terugbetaling belasting): no invoice found for it"
    assert item["command"] == f"arctl match {ACCOUNT}:REF-5 INVOICE"


def test_what_a_customer_paid_beyond_the_invoice_is_left_to_a_person_with_its_amount(workspace):
    # 1250.00 for invoice 2026-0042 of 1210.00: 40.00 beyond it
    with_bank(workspace, entry("REF-6", "1250.00", day="2026-11-18", name="BAKKERIJ PEETERS", iban=PEETERS_IBAN,
                               text="factuur 2026-0042"))

    [item] = of_kind(todo("2026-11-20"), "unmatched_credit")

    assert (item["customer_id"], item["amount"]) == ("K001", "40.00")
    assert item["command"] == f"arctl match {ACCOUNT}:REF-6 INVOICE --amount 40.00"


# --- promises and callbacks ------------------------------------------------------------------------------------


def test_a_promise_that_ran_out_unpaid_is_listed_from_the_promised_day(workspace):
    done("promise", "2026-0042", "--until", "2026-11-25", "--note", "by phone", "--as-of", "2026-11-20")

    [item] = of_kind(todo("2026-11-26"), "promise_broken")

    assert (item["customer_id"], item["subject"], item["amount"], item["since"]) == (
        "K001", "2026-0042", "1210.00", "2026-11-25")
    assert item["command"] == 'arctl note K001 "..." --call --outcome ...'


def test_a_promise_still_holds_on_its_promised_day(workspace):
    done("promise", "2026-0042", "--until", "2026-11-25", "--as-of", "2026-11-20")

    assert of_kind(todo("2026-11-25"), "promise_broken") == []


def test_a_note_written_after_the_promised_day_settles_the_broken_promise(workspace):
    done("promise", "2026-0042", "--until", "2026-11-25", "--as-of", "2026-11-20")
    done("note", "K001", "pays on Monday", "--call", "--outcome", "no_answer", "--as-of", "2026-11-26")

    assert of_kind(todo("2026-11-26"), "promise_broken") == []


def test_a_promise_made_on_the_phone_covers_the_invoices_overdue_that_day(workspace):
    # on 2026-11-20 both of Janssens' invoices (due 2026-11-04 and 2026-11-05) were overdue: 302.50 + 99.00
    done("note", "K002", "pays both", "--outcome", "promise", "--until", "2026-11-23", "--as-of", "2026-11-20")

    [item] = of_kind(todo("2026-11-24"), "promise_broken")

    assert (item["customer_id"], item["subject"], item["amount"], item["since"]) == (
        "K002", "2026-0043 2026-0044", "401.50", "2026-11-23")


def test_a_callback_is_listed_on_its_day_with_what_the_customer_owes(workspace):
    done("note", "K002", "call the manager back", "--outcome", "callback", "--until", "2026-11-24",
         "--as-of", "2026-11-20")

    assert of_kind(todo("2026-11-23"), "callback_due") == []
    [item] = of_kind(todo("2026-11-24"), "callback_due")

    assert (item["customer_id"], item["amount"], item["since"]) == ("K002", "401.50", "2026-11-24")
    assert item["command"] == 'arctl note K002 "..." --call --outcome ...'


# --- disputes and payment plans --------------------------------------------------------------------------------


def test_a_dispute_is_listed_once_it_is_open_longer_than_the_default_30_days(workspace):
    done("dispute", "open", "2026-0043", "--reason", "delivered late", "--as-of", "2026-11-20")

    # 2026-11-20 + 30 days = 2026-12-20: open exactly 30 days, still within what the plan allows
    assert of_kind(todo("2026-12-20"), "dispute_overdue") == []
    [item] = of_kind(todo("2026-12-21"), "dispute_overdue")

    assert (item["subject"], item["amount"], item["since"]) == ("2026-0043", "302.50", "2026-11-20")
    assert item["command"] == 'arctl dispute close 2026-0043 --note "..."'


def test_a_plan_sets_how_long_a_dispute_may_stay_open(workspace):
    write_plan(workspace, """\
        name: Short disputes
        dispute_max_days: 10
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
        """)
    done("dispute", "open", "2026-0043", "--reason", "delivered late", "--as-of", "2026-11-20")

    # 2026-11-20 + 11 days = 2026-12-01: one day more than the plan's 10
    [item] = of_kind(todo("2026-12-01"), "dispute_overdue")

    assert "plan standard allows 10" in item["why"]


def test_a_plan_refuses_a_dispute_limit_that_is_not_a_number_of_days(workspace):
    write_plan(workspace, """\
        name: Short disputes
        dispute_max_days: two weeks
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
        """)

    result = cli("plan", "check", "standard")

    assert result.exit_code == 2, result.output
    assert 'dispute_max_days: expected a whole number of days, at least 1, got "two weeks"' in result.output


def test_a_payment_plan_with_a_missed_installment_is_listed_with_the_cancel_command(workspace):
    # 401.50 in 2 installments: 200.75 due 2026-11-25; missed once 7 days of grace have passed (2026-12-02)
    done("payplan", "create", "K002", "--invoices", "2026-0043", "--invoices", "2026-0044", "--installments", "2",
         "--first", "2026-11-25", "--as-of", "2026-11-20")

    assert of_kind(todo("2026-12-01"), "payment_plan_missed") == []
    [item] = of_kind(todo("2026-12-02"), "payment_plan_missed")

    assert (item["customer_id"], item["amount"], item["since"]) == ("K002", "200.75", "2026-11-25")
    assert item["command"] == "arctl payplan cancel K002"


# --- documents -------------------------------------------------------------------------------------------------


@pytest.fixture
def dunned(workspace):
    """The workspace after a dunning run on 2026-11-20 (the bank statement of that day imported)."""
    with_bank(workspace, entry("REF-9", "1.00", day="2026-11-20", name="FOD FINANCIEN", text="interest"))
    done("dunning", "run", "--as-of", "2026-11-20")
    return workspace


def test_a_letter_waiting_to_be_printed_is_listed_until_it_is_recorded_as_posted(dunned):
    [letter] = of_kind(todo("2026-11-20"), "letter_to_print")

    assert (letter["customer_id"], letter["since"]) == ("K003", "2026-11-20")
    assert letter["command"] == "arctl outbox printed 2026-11-20 --day 2026-11-20"
    done("outbox", "printed", "2026-11-20", "--day", "2026-11-20", "--as-of", "2026-11-20")
    assert of_kind(todo("2026-11-20"), "letter_to_print") == []


def mark(root, customer: str, status: str, answer: str) -> int:
    store = open_store(load_workspace(root, root, None))
    try:
        document = next(d for d in store.outbox_documents() if d["customer_id"] == customer)
        store.mark_delivery(document, status, answer=answer)
        return store.delivery(document["document"])["id"]
    finally:
        store.close()


def test_an_email_the_server_refused_is_listed_with_its_answer_and_the_send_command(dunned):
    mark(dunned, "K001", "failed", "550 5.1.1 mailbox unavailable")

    [item] = of_kind(todo("2026-11-20"), "delivery_failed")

    assert item["customer_id"] == "K001"
    assert "550 5.1.1 mailbox unavailable" in item["why"]
    assert item["command"] == "arctl outbox send 2026-11-20"


def test_an_email_whose_fate_is_unknown_is_listed_with_the_resolve_command(dunned):
    key = mark(dunned, "K001", "unknown", "the run stopped while this message was being sent")

    [item] = of_kind(todo("2026-11-20"), "delivery_failed")

    assert item["command"] == f"arctl outbox resolve {key} --sent"


# --- customers no plan reaches ---------------------------------------------------------------------------------


def test_a_consumer_of_a_country_without_consumer_rules_is_left_to_a_person_until_put_on_hold(workspace):
    [item] = [i for i in of_kind(todo("2026-11-20"), "no_plan") if i["customer_id"] == "K004"]

    assert (item["subject"], item["amount"], item["since"]) == ("2026-0050", "120.00", "2026-10-15")
    assert item["command"] == 'arctl hold K004 --reason other --note "dunned by a person"'
    done("hold", "K004", "--reason", "other", "--note", "dunned by a person", "--as-of", "2026-11-20")
    assert [i["customer_id"] for i in of_kind(todo("2026-11-20"), "no_plan")] == ["K005"]


def test_a_consumer_of_unknown_country_is_given_a_consumer_plan(workspace):
    [item] = [i for i in of_kind(todo("2026-11-20"), "no_plan") if i["customer_id"] == "K005"]

    assert item["command"] == "arctl customer set K005 --plan consumer-be"
    done("customer", "set", "K005", "--plan", "consumer-nl")
    assert [i["customer_id"] for i in of_kind(todo("2026-11-20"), "no_plan")] == ["K004"]


# --- the list as a file ----------------------------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def formula_workspace(invoices_and_customers_workspace):
    """A promise of a customer whose name a spreadsheet would run as a formula."""
    root = invoices_and_customers_workspace(
        INVOICES.replace("Bakkerij Peeters BV", FORMULA_NAME.replace('"', '""').join('""')),
        CUSTOMERS.replace("Bakkerij Peeters BV", FORMULA_NAME.replace('"', '""').join('""')), as_of="2026-11-20")
    done("hold", "K004", "--reason", "other", "--as-of", "2026-11-20")
    done("customer", "set", "K005", "--plan", "consumer-nl")
    done("promise", "2026-0042", "--until", "2026-11-25", "--as-of", "2026-11-20")
    return root


def test_the_xlsx_has_a_frozen_header_an_autofilter_numbers_dates_and_no_formula(formula_workspace, tmp_path):
    import datetime as dt

    target = tmp_path / "todo.xlsx"
    done("todo", "--as-of", "2026-11-26", "-o", str(target))

    sheet = openpyxl.load_workbook(target).active
    header = [c.value for c in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:J2")
    assert (row["customer_name"].value, row["customer_name"].data_type) == (FORMULA_NAME, "s")
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    assert (row["amount"].value, row["amount"].data_type, row["amount"].number_format) == (1210, "n", "#,##0.00")
    assert row["since"].value == dt.datetime(2026, 11, 25)


def test_the_csv_writes_a_formula_like_name_as_text_and_the_amount_in_the_locale(formula_workspace, tmp_path):
    target = tmp_path / "todo.csv"
    done("todo", "--as-of", "2026-11-26", "-o", str(target))

    [row] = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert row["customer_name"] == "'" + FORMULA_NAME
    assert (row["amount"], row["since"]) == ("1210,00", "2026-11-25")


def test_the_json_file_is_the_json_document(formula_workspace, tmp_path):
    target = tmp_path / "todo.json"
    done("todo", "--as-of", "2026-11-26", "-o", str(target))

    assert json.loads(target.read_text(encoding="utf-8")) == todo("2026-11-26")


def test_another_file_type_is_refused(workspace):
    result = cli("todo", "--as-of", "2026-11-26", "-o", "todo.pdf")

    assert result.exit_code == 2
    assert "-o todo.pdf: expected a .xlsx, .csv or .json file" in result.output


def test_the_terminal_shows_a_name_with_markup_as_written(invoices_and_customers_workspace):
    invoices_and_customers_workspace(INVOICES.replace("Bakkerij Peeters BV", "[red]Peeters[/red]"),
                                     CUSTOMERS.replace("Bakkerij Peeters BV", "[red]Peeters[/red]"),
                                     as_of="2026-11-20")
    done("promise", "2026-0042", "--until", "2026-11-25", "--as-of", "2026-11-20")

    result = cli("todo", "--as-of", "2026-11-26")

    assert "[red]Peeters[/red]" in result.output
