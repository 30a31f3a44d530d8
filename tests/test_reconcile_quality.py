"""Quality, measured: the matcher against a careful bookkeeper on a labelled set (issue 4).

The set comes from `benchmarks/labelled.py` (see its docstring for the case mix and for what the careful
bookkeeper does with each case): 2,000 open invoices and 700 bank transactions written as two
camt.053.001.02 statements that overlap by 5 transactions. The statements are read back with
`read_camt`, reconciled with the default settings, and scored: an allocation is correct only when its
bank line, its invoice and its amount are all right.

Targets: precision of the automatic allocations >= 99.5 %, recall >= 95 % of the allocations the careful
bookkeeper makes automatically, and no automatic allocation on a line that a person must decide
(ambiguous amount, wrong check digits, a reference or invoice number naming another invoice than the
one the payer's amount pays) or that is no customer payment (unrelated credit, debit, reversal).
`pytest -s` prints the case mix, the figures per case and example lines of every mistake.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from labelled import (  # noqa: E402  (benchmarks/ is put on sys.path just above)
    CASE_MIX,
    FOR_PERSON_LABELS,
    NO_AUTO_LABELS,
    OVERLAP_LINES,
    format_mix,
    format_quality,
    make_case,
    score,
)

from arctl.io.bank.camt import read_camt  # noqa: E402
from arctl.reconcile.engine import reconcile  # noqa: E402

SEED = 20261126
INVOICES = 2000
LINES = 700
PRECISION_TARGET = 0.995
RECALL_TARGET = 0.95


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """(case, the statements as read, the engine's result, its quality), printed once."""
    case = make_case(SEED, invoices=INVOICES, lines=LINES, out_dir=tmp_path_factory.mktemp("labelled"))
    reads = [read_camt(path) for path in case.files]
    bank = pd.concat([read.frame for read in reads], ignore_index=True)
    result = reconcile(bank, case.invoices, case.customers)
    quality = score(result, case)
    print()
    print(format_mix(case))
    print()
    print(format_quality(quality))
    return case, reads, bank, quality


# --- the labelled set itself --------------------------------------------------------------------


def test_the_statements_read_back_as_the_labelled_transactions_with_the_overlap_once(measured):
    case, reads, bank, _ = measured
    assert [read.format for read in reads] == ["camt.053.001.02", "camt.053.001.02"]
    assert all(not read.findings for read in reads)
    assert len(bank) == LINES + OVERLAP_LINES
    assert bank["txn_id"].nunique() == LINES
    assert set(bank["txn_id"]) == set(case.truth) == set(case.bank["txn_id"])
    twice = bank["txn_id"].value_counts()
    assert sorted(twice[twice == 2].index) == sorted(case.repeated)
    read_once = bank.drop_duplicates("txn_id").set_index("txn_id")
    made = case.bank.set_index("txn_id")
    for column in ("amount", "counterparty_iban", "structured_ref", "reversal"):
        assert read_once[column].reindex(made.index).tolist() == made[column].tolist(), column


def test_the_case_mix_is_the_stated_one(measured):
    case, *_ = measured
    assert case.mix == CASE_MIX
    counted = defaultdict(int)
    for expected in case.truth.values():
        counted[expected.label] += 1
    assert dict(counted) == {label: n for label, n in CASE_MIX.items() if n}


def test_the_truth_is_consistent_with_the_ledger_and_the_lines(measured):
    case, *_ = measured
    open_amount = dict(zip(case.invoices["invoice_id"], case.invoices["open_amount"], strict=True))
    line_amount = dict(zip(case.bank["txn_id"], case.bank["amount"], strict=True))
    applied = defaultdict(int)
    for txn, expected in case.truth.items():
        if expected.label in NO_AUTO_LABELS:
            assert expected.allocations == (), txn
            continue
        assert expected.allocations, txn
        assert line_amount[txn] > 0, txn
        assert sum(cents for _, cents in expected.allocations) <= line_amount[txn], txn
        for invoice, cents in expected.allocations:
            assert cents > 0, txn
            applied[invoice] += cents
    assert all(applied[invoice] <= open_amount[invoice] for invoice in applied)
    person = {"wrong_check_digits", "ambiguous_amount", "conflicting_reference", "conflicting_pointer"}
    assert person == FOR_PERSON_LABELS
    assert case.for_person == {t for t, e in case.truth.items() if e.label in person}
    assert case.unrelated == {t for t, e in case.truth.items() if e.label in ("unrelated_credit", "debit", "reversal")}


def test_the_generator_gives_the_same_set_for_the_same_seed():
    first, second = make_case(7, invoices=400, lines=120), make_case(7, invoices=400, lines=120)
    pd.testing.assert_frame_equal(first.invoices, second.invoices)
    pd.testing.assert_frame_equal(first.customers, second.customers)
    pd.testing.assert_frame_equal(first.bank, second.bank)
    assert first.truth == second.truth
    assert make_case(8, invoices=400, lines=120).truth != first.truth


# --- the matcher against the targets ------------------------------------------------------------


def test_no_automatic_allocation_on_lines_for_a_person_or_not_customer_payments(measured):
    *_, quality = measured
    assert quality.auto_on_ambiguous_or_unrelated == 0, format_quality(quality)


@pytest.mark.parametrize("label", ["conflicting_reference", "conflicting_pointer"])
def test_conflicting_evidence_is_suggested_with_both_candidates_never_matched_automatically(measured, label):
    *_, quality = measured
    cases = quality.per_label[label]
    assert (cases.auto, cases.suggested_lines) == (0, cases.lines), format_quality(quality)
    assert all(len(both) == 2 for both in quality.suggested_on[label]), quality.suggested_on[label]


def test_a_mistyped_reference_that_agrees_with_the_payer_and_the_amount_is_matched_automatically(measured):
    *_, quality = measured
    cases = quality.per_label["mistyped_reference_agrees"]
    assert (cases.correct, cases.wrong) == (cases.expected, 0), format_quality(quality)


def test_precision_of_automatic_allocations_meets_the_target(measured):
    *_, quality = measured
    assert quality.precision >= PRECISION_TARGET, format_quality(quality)


def test_recall_of_the_careful_bookkeepers_allocations_meets_the_target(measured):
    *_, quality = measured
    assert quality.recall >= RECALL_TARGET, format_quality(quality)


def test_the_overlapping_transactions_are_applied_once(measured):
    *_, quality = measured
    auto_on_repeated, expected_on_repeated = quality.overlap
    assert auto_on_repeated <= expected_on_repeated, format_quality(quality)
