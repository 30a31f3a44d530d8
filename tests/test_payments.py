"""`arctl payments`: the bank credits of a workspace and what became of each, the open rest of the invoices they
paid in part, the returns and refunds, and the file a bookkeeper books them from; `reconcile -o` in a workspace.

The statements are camt.053.001.02 written from the ISO 20022 message definition (Ntry/Amt, CdtDbtInd,
RvslInd, BookgDt, AcctSvcrRef, RltdPties, RmtInf), as the Belgian banks send them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from arctl.cli import app

pytestmark = pytest.mark.state

ACCOUNT = "BE05068123456775"          # the company's own account
PEETERS_IBAN = "BE48001123456727"
JANSSENS_IBAN = "BE46735123456736"
UNKNOWN_IBAN = "NL91ABNA0417164300"   # J. Janssens pays from a private account the customer master does not know

# Structured references (OGM/VCS): ten digits and their remainder modulo 97 (97 when it is 0).
# 0909337554 = 97 x 9374613 + 93 -> +++090/9337/55493+++
# 2026004500 = 97 x 20886644 + 32 -> +++202/6004/50032+++
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00,+++090/9337/55493+++
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50,
    2026-0044,K002,Garage Janssens NV,2026-10-06,2026-11-05,EUR,99.00,99.00,
    2026-0045,K003,Drukkerij Maes BV,2026-10-10,2026-11-09,EUR,605.00,605.00,+++202/6004/50032+++
    2026-0046,K003,Drukkerij Maes BV,2026-10-12,2026-11-11,EUR,75.00,75.00,
    2026-0047,K001,Bakkerij Peeters BV,2026-10-14,2026-11-13,EUR,75.00,75.00,
    """

CUSTOMERS = f"""\
    Customer ID,Name,Email,Language,Country,IBAN
    K001,Bakkerij Peeters BV,info@peeters.example.be,nl,BE,{PEETERS_IBAN}
    K002,Garage Janssens NV,boekhouding@janssens.example.be,nl,BE,{JANSSENS_IBAN}
    K003,Drukkerij Maes BV,factuur@maes.example.be,nl,BE,
    """


def entry(ref_id, amount, *, day, credit=True, name="", iban="", structured="", text="", reversal=False):
    parties = ""
    if name or iban:
        side, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
        parties = (f"<RltdPties><{side}><Nm>{name}</Nm></{side}>"
                   + (f"<{account}><Id><IBAN>{iban}</IBAN></Id></{account}>" if iban else "") + "</RltdPties>")
    remittance = ""
    if structured:
        remittance = f"<RmtInf><Strd><CdtrRefInf><Ref>{structured}</Ref></CdtrRefInf></Strd></RmtInf>"
    elif text:
        remittance = f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>"
    return (f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt>" + ("<RvslInd>true</RvslInd>" if reversal else "")
            + f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>{ref_id}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls>{parties}{remittance}</TxDtls></NtryDtls></Ntry>")


def statement(*entries, statement_id="S1"):
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{''.join(entries)}"
            "</Stmt></BkToCstmrStmt></Document>")


NOVEMBER = statement(
    # 2026-0042 paid in full by its structured reference: the matcher allocates it
    entry("REF-1", "1210.00", day="2026-11-16", name="BAKKERIJ PEETERS", iban=PEETERS_IBAN,
          structured="090933755493"),
    # 2026-0043 paid from an account nobody knows, under a name that names no customer: a person allocates it
    entry("REF-2", "302.50", day="2026-11-17", name="J. JANSSENS", iban=UNKNOWN_IBAN, text="betaling"),
    # 200.00 of the 605.00 of 2026-0045, with its reference: 405.00 stays open
    entry("REF-3", "200.00", day="2026-11-18", name="DRUKKERIJ MAES", structured="202600450032"),
    # 75.00 from Maes by name only, while Peeters is owed 75.00 too: suggested, a person decides
    entry("REF-4", "75.00", day="2026-11-19", name="DRUKKERIJ MAES", text="betaling"),
    # a tax refund: no customer's payment at all
    entry("REF-5", "55.00", day="2026-11-20", name="FOD FINANCIEN", text="Terugbetaling belasting"),
    # a credit note refunded to Janssens' account: money going back to a customer
    entry("REF-6", "20.00", day="2026-11-20", credit=False, name="GARAGE JANSSENS NV", iban=JANSSENS_IBAN,
          text="terugbetaling creditnota"),
    # the company's own rent: a debit that is nobody's refund
    entry("REF-7", "950.00", day="2026-11-20", credit=False, name="IMMO CENTRUM", iban="BE71096123456769",
          text="huur november"),
)

@pytest.fixture
def morning(invoices_and_customers_workspace):
    """A workspace after the morning's work: the November statement imported and reconciled, REF-2 allocated by
    hand. `config`: more lines of arctl.yaml (its locale)."""
    def make(config: str = ""):
        root = invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-21", config=config,
                                                files={"exports/bank-11.xml": NOVEMBER})
        assert cli("import", "--kind", "bank", "--as-of", "2026-11-21", "exports/bank-11.xml").exit_code == 0
        assert cli("reconcile").exit_code == 0
        result = cli("match", f"{ACCOUNT}:REF-2", "2026-0043", "--force")  # J. JANSSENS pays for Garage Janssens NV
        assert result.exit_code == 0, result.output
        return root

    return make


@pytest.fixture
def workspace(morning):
    return morning()


def add_statement(root, name, *entries):
    (root / "exports" / name).write_text(statement(*entries, statement_id=name), encoding="utf-8")
    result = cli("import", "--kind", "bank", f"exports/{name}")
    assert result.exit_code == 0, result.output
    result = cli("reconcile")
    assert result.exit_code == 0, result.output


def cli(*args):
    return CliRunner().invoke(app, list(args))


def listed(*args):
    result = cli("payments", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_txn(document):
    return {p["bank_txn"].removeprefix(f"{ACCOUNT}:"): p for p in document["payments"]}


# --- how each credit was allocated ---------------------------------------------------------------------------


def test_a_credit_the_matcher_allocated_is_listed_as_auto_with_its_invoice(workspace):
    payment = by_txn(listed())["REF-1"]

    assert payment["status"] == "auto"
    assert [(a["invoice_id"], a["customer_id"], a["amount"], a["kind"], a["rule"]) for a in payment["allocations"]] \
        == [("2026-0042", "K001", "1210.00", "auto", "structured_reference")]
    assert (payment["booking_date"], payment["amount"], payment["currency"]) == ("2026-11-16", "1210.00", "EUR")


def test_a_credit_allocated_by_hand_is_listed_as_manual(workspace):
    payment = by_txn(listed())["REF-2"]

    assert payment["status"] == "manual"
    assert [(a["invoice_id"], a["amount"], a["kind"]) for a in payment["allocations"]] == [
        ("2026-0043", "302.50", "manual")]


def test_a_suggested_credit_waits_for_a_person_and_allocates_nothing_yet(workspace):
    payment = by_txn(listed())["REF-4"]

    assert payment["status"] == "suggested"
    assert [a["kind"] for a in payment["allocations"]] == ["suggested"]
    assert (payment["allocated"], payment["unallocated"]) == ("0.00", "75.00")


def test_a_credit_nobody_could_allocate_is_left_to_a_person(workspace):
    payment = by_txn(listed())["REF-5"]

    assert payment["status"] == "unmatched"
    assert payment["allocations"] == []
    assert payment["reason"] == "no invoice found for it: `arctl match` allocates it"


def test_a_credit_whose_match_a_person_undid_says_so(workspace):
    cli("unmatch", f"{ACCOUNT}:REF-1")

    payment = by_txn(listed())["REF-1"]

    assert payment["status"] == "unmatched"
    assert payment["reason"] == "a person undid its match: `arctl match` allocates it"


def test_stored_matches_are_still_listed_days_after_they_were_made(workspace):
    # the December statement arrives and is reconciled: November's matches stay visible
    add_statement(workspace, "bank-12.xml",
                  entry("REF-8", "99.00", day="2026-12-01", name="GARAGE JANSSENS NV", iban=JANSSENS_IBAN))

    statuses = {txn: p["status"] for txn, p in by_txn(listed()).items()}

    assert statuses == {"REF-1": "auto", "REF-2": "manual", "REF-3": "auto", "REF-4": "suggested",
                        "REF-5": "unmatched", "REF-8": "auto"}


def test_the_terminal_lists_each_credit_with_how_it_was_allocated(workspace):
    result = cli("payments")

    assert result.exit_code == 0, result.output
    assert ("5 payments: 2 auto, 1 by hand, 1 suggested (a person decides), 1 left to a person, 0 returned"
            in result.stdout)
    row = next(line for line in result.stdout.splitlines() if "REF-2" in line)
    assert "manual" in row and "2026-0043" in row


# --- partly paid invoices, returns and refunds ---------------------------------------------------------------


def test_an_invoice_paid_in_part_shows_its_open_rest(workspace):
    # 2026-0045: 605.00 - 200.00 paid on 2026-11-18 = 405.00 still open
    assert listed()["partly_paid"] == [{
        "invoice_id": "2026-0045", "customer_id": "K003", "customer_name": "Drukkerij Maes BV", "currency": "EUR",
        "amount": "605.00", "paid": "200.00", "open_amount": "405.00", "due_date": "2026-11-09"}]


def test_a_refund_to_a_customers_account_is_listed_with_the_customer(workspace):
    refunds = [(r["bank_txn"], r["amount"], r["kind"], r["customer_id"]) for r in listed()["returns"]]

    # the rent paid to IMMO CENTRUM (REF-7) is the company's own payment, not a refund
    assert refunds == [(f"{ACCOUNT}:REF-6", "-20.00", "refund", "K002")]


def test_a_returned_payment_is_listed_as_returned_with_the_return_that_undid_it(workspace):
    add_statement(workspace, "bank-11b.xml",
                  entry("REF-9", "200.00", day="2026-11-23", credit=False, name="DRUKKERIJ MAES", reversal=True))

    document = listed()

    payment = by_txn(document)["REF-3"]
    assert (payment["status"], payment["allocations"], payment["reason"]) == (
        "returned", [], f"returned by {ACCOUNT}:REF-9")
    assert [(r["bank_txn"], r["amount"], r["kind"], r["returns"], r["customer_id"]) for r in document["returns"]
            if r["kind"] == "return"] == [(f"{ACCOUNT}:REF-9", "-200.00", "return", f"{ACCOUNT}:REF-3", "K003")]
    assert document["partly_paid"] == []  # 2026-0045 is wholly open again


# --- selecting ---------------------------------------------------------------------------------------------


def test_since_lists_only_what_the_bank_booked_on_or_after_that_day(workspace):
    document = listed("--since", "2026-11-18")

    assert sorted(by_txn(document)) == ["REF-3", "REF-4", "REF-5"]
    assert document["since"] == "2026-11-18"
    assert [r["bank_txn"] for r in document["returns"]] == [f"{ACCOUNT}:REF-6"]


def test_unmatched_lists_the_credits_with_money_no_allocation_accounts_for(workspace):
    # 500.00 with 2026-0045's reference pays its open 405.00; 95.00 is beyond the invoice
    add_statement(workspace, "bank-11b.xml",
                  entry("REF-10", "500.00", day="2026-11-24", name="DRUKKERIJ MAES", structured="202600450032"))

    document = listed("--unmatched")

    assert [(txn, p["status"], p["unallocated"]) for txn, p in by_txn(document).items()] == [
        ("REF-5", "unmatched", "55.00"), ("REF-10", "auto", "95.00")]
    assert by_txn(document)["REF-10"]["reason"] == "paid beyond its invoices: the rest is not allocated"


def test_suggested_lists_the_credits_waiting_for_a_person(workspace):
    assert sorted(by_txn(listed("--suggested"))) == ["REF-4"]


# --- the file to book the payments ---------------------------------------------------------------------------


def test_the_csv_for_a_belgian_workspace_has_semicolons_and_decimal_commas(morning, tmp_path):
    morning("locale: nl_BE\n")

    result = cli("payments", "-o", "reports/payments.csv")

    assert result.exit_code == 0, result.output
    assert "wrote reports/payments.csv: 3 allocation(s) to book" in result.stderr
    data = (tmp_path / "reports" / "payments.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: a spreadsheet reads the accents
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows == [
        ["date", "customer_id", "customer_name", "invoice_id", "amount", "currency", "bank_reference", "bank_txn",
         "account", "counterparty", "payment_reference", "kind"],
        ["2026-11-16", "K001", "Bakkerij Peeters BV", "2026-0042", "1210,00", "EUR", "REF-1", f"{ACCOUNT}:REF-1",
         ACCOUNT, "BAKKERIJ PEETERS", "090933755493", "auto"],
        ["2026-11-17", "K002", "Garage Janssens NV", "2026-0043", "302,50", "EUR", "REF-2", f"{ACCOUNT}:REF-2",
         ACCOUNT, "J. JANSSENS", "", "manual"],
        ["2026-11-18", "K003", "Drukkerij Maes BV", "2026-0045", "200,00", "EUR", "REF-3", f"{ACCOUNT}:REF-3",
         ACCOUNT, "DRUKKERIJ MAES", "202600450032", "auto"],
    ]


def test_the_csv_for_an_english_workspace_has_commas_and_decimal_points(morning, tmp_path):
    morning("locale: en_GB\n")

    cli("payments", "-o", "payments.csv")

    lines = (tmp_path / "payments.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("2026-11-16,K001,Bakkerij Peeters BV,2026-0042,1210.00,EUR,REF-1,")


def test_the_xlsx_has_real_dates_and_numbers(workspace):
    result = cli("payments", "--since", "2026-11-18", "-o", "payments.xlsx")

    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(workspace / "payments.xlsx").active
    date, amount = sheet["A2"], sheet["E2"]
    assert (date.is_date, date.value.date(), date.number_format) == (True, dt.date(2026, 11, 18), "yyyy-mm-dd")
    assert (amount.data_type, Decimal(str(amount.value)), amount.number_format) == ("n", Decimal("200"), "0.00")
    assert sheet.max_row == 2  # REF-3 alone was booked since 2026-11-18 and allocated


def test_a_formula_in_a_bank_text_is_written_as_text(workspace):
    add_statement(workspace, "bank-11b.xml",
                  entry("REF-11", "99.00", day="2026-11-24", name="=HYPERLINK(\"http://x\")", iban=JANSSENS_IBAN))

    cli("payments", "--since", "2026-11-24", "-o", "payments.csv")

    assert "'=HYPERLINK" in (workspace / "payments.csv").read_text(encoding="utf-8-sig")


# --- reconcile -o in a workspace ----------------------------------------------------------------------------


def test_reconcile_output_in_a_workspace_holds_every_standing_allocation(workspace):
    # this run finds nothing new; the file still holds the earlier run's matches and the one made by hand
    result = cli("reconcile", "-o", "matches.xlsx")

    assert result.exit_code == 0, result.output
    assert "every allocation standing in the workspace" in result.stderr
    book = openpyxl.load_workbook(workspace / "matches.xlsx")
    rows = {name: [(r[0].removeprefix(f"{ACCOUNT}:"), r[1], r[6]) for r in book[name].iter_rows(min_row=2,
                                                                                                   values_only=True)]
            for name in book.sheetnames}
    assert rows == {"matched": [("REF-1", "2026-0042", "auto"), ("REF-2", "2026-0043", "manual"),
                                ("REF-3", "2026-0045", "auto")],
                    "suggested": [("REF-4", "2026-0046", "suggested")],
                    "unmatched": [("REF-5", None, None)]}


# --- what is refused ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2026-13-01"), "Error: --since 2026-13-01: not a date; write 2026-12-15 (ISO)"),
    (("-o", "payments.pdf"), "Error: -o payments.pdf: expected a .csv or .xlsx file"),
    (("--unmatched", "-o", "payments.csv"), "Error: -o writes the allocations to book; the credits --unmatched "
                                            "or --suggested select have none"),
])
def test_payments_refuses_what_it_cannot_do(workspace, args, message):
    result = cli("payments", *args)

    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_payments_needs_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    result = cli("payments")

    assert result.exit_code == 2
    assert "Error: arctl payments needs a workspace" in result.stderr
