"""A workspace's own law: `law/limits.yaml` replaces shipped limits entry by entry, `law/rates/NAME.csv` adds
published rates to a shipped table; a broken file names its file and line."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.dunning.costs import be_consumer_damages_cap, eu_b2b_compensation, statutory_interest, wik_costs
from arctl.dunning.limits import parse_limits
from arctl.errors import ConfigError
from arctl.io.legal import load_rates, provided_rate_tables, read_exchange_rates, read_limits

pytestmark = pytest.mark.state

SHIPPED = parse_limits(read_limits())

# the whole entry, as the header of the shipped limits.yaml asks: an entry replaces the shipped one as a whole
COMPENSATION_50 = textwrap.dedent("""\
    eu_b2b_compensation:
      says: the fixed compensation per late-paid invoice between businesses
      amount: "50.00"
      currency: EUR
      source: "Late Payment Regulation, art. 8 (as adopted; Official Journal reference)"
      confidence: V
    """)

BE_2026_H2 = '2026-07-01,2026-12-31,10.5,"Belgian Official Gazette, notice of the FPS Finance for 2026 H2",V\n'
HEADER = "valid_from,valid_to,percent,source,confidence\n"
# a German company's own table (§ 288(2) BGB: base rate + 9 points); 1.27 % is a test value, not the published one
DE_2026_H2 = '2026-07-01,2026-12-31,10.27,"Deutsche Bundesbank base rate 1.27 % + 9 points (test value)",U\n'
EXCHANGE_HEADER = "currency,rate,day,source\n"
USD_RATE = "USD,0.90,2026-11-19,ECB euro foreign exchange reference rate\n"


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def law(tmp_path, limits: str | None = None, **rates: str):
    """A workspace's law/ folder with limits.yaml and rates/NAME.csv (keyword NAME with - written as _)."""
    folder = tmp_path / "law"
    folder.mkdir(exist_ok=True)
    if limits is not None:
        (folder / "limits.yaml").write_text(textwrap.dedent(limits), encoding="utf-8")
    for name, text in rates.items():
        (folder / "rates").mkdir(exist_ok=True)
        (folder / "rates" / f"{name.replace('_', '-')}.csv").write_text(text, encoding="utf-8")
    return folder


def limits_of(folder):
    return parse_limits(read_limits(folder))


# --- limits ------------------------------------------------------------------------------------------


def test_a_workspace_without_a_law_folder_gets_the_shipped_limits(tmp_path):
    assert limits_of(tmp_path / "law") == SHIPPED
    assert eu_b2b_compensation("BE", cents("1210.00"), "EUR", limits=limits_of(tmp_path / "law")) == cents("40.00")


def test_an_overridden_compensation_replaces_the_40_per_invoice(tmp_path):
    limits = limits_of(law(tmp_path, COMPENSATION_50))

    assert eu_b2b_compensation("BE", cents("1210.00"), "EUR", limits=limits) == cents("50.00")
    assert limits.compensation.source.startswith("Late Payment Regulation")


def test_overriding_the_compensation_leaves_the_wik_scale_and_the_damages_as_shipped(tmp_path):
    limits = limits_of(law(tmp_path, COMPENSATION_50))

    assert limits.wik == SHIPPED.wik and limits.damages == SHIPPED.damages
    assert eu_b2b_compensation("NL", cents("10000.00"), "EUR", limits=limits) == cents("875.00")
    assert wik_costs(cents("200.00"), "EUR", limits=limits) == cents("40.00")  # the floor stays 40


def test_an_overridden_wik_scale_is_used_band_by_band(tmp_path):
    # a hypothetical indexed scale: 2,500 * 15 % + 2,500 * 10 % + 1,000 * 5 % = 375 + 250 + 50 = 675.00
    limits = limits_of(law(tmp_path, """\
        wik:
          says: Dutch collection costs, indexed scale
          currency: EUR
          bands:
            - {up_to: "2500.00", percent: "15"}
            - {up_to: "5000.00", percent: "10"}
            - {up_to: "10000.00", percent: "5"}
            - {percent: "1"}
          minimum: "50.00"
          maximum: "7000.00"
          source: "Besluit BIK, as amended (Staatsblad reference)"
          confidence: V
        """))

    assert wik_costs(cents("6000.00"), "EUR", limits=limits) == cents("675.00")
    assert wik_costs(cents("100.00"), "EUR", limits=limits) == cents("50.00")
    assert wik_costs(cents("10000000.00"), "EUR", limits=limits) == cents("7000.00")
    assert limits.compensation == SHIPPED.compensation


def test_an_overridden_damages_scale_is_used_tier_by_tier(tmp_path):
    # 1,000.00: 70 + 4 % of the 500.00 above 500 = 90.00; the maximum 1,500 from 36,250 on
    limits = limits_of(law(tmp_path, """\
        book_xix_damages:
          says: Book XIX flat damages, amended scale
          currency: EUR
          scale:
            - {up_to: "150.00", fixed: "25.00"}
            - {up_to: "500.00", fixed: "35.00", percent: "10", above: "150.00"}
            - {fixed: "70.00", percent: "4", above: "500.00"}
          maximum: "1500.00"
          source: "Code of Economic Law art. XIX.4, as amended (Official Gazette reference)"
          confidence: V
        """))

    assert be_consumer_damages_cap(cents("150.00"), "EUR", limits=limits) == cents("25.00")
    assert be_consumer_damages_cap(cents("1000.00"), "EUR", limits=limits) == cents("90.00")
    assert be_consumer_damages_cap(cents("50000.00"), "EUR", limits=limits) == cents("1500.00")


def test_an_empty_limits_file_keeps_every_shipped_entry(tmp_path):
    assert limits_of(law(tmp_path, "# nothing changed yet\n")) == SHIPPED


_ENTRY = textwrap.dedent("""\
    wik:
      says: Dutch collection costs
      currency: EUR
      bands:
        - {up_to: "2500.00", percent: "15"}
        - {up_to: "5000.00", percent: "10"}
        - {percent: "5"}
      minimum: "40.00"
      maximum: "6775.00"
      source: "Besluit BIK"
      confidence: V
    """)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("late_fee:\n  amount: \"10.00\"\n",
                 r"limits.yaml:2: late_fee: unknown key \(expected one of: book_xix_damages, eu_b2b_compensation, "
                 r"wik\)", id="unknown entry"),
    pytest.param(COMPENSATION_50.replace('  amount: "50.00"\n', ""),
                 r"limits.yaml:2: eu_b2b_compensation.amount: missing: write an amount in quotes such as \"40.00\"",
                 id="missing amount"),
    pytest.param(COMPENSATION_50.replace("  source:", "  # source:"),
                 r"limits.yaml:2: eu_b2b_compensation.source: missing", id="missing source"),
    pytest.param(COMPENSATION_50.replace('"50.00"', '"EUR 50"'),
                 r"limits.yaml:3: eu_b2b_compensation.amount: expected an amount in quotes such as \"40.00\" .*"
                 r"got \"EUR 50\"", id="amount with a currency"),
    pytest.param(COMPENSATION_50.replace('"50.00"', '"50,00"'),
                 r"limits.yaml:3: eu_b2b_compensation.amount: expected an amount", id="decimal comma"),
    pytest.param(COMPENSATION_50.replace('"50.00"', '"50.005"'),
                 r"limits.yaml:3: eu_b2b_compensation.amount: \"50.005\" has more decimals than EUR allows \(2\)",
                 id="amount below the cent"),
    pytest.param(COMPENSATION_50.replace("confidence: V", "confidence: high"),
                 r"limits.yaml:6: eu_b2b_compensation.confidence: expected V \(legal text\), S", id="confidence"),
    pytest.param(_ENTRY.replace('up_to: "5000.00"', 'up_to: "2000.00"'),
                 r"limits.yaml:6: wik.bands\[1\].up_to: expected more than 2500.00", id="bands not increasing"),
    pytest.param(_ENTRY.replace('{percent: "5"}', '{up_to: "9000.00", percent: "5"}'),
                 r"limits.yaml:7: wik.bands\[2\].up_to: the last band has no up_to", id="last band with up_to"),
    pytest.param(_ENTRY.replace('{up_to: "5000.00", percent: "10"}', '{percent: "10"}'),
                 r"limits.yaml:6: wik.bands\[1\].up_to: missing: every band but the last", id="band without up_to"),
    pytest.param(_ENTRY.replace('"15"', '"150"'),
                 r"limits.yaml:5: wik.bands\[0\].percent: expected a percentage from 0 to 100", id="percent above 100"),
    pytest.param(_ENTRY.replace('"15"', '"-15"'),
                 r"limits.yaml:5: wik.bands\[0\].percent: expected a percentage from 0 to 100", id="negative percent"),
    pytest.param(_ENTRY.replace('minimum: "40.00"', 'minimum: "8000.00"'),
                 r"limits.yaml:8: wik.minimum: the minimum 8000.00 is more than the maximum 6775.00",
                 id="minimum above maximum"),
    pytest.param("book_xix_damages:\n  says: x\n  currency: EUR\n  scale:\n"
                 "    - {up_to: \"150.00\", fixed: \"20.00\"}\n    - {fixed: \"30.00\", percent: \"10\"}\n"
                 "  maximum: \"2000.00\"\n  source: x\n  confidence: S\n",
                 r"limits.yaml:6: book_xix_damages.scale\[1\]: percent and above go together",
                 id="percent without above"),
    pytest.param("wik: 40\n", r"limits.yaml:1: wik: expected a mapping", id="entry not a mapping"),
    pytest.param("- wik\n", r"limits.yaml:1: \(top\): expected a mapping", id="a list"),
])
def test_a_broken_limits_file_names_its_line_and_what_to_write(tmp_path, text, expected):
    folder = law(tmp_path, text)

    with pytest.raises(ConfigError, match=expected) as caught:
        limits_of(folder)
    assert str(folder / "limits.yaml") in caught.value.message
    assert "copy the complete entry" in caught.value.hint


def test_a_limits_file_that_is_no_yaml_names_its_line(tmp_path):
    folder = law(tmp_path, 'eu_b2b_compensation:\n  amount: "50.00\n')

    with pytest.raises(ConfigError, match=r"limits.yaml:\d+: not valid YAML"):
        read_limits(folder)


def test_a_key_written_twice_names_the_file_and_line(tmp_path):
    folder = law(tmp_path, COMPENSATION_50 + '  amount: "60.00"\n')

    with pytest.raises(ConfigError, match=r"law/limits.yaml:7: 'amount' appears twice"):
        read_limits(folder)


# --- rates -------------------------------------------------------------------------------------------


def test_a_workspace_rate_for_2026_h2_claims_the_days_the_shipped_table_leaves_out(tmp_path):
    rates = load_rates("be-b2b", law(tmp_path, be_b2b=HEADER + BE_2026_H2))

    interest = statutory_interest(cents("10000.00"), "EUR", dt.date(2026, 5, 31), dt.date(2026, 7, 10), rates,
                                  table="be-b2b")

    # 30 days of June at the shipped 10.5 % and 10 days of July at the workspace's 10.5 %:
    # 10,000.00 x 10.5 % x 40 / 365 = 115.068... -> 115.07
    assert [(s.start, s.days, s.percent) for s in interest.slices] == [
        (dt.date(2026, 6, 1), 30, Decimal("10.5")), (dt.date(2026, 7, 1), 10, Decimal("10.5"))]
    assert interest.amount == cents("115.07")
    assert interest.missing == () and interest.warnings == []


def test_the_workspace_rows_come_after_the_shipped_rows_with_their_source(tmp_path):
    rates = load_rates("be-b2b", law(tmp_path, be_b2b=HEADER + BE_2026_H2))

    assert len(rates) == len(load_rates("be-b2b")) + 1
    assert (rates[-1].valid_from, rates[-1].source, rates[-1].confidence) == (
        dt.date(2026, 7, 1), "Belgian Official Gazette, notice of the FPS Finance for 2026 H2", "V")


def test_a_workspace_row_overlapping_a_shipped_row_replaces_it(tmp_path):
    # the shipped 2026 H1 rate (10.5 %) was announced before publication; say the Gazette printed 10.0 %
    correction = '2026-01-01,2026-06-30,10.0,"Belgian Official Gazette, 2026 H1 as published",V\n'
    rates = load_rates("be-b2b", law(tmp_path, be_b2b=HEADER + correction))

    interest = statutory_interest(cents("10000.00"), "EUR", dt.date(2026, 5, 31), dt.date(2026, 6, 30), rates)

    assert [r.percent for r in rates if r.valid_from <= dt.date(2026, 3, 1) <= r.valid_to] == [Decimal("10.0")]
    assert len(rates) == len(load_rates("be-b2b"))
    assert interest.amount == cents("82.19")  # 10,000.00 x 10 % x 30 / 365 = 82.191...


def test_a_workspace_row_covering_part_of_a_shipped_period_drops_the_whole_shipped_row(tmp_path):
    first_quarter = '2026-01-01,2026-03-31,10.0,"Belgian Official Gazette, first quarter only",S\n'
    rates = load_rates("be-b2b", law(tmp_path, be_b2b=HEADER + first_quarter))

    interest = statutory_interest(cents("10000.00"), "EUR", dt.date(2026, 3, 30), dt.date(2026, 4, 10), rates,
                                  table="be-b2b")

    # 31 March at 10 %: 10,000.00 x 10 % / 365 = 2.739... -> 2.74; April is left out, not guessed
    assert interest.amount == cents("2.74")
    assert interest.missing == ((dt.date(2026, 4, 1), dt.date(2026, 4, 10)),)


def test_workspace_rows_may_be_listed_in_any_order(tmp_path):
    rows = BE_2026_H2.replace("2026-07-01,2026-12-31", "2027-01-01,2027-06-30") + BE_2026_H2
    rates = load_rates("be-b2b", law(tmp_path, be_b2b=HEADER + rows))

    assert [r.valid_from for r in rates[-2:]] == [dt.date(2026, 7, 1), dt.date(2027, 1, 1)]


def test_a_workspace_without_its_own_table_gets_the_shipped_rates(tmp_path):
    assert load_rates("nl-b2b", law(tmp_path, be_b2b=HEADER + BE_2026_H2)) == load_rates("nl-b2b")


def test_an_explicit_csv_path_is_read_as_it_is(tmp_path):
    path = tmp_path / "my-rates.csv"
    path.write_text(HEADER + BE_2026_H2, encoding="utf-8")

    assert [r.percent for r in load_rates(str(path), law(tmp_path, be_b2b=HEADER))] == [Decimal("10.5")]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(HEADER + BE_2026_H2 + BE_2026_H2.replace("2026-07-01", "2026-10-01"),
                 r"be-b2b.csv:3: the period 2026-10-01 to 2026-12-31 overlaps the period 2026-07-01 to 2026-12-31 "
                 r"of line 2", id="two workspace rows on the same days"),
    pytest.param(HEADER + BE_2026_H2.replace("2026-07-01", "2026-10-01") + BE_2026_H2,
                 r"be-b2b.csv:3: the period 2026-07-01 to 2026-12-31 overlaps the period 2026-10-01 to 2026-12-31 "
                 r"of line 2", id="overlap listed backwards"),
    pytest.param(HEADER + BE_2026_H2.replace(",10.5,", ",ten,"),
                 r"be-b2b.csv:2: expected ISO dates and a percentage such as 10.5", id="percent not a number"),
    pytest.param(HEADER + BE_2026_H2.replace("2026-07-01", "01/07/2026"),
                 r"be-b2b.csv:2: expected ISO dates", id="date not ISO"),
    pytest.param(HEADER + BE_2026_H2.replace(",10.5,", ",105,"),
                 r"be-b2b.csv:2: the period ends before it starts, or the percentage is not 0-100", id="percent 105"),
    pytest.param("valid_from,valid_to,percent\n2026-07-01,2026-12-31,10.5\n",
                 r"be-b2b.csv:1: missing column\(s\) confidence, source", id="no source column"),
    pytest.param(HEADER + '2026-07-01,2026-12-31,10.5,"",V\n',
                 r"be-b2b.csv:2: say where the rate was published \(source\)", id="empty source"),
    pytest.param(HEADER + "2026-07-01,2026-12-31\n",
                 r"be-b2b.csv:2: expected ISO dates and a percentage", id="short row"),
])
def test_a_broken_workspace_rate_file_names_its_line(tmp_path, text, expected):
    folder = law(tmp_path, be_b2b=text)

    with pytest.raises(ConfigError, match=expected) as caught:
        load_rates("be-b2b", folder)
    assert str(folder / "rates" / "be-b2b.csv") in caught.value.message


def test_a_workspace_rate_file_named_after_no_table_is_refused(tmp_path):
    folder = law(tmp_path, be_b2b_2026=HEADER + BE_2026_H2)  # be-b2b-2026.csv would never be read

    with pytest.raises(ConfigError, match=r"be-b2b-2026.csv: no rate table is called 'be-b2b-2026'") as caught:
        load_rates("be-b2b", folder)
    assert "be-b2b, be-legal, nl-b2b, nl-consumer" in caught.value.hint
    assert "e.g. de-b2b.csv" in caught.value.hint


def test_a_workspace_provides_a_table_arctl_does_not_ship(tmp_path):
    folder = law(tmp_path, de_b2b=HEADER + DE_2026_H2)

    assert provided_rate_tables(folder) == ["de-b2b"]
    assert [(r.valid_from, r.percent) for r in load_rates("de-b2b", folder)] == [(dt.date(2026, 7, 1),
                                                                                  Decimal("10.27"))]


def test_an_exchange_rate_file_gives_each_currency_its_rate_and_source(tmp_path):
    folder = law(tmp_path)
    (folder / "exchange_rates.csv").write_text(EXCHANGE_HEADER + USD_RATE, encoding="utf-8")

    [usd] = read_exchange_rates(folder)

    assert (usd.currency, usd.rate, usd.day) == ("USD", Decimal("0.90"), dt.date(2026, 11, 19))
    assert usd.source == "ECB euro foreign exchange reference rate"


@pytest.mark.parametrize("row, expected", [
    pytest.param("USD,-0.90,2026-11-19,ECB\n", r"exchange_rates.csv:2: a rate needs", id="negative"),
    pytest.param("USD,abc,2026-11-19,ECB\n", r"exchange_rates.csv:2: expected a currency code", id="no number"),
    pytest.param("USD,0.90,19/11/2026,ECB\n", r"exchange_rates.csv:2: expected a currency code", id="date"),
    pytest.param("USD,0.90,2026-11-19,\n", r"exchange_rates.csv:2: a rate needs .* source", id="no source"),
    pytest.param(USD_RATE + USD_RATE, r"exchange_rates.csv:3: USD is given twice", id="twice"),
])
def test_a_broken_exchange_rate_file_names_its_line(tmp_path, row, expected):
    folder = law(tmp_path)
    (folder / "exchange_rates.csv").write_text(EXCHANGE_HEADER + row, encoding="utf-8")

    with pytest.raises(ConfigError, match=expected):
        read_exchange_rates(folder)


# --- through `arctl dunning run` ---------------------------------------------------------------------

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-09-01,2026-09-30,EUR,1210.00,1210.00
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Phone
    K001,Bakkerij Peeters BV,boekhouding@peeters.example.be,+32 3 123 45 67
    """
DEMAND = """\
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
    """


@pytest.fixture
def workspace(invoices_and_customers_workspace):
    """A Belgian company without a bank source, one overdue invoice, a plan whose first step is a formal demand."""
    return invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-11-20",
                                            files={"plans/demand-only.yaml": DEMAND})


def demand_run():
    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--json", "--plan", "demand-only"])
    assert result.exit_code == 0, result.output
    [action] = json.loads(result.stdout)["actions"]
    return action, json.loads(result.stdout)["warnings"]


def test_a_workspace_compensation_changes_the_amount_of_a_demand(workspace):
    law(workspace, COMPENSATION_50)

    action, _ = demand_run()

    costs = {c["kind"]: c["amount"] for c in action["costs"]}
    assert costs["compensation"] == "50.00"
    assert action["total_due"] == "1260.00"  # 1210.00 + 50.00 + 0.00 interest (no 2026 H2 rate shipped)


def test_a_workspace_rate_for_2026_h2_is_claimed_in_a_demand(workspace):
    law(workspace, be_b2b=HEADER + BE_2026_H2)

    action, warnings = demand_run()

    costs = {c["kind"]: c["amount"] for c in action["costs"]}
    # 1,210.00 from 1 October to 20 November 2026: 51 days x 10.5 % / 365 = 17.752... -> 17.75
    assert costs == {"compensation": "40.00", "interest": "17.75"}
    assert not any(w.startswith("rate_missing") for w in warnings)


def test_without_a_workspace_rate_the_warning_says_which_file_to_add_it_to(workspace):
    _, warnings = demand_run()

    assert any("add the published rate to law/rates/be-b2b.csv in the workspace" in w for w in warnings)


def test_a_broken_workspace_limits_file_stops_the_run_naming_its_line(workspace):
    law(workspace, COMPENSATION_50.replace('"50.00"', '"50,00"'))

    result = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2026-11-20", "--json", "--plan", "demand-only"])

    assert result.exit_code == 2
    assert "law/limits.yaml:3: eu_b2b_compensation.amount: expected an amount" in result.stderr
    assert not (workspace / "outbox").exists()


def test_a_german_company_claims_interest_from_the_table_its_workspace_provides(workspace):
    config = workspace / "arctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("country: BE", "country: DE"), encoding="utf-8")
    law(workspace, de_b2b=HEADER + DE_2026_H2)

    action, warnings = demand_run()

    # 1,210.00 from 1 October to 20 November 2026: 51 days x 10.27 % / 365 = 17.363... -> 17.36
    assert {c["kind"]: c["amount"] for c in action["costs"]} == {"compensation": "40.00", "interest": "17.36"}
    assert not any("de-b2b" in w for w in warnings)


def test_a_german_company_without_a_rate_table_claims_no_interest_and_is_told_which_file(workspace):
    config = workspace / "arctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("country: BE", "country: DE"), encoding="utf-8")

    action, warnings = demand_run()

    assert [c["kind"] for c in action["costs"]] == ["compensation"]
    assert any("law/rates/de-b2b.csv" in w for w in warnings)


def test_the_day_count_setting_of_arctl_yaml_reaches_the_run(invoices_and_customers_workspace):
    invoices = INVOICES.replace("2026-09-01,2026-09-30", "2024-01-01,2024-01-31")
    root = invoices_and_customers_workspace(invoices, CUSTOMERS, as_of="2024-03-01",
                                            files={"plans/demand-only.yaml": DEMAND})

    def interest() -> str:
        result = CliRunner().invoke(app, ["dunning", "run", "--as-of", "2024-03-01", "--json", "--dry-run",
                                          "--plan", "demand-only"])
        assert result.exit_code == 0, result.output
        [action] = json.loads(result.stdout)["actions"]
        return {c["kind"]: c["amount"] for c in action["costs"]}["interest"]

    # 1,210.00 from 1 February to 1 March 2024 (leap year): 30 days x 12.5 %
    assert interest() == "12.40"          # actual/actual: / 366 = 12.397... -> 12.40
    with (root / "arctl.yaml").open("a", encoding="utf-8") as handle:
        handle.write("law: {day_count: actual/365}\n")
    assert interest() == "12.43"          # actual/365: / 365 = 12.431... -> 12.43


def test_a_claim_in_dollars_gets_the_compensation_through_the_workspace_s_exchange_rate(
        invoices_and_customers_workspace):
    invoices = INVOICES.replace(",EUR,1210.00,1210.00", ",USD,1210.00,1210.00")
    root = invoices_and_customers_workspace(invoices, CUSTOMERS, as_of="2026-11-20",
                                            files={"plans/demand-only.yaml": DEMAND})
    law(root)
    (root / "law" / "exchange_rates.csv").write_text(EXCHANGE_HEADER + USD_RATE, encoding="utf-8")

    action, warnings = demand_run()

    [compensation] = [c for c in action["costs"] if c["kind"] == "compensation"]
    assert compensation["amount"] == "44.44"   # EUR 40 / 0.90 EUR per USD = 44.444... USD, a maximum: rounded down
    assert "1 USD = 0.90 EUR (ECB euro foreign exchange reference rate, 2026-11-19)" in compensation["basis"]
    assert not any("compensation left out" in w for w in warnings)


def test_a_lower_amount_in_a_later_export_ends_the_interest_on_the_part_paid_from_that_export_s_day(
        invoices_and_customers_workspace):
    # no bank source: the customer paid 600.00 of 1,210.00 and the export of 21 October shows 610.00 open.
    # Interest at 10.5 % (2026 H2): 1,210.00 from 1 to 20 October (20 days) = 6.96164, and 610.00 from
    # 21 October to 20 November (31 days) = 5.43986: 12.4015 -> 12.40 (on 610.00 for all 51 days: 8.95)
    root = invoices_and_customers_workspace(INVOICES, CUSTOMERS, as_of="2026-10-01",
                                            files={"plans/demand-only.yaml": DEMAND})
    law(root, be_b2b=HEADER + BE_2026_H2)
    export = root / "exports" / "open_invoices.csv"
    export.write_text(export.read_text(encoding="utf-8").replace("1210.00,1210.00", "1210.00,610.00"),
                      encoding="utf-8")
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-10-21"]).exit_code == 0

    action, _ = demand_run()

    assert {c["kind"]: c["amount"] for c in action["costs"]} == {"compensation": "40.00", "interest": "12.40"}
