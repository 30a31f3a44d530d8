"""The balance the law looks at: credit notes, partial payments, the day count, other currencies, countries
without a rate table and the Belgian consumer's waiting period (issue 15). Figures computed by hand from
REFERENCE.md; each derivation is in a comment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from arctl.dunning.claims import Claimed, ExchangeRate, Law, law_needed, step_costs
from arctl.dunning.engine import CustomerFacts, Taken, decide
from arctl.dunning.limits import parse_limits
from arctl.dunning.plan import Costs
from arctl.io.legal import load_rates, read_limits
from arctl.model import ActionLine
from arctl.workflows import load_plans

LIMITS = parse_limits(read_limits())
BE_RATES = {"be-b2b": load_rates("be-b2b"), "be-legal": load_rates("be-legal")}
NL_RATES = {"nl-b2b": load_rates("nl-b2b"), "nl-consumer": load_rates("nl-consumer")}
DAMAGES = Costs(damages="book-xix")
WIK = Costs(collection_costs="wik")


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def costs_of(found) -> dict[str, int]:
    return {cost.kind: cost.amount for cost in found[0]}


# --- credit notes ------------------------------------------------------------------------------------------


def test_the_book_xix_cap_is_computed_on_the_balance_net_of_open_credit_notes():
    invoice = ActionLine("2026-0311", dt.date(2026, 3, 31), cents("3776.00"))
    credit = ActionLine("CN-2026-0007", dt.date(2026, 4, 10), cents("-605.00"))
    found = step_costs(DAMAGES, (invoice,), "EUR", dt.date(2026, 6, 1), Law("BE", LIMITS, BE_RATES),
                       Claimed(credits=(credit,)))

    # balance 3,776.00 - 605.00 = 3,171.00: 65 + 5 % x (3,171.00 - 500) = 65 + 133.55 = 198.55
    # (on the gross 3,776.00 it would be 65 + 5 % x 3,276.00 = 228.80, above the cap)
    assert costs_of(found) == {"damages": cents("198.55")}


def test_the_wik_costs_are_computed_on_the_balance_net_of_open_credit_notes():
    invoice = ActionLine("2026-0311", dt.date(2026, 3, 31), cents("3000.00"))
    credit = ActionLine("CN-2026-0007", dt.date(2026, 4, 10), cents("-1000.00"))
    found = step_costs(WIK, (invoice,), "EUR", dt.date(2026, 6, 1), Law("NL", LIMITS, NL_RATES),
                       Claimed(credits=(credit,)))

    # 2,000.00 net: 15 % of 2,000.00 = 300.00 (on the gross 3,000.00: 375 + 10 % x 500 = 425.00)
    assert costs_of(found) == {"collection_costs": cents("300.00")}


def test_interest_runs_on_the_net_amount_from_the_credit_notes_date():
    invoice = ActionLine("2026-0101", dt.date(2026, 1, 31), cents("3650.00"))
    credit = ActionLine("CN-2026-0002", dt.date(2026, 3, 2), cents("-1825.00"))
    found = step_costs(Costs(interest="legal"), (invoice,), "EUR", dt.date(2026, 3, 31), Law("BE", LIMITS, BE_RATES),
                       Claimed(credits=(credit,)))

    # Belgian legal rate 2026: 4.5 %; the credit note ends the interest on its part on its date (2 March).
    # 1 Feb to 1 Mar = 29 days on 3,650.00: 3,650 x 4.5 % x 29/365 = 13.05;
    # 2 Mar to 31 Mar = 30 days on 1,825.00: 1,825 x 4.5 % x 30/365 = 6.75. Total 19.80.
    assert costs_of(found) == {"interest": cents("19.80")}


def _consumer_demand(credit_note: bool):
    plans = load_plans("consumer-be", None)
    rows = [("2026-0311", cents("3776.00"), "2026-03-31")]
    if credit_note:
        rows.append(("CN-2026-0007", cents("-605.00"), "2026-04-10"))
    frame = pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": "C-VERMEULEN", "currency": "EUR",
        "due_date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[s]"),
        "open_amount": [r[1] for r in rows]})
    history = [Taken("2026-0311", "reminder", dt.date(2026, 4, 7), "email"),
               Taken("2026-0311", "second", dt.date(2026, 4, 28), "letter"),
               Taken("2026-0311", "call", dt.date(2026, 5, 12), "phone")]
    customers = {"C-VERMEULEN": CustomerFacts(consumer=True, country="BE", has_email=True)}
    law = Law("BE", LIMITS, BE_RATES, be_consumer_interest_from="due_date")
    return decide(frame, customers, plans, history, (), dt.date(2026, 5, 19), law=law)


def test_a_demand_lists_the_open_credit_note_and_asks_the_net_amount():
    [action] = _consumer_demand(credit_note=True).actions
    costs = {cost.kind: cost.amount for cost in action.costs}

    assert action.step == "demand"
    assert [(c.invoice_id, c.open_amount) for c in action.credits] == [("CN-2026-0007", cents("-605.00"))]
    assert costs["damages"] == cents("198.55")  # the cap on 3,171.00, see above
    # interest at 4.5 % from 1 April; like a payment, the credit note of 10 April ends the interest on its part
    # that day: 9 days (1-9 Apr) on 3,776.00 = 3,776 x 4.5 % x 9/365 = 4.1898; 40 days (10 Apr - 19 May) on
    # 3,171.00 = 3,171 x 4.5 % x 40/365 = 15.6378; total 19.8276 -> 19.83
    assert costs["interest"] == cents("19.83")
    # 3,776.00 + 198.55 + 19.83 = 3,994.38 in total; less the credit note 605.00: 3,389.38 to pay
    assert action.total_due == cents("3994.38")
    assert action.net_due == cents("3389.38")


def test_without_credit_notes_the_net_amount_is_the_total():
    [action] = _consumer_demand(credit_note=False).actions

    assert action.credits == ()
    assert action.net_due == action.total_due


# --- other currencies, countries without a rate table ----------------------------------------------------


def test_a_claim_in_another_currency_gets_no_eur_scale_without_a_workspace_rate():
    invoice = ActionLine("2026-0311", dt.date(2026, 3, 31), cents("1000.00"))
    found = step_costs(DAMAGES, (invoice,), "CHF", dt.date(2026, 6, 1), Law("BE", LIMITS, BE_RATES))

    assert found[0] == ()
    assert "damages left out: the Book XIX scale is in EUR and this claim in CHF" in found[1][0]


def test_a_claim_in_another_currency_gets_the_scale_through_the_workspace_rate_stated_in_the_document():
    invoice = ActionLine("2026-0311", dt.date(2026, 3, 31), cents("1000.00"))
    rate = ExchangeRate("CHF", Decimal("1.10"), dt.date(2026, 5, 29), "ECB reference rate")
    found = step_costs(DAMAGES, (invoice,), "CHF", dt.date(2026, 6, 1),
                       Law("BE", LIMITS, BE_RATES, exchange_rates={"CHF": rate}))

    # CHF 1,000.00 = EUR 1,100.00: 65 + 5 % x 600 = EUR 95.00 = CHF 95 / 1.10 = 86.3636 -> rounded down 86.36
    [cost] = found[0]
    assert cost.amount == cents("86.36")
    assert "1 CHF = 1.10 EUR (ECB reference rate, 2026-05-29)" in cost.basis


def test_a_company_in_a_country_without_a_rate_table_claims_no_interest_and_is_told_which_table():
    invoice = ActionLine("2026-0311", dt.date(2026, 3, 31), cents("1000.00"))
    found = step_costs(Costs(interest="statutory"), (invoice,), "EUR", dt.date(2026, 6, 1), Law("DE", LIMITS, {}))

    assert found[0] == ()
    assert "no statutory interest rate table for DE; add law/rates/de-b2b.csv" in found[1][0]


def test_a_company_in_a_country_without_a_rate_table_needs_no_belgian_table_for_its_business_customers():
    plans = load_plans("standard", None).plans
    business = [plan for plan in plans if plan.consumer is None]

    assert law_needed(business, "DE").tables == ()
    assert law_needed(business, "DE", provided=("de-b2b",)).tables == ("de-b2b",)


def test_consumer_plans_need_the_legal_rate_of_the_consumer_s_country_whatever_the_company_s():
    # a German company's Belgian and Dutch consumers are owed (at most) their own country's legal interest
    plans = load_plans("standard", None).plans

    assert law_needed(plans, "DE").tables == ("be-legal", "nl-consumer")


# --- the Belgian consumer's waiting period ------------------------------------------------------------------


def test_belgian_consumer_interest_starts_at_the_end_of_the_waiting_period_by_default():
    interest = {"waiting": _demand_interest("waiting_period_end"), "due": _demand_interest("due_date")}

    # first reminder e-mailed 7 April: the 14 days run 8-21 April; interest from 22 April to 19 May = 28 days
    # on 3,776.00 at 4.5 %: 3,776 x 4.5 % x 28/365 = 4,757.76 / 365 = 13.0350 (13.03496) -> 13.03.
    assert interest["waiting"] == cents("13.03")
    # with `be_consumer_interest_from: due_date`: 1 April to 19 May = 49 days: 3,776 x 4.5 % x 49/365 = 22.81
    assert interest["due"] == cents("22.81")


def _demand_interest(reading: str) -> int:
    plans = load_plans("consumer-be", None)
    frame = pd.DataFrame({"invoice_id": ["2026-0311"], "customer_id": "C-VERMEULEN", "currency": "EUR",
                          "due_date": pd.to_datetime(["2026-03-31"]).astype("datetime64[s]"),
                          "open_amount": [cents("3776.00")]})
    history = [Taken("2026-0311", "reminder", dt.date(2026, 4, 7), "email"),
               Taken("2026-0311", "second", dt.date(2026, 4, 28), "letter"),
               Taken("2026-0311", "call", dt.date(2026, 5, 12), "phone")]
    customers = {"C-VERMEULEN": CustomerFacts(consumer=True, country="BE", has_email=True)}
    law = Law("BE", LIMITS, BE_RATES, be_consumer_interest_from=reading)
    [action] = decide(frame, customers, plans, history, (), dt.date(2026, 5, 19), law=law).actions
    return next(cost.amount for cost in action.costs if cost.kind == "interest")


def test_the_reminder_shows_the_open_credit_notes_and_the_net_amount_to_pay():
    from arctl.render.dunning import Party, document_for, environment, render_email, shipped_templates_dir

    [action] = _consumer_demand(credit_note=True).actions
    document = document_for(action, None, Party("Voorbeeld BV", iban="BE71096123456769"), dt.date(2026, 5, 19),
                            "en_GB")
    text = render_email(environment(None), document, dt.datetime(2026, 5, 19, 9)).decode("utf-8")

    assert shipped_templates_dir().is_dir()
    assert "CN-2026-0007" in text
    assert "Net amount to pay: " in text and "3,389.38" in text  # 3,994.38 less the credit note 605.00


# --- partial payments ----------------------------------------------------------------------------------------


def test_a_dated_bank_payment_splits_the_open_amount_into_periods_for_the_interest():
    from arctl.reconcile.open_items import open_periods

    items = pd.DataFrame({"invoice_id": ["2025-0412"], "due_date": [dt.date(2025, 5, 31)],
                          "open_amount": [cents("600.00")]})
    allocations = pd.DataFrame({"invoice_id": ["2025-0412"], "amount": [cents("400.00")],
                                "booking_date": [pd.Timestamp("2025-06-30")]})

    # 1,000.00 open from the due date; the 400.00 booked on 30 June leaves 600.00 from that day. The interest on
    # these periods at the Belgian B2B rates to 30 July 2025 is 14.50 (tests/test_costs.py derives it).
    assert open_periods(items, allocations) == {"2025-0412": ((dt.date(2025, 5, 31), cents("1000.00")),
                                                              (dt.date(2025, 6, 30), cents("600.00")))}


def test_a_partly_paid_invoice_claims_interest_on_each_period_of_its_open_amount():
    invoice = ActionLine("2025-0412", dt.date(2025, 5, 31), cents("600.00"))
    periods = {"2025-0412": ((dt.date(2025, 5, 31), cents("1000.00")), (dt.date(2025, 6, 30), cents("600.00")))}
    found = step_costs(Costs(interest="statutory"), (invoice,), "EUR", dt.date(2025, 7, 30),
                       Law("BE", LIMITS, BE_RATES), Claimed(periods=periods))

    # 1,000 x 11.5 % x 29/365 + 600 x 11.5 % x 1/365 + 600 x 10.5 % x 30/365 = 9.1370 + 0.1890 + 5.1781 = 14.50
    # (on today's 600.00 for the whole 60 days it would be 600 x (11.5 % x 30 + 10.5 % x 30)/365 = 10.85)
    assert costs_of(found) == {"interest": cents("14.50")}


def test_interest_starting_after_the_open_amount_changed_uses_the_amount_owed_on_that_day():
    # 3,776.00 from 1 Oct, 3,171.00 after a credit note of 26 Oct, 2,171.00 after a payment of 25 Nov; interest
    # from 17 Nov (a Belgian consumer's waiting period ended on the 16th) to 14 Dec at 4.5 %:
    # 3,171 x 4.5 % x 8/365 (17-24 Nov) = 3.12756; 2,171 x 4.5 % x 20/365 (25 Nov-14 Dec) = 5.35315;
    # 8.48071 -> 8.48 (the 3,776.00 of before the credit note is owed on none of those days)
    from arctl.dunning.costs import period_interest
    from arctl.model import Rate

    rate = (Rate(dt.date(2026, 1, 1), dt.date(2026, 12, 31), Decimal("4.5"), "test", "V"),)
    periods = [(dt.date(2026, 10, 1), 377600), (dt.date(2026, 10, 26), 317100), (dt.date(2026, 11, 25), 217100)]

    found = period_interest(periods, "EUR", dt.date(2026, 11, 16), dt.date(2026, 12, 14), rate)

    assert found.amount == 848
