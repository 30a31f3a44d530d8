"""reports/statement.py without files: which lines a statement of account lists, its running balance, the
default period, and how the workflow asks for the balance (statement_payment)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from arctl.reports.statement import account_statements, default_period_start

AS_OF = dt.date(2026, 11, 26)
NO_UNAPPLIED = pd.DataFrame(columns=["txn_id", "booking_date", "currency", "amount", "counterparty_name"])


def items(*rows):
    """(invoice_id, currency, issue_date, due_date, amount, open_amount now) in minor units."""
    return pd.DataFrame([{"invoice_id": i, "currency": c, "issue_date": pd.Timestamp(issued),
                          "due_date": pd.Timestamp(due), "amount": amount, "open_amount": open_now}
                         for i, c, issued, due, amount, open_now in rows])


def allocations(*rows):
    """(invoice_id, amount, booking_date, bank_txn)"""
    return pd.DataFrame([{"invoice_id": i, "amount": amount, "booking_date": pd.Timestamp(day), "bank_txn": txn,
                          "counterparty_name": "PAYER"} for i, amount, day, txn in rows],
                        columns=["invoice_id", "amount", "booking_date", "bank_txn", "counterparty_name"])


def test_a_payment_booked_after_the_as_of_date_is_not_counted_yet():
    # 1 000.00 invoice, 400.00 paid on 30/11 (after 26/11): on 26/11 the full 1 000.00 was open
    found = account_statements("K1", items(("F1", "EUR", "2026-10-01", "2026-10-31", 100000, 60000)),
                               allocations(("F1", 40000, "2026-11-30", "T1")), NO_UNAPPLIED, {},
                               dt.date(2026, 9, 1), AS_OF)

    (statement,) = found
    assert [(line.kind, line.amount, line.balance) for line in statement.lines] == [("invoice", 100000, 100000)]
    assert (statement.closing_balance, statement.overdue) == (100000, 100000)


def test_an_invoice_issued_after_the_as_of_date_is_left_out():
    found = account_statements("K1", items(("F1", "EUR", "2026-10-01", "2026-10-31", 5000, 5000),
                                           ("F2", "EUR", "2026-11-27", "2026-12-27", 7000, 7000)),
                               allocations(), NO_UNAPPLIED, {}, dt.date(2026, 9, 1), AS_OF)

    assert [line.reference for line in found[0].lines] == ["F1"]
    assert found[0].closing_balance == 5000


def test_each_currency_has_its_own_statement_and_balance():
    found = account_statements("K1", items(("F1", "USD", "2026-10-01", "2026-10-31", 5000, 5000),
                                           ("F2", "EUR", "2026-10-02", "2026-11-01", 7000, 7000)),
                               allocations(), NO_UNAPPLIED, {}, dt.date(2026, 9, 1), AS_OF)

    assert [(s.currency, s.closing_balance) for s in found] == [("EUR", 7000), ("USD", 5000)]


def test_a_refund_of_a_credit_note_raises_the_balance_back_to_zero():
    # credit note -50.00, refunded to the customer on 10/11 (an allocation of -50.00 from a debit): nothing open
    found = account_statements("K1", items(("C1", "EUR", "2026-10-01", "2026-10-01", -5000, 0)),
                               allocations(("C1", -5000, "2026-11-10", "T9")), NO_UNAPPLIED, {},
                               dt.date(2026, 9, 1), AS_OF)

    assert [(line.kind, line.amount, line.balance) for line in found[0].lines] == [
        ("credit_note", -5000, -5000), ("refund", 5000, 0)]


def test_a_paused_invoice_is_in_the_balance_but_not_in_what_is_asked():
    found = account_statements("K1", items(("F1", "EUR", "2026-10-01", "2026-10-31", 5000, 5000),
                                           ("F2", "EUR", "2026-10-02", "2026-11-01", 7000, 7000)),
                               allocations(), NO_UNAPPLIED, {"F2": "disputed"}, dt.date(2026, 9, 1), AS_OF)

    statement = found[0]
    assert statement.lines[1].status == "disputed"
    # 120.00 owed, 70.00 of it disputed: 50.00 asked
    assert (statement.closing_balance, statement.paused, statement.to_pay) == (12000, 7000, 5000)


def test_the_default_period_begins_at_the_oldest_open_item_or_90_days_back_whichever_is_earlier():
    # 90 days before 26/11/2026 is 28/08/2026 (3 days to 31/08, then 30 + 31 + 26)
    recent = items(("F1", "EUR", "2026-11-01", "2026-12-01", 5000, 5000))
    old = items(("F1", "EUR", "2026-03-15", "2026-04-14", 5000, 5000), ("F0", "EUR", "2026-01-10", "2026-02-09",
                                                                          5000, 0))

    assert default_period_start(recent, NO_UNAPPLIED, AS_OF) == dt.date(2026, 8, 28)
    # F0 is paid: F1's date counts
    assert default_period_start(old, NO_UNAPPLIED, AS_OF) == dt.date(2026, 3, 15)


def test_a_document_reference_recorded_for_exactly_the_items_is_reused():
    from arctl.render.dunning import Party
    from arctl.workflows.statement import statement_payment

    own = items(("F1", "EUR", "2026-10-01", "2026-10-31", 5000, 5000),
                ("F2", "EUR", "2026-10-02", "2026-11-01", 7000, 7000)).assign(reference="")
    (statement,) = account_statements("K1", own, allocations(), NO_UNAPPLIED, {}, dt.date(2026, 9, 1), AS_OF)
    company = Party(name="Voorbeeld BV", iban="BE05068123456775", bic="GKCCBEBB")
    # +++123/4567/89002+++: 1234567890 = 97 x 12727504 + 2
    recorded = {("ogm", "123456789002"): ("F1", "F2")}

    payment = statement_payment(statement, own, "BE", recorded, company)

    assert (payment.reference, payment.printed, payment.amount) == ("123456789002", "+++123/4567/89002+++", 12000)
    other = statement_payment(statement, own, "BE", {("ogm", "123456789002"): ("F1",)}, company)
    assert (other.reference, other.text) == ("", "F1 F2")
