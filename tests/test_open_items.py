"""Open items: a payment seen at the bank counts before the accounting export shows it, never twice."""

from __future__ import annotations

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
