"""The dunning plans, and where every open invoice stands in its plan (the engine's inputs from the state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.payplans import _plan_states
from arctl.workflows.workspace import open_store


def load_plans(target: str, workspace: Workspace | None):
    """A dunning plan (a path, or a name: the workspace's plans/ first, then the shipped plans) with every plan
    its segments lead to, validated together; ConfigError lists every problem with its file and line."""
    from arctl.dunning.plan import PlanDocument, build_plan_set, parse_consumer_rules
    from arctl.io.plans import read_consumer_rules, read_plan_files

    files = read_plan_files(target, cwd=Path.cwd(), workspace_plans=workspace.root / "plans" if workspace else None)
    rules_file, rules_doc = read_consumer_rules()
    rules = parse_consumer_rules(rules_doc, rules_file)
    documents = [PlanDocument(plan.key, plan.source, plan.doc) for plan in files.plans]
    shown = files.plans[0].source if files.plans and files.plans[0].key == files.root else target
    return build_plan_set(files.root, documents, rules, currency=workspace.config.currency if workspace else "EUR",
                          unreadable=files.unreadable, headline=shown)


@dataclass(slots=True)
class DunningView:
    decision: object                  # dunning.engine.Decision
    items: object                     # the open items it was decided on (DataFrame)
    plan: str


def _dunning_inputs(store, as_of: dt.date):
    """The engine's inputs from the state: open items (bank payments counted), customers, steps taken, pauses,
    and the invoices waiting for a person (a suggested match, or an unallocated credit of their customer)."""
    from arctl.dunning.engine import CustomerFacts, Pause, Taken
    from arctl.reconcile.open_items import open_items
    from arctl.reports.behaviour import average_days_late

    allocations = store.applied_allocations()
    items = open_items(store.invoice_items(), allocations)
    lateness = average_days_late(store.invoices(include_closed=True), allocations, as_of)
    customers = {row["customer_id"]: CustomerFacts(bool(row["consumer"]), row["country"] or None,
                                                   row["segment"] or None, lateness.get(row["customer_id"]))
                 for row in store.customers().to_dict("records")}
    for customer, days in lateness.items():  # customers known only from their invoices
        customers.setdefault(customer, CustomerFacts(average_days_late=days))
    history = [Taken(row["invoice_id"], row["step"], row["taken_on"].date(), row["channel"])
               for row in store.steps_taken().to_dict("records")]
    customer_of = dict(zip(items["invoice_id"], items["customer_id"], strict=True))
    pauses = []
    for row in store.rows("disputes"):
        pauses.append(Pause("disputed", customer_of.get(row["invoice_id"], ""), row["invoice_id"], row["opened_on"],
                            row["closed_on"]))
    for row in store.rows("promises"):
        pauses.append(Pause("promised", customer_of.get(row["invoice_id"], ""), row["invoice_id"], row["made_on"],
                            row["until"]))
    for row in store.rows("holds"):
        ends = [day for day in (row["until"], row["released_on"]) if day is not None]
        invoice = row["target_id"] if row["target_kind"] == "invoice" else None
        customer = customer_of.get(row["target_id"], "") if invoice else row["target_id"]
        pauses.append(Pause("held", customer, invoice, row["created_on"], min(ends) if ends else None))
    for row in store.rows("notes", outcome="promise"):
        pauses.append(Pause("promised", row["customer_id"], None, row["written_on"], row["until"]))
    for view in _plan_states(store, as_of):
        # a plan pauses its invoices until it is cancelled or ends with two missed installments
        end = view.plan["cancelled_on"] or view.state.ended_on
        for invoice in view.plan["invoices"].split():
            pauses.append(Pause("payment_plan", view.plan["customer_id"], invoice, view.plan["created_on"], end))
    waiting = set(store.suggested_invoices())
    for customer in _customers_with_unallocated_credit(store, items, as_of):
        waiting.update(items.loc[items["customer_id"] == customer, "invoice_id"])
    return items, customers, history, pauses, frozenset(waiting)


def _customers_with_unallocated_credit(store, items, as_of: dt.date) -> set[str]:
    """Customers who paid the bank something no match accounts for (an unmatched credit, an excess):
    a person must allocate it before they are reminded."""
    import pandas as pd

    from arctl.model import MatchSettings
    from arctl.reconcile.engine import reversal_pairs
    from arctl.reconcile.names import PayerIndex

    bank = store.bank_lines()
    if bank.empty:
        return set()
    credits = bank[(bank["amount"] > 0) & ~bank["reversal"].astype(bool) & (bank["booking_date"].dt.date <= as_of)]
    returned = {txn for pair in reversal_pairs(bank) for txn in pair}
    matches = store.matches()
    allocated = matches.groupby("bank_txn")["amount"].sum() if len(matches) else pd.Series(dtype="int64")
    left = credits["amount"] - credits["txn_id"].map(allocated).fillna(0).astype("int64")
    open_credits = credits[(left > 0) & ~credits["txn_id"].isin(returned)]
    if open_credits.empty:
        return set()
    customers = store.customers()
    names = dict(zip(items["customer_id"], items["customer_name"], strict=True))
    ibans = dict(store.known_ibans())
    if len(customers):
        names.update(zip(customers["customer_id"], customers["name"], strict=True))
        for customer, cell in zip(customers["customer_id"], customers["iban"], strict=True):
            for iban in str(cell or "").split():
                ibans[iban] = customer
    payers = PayerIndex(names, ibans, MatchSettings().name_score)
    found = set()
    for iban, name in zip(open_credits["counterparty_iban"], open_credits["counterparty_name"], strict=True):
        payer = payers.identify(iban or "", name or "")
        if payer is not None:
            found.add(payer.customer_id)
    return found


def dunning_status(workspace: Workspace | None, as_of: dt.date, *, customer: str | None = None,
                   plan: str | None = None) -> DunningView:
    """Every open invoice's place in its plan: the last step, the next one and its date, and any pause."""
    from arctl.dunning.engine import decide

    if workspace is None:
        raise UsageError("arctl dunning needs a workspace", hint="run it inside one, or use -w DIR")
    plans = load_plans(plan or workspace.config.dunning_plan, workspace)
    store = open_store(workspace)
    try:
        items, customers, history, pauses, review = _dunning_inputs(store, as_of)
    finally:
        store.close()
    if items.empty:
        raise UsageError("no open invoices in the workspace state", hint="run `arctl import` first")
    if customer is not None:
        if customer not in set(items["customer_id"]):
            raise UsageError(f"no open invoices of customer {customer!r}")
        items = items[items["customer_id"] == customer]
    decision = decide(items, customers, plans, history, pauses, as_of, to_review=review,
                      plan=plans.main if plan else None)
    return DunningView(decision, items, plans.root)
