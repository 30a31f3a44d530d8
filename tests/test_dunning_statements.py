"""The key accounts' monthly statement of account through `arctl dunning run`: written, recorded, once a month."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.render.pdf import unavailable

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bouwbedrijf Maes NV,2026-09-01,2026-09-30,EUR,12100.00,12100.00
    2026-0101,K001,Bouwbedrijf Maes NV,2026-11-10,2026-12-10,EUR,5000.00,5000.00
    CN-2026-007,K001,Bouwbedrijf Maes NV,2026-10-12,2026-10-12,EUR,-2000.00,-2000.00
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-16,EUR,3025.00,3025.00
    2026-0050,K003,Bakkerij Peeters BV,2026-10-05,2026-10-20,EUR,800.00,800.00
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Street,Postal Code,City,Segment
    K001,Bouwbedrijf Maes NV,boekhouding@maes.example.be,Kaai 12,2000,Antwerpen,key
    K002,Garage Janssens NV,,Steenweg 4,9000,Gent,key
    K003,Bakkerij Peeters BV,info@peeters.example.be,Markt 1,3000,Leuven,standard
    """


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-20")


def statements(as_of: str) -> list[dict]:
    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return [a for a in json.loads(result.stdout)["actions"] if a["step"] == "monthly-statement"]


def test_each_key_account_gets_a_statement_on_the_first_business_day_of_the_month(workspace):
    sent = statements("2026-12-01")

    # no e-mail address: by post, as HTML and (where WeasyPrint is installed) PDF
    letter = ["outbox/2026-12-01/K002-monthly-statement-EUR.html"] + (
        ["outbox/2026-12-01/K002-monthly-statement-EUR.pdf"] if unavailable() is None else [])
    assert [(a["customer_id"], a["channel"], a["documents"]) for a in sent] == [
        ("K001", "email", ["outbox/2026-12-01/K001-monthly-statement-EUR.eml"]), ("K002", "letter", letter)]


def test_the_statement_lists_every_open_item_and_the_balance(workspace):
    [maes, _] = statements("2026-12-01")

    assert maes["invoices"] == ["2026-0042", "CN-2026-007", "2026-0101"]  # oldest due date first
    assert (maes["amount_due"], maes["total_due"], maes["costs"]) == ("15100.00", "15100.00", [])
    email = message_from_bytes((workspace / maes["documents"][0]).read_bytes(), policy=policy.default)
    assert email["Subject"] == "Rekeninguittreksel van 1 december 2026"     # the company's locale: nl_BE
    body = email.get_body(preferencelist=("plain",)).get_content().replace("\N{NO-BREAK SPACE}", " ")
    assert "CN-2026-007 van 12/10/2026, vervallen op 12/10/2026, open € -2.000,00" in body
    assert "Saldo: € 15.100,00" in body


def test_the_statement_goes_out_once_a_month(workspace):
    statements("2026-12-01")

    assert statements("2026-12-01") == []
    assert statements("2026-12-31") == []
    # 1 January is New Year's Day and the 2nd and 3rd a weekend: the January statement on Monday the 4th
    assert [a["customer_id"] for a in statements("2027-01-04")] == ["K001", "K002"]


def test_a_dry_run_records_no_statement(workspace):
    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-12-01", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output

    assert not (workspace / "outbox" / "2026-12-01").exists()
    assert len(statements("2026-12-01")) == 2


def test_a_customer_on_hold_gets_no_statement(workspace):
    assert CliRunner().invoke(app, ["hold", "K002", "--reason", "legal", "--as-of", "2026-11-25"]).exit_code == 0

    assert [a["customer_id"] for a in statements("2026-12-01")] == ["K001"]
