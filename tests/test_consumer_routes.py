"""A consumer always follows a consumer plan of their own country, whatever route led to it: `dunning run --plan`
with a business plan applies it to business customers only, a workspace plan without consumer segments hands
consumers to the consumer plan of their country, and a consumer no route reaches is not dunned, with the run
saying who and how to give them a plan (issue 15, "Consumers never get business rules")."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from arctl.cli import app

# due 1 November 2026: on 1 December every invoice is 30 days overdue, past the first step of every plan here
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0301,B001,Bouwbedrijf Peeters BV,2026-10-02,2026-11-01,EUR,1200.00,1200.00
    2026-0302,P001,An Peeters,2026-10-02,2026-11-01,EUR,89.50,89.50
    2026-0303,P002,Sanne de Vries,2026-10-02,2026-11-01,EUR,120.00,120.00
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Street,Postal Code,City,Country,Consumer
    B001,Bouwbedrijf Peeters BV,boekhouding@peeters.example,Industrieweg 4,3000,Leuven,BE,no
    P001,An Peeters,an.peeters@example.be,Kerkstraat 3,3000,Leuven,BE,yes
    P002,Sanne de Vries,sanne@example.nl,Dorpsstraat 9,3511 AB,Utrecht,NL,yes
    """
# a business plan whose only step claims the EUR 40 and commercial interest at once: never for a consumer
B2B = """\
    name: Business only, costs at once
    steps:
      - id: demand
        after_due: 7 days
        channel: email
        new_term: 8 days
        costs:
          compensation: eu-b2b
          interest: statutory
    """


def run(*args: str, as_of: str = "2026-12-01"):
    return CliRunner().invoke(app, ["dunning", "run", "--as-of", as_of, "--dry-run", "--json", *args])


def steps(result) -> dict[str, tuple[str, list[str]]]:
    """customer -> (step, kinds of cost) of each action of the run."""
    assert result.exit_code == 0, result.output
    return {a["customer_id"]: (a["step"], [c["kind"] for c in a["costs"]])
            for a in json.loads(result.stdout)["actions"]}


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    """The workspace's plan is the shipped `standard`, whose segments send consumers to consumer-be / consumer-nl."""
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-12-01",
                                            files={"plans/b2b.yaml": B2B})


def warnings_beside_the_bank(document):
    """The run's warnings but the one every run without a bank source gets (these workspaces have none)."""
    return [w for w in document["warnings"] if not w.startswith("the workspace has no bank source")]


def test_a_forced_business_plan_applies_to_business_customers_only(workspace):
    result = run("--plan", "plans/b2b.yaml")

    # B001 gets the forced plan's costs; the consumers get the free first reminder of their country's plan
    # (consumer-be / consumer-nl, reached through the segments of the workspace's plan `standard`)
    assert steps(result) == {"B001": ("demand", ["compensation", "interest"]),
                             "P001": ("reminder", []), "P002": ("reminder", [])}


def test_a_workspace_plan_without_consumer_segments_hands_consumers_to_their_country_s_consumer_plan(
        invoices_and_customers_workspace):
    invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-12-01", config="dunning: {plan: b2b}\n",
                                     files={"plans/b2b.yaml": B2B})

    assert steps(run()) == {"B001": ("demand", ["compensation", "interest"]),
                            "P001": ("reminder", []), "P002": ("reminder", [])}


def test_a_consumer_keeps_their_own_consumer_plan_under_a_forced_business_plan(workspace):
    quick = "name: Quick\nconsumer: BE\nregular_supply: false\nsteps:\n" \
            "  - {id: quick-reminder, after_due: 3 days, channel: email, new_term: 14 days}\n"
    (workspace / "plans" / "quick-be.yaml").write_text(quick, encoding="utf-8")
    assert CliRunner().invoke(app, ["customer", "set", "P001", "--plan", "quick-be"]).exit_code == 0

    assert steps(run("--plan", "b2b"))["P001"] == ("quick-reminder", [])


def test_a_forced_consumer_plan_of_another_country_leaves_the_consumer_their_own_country_s_plan(workspace):
    result = run("--plan", "consumer-nl")

    # the Dutch consumer follows the forced plan; the Belgian one consumer-be, from the segments of standard
    assert steps(result)["P001"] == ("reminder", [])
    assert steps(result)["P002"] == ("reminder", [])
    assert warnings_beside_the_bank(json.loads(result.stdout)) == []


def test_a_consumer_of_a_country_without_known_consumer_rules_is_not_dunned_and_the_run_says_so(
        invoices_and_customers_workspace):
    customers = CUSTOMERS.replace("3511 AB,Utrecht,NL,yes", "10115,Berlin,DE,yes")
    invoices_and_customers_workspace(INVOICES, customers, as_of="2026-12-01")

    result = run()

    assert set(steps(result)) == {"B001", "P001"}
    document = json.loads(result.stdout)
    assert {"invoice_id": "2026-0303", "reason": "no_consumer_plan"} in document["skipped"]
    assert warnings_beside_the_bank(document) == [
        "consumers not dunned, no consumer plan of their country reaches them — P002: arctl knows the consumer "
        "rules of Belgium and the Netherlands only, not those of Germany: a person must dun them"]


def test_a_consumer_whose_country_is_unknown_is_not_dunned_until_it_is_known_or_a_person_sets_a_plan(
        invoices_and_customers_workspace):
    customers = CUSTOMERS.replace("Leuven,BE,yes", "Leuven,,yes")
    invoices_and_customers_workspace(INVOICES, customers, as_of="2026-12-01")

    document = json.loads(run().stdout)
    assert "P001" not in {a["customer_id"] for a in document["actions"]}
    assert warnings_beside_the_bank(document) == [
        "consumers not dunned, no consumer plan of their country reaches them — P001: their country is unknown: "
        "add it to the customer export, or give them a consumer plan with `arctl customer set ID --plan "
        "consumer-be` (or consumer-nl)"]

    assert CliRunner().invoke(app, ["customer", "set", "P001", "--plan", "consumer-be"]).exit_code == 0
    assert steps(run())["P001"] == ("reminder", [])


def test_a_run_where_only_unreachable_consumers_owe_anything_stops_with_exit_2(invoices_and_customers_workspace):
    invoices = INVOICES.replace("2026-0301,B001", "2026-0301,P003").replace("Bouwbedrijf Peeters BV", "Lena Fischer")
    customers = CUSTOMERS.replace("P002,Sanne de Vries,sanne@example.nl,Dorpsstraat 9,3511 AB,Utrecht,NL,yes",
                                  "P003,Lena Fischer,lena@example.de,Hauptstr. 1,10115,Berlin,DE,yes")
    customers = customers.replace("P001,An Peeters,an.peeters@example.be,Kerkstraat 3,3000,Leuven,BE,yes",
                                  "P001,An Peeters,an.peeters@example.be,Kerkstraat 3,3000,Leuven,FR,yes")
    invoices = invoices.replace("2026-0303,P002,Sanne de Vries", "2026-0303,P001,An Peeters")
    invoices_and_customers_workspace(invoices, customers, as_of="2026-12-01")

    result = run()

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: consumers not dunned, no consumer plan of their country reaches them — "
                                    "P001: arctl knows the consumer rules of Belgium and the Netherlands only, "
                                    "not those of France: a person must dun them; P003: ")


def test_plan_check_in_a_workspace_lists_the_consumers_no_plan_route_reaches(invoices_and_customers_workspace):
    customers = CUSTOMERS.replace("3511 AB,Utrecht,NL,yes", "10115,Berlin,DE,yes")
    invoices_and_customers_workspace(INVOICES, customers, as_of="2026-12-01")

    result = CliRunner().invoke(app, ["plan", "check", "standard"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "consumers no plan route reaches (they are not dunned):",
        "  P002: arctl knows the consumer rules of Belgium and the Netherlands only, not those of Germany: a "
        "person must dun them"]


def test_plan_check_in_a_workspace_where_every_consumer_is_reached_says_nothing_more(workspace):
    result = CliRunner().invoke(app, ["plan", "check", "standard"])

    assert result.exit_code == 0, result.output
    assert "consumers no plan route reaches" not in result.stdout
