"""What a dunning run checks before it decides anything: its date, and whether payments can be seen at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import InputError, UsageError
from arctl.workflows.running import RunResult, dunning_run
from arctl.workflows.workspace import open_store

if TYPE_CHECKING:
    from arctl.state.store import Store

NO_BANK = ("the workspace has no bank source: payments made since the last invoice export cannot be seen, and "
           "a customer who paid may be reminded (add a `kind: bank` source to arctl.yaml)")


@dataclass(slots=True)
class CheckedRun:
    result: RunResult
    plans: dict[str, str] = field(default_factory=dict)   # customer_id -> "plan: why", for those in the run


def checked_dunning_run(workspace: Workspace | None, as_of: dt.date, *, plan: str | None = None,
                        dry_run: bool = False, allow_stale_bank: bool = False) -> CheckedRun:
    """`dunning run`, refused when its date is before the last recorded run (a dry run may look at any date),
    warned when no bank source shows payments, with the plan each customer in it follows and why."""
    if workspace is None:
        raise UsageError("arctl dunning needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        if not dry_run:
            check_run_date(store, as_of)
        has_bank = any(source.kind == "bank" for source in workspace.config.sources)
        if has_bank and not allow_stale_bank:
            check_bank_reach(store, as_of, workspace)
    finally:
        store.close()
    # the reach of the statements was checked above; the run's own check looks at the newest lines only
    result = dunning_run(workspace, as_of, plan=plan, dry_run=dry_run, allow_stale_bank=True)
    if not any(source.kind == "bank" for source in workspace.config.sources):
        result.warnings.insert(0, NO_BANK)
    return CheckedRun(result, _plans_of(workspace, result, as_of, plan))


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


def _plans_of(workspace: Workspace, result: RunResult, as_of: dt.date, plan: str | None) -> dict[str, str]:
    from arctl.workflows.dunning import choice_of, dunning_inputs

    wanted = {(o.action.customer_id, o.action.plan) for o in result.outcomes if o.action.plan}
    if not wanted:
        return {}
    store = open_store(workspace)
    try:
        inputs = dunning_inputs(workspace, store, as_of, plan)
    finally:
        store.close()
    return {customer: str(choice_of(inputs, customer, key)) for customer, key in sorted(wanted)}
