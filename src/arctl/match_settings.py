"""The matcher's settings, apart from the canonical records (arctl.model) because `arctl reconcile --help` shows
their defaults and the CLI's start-up should not build every record to do so."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How sure the matcher must be (defaults of the bank issue; each is a setting in arctl.yaml)."""

    shortfall_basis_points: int = 100      # a payment up to 1 % short of the invoice is matched and flagged ...
    shortfall_max: str = "5.00"            # ... but never more than 5.00 of the payment's currency short
    subset_max_invoices: int = 5           # a combined payment pays at most 5 invoices ...
    subset_pool: int = 20                  # ... chosen among the customer's 20 oldest open invoices
    name_score: int = 90                   # rapidfuzz score for a counterparty name to name a customer
