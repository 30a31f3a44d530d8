"""The dunning plans, and where every open invoice stands in its plan (the engine's inputs from the state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.workflows.payplans import _plan_states
from arctl.workflows.workspace import open_store

if TYPE_CHECKING:
    from arctl.dunning.plan import Plan, PlanSet


def load_plans(target: str, workspace: Workspace | None, *, also: tuple[str, ...] = ()) -> PlanSet:
    """A dunning plan (a path, or a name: the workspace's plans/ first, then the shipped plans) with every plan
    its segments lead to, and the plans named in `also` (customers' own plans), validated together;
    ConfigError lists every problem with its file and line."""
    from arctl.dunning.consumer import parse_consumer_rules
    from arctl.dunning.plan_check import PlanDocument
    from arctl.dunning.plan_set import build_plan_set
    from arctl.io.plans import read_consumer_rules, read_plan_files

    files = read_plan_files(target, cwd=Path.cwd(), workspace_plans=workspace.root / "plans" if workspace else None,
                            also=also)
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
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DunningInputs:
    """What the engine decides on, read from the state, with what a person set for a customer applied."""

    plans: PlanSet                    # the plan in use, its segments' plans, customers' own
    forced: Plan | None               # the one plan applied to everybody (`--plan`), else None
    items: object                     # open items, bank payments counted (DataFrame)
    customers: dict                   # customer_id -> dunning.engine.CustomerFacts
    people: dict[str, dict]           # customer_id -> master data as documents use it (overrides applied)
    history: list
    pauses: list
    review: frozenset[str]            # invoices waiting for a person
    warnings: list[str]


def dunning_inputs(workspace: Workspace, store, as_of: dt.date, plan: str | None = None) -> DunningInputs:
    """The engine's inputs from the state: the plans, open items (bank payments counted), customers, steps taken,
    pauses, and the invoices waiting for a person (a suggested match, or an unallocated credit of their
    customer). `plan` applies that one plan to everybody; customers' own plans are then ignored."""
    from arctl.dunning.engine import CustomerFacts, Pause, Taken
    from arctl.dunning.plan_set import own_plan_problem
    from arctl.reconcile.open_items import open_items
    from arctl.reports.behaviour import average_days_late

    overrides = store.overrides()
    own = tuple(sorted({o["plan"] for o in overrides.values() if "plan" in o}))
    plans = load_plans(plan or workspace.config.dunning_plan, workspace, also=() if plan else own)
    warnings: list[str] = []
    allocations = store.applied_allocations()
    items = open_items(store.invoice_items(), allocations)
    lateness = average_days_late(store.invoices(include_closed=True), allocations, as_of)
    people = {row["customer_id"]: row for row in store.customers().to_dict("records")}
    for customer, fields in overrides.items():
        row = people.setdefault(customer, {"customer_id": customer, "consumer": False, "country": ""})
        row.update({key: value for key, value in fields.items() if key != "plan"})
    customers = {}
    known = {p.key: p for p in plans.plans}
    for customer, row in people.items():
        chosen = overrides.get(customer, {}).get("plan")
        if chosen is not None and not plan:
            problem = (own_plan_problem(known[chosen], consumer=bool(row["consumer"]), country=row["country"])
                       if chosen in known else f"there is no plan {chosen} (plans/{chosen}.yaml)")
            if problem:
                warnings.append(f"customer {customer}: own plan {chosen} not used, {problem}; the plan's segments "
                                f"choose instead (`arctl customer set {customer} --plan NAME` or `--unset plan`)")
                chosen = None
        customers[customer] = CustomerFacts(bool(row["consumer"]), row["country"] or None,
                                            row.get("segment") or None, lateness.get(customer), chosen)
    for customer, days in lateness.items():  # customers known only from their invoices
        customers.setdefault(customer, CustomerFacts(average_days_late=days))
    history = [Taken(row["invoice_id"], row["step"], row["taken_on"].date(), row["channel"])
               for row in store.steps_taken().to_dict("records")]
    waiting = set(store.suggested_invoices())
    for customer in _customers_with_unallocated_credit(store, items, as_of):
        waiting.update(items.loc[items["customer_id"] == customer, "invoice_id"])
    return DunningInputs(plans, plans.main if plan else None, items, customers, people, history,
                         _pauses(store, items, as_of), frozenset(waiting), warnings)


def _pauses(store, items, as_of: dt.date) -> list:
    """Disputes, promises (also those made on the phone), holds and running payment plans."""
    from arctl.dunning.engine import Pause

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
    return pauses


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
    store = open_store(workspace)
    try:
        inputs = dunning_inputs(workspace, store, as_of, plan)
    finally:
        store.close()
    items = inputs.items
    if items.empty:
        raise UsageError("no open invoices in the workspace state", hint="run `arctl import` first")
    if customer is not None:
        if customer not in set(items["customer_id"]):
            raise UsageError(f"no open invoices of customer {customer!r}")
        items = items[items["customer_id"] == customer]
    decision = decide(items, inputs.customers, inputs.plans, inputs.history, inputs.pauses, as_of,
                      to_review=inputs.review, plan=inputs.forced)
    return DunningView(decision, items, inputs.plans.root, inputs.warnings)
