"""The matcher: which payment pays which invoice, how sure it is, and what it leaves alone."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from arctl.model import MatchSettings
from arctl.reconcile.engine import reconcile

ACCOUNT = "BE05068123456775"
PEETERS_IBAN = "BE48001123456727"
JANSSENS_IBAN = "BE46735123456736"


def invoices(*rows):
    """rows: (invoice_id, customer_id, customer_name, open cents[, reference[, due 'YYYY-MM-DD']])."""
    return pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "customer_name": [r[2] for r in rows], "currency": ["EUR"] * len(rows),
        "amount": [r[3] for r in rows], "open_amount": [r[3] for r in rows],
        "reference": [r[4] if len(r) > 4 else "" for r in rows],
        "due_date": pd.to_datetime([r[5] if len(r) > 5 else "2026-10-31" for r in rows]).astype("datetime64[s]"),
    })


def customers(*rows):
    """rows: (customer_id, name, ibans)."""
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "name": [r[1] for r in rows],
                         "iban": [r[2] for r in rows]})


def bank(*rows):
    """rows: dicts with txn, amount and optionally name, iban, ref, text, reversal, date."""
    return pd.DataFrame({
        "txn_id": [r["txn"] for r in rows], "account_iban": [ACCOUNT] * len(rows),
        "booking_date": pd.to_datetime([r.get("date", "2026-11-20") for r in rows]).astype("datetime64[s]"),
        "value_date": pd.to_datetime([r.get("date", "2026-11-20") for r in rows]).astype("datetime64[s]"),
        "amount": [r["amount"] for r in rows], "currency": ["EUR"] * len(rows),
        "counterparty_name": [r.get("name", "") for r in rows],
        "counterparty_iban": [r.get("iban", "") for r in rows],
        "structured_ref": [r.get("ref", "") for r in rows], "remittance": [r.get("text", "") for r in rows],
        "reversal": [r.get("reversal", False) for r in rows], "bank_ref": [""] * len(rows),
        "source": ["test.xml:1"] * len(rows),
    })


INVOICES = invoices(
    ("2026-0042", "K001", "Bakkerij Peeters BV", 121000, "+++090/9337/55493+++", "2026-10-01"),
    ("2026-0043", "K001", "Bakkerij Peeters BV", 30250, "", "2026-10-15"),
    ("2026-0050", "K002", "Garage Janssens NV", 45000, "", "2026-10-20"),
    ("2026-0051", "K002", "Garage Janssens NV", 12550, "", "2026-11-01"),
)
CUSTOMERS = customers(("K001", "Bakkerij Peeters BV", PEETERS_IBAN), ("K002", "Garage Janssens NV", JANSSENS_IBAN))


def allocations(result):
    return [(m.bank_txn, m.invoice_id, m.amount, m.rule, m.status) for m in result.matches]


def test_a_valid_structured_reference_pays_its_invoice_automatically():
    result = reconcile(bank({"txn": "T1", "amount": 121000, "ref": "090933755493"}), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 121000, "structured_reference", "auto")]
    assert result.matches[0].confidence == 1.0


def test_a_reference_in_the_remittance_text_counts_like_a_structured_one():
    result = reconcile(bank({"txn": "T1", "amount": 121000, "text": "Betaling +++090/9337/55493+++ dank u"}),
                       INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 121000, "structured_reference", "auto")]


def test_a_reference_whose_check_digits_fail_is_only_suggested_when_it_equals_an_invoices_reference():
    frame = invoices(("2026-0060", "K001", "Bakkerij Peeters BV", 5000, "000003505158"))
    result = reconcile(bank({"txn": "T1", "amount": 5000, "ref": "000003505158"}), frame, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0060", 5000, "structured_reference", "suggested")]


def test_an_invoice_number_in_the_text_pays_that_invoice():
    result = reconcile(bank({"txn": "T1", "amount": 30250, "text": "FACTUUR 2026/0043"}), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0043", 30250, "invoice_number", "auto")]


def test_several_invoice_numbers_in_one_text_are_one_payment_for_several_invoices():
    result = reconcile(bank({"txn": "T1", "amount": 151250, "text": "fact. 2026-0042 en 2026-0043"}),
                       INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 121000, "invoice_number", "auto"),
                                   ("T1", "2026-0043", 30250, "invoice_number", "auto")]


def test_a_payer_known_by_iban_paying_one_invoices_amount_pays_it():
    result = reconcile(bank({"txn": "T1", "amount": 45000, "iban": JANSSENS_IBAN, "name": "JANSSENS"}),
                       INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0050", 45000, "payer_amount", "auto")]


def test_a_payer_known_by_iban_paying_several_invoices_at_once_pays_that_combination():
    result = reconcile(bank({"txn": "T1", "amount": 57550, "iban": JANSSENS_IBAN}), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0050", 45000, "payer_subset", "auto"),
                                   ("T1", "2026-0051", 12550, "payer_subset", "auto")]


def test_a_payer_known_only_by_name_is_matched_when_the_amount_fits_only_that_customer():
    result = reconcile(bank({"txn": "T1", "amount": 12550, "name": "GARAGE JANSSENS"}), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0051", 12550, "name_amount", "auto")]


def test_a_payer_known_only_by_name_is_suggested_when_another_customer_is_owed_the_same_amount():
    frame = pd.concat([INVOICES, invoices(("2026-0070", "K001", "Bakkerij Peeters BV", 12550))])
    result = reconcile(bank({"txn": "T1", "amount": 12550, "name": "Garage Janssens"}), frame, CUSTOMERS)

    assert [(m.rule, m.status) for m in result.matches] == [("name_amount", "suggested")]


def test_an_amount_owed_by_two_customers_with_no_other_evidence_is_never_matched():
    frame = pd.concat([INVOICES, invoices(("2026-0070", "K001", "Bakkerij Peeters BV", 12550))])
    result = reconcile(bank({"txn": "T1", "amount": 12550, "name": "ONBEKEND"}), frame, CUSTOMERS)

    assert result.matches == ()
    assert result.unmatched[0].reason == "the amount fits open invoices of 2 customers; nothing else says which"


def test_a_partial_payment_leaves_the_rest_open():
    result = reconcile(bank({"txn": "T1", "amount": 50000, "ref": "090933755493"}), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 50000, "structured_reference", "auto")]
    assert result.excess == ()


def test_an_overpayment_applies_the_invoice_and_reports_the_excess():
    result = reconcile(bank({"txn": "T1", "amount": 125000, "ref": "090933755493"}), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 121000, "structured_reference", "auto")]
    [excess] = result.excess
    assert (excess.bank_txn, excess.amount) == ("T1", 4000)


def test_a_small_shortfall_for_bank_charges_is_matched_and_flagged():
    result = reconcile(bank({"txn": "T1", "amount": 44750, "iban": JANSSENS_IBAN}), INVOICES, CUSTOMERS)

    [match] = result.matches
    assert (match.invoice_id, match.amount, match.status) == ("2026-0050", 44750, "auto")
    assert match.note == "short by 2.50 EUR (bank charges?)"


def test_a_shortfall_beyond_five_euros_is_not_taken_for_bank_charges():
    result = reconcile(bank({"txn": "T1", "amount": 44400, "iban": JANSSENS_IBAN}), INVOICES, CUSTOMERS)

    assert result.matches == ()
    assert result.unmatched[0].reason.startswith("payer K002 known by iban")


def test_debits_are_not_customer_payments():
    result = reconcile(bank({"txn": "T1", "amount": -45000, "iban": JANSSENS_IBAN}), INVOICES, CUSTOMERS)

    assert result.matches == () and result.unmatched == ()
    assert result.ignored[0].reason == "debit: not a customer payment"


def test_a_returned_payment_takes_its_original_with_it():
    result = reconcile(bank(
        {"txn": "T1", "amount": 45000, "iban": JANSSENS_IBAN, "date": "2026-11-18"},
        {"txn": "T2", "amount": -45000, "iban": JANSSENS_IBAN, "reversal": True, "date": "2026-11-20"},
    ), INVOICES, CUSTOMERS)

    assert result.matches == ()
    assert {(u.bank_txn, u.reason) for u in result.ignored} == {
        ("T2", "reverses T1"), ("T1", "reversed by T2: the payment was returned")}


def test_a_terugboeking_in_the_text_is_a_reversal_too():
    result = reconcile(bank(
        {"txn": "T1", "amount": 45000, "iban": JANSSENS_IBAN, "date": "2026-11-18"},
        {"txn": "T2", "amount": -45000, "text": "TERUGBOEKING ONVOLDOENDE SALDO", "date": "2026-11-21"},
    ), INVOICES, CUSTOMERS)

    assert result.matches == ()


def test_the_same_transaction_in_two_overlapping_statements_pays_once():
    line = {"txn": "T1", "amount": 121000, "ref": "090933755493"}
    result = reconcile(bank(line, line), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 121000, "structured_reference", "auto")]
    assert result.bank_lines == 1


def test_two_payments_of_one_invoice_never_pay_more_than_is_open():
    result = reconcile(bank({"txn": "T1", "amount": 100000, "ref": "090933755493", "date": "2026-11-18"},
                            {"txn": "T2", "amount": 100000, "ref": "090933755493", "date": "2026-11-19"}),
                       INVOICES, CUSTOMERS)

    assert [(m.bank_txn, m.amount) for m in result.matches] == [("T1", 100000), ("T2", 21000)]
    assert [(e.bank_txn, e.amount) for e in result.excess] == [("T2", 79000)]


def test_a_credit_note_of_the_same_customer_offsets_its_invoices():
    frame = pd.concat([INVOICES, invoices(("CN-2026-0003", "K002", "Garage Janssens NV", -5000, "", "2026-10-25"))])
    result = reconcile(bank({"txn": "T1", "amount": 40000, "iban": JANSSENS_IBAN}), frame, CUSTOMERS)

    assert sorted((m.invoice_id, m.amount, m.rule) for m in result.matches) == [
        ("2026-0050", 45000, "payer_subset"), ("CN-2026-0003", -5000, "credit_note")]


def test_a_confirmed_iban_from_earlier_matches_identifies_the_payer():
    result = reconcile(bank({"txn": "T1", "amount": 30250, "iban": "NL91ABNA0417164300"}), INVOICES, CUSTOMERS,
                       known_ibans={"NL91ABNA0417164300": "K001"})

    assert allocations(result) == [("T1", "2026-0043", 30250, "payer_amount", "auto")]


def test_the_summary_counts_bank_lines():
    result = reconcile(bank({"txn": "T1", "amount": 121000, "ref": "090933755493"},
                            {"txn": "T2", "amount": 999, "name": "Belastingdienst"},
                            {"txn": "T3", "amount": -500}), INVOICES, CUSTOMERS)

    assert result.summary() == {"bank_lines": 3, "auto": 1, "suggested": 0, "unmatched": 1, "ignored": 1}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["ref", "iban", "text", "none"]), st.integers(1, 300000)),
                min_size=1, max_size=12))
def test_what_is_allocated_plus_the_excess_is_never_more_than_the_payment(payments):
    lines = []
    for n, (how, amount) in enumerate(payments):
        line = {"txn": f"T{n}", "amount": amount}
        if how == "ref":
            line["ref"] = "090933755493"
        elif how == "iban":
            line["iban"] = JANSSENS_IBAN
        elif how == "text":
            line["text"] = "factuur 2026-0043"
        lines.append(line)
    result = reconcile(bank(*lines), INVOICES, CUSTOMERS, MatchSettings())

    for line in lines:
        applied = sum(m.amount for m in result.matches if m.bank_txn == line["txn"] and m.status == "auto")
        extra = sum(e.amount for e in result.excess if e.bank_txn == line["txn"])
        assert applied + extra in (0, line["amount"])
    for invoice_id, open_amount in zip(INVOICES["invoice_id"], INVOICES["open_amount"], strict=True):
        paid = sum(m.amount for m in result.matches if m.invoice_id == invoice_id and m.status == "auto")
        assert 0 <= paid <= open_amount


def test_an_ogm_whose_remainder_is_zero_carries_97_as_its_check():
    frame = invoices(("2026-0097", "K001", "Bakkerij Peeters BV", 9700, "+++000/0000/09797+++"))
    result = reconcile(bank({"txn": "T1", "amount": 9700, "ref": "000000009797"}), frame, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0097", 9700, "structured_reference", "auto")]


def test_a_payment_with_the_ogm_arctl_generated_for_an_invoice_without_one_pays_it():
    from arctl.refs import ogm_for_invoice

    result = reconcile(bank({"txn": "T1", "amount": 30250, "ref": ogm_for_invoice("2026-0043")}), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0043", 30250, "structured_reference", "auto")]


def test_a_return_that_could_be_either_of_two_payments_undoes_neither():
    result = reconcile(bank(
        {"txn": "T1", "amount": 45000, "name": "KLANT", "date": "2026-11-17"},
        {"txn": "T2", "amount": 45000, "name": "KLANT", "date": "2026-11-18"},
        {"txn": "T3", "amount": -45000, "name": "KLANT", "reversal": True, "date": "2026-11-20"},
    ), INVOICES, CUSTOMERS)

    [unsure] = [u for u in result.unmatched if u.bank_txn == "T3"]
    assert unsure.reason == "returns one of several payments of this amount; a person decides which"
    assert not any(u.reason.startswith("reversed by") for u in result.ignored)


def test_the_return_carrying_a_payments_reference_undoes_that_payment():
    result = reconcile(bank(
        {"txn": "T1", "amount": 45000, "ref": "090933755493", "date": "2026-11-17"},
        {"txn": "T2", "amount": 45000, "iban": JANSSENS_IBAN, "date": "2026-11-18"},
        {"txn": "T3", "amount": -45000, "ref": "090933755493", "reversal": True, "date": "2026-11-20"},
    ), INVOICES, CUSTOMERS)

    assert ("T1", "reversed by T3: the payment was returned") in {(u.bank_txn, u.reason) for u in result.ignored}
    assert [m.bank_txn for m in result.matches] == ["T2"]
