"""Dates the way the law counts them, and one customer, one document, the right invoices (issue 15)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.dunning.engine import CustomerFacts, Pause, Taken, decide
from arctl.dunning.schedule import statement_action
from arctl.dunning.timing import earliest_cost_day, nl_presumed_delivery, pay_by_date
from arctl.workflows import load_plans

STANDARD = load_plans("standard", None)
BE = STANDARD.plan("consumer-be")
NL = STANDARD.plan("consumer-nl")


def items(*rows):
    """rows: (invoice_id, customer_id, open cents, due date)."""
    return pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows], "currency": "EUR",
        "due_date": pd.to_datetime([r[3] for r in rows]).astype("datetime64[s]"),
        "open_amount": [r[2] for r in rows],
    })


# --- pay-by dates ------------------------------------------------------------------------------------


def test_a_posted_belgian_consumer_reminder_counts_from_the_third_working_day_after_posting():
    # posted Monday 2 March 2026: working days Tue 3 (1), Wed 4 (2), Thu 5 (3) -> day 1 = 5 March;
    # day 14 = 5 March + 13 = 18 March (the old date, 2 March + 14 = 16 March, was two days too early)
    assert pay_by_date(BE, BE.step("reminder"), "letter", dt.date(2026, 3, 2)) == dt.date(2026, 3, 18)


def test_an_e_mailed_belgian_consumer_reminder_counts_from_the_next_day():
    # sent Monday 2 March 2026: day 1 = Tuesday 3 March, day 14 = 16 March
    assert pay_by_date(BE, BE.step("reminder"), "email", dt.date(2026, 3, 2)) == dt.date(2026, 3, 16)


def test_belgian_public_holidays_are_not_working_days_for_a_posted_reminder():
    # posted Thursday 30 April 2026: Fri 1 May (Labour Day) holiday, Sat/Sun no, Mon 4 (1), Tue 5 (2),
    # Wed 6 (3) -> day 1 = 6 May, day 14 = 6 May + 13 = 19 May
    assert pay_by_date(BE, BE.step("reminder"), "letter", dt.date(2026, 4, 30)) == dt.date(2026, 5, 19)


def test_a_dutch_letter_is_deemed_delivered_on_the_second_day_not_counting_sundays_and_mondays():
    # posted Friday 6 March 2026: Sat 7 (1), Sun 8 and Mon 9 not counted, Tue 10 (2) -> delivered 10 March
    assert nl_presumed_delivery(dt.date(2026, 3, 6), "letter") == dt.date(2026, 3, 10)
    # a public holiday does not count either: posted Wednesday 13 May 2026, Thu 14 May is Ascension Day,
    # Fri 15 (1), Sat 16 (2) -> delivered 16 May
    assert nl_presumed_delivery(dt.date(2026, 5, 13), "letter") == dt.date(2026, 5, 16)


def test_a_dutch_fourteen_day_letter_gives_fourteen_days_from_the_day_after_delivery():
    # posted Friday 6 March 2026, delivered Tuesday 10 March (above): day 1 = 11 March, day 14 = 24 March
    step = NL.step("fourteen-day-letter")
    assert pay_by_date(NL, step, "letter", dt.date(2026, 3, 6)) == dt.date(2026, 3, 24)
    # by e-mail on 6 March: received that day, day 1 = 7 March, day 14 = 20 March
    assert pay_by_date(NL, step, "email", dt.date(2026, 3, 6)) == dt.date(2026, 3, 20)


def test_a_business_customer_gets_the_plans_term_from_the_document_date():
    # standard friendly e-mail on 2 March 2026 with new_term 10 days -> 12 March
    main = STANDARD.main
    assert pay_by_date(main, main.step("friendly"), "letter", dt.date(2026, 3, 2)) == dt.date(2026, 3, 12)


def test_the_engine_prints_the_law_s_pay_by_date_on_a_posted_belgian_consumer_reminder():
    # due Monday 23 February 2026; reminder 7 days later = Monday 2 March, posted (no e-mail address):
    # pay by 18 March (see the first test)
    facts = {"C1": CustomerFacts(consumer=True, country="BE")}
    decision = decide(items(("F-1", "C1", 5000, "2026-02-23")), facts, STANDARD, [], [], dt.date(2026, 3, 2))
    [action] = decision.actions
    assert (action.step, action.channel, action.pay_by) == ("reminder", "letter", dt.date(2026, 3, 18))


# --- no cost step before the day after the pay-by date -------------------------------------------------


def test_a_dutch_cost_step_waits_for_the_day_after_the_fourteen_day_letters_pay_by_date():
    # 14-day letter posted Friday 6 March 2026: pay by 24 March, costs from Wednesday 25 March at the earliest
    taken = [Taken("F-1", "reminder", dt.date(2026, 2, 20), "email"),
             Taken("F-1", "fourteen-day-letter", dt.date(2026, 3, 6), "letter")]
    assert earliest_cost_day(NL, taken, STANDARD.rules) == dt.date(2026, 3, 25)


def test_the_engine_times_a_dutch_cost_step_from_the_letter_as_actually_sent():
    # 14-day letter posted Saturday 7 March 2026: Sun 8 and Mon 9 not counted, Tue 10 (1), Wed 11 (2) ->
    # delivered 11 March, pay by 25 March, costs from Thursday 26 March. The plan's own delay (21 days:
    # 28 March, a Saturday -> Monday 30 March) is later, so 30 March; by e-mail on 7 March the law allows
    # 22 March and the plan's 30 March holds too.
    facts = {"C2": CustomerFacts(consumer=True, country="NL")}
    frame = items(("F-2", "C2", 30000, "2026-02-06"))
    history = [Taken("F-2", "reminder", dt.date(2026, 2, 13), "email"),
               Taken("F-2", "fourteen-day-letter", dt.date(2026, 3, 7), "letter")]
    assert earliest_cost_day(NL, history, STANDARD.rules) == dt.date(2026, 3, 26)
    [position] = decide(frame, facts, STANDARD, history, [], dt.date(2026, 3, 26)).positions
    assert (position.next_step, position.next_step_date) == ("collection-costs", dt.date(2026, 3, 30))


def test_a_belgian_cost_step_waits_for_a_posted_first_reminders_period():
    # first reminder posted Monday 2 March 2026: day 1 = 5 March, pay by 18 March -> costs from 19 March
    taken = [Taken("F-1", "reminder", dt.date(2026, 3, 2), "letter")]
    assert earliest_cost_day(BE, taken, STANDARD.rules) == dt.date(2026, 3, 19)


# --- one customer, one document ----------------------------------------------------------------------


def _two_steps_due():
    """K1: invoice A due for `second` (friendly taken 14 days ago), invoice B due for `friendly`, same day."""
    # A due 2 Feb 2026, friendly on 9 Feb; second 14 days later = Monday 23 Feb. B due 16 Feb: friendly
    # 7 days later = Monday 23 Feb. Both by e-mail.
    frame = items(("A", "K1", 10000, "2026-02-02"), ("B", "K1", 20000, "2026-02-16"))
    history = [Taken("A", "friendly", dt.date(2026, 2, 9), "email")]
    facts = {"K1": CustomerFacts(has_email=True)}
    return decide(frame, facts, STANDARD, history, [], dt.date(2026, 2, 23))


def test_invoices_due_for_a_lower_step_join_the_most_advanced_steps_document():
    [action] = _two_steps_due().actions
    assert action.step == "second"
    assert [(line.invoice_id, line.step) for line in action.lines] == [("A", "second"), ("B", "friendly")]
    assert action.amount_due == 30000


def test_costs_are_claimed_only_on_the_invoices_whose_step_carries_them():
    from arctl.dunning.engine import step_action

    main = STANDARD.main
    rows = [{"invoice_id": "A", "customer_id": "K1", "currency": "EUR", "due_date": dt.date(2026, 1, 2),
             "open_amount": 10000, "step": main.step("demand")},
            {"invoice_id": "B", "customer_id": "K1", "currency": "EUR", "due_date": dt.date(2026, 2, 2),
             "open_amount": 20000, "step": main.step("friendly")}]
    seen = []

    def costs(step_costs, lines, *args):
        seen.append([line.invoice_id for line in lines])
        return (), ()

    import arctl.dunning.engine as engine
    original, engine.step_costs = engine.step_costs, costs
    try:
        step_action("K1", main, main.step("demand"), "EUR", rows, (), CustomerFacts(), dt.date(2026, 3, 2),
                    object())  # type: ignore[arg-type]
    finally:
        engine.step_costs = original
    assert seen == [["A"]]


def test_every_invoice_is_recorded_at_its_own_step(tmp_path):
    from arctl.state.store import Store, sqlite_url

    [action] = _two_steps_due().actions
    store = Store.open(sqlite_url(tmp_path / "state.sqlite"), now=lambda: dt.datetime(2026, 2, 23, 7, 0))
    store.record_actions([(action, "doc.eml", "written")], dt.date(2026, 2, 23))
    taken = {(r.invoice_id, r.step) for r in store.steps_taken().itertuples()}
    assert taken == {("A", "second"), ("B", "friendly")}


def test_a_paused_invoice_is_not_listed_as_also_overdue():
    # C is disputed; A is due for friendly: the friendly e-mail does not mention C
    frame = items(("A", "K1", 10000, "2026-02-16"), ("C", "K1", 5000, "2026-01-05"))
    pauses = [Pause("disputed", "K1", "C", dt.date(2026, 1, 20))]
    decision = decide(frame, {"K1": CustomerFacts(has_email=True)}, STANDARD, [], pauses, dt.date(2026, 2, 23))
    [action] = decision.actions
    assert action.invoices == ("A",)
    assert action.other_overdue == ()


def test_a_handed_over_invoice_gets_no_more_reminders_and_is_not_listed():
    # H was handed to the agency (standard plan) on 2 Feb; the customer now follows key accounts, a plan
    # without an agency step, which would start H again at its `call`; A is due for that call on 23 Feb
    # (due 16 Feb + 5 days = 21 Feb, a Saturday -> Monday 23 Feb)
    frame = items(("A", "K1", 10000, "2026-02-16"), ("H", "K1", 5000, "2025-11-03"))
    history = [Taken("H", "agency", dt.date(2026, 2, 2), "agency")]
    decision = decide(frame, {"K1": CustomerFacts(has_email=True)}, STANDARD, history, [], dt.date(2026, 2, 23),
                      plan=STANDARD.plan("key-accounts"))
    assert {s.invoice_id: s.reason for s in decision.skipped}["H"] == "with_agency"
    assert [a.invoices for a in decision.actions] == [("A",)]
    assert all("H" not in a.invoices and all(o.invoice_id != "H" for o in a.other_overdue)
               for a in decision.actions)


def test_a_statement_line_can_carry_its_status():
    plan = STANDARD.plan("key-accounts")
    rows = [{"invoice_id": "C", "due_date": dt.date(2026, 1, 5), "open_amount": 5000, "status": "disputed"}]
    [line] = statement_action("K1", plan, plan.schedule[0], "EUR", rows, CustomerFacts()).lines
    assert line.status == "disputed"


def test_a_statement_of_account_shows_a_disputed_invoice_with_its_status():
    # key accounts: a statement on the 1st of each month for every customer with open items;
    # 2 March 2026 is the first business day on or after 1 March (a Sunday)
    from arctl.dunning.schedule import scheduled_due

    frame = items(("A", "K1", 10000, "2026-02-16"), ("C", "K1", 5000, "2026-01-05"))
    pauses = [Pause("disputed", "K1", "C", dt.date(2026, 1, 20))]
    [statement] = scheduled_due(frame, {}, STANDARD, [], pauses, dt.date(2026, 3, 2),
                                plan=STANDARD.plan("key-accounts"))
    assert {line.invoice_id: line.status for line in statement.lines} == {"A": "", "C": "disputed"}


def test_a_statement_of_account_lists_a_handed_over_invoice_as_with_the_agency():
    # the same monthly statement of 2 March 2026; invoice C went to the collection agency in February
    from arctl.dunning.schedule import scheduled_due

    frame = items(("A", "K1", 10000, "2026-02-16"), ("C", "K1", 5000, "2026-01-05"))
    [statement] = scheduled_due(frame, {}, STANDARD, [], [], dt.date(2026, 3, 2),
                                plan=STANDARD.plan("key-accounts"), with_agency={"C"})
    assert {line.invoice_id: line.status for line in statement.lines} == {"A": "", "C": "with_agency"}


def test_a_dutch_fourteen_day_letter_never_hides_in_a_cost_demand_and_goes_out_alone_the_next_day():
    # C3 (a Dutch consumer, letters): F-3's collection-costs step is due on Monday 30 March 2026 (its 14-day
    # letter was posted Saturday 7 March, see above); G-3 (due 6 March, reminded by post Friday 20 March:
    # delivered Tuesday 24 March, pay by 31 March) is due for its own 14-day letter the same day. A 14-day letter
    # is valid only as such a letter (art. 6:96(6) BW), so G-3 does not join the cost demand: it waits a day
    facts = {"C3": CustomerFacts(consumer=True, country="NL")}
    frame = items(("F-3", "C3", 30000, "2026-02-06"), ("G-3", "C3", 20000, "2026-03-06"))
    history = [Taken("F-3", "reminder", dt.date(2026, 2, 13), "letter"),
               Taken("F-3", "fourteen-day-letter", dt.date(2026, 3, 7), "letter"),
               Taken("G-3", "reminder", dt.date(2026, 3, 20), "letter")]

    monday = decide(frame, facts, STANDARD, history, [], dt.date(2026, 3, 30))
    assert [(a.step, a.invoices) for a in monday.actions] == [("collection-costs", ("F-3",))]
    assert {s.invoice_id: s.reason for s in monday.skipped} == {"G-3": "own_letter_next_run"}

    history.append(Taken("F-3", "collection-costs", dt.date(2026, 3, 30), "letter"))
    tuesday = decide(frame, facts, STANDARD, history, [], dt.date(2026, 3, 31))
    assert [(a.step, a.invoices) for a in tuesday.actions] == [("fourteen-day-letter", ("G-3",))]


def test_an_invoice_handed_over_today_is_not_listed_as_also_overdue_in_that_days_reminder():
    # H: demand on Mon 9 Feb 2026, agency 10 days later (Thu 19 Feb), handed over by the run of Mon 23 Feb;
    # A: due 16 Feb, friendly 7 days later, on 23 Feb: its e-mail must not ask the customer to pay H as well
    frame = items(("A", "K1", 10000, "2026-02-16"), ("H", "K1", 5000, "2025-11-03"))
    history = [Taken("H", step, day, channel) for step, day, channel in (
        ("friendly", dt.date(2025, 11, 10), "email"), ("second", dt.date(2025, 11, 24), "email"),
        ("call", dt.date(2025, 12, 1), "phone"), ("demand", dt.date(2026, 2, 9), "registered_letter"))]
    decision = decide(frame, {"K1": CustomerFacts(has_email=True)}, STANDARD, history, [], dt.date(2026, 2, 23))

    by_step = {a.step: a for a in decision.actions}
    assert by_step["agency"].invoices == ("H",)
    assert by_step["friendly"].invoices == ("A",)
    assert by_step["friendly"].other_overdue == ()
