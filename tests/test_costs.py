"""Statutory interest, the EUR 40, the WIK scale and the Belgian consumer cap, to the cent of REFERENCE.md."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from arctl.dunning.costs import be_consumer_damages_cap, eu_b2b_compensation, statutory_interest, wik_costs
from arctl.dunning.limits import parse_limits
from arctl.io.legal import load_rates, read_limits
from arctl.model import Rate

SHIPPED = parse_limits(read_limits())  # dunning/data/limits.yaml

DUE = dt.date(2025, 5, 31)
PAID = dt.date(2025, 8, 31)


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def test_belgian_worked_example_slices_the_half_years():
    interest = statutory_interest(cents("10000.00"), "EUR", DUE, PAID, load_rates("be-b2b"))

    assert [(s.days, s.percent) for s in interest.slices] == [(30, Decimal("11.5")), (62, Decimal("10.5"))]
    assert interest.amount == cents("272.88")
    assert interest.missing == ()


def test_dutch_worked_example_uses_the_dutch_rates():
    interest = statutory_interest(cents("10000.00"), "EUR", DUE, PAID, load_rates("nl-b2b"), compound_yearly=True)

    assert interest.amount == cents("264.05")


def test_interest_starts_the_day_after_the_due_date_and_includes_the_last_day():
    one_day = statutory_interest(cents("3650.00"), "EUR", DUE, DUE + dt.timedelta(days=1), load_rates("be-b2b"))

    assert one_day.slices[0].start == dt.date(2025, 6, 1)
    assert one_day.amount == cents("1.15")  # 3650 × 11.5 % / 365


def test_nothing_is_owed_on_or_before_the_due_date():
    assert statutory_interest(cents("100.00"), "EUR", DUE, DUE, load_rates("be-b2b")).amount == 0


def test_days_without_a_known_rate_are_left_out_with_a_warning():
    interest = statutory_interest(cents("10000.00"), "EUR", dt.date(2026, 5, 31), dt.date(2026, 7, 10),
                                  load_rates("be-b2b"))

    assert interest.missing == ((dt.date(2026, 7, 1), dt.date(2026, 7, 10)),)
    assert interest.amount == 8630  # 30 days at 10.5 % only: 86.30
    assert interest.warnings[0].startswith("rate_missing: no statutory rate known for 2026-07-01 to 2026-07-10")


def test_dutch_interest_is_added_to_the_principal_after_each_full_year():
    flat = (Rate(dt.date(2020, 1, 1), dt.date(2030, 12, 31), Decimal(10)),)
    simple = statutory_interest(cents("1000.00"), "EUR", dt.date(2021, 12, 31), dt.date(2023, 12, 31), flat)
    compound = statutory_interest(cents("1000.00"), "EUR", dt.date(2021, 12, 31), dt.date(2023, 12, 31), flat,
                                  compound_yearly=True)

    assert simple.amount == cents("200.00")
    assert compound.amount == cents("210.00")


@pytest.mark.parametrize(("principal", "costs"), [
    ("200.00", "40.00"), ("1000.00", "150.00"), ("2500.00", "375.00"), ("5000.00", "625.00"),
    ("10000.00", "875.00"), ("200000.00", "2775.00"), ("1000000.00", "6775.00"), ("5000000.00", "6775.00"),
])
def test_wik_scale_matches_the_reference_values(principal, costs):
    assert wik_costs(cents(principal), "EUR", limits=SHIPPED) == cents(costs)


def test_the_eu_b2b_compensation_is_40_in_belgium_and_the_wik_scale_in_the_netherlands():
    assert eu_b2b_compensation("BE", cents("10000.00"), "EUR", limits=SHIPPED) == cents("40.00")
    assert eu_b2b_compensation("NL", cents("10000.00"), "EUR", limits=SHIPPED) == cents("875.00")
    assert eu_b2b_compensation("NL", cents("100.00"), "EUR", limits=SHIPPED) == cents("40.00")


@pytest.mark.parametrize(("balance", "cap"), [
    ("100.00", "20.00"), ("150.00", "20.00"), ("150.01", "30.00"), ("400.00", "55.00"), ("500.00", "65.00"),
    ("1000.00", "90.00"), ("39200.00", "2000.00"), ("50000.00", "2000.00"),
])
def test_belgian_consumer_damages_cap_matches_the_reference_values(balance, cap):
    assert be_consumer_damages_cap(cents(balance), "EUR", limits=SHIPPED) == cents(cap)


def test_shipped_rate_tables_hold_no_unverified_period():
    for name in ("be-b2b", "nl-b2b"):
        rates = load_rates(name)
        assert rates[-1].valid_to == dt.date(2026, 6, 30)
        assert all(rate.confidence in ("V", "S") for rate in rates)


def test_a_broken_rate_file_names_its_line(tmp_path):
    from arctl.errors import ConfigError

    path = tmp_path / "rates.csv"
    path.write_text("valid_from,valid_to,percent\n2026-07-01,2026-12-31,ten\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"rates.csv:2: expected ISO dates and a percentage"):
        load_rates(str(path))


def test_legal_rate_tables_hold_the_published_consumer_rates():
    be = statutory_interest(cents("1000.00"), "EUR", dt.date(2024, 12, 31), dt.date(2025, 12, 31),
                            load_rates("be-legal"))
    nl = statutory_interest(cents("1000.00"), "EUR", dt.date(2023, 12, 31), dt.date(2024, 12, 31),
                            load_rates("nl-consumer"), compound_yearly=True)

    assert be.amount == cents("45.00")  # 4.5 % for the 365 days of 2025
    assert nl.amount == cents("70.00")  # 7 % over 2024's 366 days on actual/actual: 1,000 × 7 % × 366/366


def test_the_rate_missing_warning_names_the_file_and_columns_to_add_the_rate_to():
    interest = statutory_interest(cents("10000.00"), "EUR", dt.date(2026, 5, 31), dt.date(2026, 7, 10),
                                  load_rates("be-b2b"), table="be-b2b")

    assert interest.warnings == [
        "rate_missing: no statutory rate known for 2026-07-01 to 2026-07-10; interest for those days is left out "
        "(add the published rate to law/rates/be-b2b.csv in the workspace: "
        "valid_from,valid_to,percent,source,confidence)"]


def test_shipped_limits_hold_no_unverified_value_and_name_their_sources():
    for entry in (SHIPPED.compensation, SHIPPED.wik, SHIPPED.damages):
        assert entry.confidence in ("V", "S")
        assert "REFERENCE.md §" in entry.source and "[S" in entry.source
        assert entry.currency == "EUR"


def test_the_shipped_limits_are_the_reference_values_as_exact_decimals():
    assert SHIPPED.compensation.amount == Decimal("40.00")
    assert [(b.up_to, b.percent) for b in SHIPPED.wik.bands] == [
        (Decimal(2500), Decimal(15)), (Decimal(5000), Decimal(10)), (Decimal(10000), Decimal(5)),
        (Decimal(200000), Decimal(1)), (None, Decimal("0.5"))]
    assert (SHIPPED.wik.minimum, SHIPPED.wik.maximum) == (Decimal(40), Decimal(6775))
    assert SHIPPED.damages.maximum == Decimal(2000)


def test_a_leap_year_counts_366_days_by_default_and_365_with_the_actual_365_setting():
    # REFERENCE.md §1 leaves the day count open [U]; the default (actual/actual) claims less in a leap year.
    flat = (Rate(dt.date(2024, 1, 1), dt.date(2024, 12, 31), Decimal(10)),)
    actual = statutory_interest(cents("3660.00"), "EUR", dt.date(2024, 1, 31), dt.date(2024, 3, 1), flat)
    per_365 = statutory_interest(cents("3660.00"), "EUR", dt.date(2024, 1, 31), dt.date(2024, 3, 1), flat,
                                 day_count="actual/365")

    assert actual.amount == cents("30.00")   # 1 Feb to 1 Mar 2024 = 30 days: 3,660 × 10 % × 30 / 366 = 30.00
    assert per_365.amount == cents("30.08")  # 3,660 × 10 % × 30 / 365 = 30.0822 -> 30.08


def test_a_delay_across_new_year_counts_each_day_by_its_own_year():
    # 2023-12-31 due; 1 Jan to 31 Jan 2024: 31 days in a leap year. From 2023-12-21: 10 days of 2023 then 31 of 2024.
    flat = (Rate(dt.date(2023, 1, 1), dt.date(2024, 12, 31), Decimal(10)),)
    interest = statutory_interest(cents("10000.00"), "EUR", dt.date(2023, 12, 21), dt.date(2024, 1, 31), flat)

    # 10,000 × 10 % × (10/365 + 31/366) = 27.3973 + 84.6995 = 112.0968 -> 112.10
    assert interest.amount == cents("112.10")
    assert [(s.days, s.percent) for s in interest.slices] == [(41, Decimal(10))]


def test_the_book_xix_cap_is_rounded_down_never_up():
    # 499.99 is in the tier "30 + 10 % of the part above 150": 30 + 34.999 = 64.999 -> 64.99 (half up: 65.00)
    assert be_consumer_damages_cap(cents("499.99"), "EUR", limits=SHIPPED) == cents("64.99")


def test_the_wik_costs_are_rounded_down_never_up():
    # 333.33 is below the first band's 2,500: 15 % = 49.9995 -> 49.99 (half up: 50.00)
    assert wik_costs(cents("333.33"), "EUR", limits=SHIPPED) == cents("49.99")


def test_a_partial_payment_ends_the_interest_on_the_part_it_paid_on_its_date():
    # 1,000.00 due 2025-05-31, 400.00 paid on 2025-06-30; Belgian rates 11.5 % (2025-H1), 10.5 % (2025-H2).
    # 1 to 29 Jun (29 days) on 1,000.00; from 30 Jun on 600.00 (2025 is no leap year: /365):
    # 1,000 × 11.5 % × 29/365 = 9.1370; 600 × 11.5 % × 1/365 = 0.1890 (30 Jun, still H1);
    # 600 × 10.5 % × 30/365 = 5.1781 (1 to 30 Jul, H2). Total 14.5041 -> 14.50.
    # The payment day itself: the part paid owes no interest from the day it was paid.
    from arctl.dunning.costs import period_interest

    periods = ((dt.date(2025, 6, 1), cents("1000.00")), (dt.date(2025, 6, 30), cents("600.00")))
    interest = period_interest(periods, "EUR", DUE, dt.date(2025, 7, 30), load_rates("be-b2b"))

    assert interest.amount == cents("14.50")
    assert [(s.days, s.principal) for s in interest.slices] == [(29, cents("1000.00")), (1, cents("600.00")),
                                                                  (30, cents("600.00"))]


def test_a_claimed_interest_lists_its_periods_with_rate_and_amount_for_the_letter():
    from arctl.dunning.claims import Law, step_costs
    from arctl.dunning.plan import Costs
    from arctl.model import ActionLine, InterestPeriod

    line = ActionLine("2025-0042", DUE, cents("10000.00"))
    law = Law("BE", rates={"be-b2b": load_rates("be-b2b")})

    [interest], _ = step_costs(Costs(interest="statutory"), (line,), "EUR", PAID, law)

    # REFERENCE.md section 3: EUR 10,000.00 due 31 May 2025, paid 31 Aug 2025: 30 days of 2025 H1 at 11.5 %
    # = 94.52 and 62 days of 2025 H2 at 10.5 % = 178.36, total 272.88
    assert interest.periods == (
        InterestPeriod("2025-0042", dt.date(2025, 6, 1), dt.date(2025, 6, 30), 30, "11.50", 1000000, 9452),
        InterestPeriod("2025-0042", dt.date(2025, 7, 1), dt.date(2025, 8, 31), 62, "10.50", 1000000, 17836))
    assert interest.amount == 27288
