"""Average days late: how a customer paid the invoices of the last year."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.reports.behaviour import Behaviour, average_days_late, payment_behaviour

AS_OF = dt.date(2026, 11, 26)


def invoices(*rows):
    """rows: (invoice_id, customer_id, due 'YYYY-MM-DD', closed_on or None)."""
    return pd.DataFrame({"invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
                         "due_date": pd.to_datetime([r[2] for r in rows]),
                         "closed_on": pd.to_datetime([r[3] for r in rows]), "amount": [200] * len(rows)})


def allocations(*rows):
    """rows: (invoice_id, booked 'YYYY-MM-DD'[, amount]); invoices are of 200."""
    return pd.DataFrame({"invoice_id": [r[0] for r in rows], "amount": [r[2] if len(r) > 2 else 200 for r in rows],
                         "booking_date": pd.to_datetime([r[1] for r in rows])})


def test_days_late_are_counted_from_the_due_date_to_the_last_payment():
    found = average_days_late(invoices(("A", "K1", "2026-10-01", None), ("B", "K1", "2026-10-01", None)),
                              allocations(("A", "2026-10-11"), ("B", "2026-10-05", 100), ("B", "2026-10-31", 100)),
                              AS_OF)

    assert found == {"K1": 20.0}  # A paid after 10 days, B completed after 30: (10 + 30) / 2


def test_a_partly_paid_invoice_does_not_count():
    found = average_days_late(invoices(("A", "K1", "2026-10-01", None)), allocations(("A", "2026-11-20", 50)), AS_OF)

    assert found == {}


def test_an_invoice_closed_by_the_export_counts_from_its_closing_day():
    found = average_days_late(invoices(("A", "K1", "2026-10-01", "2026-10-16")), allocations(), AS_OF)

    assert found == {"K1": 15.0}


def test_early_payments_count_as_zero_days_and_old_ones_not_at_all():
    found = average_days_late(invoices(("A", "K1", "2026-10-01", None), ("B", "K1", "2025-01-01", None)),
                              allocations(("A", "2026-09-20"), ("B", "2025-03-01")), AS_OF)

    assert found == {"K1": 0.0}


def test_open_invoices_do_not_count():
    assert average_days_late(invoices(("A", "K1", "2026-10-01", None)), allocations(), AS_OF) == {}


def test_the_behaviour_counts_the_paid_invoices_the_average_is_taken_over():
    found = payment_behaviour(invoices(("A", "K1", "2026-10-01", None), ("B", "K1", "2026-10-01", None),
                                       ("C", "K1", "2026-10-01", None)),
                              allocations(("A", "2026-10-28"), ("B", "2026-10-05", 100)), AS_OF)

    # A paid 27 days late; B only partly paid, C not at all: one invoice of evidence
    assert found == {"K1": Behaviour(27.0, 1)}
