"""Payments not applied: what of each bank credit no applied allocation accounts for, and whose it is; and the
open items of a past day rebuilt from the state (the seams aging and the KPIs use)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.model import MatchSettings
from arctl.reconcile.open_items import open_items_on
from arctl.reconcile.unallocated import unapplied_payments

INVOICES = pd.DataFrame({"invoice_id": ["2026-0042", "2026-0043"], "customer_id": ["K001", "K002"],
                         "customer_name": ["Bakkerij Peeters BV", "Garage Janssens NV"]})


def bank(*rows):
    """rows: (txn_id, amount in cents, booked 'YYYY-MM-DD', counterparty name, iban, reversal)."""
    return pd.DataFrame({
        "txn_id": [r[0] for r in rows], "amount": [r[1] for r in rows], "currency": ["EUR"] * len(rows),
        "booking_date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[s]"),
        "value_date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[s]"),
        "counterparty_name": [r[3] for r in rows], "counterparty_iban": [r[4] for r in rows],
        "reversal": [r[5] for r in rows], "structured_ref": [""] * len(rows), "remittance": [""] * len(rows),
        "account_iban": ["BE05068123456775"] * len(rows), "bank_ref": [r[0] for r in rows]})


def allocations(*rows):
    """rows: (bank_txn, invoice_id, amount in cents)."""
    return pd.DataFrame({"bank_txn": [r[0] for r in rows], "invoice_id": [r[1] for r in rows],
                         "amount": [r[2] for r in rows]})


def unapplied(lines, allocated, as_of="2026-11-26", ibans=None):
    found = unapplied_payments(lines, allocated, INVOICES, None, ibans or {}, dt.date.fromisoformat(as_of),
                               MatchSettings())
    return [(t, c, a) for t, c, a in zip(found["txn_id"], found["customer_id"], found["amount"], strict=True)]


def test_the_rest_of_a_partly_applied_payment_is_the_customer_of_the_invoice_it_paid():
    lines = bank(("P1", 50000, "2026-11-20", "X", "", False))
    assert unapplied(lines, allocations(("P1", "2026-0042", 30000))) == [("P1", "K001", 20000)]


def test_a_payment_applied_in_full_is_not_listed():
    lines = bank(("P1", 30000, "2026-11-20", "X", "", False))
    assert unapplied(lines, allocations(("P1", "2026-0042", 30000))) == []


def test_an_unmatched_payment_is_the_customer_its_iban_or_name_identifies_else_nobodys():
    lines = bank(("P1", 1000, "2026-11-20", "", "NL91ABNA0417164300", False),
                 ("P2", 2000, "2026-11-20", "GARAGE JANSSENS NV", "", False),
                 ("P3", 3000, "2026-11-20", "ONBEKEND", "", False))
    assert unapplied(lines, allocations(), ibans={"NL91ABNA0417164300": "K001"}) == [
        ("P1", "K001", 1000), ("P2", "K002", 2000), ("P3", None, 3000)]


def test_a_payment_booked_after_the_day_or_returned_by_then_is_not_there():
    lines = bank(("P1", 1000, "2026-11-27", "ONBEKEND", "", False),
                 ("P2", 2000, "2026-11-18", "ONBEKEND", "", False),
                 ("R2", -2000, "2026-11-20", "ONBEKEND", "", True))
    assert unapplied(lines, allocations()) == []
    # on 19 November P2 had not come back yet
    assert unapplied(lines, allocations(), as_of="2026-11-19") == [("P2", None, 2000)]


def test_open_items_on_a_past_day_take_the_amount_shown_then_and_the_payments_booked_by_then():
    # A was listed by the import of 2 Nov (1000.00) and again on 25 Nov (700.00, a payment of 12 Nov booked in);
    # B was first listed on 25 Nov though issued on 20 Nov, after the export of 2 Nov: not known on 14 Nov.
    invoices = pd.DataFrame({
        "invoice_id": ["A", "B"], "amount": [100000, 5000], "open_amount": [70000, 5000], "import_id": [2, 2],
        "source_path": ["exports/open.csv"] * 2, "closed_import_id": [None, None],
        "issue_date": pd.to_datetime(["2026-09-26", "2026-11-20"])})
    imports = pd.DataFrame({"id": [1, 2], "path": ["exports/open.csv"] * 2,
                            "day": pd.to_datetime(["2026-11-02", "2026-11-25"]),
                            "taken_at": pd.to_datetime(["2026-11-02", "2026-11-25"])})
    history = pd.DataFrame({"invoice_id": ["A", "A"], "seen_on": pd.to_datetime(["2026-11-02", "2026-11-25"]),
                            "open_amount": [100000, 70000]})
    paid = pd.DataFrame({"invoice_id": ["A"], "amount": [30000], "invoice_import_id": [1],
                         "booking_date": pd.to_datetime(["2026-11-12"])})

    def on(day):
        items = open_items_on(invoices, paid, history, imports, dt.date.fromisoformat(day))
        return dict(zip(items["invoice_id"], items["open_amount"], strict=True))

    assert on("2026-11-10") == {"A": 100000}          # before the payment
    assert on("2026-11-14") == {"A": 70000}           # 1000.00 shown on 2 Nov − 300.00 booked 12 Nov
    assert on("2026-11-26") == {"A": 70000, "B": 5000}  # the export of 25 Nov counted the payment: not twice
