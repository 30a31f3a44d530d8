"""The matcher never guesses between conflicting evidence: a reference or an invoice number that names one
open invoice while the amount and the payer pick another makes the line a suggestion with both candidates.

References are written from their public descriptions (REFERENCE.md §6), check digits worked out by hand:
- OGM/VCS: the last two digits are the first ten mod 97 (0 -> 97). 2026-0042 prints +++090/9337/55493+++:
  909337554 = 97 * 9374613 + 93.
- ISO 11649 RF: RF + check digits that make body + 'RF' + check ≡ 1 (mod 97) with R=27, F=15: body
  539007547034 -> 98 - (5390075470342715 00 mod 97) = 18, so RF18 5390 0754 7034 (REFERENCE.md's example).
- Dutch betalingskenmerk, 16 digits: the first digit is 11 - (weighted sum mod 11) of the other 15, weights
  2,4,8,5,10,9,7,3,6,1 from the right: 5000 0567 8901 2345 (the Betaalvereniging's example).
"""

from __future__ import annotations

import pandas as pd

from arctl.reconcile.engine import reconcile

ACCOUNT = "BE05068123456775"
PEETERS_IBAN = "BE48001123456727"


def invoices(*rows):
    """rows: (invoice_id, customer_id, customer_name, open cents, reference, due 'YYYY-MM-DD')."""
    return pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "customer_name": [r[2] for r in rows], "currency": ["EUR"] * len(rows),
        "amount": [r[3] for r in rows], "open_amount": [r[3] for r in rows], "reference": [r[4] for r in rows],
        "due_date": pd.to_datetime([r[5] for r in rows]).astype("datetime64[s]"),
    })


def customers(*rows):
    """rows: (customer_id, name, ibans)."""
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "name": [r[1] for r in rows],
                         "iban": [r[2] for r in rows]})


def bank(line):
    """One line: a dict with txn, amount and optionally name, iban, ref, text."""
    return pd.DataFrame({
        "txn_id": [line["txn"]], "account_iban": [ACCOUNT],
        "booking_date": pd.to_datetime(["2026-11-20"]).astype("datetime64[s]"),
        "value_date": pd.to_datetime(["2026-11-20"]).astype("datetime64[s]"),
        "amount": [line["amount"]], "currency": ["EUR"], "counterparty_name": [line.get("name", "")],
        "counterparty_iban": [line.get("iban", "")], "structured_ref": [line.get("ref", "")],
        "remittance": [line.get("text", "")], "reversal": [False], "bank_ref": [""], "source": ["test.xml:1"],
    })


def allocations(result):
    return [(m.bank_txn, m.invoice_id, m.amount, m.rule, m.status) for m in result.matches]


INVOICES = invoices(("2026-0042", "K001", "Bakkerij Peeters BV", 121000, "+++090/9337/55493+++", "2026-10-01"),
                    ("2026-0043", "K001", "Bakkerij Peeters BV", 30250, "", "2026-10-15"))
CUSTOMERS = customers(("K001", "Bakkerij Peeters BV", PEETERS_IBAN))

# Bakkerij Peeters (K001, known by PEETERS_IBAN) owes 2026-0042 (1,210.00, +++090/9337/55493+++) and
# 2026-0043 (302.50, no printed reference).


def candidates(result):
    return sorted((m.invoice_id, m.amount, m.status) for m in result.matches)


def test_an_ogm_with_the_first_ten_digits_of_one_invoice_and_the_amount_of_another_is_only_suggested():
    # 0909337554 with check digits 94 instead of 93: the first ten digits are 2026-0042's
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "name": "BAKKERIJ PEETERS", "ref": "090933755494"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 30250, "suggested"), ("2026-0043", 30250, "suggested")]
    assert "2026-0042" in result.matches[0].note and "2026-0043" in result.matches[0].note


def test_an_ogm_one_digit_off_another_invoices_is_only_suggested():
    # 090933756493: the eighth digit 5 -> 6; 0909337564 mod 97 = 93 + 10 - 97 = 6, so 93 fails
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "ref": "090933756493"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 30250, "suggested"), ("2026-0043", 30250, "suggested")]


def test_an_ogm_with_two_neighbouring_digits_swapped_in_the_text_is_only_suggested():
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "text": "Betaling +++090/9373/55493+++"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 30250, "suggested"), ("2026-0043", 30250, "suggested")]


def test_an_rf_reference_with_wrong_check_digits_naming_another_invoice_is_only_suggested():
    frame = invoices(("2026-0042", "K001", "Bakkerij Peeters BV", 121000, "RF18 5390 0754 7034", "2026-10-01"),
                     ("2026-0043", "K001", "Bakkerij Peeters BV", 30250, "", "2026-10-15"))
    # RF19 instead of RF18: 5390075470342715 19 mod 97 = 2, not 1
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "ref": "RF19539007547034"}

    result = reconcile(bank(line), frame, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 30250, "suggested"), ("2026-0043", 30250, "suggested")]


def test_a_dutch_payment_reference_with_two_digits_swapped_naming_another_invoice_is_only_suggested():
    frame = invoices(("2026-0042", "K001", "Bakkerij Peeters BV", 121000, "5000 0567 8901 2345", "2026-10-01"),
                     ("2026-0043", "K001", "Bakkerij Peeters BV", 30250, "", "2026-10-15"))
    # ...2354: the weighted sum of 000056789012354 gives check digit 3, not 5
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "ref": "5000056789012354"}

    result = reconcile(bank(line), frame, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 30250, "suggested"), ("2026-0043", 30250, "suggested")]


def test_a_valid_reference_of_one_invoice_with_the_exact_amount_of_another_is_only_suggested():
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "ref": "090933755493"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 30250, "suggested"), ("2026-0043", 30250, "suggested")]
    assert {m.rule for m in result.matches} == {"structured_reference"}


def test_an_invoice_number_in_the_text_naming_another_invoice_than_the_amount_is_only_suggested():
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "text": "Factuur 2026-0042"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 30250, "suggested"), ("2026-0043", 30250, "suggested")]
    assert {m.rule for m in result.matches} == {"invoice_number"}


def test_a_mistyped_reference_paying_exactly_its_invoice_by_a_known_payer_is_still_matched_automatically():
    line = {"txn": "T1", "amount": 121000, "iban": PEETERS_IBAN, "ref": "090933755494"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 121000, "payer_amount", "auto")]


def test_a_valid_reference_with_a_partial_payment_that_fits_no_other_invoice_is_still_automatic():
    line = {"txn": "T1", "amount": 50000, "iban": PEETERS_IBAN, "ref": "090933755493"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert allocations(result) == [("T1", "2026-0042", 50000, "structured_reference", "auto")]


def test_a_mistyped_reference_from_an_unknown_payer_is_suggested_for_the_invoice_it_points_at():
    line = {"txn": "T1", "amount": 121000, "iban": "NL91ABNA0417164300", "name": "FIDUCIAIRE DUBOIS",
            "ref": "090933755494"}

    result = reconcile(bank(line), INVOICES, CUSTOMERS)

    assert candidates(result) == [("2026-0042", 121000, "suggested")]


def test_a_mistyped_reference_of_another_customers_invoice_makes_the_payers_match_a_suggestion():
    # Garage Janssens' 2026-0050 prints 000020265017: 202650 = 97 * 2089 + 17
    frame = pd.concat([INVOICES, invoices(("2026-0050", "K002", "Garage Janssens NV", 45000, "000020265017",
                                           "2026-10-20"))])
    both = customers(("K001", "Bakkerij Peeters BV", PEETERS_IBAN), ("K002", "Garage Janssens NV", ""))
    # Peeters pays exactly its 2026-0043 quoting 000020266017 (5 -> 6: 202660 mod 97 = 27, so 17 fails)
    line = {"txn": "T1", "amount": 30250, "iban": PEETERS_IBAN, "ref": "000020266017"}

    result = reconcile(bank(line), frame, both)

    assert candidates(result) == [("2026-0043", 30250, "suggested"), ("2026-0050", 30250, "suggested")]
