"""`arctl customer set|unset|show`: what a person decides for one customer, applied by dunning, kept over imports."""

from __future__ import annotations

import json
import textwrap
from email import message_from_bytes, policy

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arctl.cli import app
from arctl.state import schema
from state_check import state_engine

pytestmark = pytest.mark.state

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bouwbedrijf Maes NV,2026-09-01,2026-10-30,EUR,1210.00,1210.00
    2026-0050,K003,Bakkerij Peeters BV,2026-10-05,2026-10-30,EUR,800.00,800.00
    2026-0201,P001,An Peeters,2026-10-05,2026-10-30,EUR,89.50,89.50
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Language,Country,Street,Postal Code,City,Segment,Consumer
    K001,Bouwbedrijf Maes NV,boekhouding@maes.example.be,nl,BE,Kaai 12,2000,Antwerpen,standard,no
    K003,Bakkerij Peeters BV,info@peeters.example.be,nl,BE,Markt 1,3000,Leuven,standard,no
    P001,An Peeters,an.peeters@example.be,nl,BE,Kerkstraat 3,3000,Leuven,,yes
    """


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-02")


def cli(*args):
    return CliRunner().invoke(app, list(args))


def plans_followed(as_of="2026-11-06") -> dict[str, str]:
    result = cli("dunning", "status", "--as-of", as_of, "--json")
    assert result.exit_code == 0, result.output
    return {i["customer_id"]: i["plan"] for i in json.loads(result.stdout)["invoices"]}


def run(as_of="2026-11-06") -> dict:
    result = cli("dunning", "run", "--as-of", as_of, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_customer_set_to_its_own_plan_follows_it(workspace):
    result = cli("customer", "set", "K003", "--plan", "key-accounts")

    assert result.exit_code == 0, result.output
    assert "K003: plan key-accounts" in result.stdout
    assert plans_followed() == {"K001": "standard", "K003": "key-accounts", "P001": "consumer-be"}


def test_a_segment_set_by_a_person_chooses_the_plan_through_the_segments(workspace):
    assert cli("customer", "set", "K003", "--segment", "key").exit_code == 0

    assert plans_followed()["K003"] == "key-accounts"
    shown = cli("customer", "show", "K003", "--as-of", "2026-11-06")
    assert "plan: key-accounts (segment key)" in shown.stdout
    assert "segment: key  (set by a person; export: standard)" in shown.stdout


def test_a_consumer_cannot_be_given_a_b2b_plan(workspace):
    result = cli("customer", "set", "P001", "--plan", "standard")

    assert result.exit_code == 2
    assert "standard is a B2B plan and the customer is a consumer" in result.stderr
    assert plans_followed()["P001"] == "consumer-be"


def test_a_belgian_consumer_cannot_be_given_the_dutch_consumer_plan(workspace):
    result = cli("customer", "set", "P001", "--plan", "consumer-nl")

    assert result.exit_code == 2
    assert "choose a consumer: BE plan" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["K999", "--plan", "strict"], "no customer 'K999' in the workspace"),
    (["K003", "--plan", "no-such-plan"], "no plan named 'no-such-plan'"),
    (["K003", "--plan", "../standard.yaml"], "expected the name of a plan"),
    (["K003", "--email", "info at peeters"], "--email info at peeters: expected one e-mail address"),
    (["K003", "--language", "klingon"], "--language klingon: not a language arctl knows"),
    (["K003", "--channel", "fax"], "--channel fax: expected email or letter"),
    (["K003"], "nothing to set"),
])
def test_a_wrong_value_is_refused_with_what_to_give(workspace, args, message):
    result = cli("customer", "set", *args)

    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_documents_go_to_the_address_a_person_set_even_after_a_new_customer_export(workspace):
    assert cli("customer", "set", "K001", "--email", "debiteuren@maes.example.be").exit_code == 0
    changed = textwrap.dedent(CUSTOMERS).replace("boekhouding@maes", "info@maes")
    (workspace / "exports" / "customers.csv").write_text(changed, encoding="utf-8")
    assert cli("import", "--as-of", "2026-11-05").exit_code == 0

    [action] = [a for a in run()["actions"] if a["customer_id"] == "K001"]

    email = message_from_bytes((workspace / action["documents"][0]).read_bytes(), policy=policy.default)
    assert email["To"] == "debiteuren@maes.example.be"


def test_a_customer_who_wants_letters_gets_a_letter_for_an_email_step(workspace):
    assert cli("customer", "set", "K001", "--channel", "letter").exit_code == 0

    [action] = [a for a in run()["actions"] if a["customer_id"] == "K001"]

    # the letter as HTML, and beside it its PDF where WeasyPrint is installed
    assert (action["step"], action["channel"], action["documents"][0]) == (
        "friendly", "letter", "outbox/2026-11-06/K001-friendly-EUR.html")


def test_the_language_set_is_stored_in_its_standard_form(workspace):
    result = cli("customer", "set", "K001", "--language", "fr-be")

    assert result.exit_code == 0, result.output
    assert "K001: language fr_BE" in result.stdout


def test_unset_gives_the_customer_back_to_the_segments(workspace):
    cli("customer", "set", "K003", "--plan", "key-accounts", "--language", "fr")

    result = cli("customer", "unset", "K003", "--plan")

    assert result.exit_code == 0, result.output
    assert "K003: language fr" in result.stdout
    assert plans_followed()["K003"] == "standard"
    assert "nothing set by a person" in cli("customer", "unset", "K003", "--all").stdout


def test_unset_of_something_not_set_is_refused(workspace):
    result = cli("customer", "unset", "K003", "--email")

    assert result.exit_code == 2
    assert "customer K003 has no email set by a person" in result.stderr


def test_an_own_plan_that_no_longer_fits_is_not_used_and_the_run_says_so(workspace):
    assert cli("customer", "set", "K003", "--plan", "strict").exit_code == 0
    became_consumer = textwrap.dedent(CUSTOMERS).replace("Leuven,standard,no", "Leuven,,yes")
    (workspace / "exports" / "customers.csv").write_text(became_consumer, encoding="utf-8")
    assert cli("import", "--as-of", "2026-11-05").exit_code == 0

    document = run()

    assert plans_followed()["K003"] == "consumer-be"
    assert any(w.startswith("customer K003: own plan strict not used, strict is a B2B plan")
               for w in document["warnings"])


def test_show_gives_the_customers_file(workspace):
    cli("customer", "set", "K001", "--email", "debiteuren@maes.example.be")
    cli("note", "K001", "Boekhouding belt terug na 10 november", "--as-of", "2026-11-04")
    run()

    result = cli("customer", "show", "K001", "--as-of", "2026-11-06", "--json")

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["overrides"] == {"email": "debiteuren@maes.example.be"}
    assert shown["master"]["email"] == "boekhouding@maes.example.be"
    assert (shown["plan"], shown["plan_reason"]) == ("standard", "default plan")
    assert shown["open_items"] == [{"invoice_id": "2026-0042", "due_date": "2026-10-30", "open_amount": "1210.00",
                                    "currency": "EUR"}]
    assert [(a["as_of"], a["step"], a["channel"]) for a in shown["history"]] == [("2026-11-06", "friendly", "email")]
    assert [n["text"] for n in shown["notes"]] == ["Boekhouding belt terug na 10 november"]


def test_these_commands_need_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    for args in (["set", "K001", "--segment", "key"], ["unset", "K001", "--all"], ["show", "K001"]):
        result = cli("customer", *args)
        assert result.exit_code == 2
        assert "needs a workspace" in result.stderr


def test_a_version_4_database_gains_the_overrides_keeping_its_data(workspace):
    engine = state_engine(workspace)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE customer_overrides"))
        connection.execute(text("UPDATE meta SET value = '4' WHERE key = 'schema_version'"))
    engine.dispose()

    assert cli("customer", "set", "K003", "--plan", "strict").exit_code == 0

    assert plans_followed()["K003"] == "strict"
    with engine.connect() as connection:
        version = connection.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
    assert version == str(schema.SCHEMA_VERSION)


def test_show_and_status_name_the_plan_and_why(workspace):
    assert cli("customer", "set", "K003", "--plan", "key-accounts").exit_code == 0

    shown = json.loads(cli("customer", "show", "P001", "--as-of", "2026-11-06", "--json").stdout)
    status = json.loads(cli("dunning", "status", "--as-of", "2026-11-06", "--json").stdout)

    assert (shown["plan"], shown["plan_reason"]) == ("consumer-be", "consumer plan of BE")
    assert {i["customer_id"]: i["plan_reason"] for i in status["invoices"]} == {
        "K001": "default plan", "K003": "own plan set by a person", "P001": "consumer plan of BE"}
