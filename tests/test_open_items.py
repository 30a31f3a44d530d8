"""Open items: a payment seen at the bank counts before the accounting export shows it, never twice."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.reconcile.open_items import open_items


def invoices(*rows):
    """rows: (invoice_id, amount, export open, export taken 'YYYY-MM-DD', import id)."""
    return pd.DataFrame({"invoice_id": [r[0] for r in rows], "amount": [r[1] for r in rows],
                         "open_amount": [r[2] for r in rows],
                         "export_taken_at": pd.to_datetime([r[3] for r in rows]), "import_id": [r[4] for r in rows]})


def allocations(*rows):
    """rows: (invoice_id, amount, booked 'YYYY-MM-DD', import id it was made against)."""
    return pd.DataFrame({"invoice_id": [r[0] for r in rows], "amount": [r[1] for r in rows],
                         "booking_date": pd.to_datetime([r[2] for r in rows]),
                         "invoice_import_id": [r[3] for r in rows]})


def opened(frame, paid):
    return dict(zip(*open_items(frame, paid)[["invoice_id", "open_amount"]].T.values, strict=True))


def test_a_payment_matched_against_the_current_export_counts_whatever_the_files_time():
    frame = invoices(("A", 10000, 10000, "2026-11-26", 1))
    assert opened(frame, allocations(("A", 10000, "2026-11-20", 1))) == {"A": 0}


def test_a_newer_export_taken_after_the_payment_already_shows_it_so_it_is_not_counted_twice():
    frame = invoices(("A", 10000, 6000, "2026-11-26", 2))  # the new export: 4000 paid
    assert opened(frame, allocations(("A", 4000, "2026-11-20", 1))) == {"A": 6000}


def test_a_newer_export_taken_before_the_payment_does_not_show_it_yet():
    frame = invoices(("A", 10000, 10000, "2026-11-18", 2))
    assert opened(frame, allocations(("A", 4000, "2026-11-20", 1))) == {"A": 6000}


def test_the_invoice_amount_caps_what_the_export_and_the_payments_leave():
    frame = invoices(("A", 10000, 10000, "2026-11-18", 2))
    assert opened(frame, allocations(("A", 7000, "2026-11-10", 1), ("A", 4000, "2026-11-20", 2))) == {"A": 0}


def test_a_credit_note_stays_negative_until_it_is_used():
    frame = invoices(("CN", -5000, -5000, "2026-11-26", 1))
    assert opened(frame, allocations(("CN", -2000, "2026-11-20", 1))) == {"CN": -3000}


def test_without_allocations_the_export_is_what_is_open():
    frame = invoices(("A", 10000, 2500, "2026-11-26", 1))
    assert opened(frame, allocations()) == {"A": 2500}


def test_a_lower_amount_first_shown_by_a_later_export_starts_a_period_on_that_day():
    from arctl.reconcile.open_items import open_periods

    items = pd.DataFrame({"invoice_id": ["2026-0042"], "amount": [100000], "open_amount": [60000],
                          "due_date": [pd.Timestamp("2026-06-01")]})
    history = pd.DataFrame({"invoice_id": ["2026-0042", "2026-0042"],
                            "seen_on": [dt.date(2026, 5, 20), dt.date(2026, 7, 1)], "open_amount": [100000, 60000]})
    no_payments = pd.DataFrame(columns=["invoice_id", "amount", "booking_date", "invoice_import_id"])

    assert open_periods(items, no_payments, history) == {
        "2026-0042": ((dt.date(2026, 6, 1), 100000), (dt.date(2026, 7, 1), 60000))}


def test_a_bank_payment_shown_later_by_the_export_ends_the_interest_once_on_its_booking_date():
    # 400.00 paid at the bank on 20 June; the export of 1 July shows it too: one change, on 20 June
    from arctl.reconcile.open_items import open_periods

    items = pd.DataFrame({"invoice_id": ["2026-0042"], "amount": [100000], "open_amount": [60000],
                          "due_date": [pd.Timestamp("2026-06-01")]})
    history = pd.DataFrame({"invoice_id": ["2026-0042", "2026-0042"],
                            "seen_on": [dt.date(2026, 5, 20), dt.date(2026, 7, 1)], "open_amount": [100000, 60000]})
    payments = pd.DataFrame({"invoice_id": ["2026-0042"], "amount": [40000],
                             "booking_date": [pd.Timestamp("2026-06-20")], "invoice_import_id": [1]})

    assert open_periods(items, payments, history) == {
        "2026-0042": ((dt.date(2026, 6, 1), 100000), (dt.date(2026, 6, 20), 60000))}


def test_an_invoice_shown_at_todays_amount_and_never_paid_has_one_period_and_is_left_out():
    from arctl.reconcile.open_items import open_periods

    items = pd.DataFrame({"invoice_id": ["2026-0042", "2026-0043"], "amount": [100000, 50000],
                          "open_amount": [100000, 50000], "due_date": [pd.Timestamp("2026-06-01")] * 2})
    history = pd.DataFrame({"invoice_id": ["2026-0042", "2026-0042", "2026-0043"],
                            "seen_on": [dt.date(2026, 5, 20), dt.date(2026, 7, 1), dt.date(2026, 5, 20)],
                            "open_amount": [100000, 100000, 50000]})
    no_payments = pd.DataFrame(columns=["invoice_id", "amount", "booking_date", "invoice_import_id"])

    assert open_periods(items, no_payments, history) == {}


def test_setting_aside_the_invoices_that_cannot_have_changed_gives_the_same_periods():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from arctl.reconcile.open_items import open_periods, periods_of

    day = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))
    invoice = st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.one_of(st.none(), day))
    snapshot = st.tuples(st.integers(0, 5), day, st.integers(0, 5000))
    payment = st.tuples(st.integers(0, 5), st.integers(1, 2000), st.one_of(st.none(), day))

    @settings(max_examples=150, deadline=None)
    @given(st.lists(invoice, min_size=1, max_size=6), st.lists(snapshot, max_size=10), st.lists(payment, max_size=6))
    def check(invoices, snapshots, payments):
        items = pd.DataFrame({"invoice_id": [f"2026-{n:04d}" for n in range(len(invoices))],
                              "amount": [amount for amount, _, _ in invoices],
                              "open_amount": [open_ for _, open_, _ in invoices],
                              "due_date": pd.to_datetime([due for _, _, due in invoices])})
        history = pd.DataFrame({"invoice_id": [f"2026-{n:04d}" for n, _, _ in snapshots],
                                "seen_on": [seen for _, seen, _ in snapshots],
                                "open_amount": [amount for _, _, amount in snapshots]})
        paid = pd.DataFrame({"invoice_id": [f"2026-{n:04d}" for n, _, _ in payments],
                             "amount": [amount for _, amount, _ in payments],
                             "booking_date": pd.to_datetime([booked for _, _, booked in payments]),
                             "invoice_import_id": [1] * len(payments)})
        everything = periods_of(items, paid, history) if len(paid) or len(history) else {}
        assert open_periods(items, paid, history) == everything

    check()
