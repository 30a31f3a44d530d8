"""The payments view computed from frames (reconcile/payments.py), without files or a database: what a credit's
status is when its allocations are mixed, what `paid` counts, and which debits are returns and refunds."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.reconcile.payments import customer_ibans, payments_of, standing_matches

ACCOUNT = "BE05068123456775"
MAES_IBAN = "BE71096123456769"


def bank(*rows):
    """rows: dicts with txn, amount, date and optionally name, iban, reversal."""
    days = pd.to_datetime([r["date"] for r in rows]).astype("datetime64[s]")
    return pd.DataFrame({
        "txn_id": [r["txn"] for r in rows], "account_iban": [ACCOUNT] * len(rows), "booking_date": days,
        "value_date": days, "amount": [r["amount"] for r in rows], "currency": ["EUR"] * len(rows),
        "counterparty_name": [r.get("name", "") for r in rows], "counterparty_iban": [r.get("iban", "") for r in rows],
        "structured_ref": [""] * len(rows), "remittance": [""] * len(rows),
        "reversal": [r.get("reversal", False) for r in rows], "bank_ref": [""] * len(rows),
    })


def matches(*rows):
    """rows: (bank_txn, invoice_id, amount, status[, removed_reason])."""
    return pd.DataFrame({
        "id": list(range(1, len(rows) + 1)), "bank_txn": [r[0] for r in rows], "invoice_id": [r[1] for r in rows],
        "amount": [r[2] for r in rows], "currency": ["EUR"] * len(rows),
        "rule": ["manual" if r[3] == "manual" else "payer_amount" for r in rows],
        "confidence": [1.0] * len(rows), "status": [r[3] for r in rows], "note": [""] * len(rows),
        "removed_at": [("2026-11-22T08:00:00" if len(r) > 4 else None) for r in rows],
        "removed_reason": [(r[4] if len(r) > 4 else None) for r in rows],
    })


INVOICES = pd.DataFrame({
    "invoice_id": ["2026-0045", "2026-0046"], "customer_id": ["K003", "K003"],
    "customer_name": ["Drukkerij Maes BV", "Drukkerij Maes BV"], "currency": ["EUR", "EUR"],
    "amount": [100000, 7500], "due_date": pd.to_datetime(["2026-11-09", "2026-11-11"]).astype("datetime64[s]"),
})


def test_a_credit_allocated_in_part_with_a_suggestion_waiting_for_the_rest_is_suggested():
    view = payments_of(bank({"txn": "T1", "amount": 40000, "date": "2026-11-20"}),
                       matches(("T1", "2026-0045", 30000, "auto"), ("T1", "2026-0046", 7500, "suggested")),
                       INVOICES, {"2026-0045": 70000, "2026-0046": 7500}, {})

    payment = view.payments[0]
    # allocated counts the applied 300.00 only; 400.00 - 300.00 = 100.00 not accounted for
    assert (payment.status, payment.allocated, payment.unallocated) == ("suggested", 30000, 10000)


def test_paid_counts_every_payment_of_the_invoice_also_those_booked_before_since():
    view = payments_of(bank({"txn": "T1", "amount": 30000, "date": "2026-11-01"},
                            {"txn": "T2", "amount": 20000, "date": "2026-11-20"}),
                       matches(("T1", "2026-0045", 30000, "auto"), ("T2", "2026-0045", 20000, "manual")),
                       INVOICES, {"2026-0045": 50000}, {}, since=dt.date(2026, 11, 15))

    # 1000.00 - 300.00 (2026-11-01) - 200.00 (2026-11-20) = 500.00 open
    assert [(i.invoice_id, i.paid, i.open_amount) for i in view.partly_paid] == [("2026-0045", 50000, 50000)]
    assert [p.bank_txn for p in view.payments] == ["T2"]


def test_a_confirmed_suggestion_counts_as_allocated_by_hand():
    view = payments_of(bank({"txn": "T1", "amount": 7500, "date": "2026-11-20"}),
                       matches(("T1", "2026-0046", 7500, "confirmed")), INVOICES, {"2026-0046": 0}, {})

    assert (view.payments[0].status, view.payments[0].allocations[0].kind) == ("manual", "manual")


def test_an_undone_match_is_not_an_allocation():
    view = payments_of(bank({"txn": "T1", "amount": 7500, "date": "2026-11-20"}),
                       matches(("T1", "2026-0046", 7500, "auto", "unmatched by a person")), INVOICES,
                       {"2026-0046": 7500}, {})

    assert (view.payments[0].status, view.payments[0].allocations) == ("unmatched", ())


def test_a_reversal_whose_payment_the_statements_do_not_hold_is_a_return_a_person_looks_at():
    view = payments_of(bank({"txn": "R1", "amount": -12000, "date": "2026-11-20", "reversal": True,
                             "name": "DRUKKERIJ MAES", "iban": MAES_IBAN}),
                       matches(), INVOICES, {}, {MAES_IBAN: "K003"}, unmatched=True)

    assert [(r.bank_txn, r.kind, r.returns, r.customer_id) for r in view.returns] == [("R1", "return", "", "K003")]


def test_a_learned_iban_names_the_customer_of_a_refund_and_the_customer_master_wins_over_it():
    master = pd.DataFrame({"customer_id": ["K003"], "iban": [f"{MAES_IBAN} NL91ABNA0417164300"]})

    ibans = customer_ibans(master, {"BE71 0961 2345 6769": "K009", "BE48001123456727": "K001"})

    assert ibans == {MAES_IBAN: "K003", "NL91ABNA0417164300": "K003", "BE48001123456727": "K001"}


def test_standing_matches_put_a_credits_rest_beyond_its_invoices_with_the_excess():
    view = payments_of(bank({"txn": "T1", "amount": 8000, "date": "2026-11-20"},
                            {"txn": "T2", "amount": 5500, "date": "2026-11-20"}),
                       matches(("T1", "2026-0046", 7500, "auto")), INVOICES, {"2026-0046": 0}, {})

    standing = standing_matches(view)

    assert [(m.bank_txn, m.status) for m in standing.matches] == [("T1", "auto")]
    assert [(u.bank_txn, u.amount) for u in standing.excess] == [("T1", 500)]     # 80.00 - 75.00
    assert [(u.bank_txn, u.amount) for u in standing.unmatched] == [("T2", 5500)]
