"""`arctl dunning run`: documents written, steps recorded once, stale bank data refused, costs computed."""

from __future__ import annotations

import json
import os
import textwrap

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from state_check import state_engine

pytestmark = pytest.mark.state

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-09-01,2026-09-30,EUR,1210.00,1210.00
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-16,EUR,302.50,302.50
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Phone
    K001,Bakkerij Peeters BV,boekhouding@peeters.example.be,+32 3 123 45 67
    K002,Garage Janssens NV,,+32 9 765 43 21
    """


def statement(day: str) -> str:
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id>"
            "<Acct><Id><IBAN>BE05068123456775</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">12.00</Amt>"
            f"<CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<AcctSvcrRef>FEE-{day}</AcctSvcrRef></Ntry></Stmt></BkToCstmrStmt></Document>")


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "open_invoices.csv").write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    (tmp_path / "exports" / "customers.csv").write_text(textwrap.dedent(CUSTOMERS), encoding="utf-8")
    (tmp_path / "exports" / "bank.xml").write_text(statement("2026-11-19"), encoding="utf-8")
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


def run(*args, as_of="2026-11-20"):
    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", as_of, "--json", *args])
    return result, (json.loads(result.stdout) if result.exit_code == 0 else None)


def test_a_run_writes_the_due_documents_and_records_them(workspace):
    result, document = run()

    assert result.exit_code == 0, result.output
    [action] = document["actions"]
    assert (action["customer_id"], action["step"], action["channel"], action["invoices"]) == (
        "K001", "friendly", "email", ["2026-0042"])
    assert action["documents"] == ["outbox/2026-11-20/K001-friendly-EUR.eml"]
    email = (workspace / action["documents"][0]).read_text(encoding="utf-8")
    assert "To: boekhouding@peeters.example.be" in email
    assert "Message-ID: <2026-11-20.K001.friendly.EUR@arctl.invalid>" in email


def test_running_again_on_the_same_day_produces_nothing_new(workspace):
    run()

    _, document = run()

    assert document["actions"] == []


def test_a_dry_run_writes_and_records_nothing(workspace):
    _, dry = run("--dry-run")

    assert dry["dry_run"] is True and len(dry["actions"]) == 1
    assert not (workspace / "outbox").exists()
    _, real = run()
    assert len(real["actions"]) == 1


def test_the_next_step_comes_after_its_delay(workspace):
    run()
    (workspace / "exports" / "bank.xml").write_text(statement("2026-12-03"), encoding="utf-8")
    CliRunner().invoke(app, ["import", "--as-of", "2026-12-04"])

    _, document = run(as_of="2026-12-04")

    assert [(a["customer_id"], a["step"]) for a in document["actions"] if a["customer_id"] == "K001"] == [
        ("K001", "second")]


def test_stale_bank_data_is_refused_naming_the_account(workspace):
    result, _ = run(as_of="2026-12-10")

    assert result.exit_code == 3
    assert "bank data is stale: BE05068123456775 (statements up to 2026-11-19)" in result.stderr


def test_allow_stale_bank_runs_anyway(workspace):
    result, _ = run("--allow-stale-bank", as_of="2026-12-10")

    assert result.exit_code == 0, result.output


def test_a_formal_demand_adds_compensation_and_interest(workspace, tmp_path_factory):
    plans = workspace / "plans"
    plans.mkdir()
    (plans / "demand-only.yaml").write_text(textwrap.dedent("""\
        name: Demand only
        steps:
          - id: demand
            after_due: 7 days
            channel: email
            template: demand
            new_term: 8 days
            costs:
              compensation: eu-b2b
              interest: statutory
        """), encoding="utf-8")

    result, document = run("--plan", "demand-only")

    assert result.exit_code == 0, result.output
    [action] = document["actions"]
    costs = {c["kind"]: c["amount"] for c in action["costs"]}
    # 1210.00 from 1 October to 20 November 2026: 51 days, no published rate after 30 June 2026
    assert costs == {"compensation": "40.00", "interest": "0.00"}
    assert action["total_due"] == "1250.00"
    assert [c["basis"] for c in action["costs"]] == [
        "Law of 2 August 2002, art. 6: fixed compensation of EUR 40 per invoice",
        "Law of 2 August 2002, art. 5: late-payment interest in commercial transactions (rates: be-b2b)"]
    assert any(w.startswith("rate_missing: no statutory rate known for 2026-10-01 to 2026-11-20")
               for w in document["warnings"])


def test_a_customer_without_an_email_address_and_no_fallback_is_left_to_a_person(workspace):
    # Garage Janssens (no e-mail address) is due its friendly e-mail on 23 November (16 + 7 days)
    _, document = run("--allow-stale-bank", as_of="2026-11-23")

    [action] = [a for a in document["actions"] if a["customer_id"] == "K002"]
    assert (action["delivery"], action["documents"]) == ("person", [])
    assert "K002: no e-mail address and no fallback channel for step friendly" in document["warnings"][0]


def test_a_document_mentions_the_customers_other_overdue_items(workspace):
    csv = workspace / "exports" / "open_invoices.csv"
    csv.write_text(csv.read_text(encoding="utf-8")
                   + "2026-0044,K001,Bakkerij Peeters BV,2026-11-01,2026-11-18,EUR,99.00,99.00\n", encoding="utf-8")
    later = csv.stat().st_mtime + 60
    os.utime(csv, (later, later))  # a newer export
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-11-20"]).exit_code == 0

    _, document = run()

    [action] = [a for a in document["actions"] if a["customer_id"] == "K001"]
    assert action["invoices"] == ["2026-0042"]
    email = (workspace / action["documents"][0]).read_text(encoding="utf-8")
    assert "Ook vervallen op uw rekening:" in email and "2026-0044" in email   # the company's locale: nl_BE


def test_a_demand_claiming_interest_states_the_period_it_runs(workspace):
    (workspace / "plans").mkdir()
    (workspace / "plans" / "demand-only.yaml").write_text(textwrap.dedent("""\
        name: Demand only
        steps:
          - id: demand
            after_due: 7 days
            channel: letter
            new_term: 8 days
            costs:
              interest: statutory
        """), encoding="utf-8")

    (workspace / "law" / "rates").mkdir(parents=True)
    (workspace / "law" / "rates" / "be-b2b.csv").write_text(   # 10.5 %: a test value for 2026 H2
        'valid_from,valid_to,percent,source,confidence\n2026-07-01,2026-12-31,10.5,"test value",U\n',
        encoding="utf-8")

    _, document = run("--plan", "demand-only")

    [action] = document["actions"]
    letter = (workspace / action["documents"][0]).read_text(encoding="utf-8")
    # interest from the day after the due date (30 September) up to and including the letter's date:
    # 1 October to 20 November = 51 days; 1210.00 x 10.5 % x 51 / 365 = 17.752... -> 17.75
    assert "Verwijlintrest tot en met 20 november 2026" in letter
    assert "17,75" in letter
    assert ('<td>2026-0042</td><td>1/10/2026</td><td>20/11/2026</td><td class="amount">51</td>') in letter


def test_a_long_run_is_listed_in_plain_aligned_columns():
    from arctl.render.columns import aligned

    text = aligned(("customer", "step", "total"), [("K001", "friendly", "€ 1.210,00"), ("K0042", "demand", "€ 9,50")],
                   right=frozenset({"total"}))

    assert text == ("customer  step           total\n"
                    "--------  --------  ----------\n"
                    "K001      friendly  € 1.210,00\n"
                    "K0042     demand        € 9,50\n")


def test_more_actions_than_a_boxed_table_holds_print_as_columns(workspace, monkeypatch):
    from arctl.cli import dunning as dunning_cli

    monkeypatch.setattr(dunning_cli, "BOXED_ROWS", 0)

    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--dry-run"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Dunning run 2026-11-20 (dry run: nothing written)"
    assert lines[1].split() == ["customer", "step", "channel", "invoices", "total", "document"]
    assert "would write" in result.stdout


def quiet_statement(last_line: str, closing: str) -> str:
    """A camt.053 whose only line is old but whose closing balance (CLBD) is dated `closing`."""
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>Q</MsgId><CreDtTm>2026-12-10T08:00:00</CreDtTm></GrpHdr><Stmt>"
            "<Id>Q1</Id><Acct><Id><IBAN>BE05068123456775</IBAN></Id></Acct>"
            "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">988.00</Amt>"
            f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{closing}</Dt></Dt></Bal>"
            "<Ntry><Amt Ccy=\"EUR\">12.00</Amt>"
            f"<CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{last_line}</Dt></BookgDt>"
            f"<AcctSvcrRef>FEE-{last_line}</AcctSvcrRef></Ntry></Stmt></BkToCstmrStmt></Document>")


def test_a_quiet_account_whose_statement_closes_yesterday_is_not_stale(workspace):
    # newest line 2026-11-19, three weeks old; the statement's closing balance is of Wednesday 2026-12-09
    (workspace / "exports" / "bank.xml").write_text(quiet_statement("2026-11-19", "2026-12-09"), encoding="utf-8")
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-12-10"]).exit_code == 0

    result, _ = run(as_of="2026-12-10")

    assert result.exit_code == 0, result.output


def test_a_statement_whose_closing_balance_is_old_is_stale(workspace):
    # 3 business days before Thursday 2026-12-10 is Monday 2026-12-07; the statement closes on Friday 12-04
    (workspace / "exports" / "bank.xml").write_text(quiet_statement("2026-11-19", "2026-12-04"), encoding="utf-8")
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-12-10"]).exit_code == 0

    result, _ = run(as_of="2026-12-10")

    assert result.exit_code == 3
    assert "BE05068123456775 (statements up to 2026-12-04); dunning needs statements up to 2026-12-07" \
        in result.stderr


def test_a_version_6_database_reaches_each_account_s_newest_line(workspace):
    from sqlalchemy import text

    from arctl.state import schema

    engine = state_engine(workspace)
    with engine.begin() as connection:  # back to version 6: no bank_reach table
        connection.execute(text("DROP TABLE bank_reach"))
        connection.execute(text("UPDATE meta SET value = '6' WHERE key = 'schema_version'"))
    engine.dispose()

    result, _ = run(as_of="2026-12-10")   # migrates: the account reaches its newest line, 2026-11-19

    assert result.exit_code == 3
    assert "BE05068123456775 (statements up to 2026-11-19)" in result.stderr
    engine = state_engine(workspace)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    engine.dispose()
    assert version == str(schema.SCHEMA_VERSION)


def test_a_demand_claims_no_interest_line_while_no_rate_is_known_for_its_days(workspace):
    # no 2026 H2 rate is shipped (REFERENCE.md: not yet confirmed): the letter prints no "interest 0.00" line and
    # the run warns which rate is missing
    (workspace / "plans").mkdir()
    (workspace / "plans" / "demand-only.yaml").write_text(textwrap.dedent("""\
        name: Demand only
        steps:
          - id: demand
            after_due: 7 days
            channel: letter
            new_term: 8 days
            costs:
              interest: statutory
        """), encoding="utf-8")

    _, document = run("--plan", "demand-only")

    [action] = document["actions"]
    letter = (workspace / action["documents"][0]).read_text(encoding="utf-8")
    assert "Verwijlintrest" not in letter.split("Op grond van", 1)[0]
    assert any(w.startswith("rate_missing") for w in document["warnings"])
