"""What a dunning run checks before it decides anything: its date, and whether payments can be seen at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import InputError, UsageError

if TYPE_CHECKING:
    from arctl.model import Action
    from arctl.state.store import Store
    from arctl.workflows.dunning import DunningInputs

NO_BANK = ("the workspace has no bank source: payments made since the last invoice export cannot be seen, and "
           "a customer who paid may be reminded (add a `kind: bank` source to arctl.yaml)")


def check_run_date(store: Store, as_of: dt.date) -> None:
    """A run dated before the last recorded one would record steps out of order and print dates already
    passed; refused (exit 2)."""
    last = store.last_run_date()
    if last is not None and as_of < last:
        raise UsageError(f"--as-of {as_of} is before the last recorded dunning run ({last}); a run cannot go back "
                         "in time", hint=f"run as of {last} or later, or look at an earlier date with --dry-run")


def check_bank_reach(store: Store, as_of: dt.date, workspace: Workspace) -> None:
    """Dunning on stale bank data would remind customers who have paid: every account's statements must reach
    a recent day. A statement closing yesterday counts, however quiet the account."""
    from arctl.dunning.calendar import business_days_before

    max_age = workspace.config.bank_max_age
    limit = business_days_before(as_of, max_age, workspace.config.company.country or None)
    reach = store.statement_reach_dates()
    stale = sorted(f"{account} (statements up to {day})" for account, day in reach.items() if day < limit)
    if not reach or stale:
        raise InputError(
            "bank data is stale: " + (", ".join(stale) if stale else "no bank statement imported")
            + f"; dunning needs statements up to {limit} ({max_age} business days)",
            hint="import the latest statements, or run with --allow-stale-bank")


def plan_reasons(inputs: DunningInputs, actions: Iterable[Action]) -> dict[str, str]:
    """customer_id -> "plan: why" for the customers of `actions` (the plan the engine chose for them)."""
    from arctl.workflows.dunning import choice_of

    wanted = {(action.customer_id, action.plan) for action in actions if action.plan}
    return {customer: str(choice_of(inputs, customer, key)) for customer, key in sorted(wanted)}
