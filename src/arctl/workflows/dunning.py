"""The dunning plans, and where every open invoice stands in its plan (the engine's inputs from the state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.model import Contact
from arctl.workflows.payplans import PaymentPlanView, payment_plan_states
from arctl.workflows.workspace import open_store

if TYPE_CHECKING:
    import pandas as pd

    from arctl.dunning.engine import CustomerFacts, Decision, Pause, Taken
    from arctl.dunning.plan import Plan, PlanSet
    from arctl.dunning.plan_choice import PlanChoice
    from arctl.dunning.schedule import Sent
    from arctl.reports.behaviour import Behaviour
    from arctl.state.store import Store

_CONTACT_FIELDS = ("name", "email", "phone", "street", "postal_code", "city", "language", "channel")


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


def routed_plans(workspace: Workspace, forced: str | None, own: tuple[str, ...] = ()) -> PlanSet:
    """The plans `dunning run` routes customers through: the forced plan (`--plan`) or the workspace's plan, with
    the workspace's plan beside a forced one, the customers' own plans and the consumer plans of last resort
    (consumer-be, consumer-nl: the workspace's plans/ first, then the shipped ones), validated together."""
    from arctl.dunning.plan import CONSUMER_PLANS
    from arctl.dunning.plan_set import with_routes

    home = workspace.config.dunning_plan
    also = (*own, *((home,) if forced else ()), *CONSUMER_PLANS.values())
    plans = load_plans(forced or home, workspace, also=also)
    return with_routes(plans, forced=forced is not None, home=home)


@dataclass(slots=True)
class DunningView:
    decision: Decision
    items: pd.DataFrame               # the open items it was decided on
    plan: str
    warnings: list[str] = field(default_factory=list)
    choices: dict[str, PlanChoice] = field(default_factory=dict)   # invoice_id -> the plan it follows and why


@dataclass(slots=True)
class DunningInputs:
    """What the engine decides on, read from the state once, with what a person set for a customer applied."""

    plans: PlanSet                    # the plan in use, its segments' plans, customers' own, and the routes
    forced: Plan | None               # always None: `--plan` is routed by `plans` (businesses only)
    items: pd.DataFrame               # open items, bank payments counted
    customers: dict[str, CustomerFacts]
    contacts: dict[str, Contact]      # customer_id -> how documents address them (overrides applied)
    history: list[Taken]
    pauses: list[Pause]
    review: frozenset[str]            # invoices waiting for a person
    payment_plans: list[PaymentPlanView]
    sent: list[Sent]                  # every document recorded, for the scheduled ones' rhythm
    warnings: list[str]


def dunning_inputs(workspace: Workspace, store: Store, as_of: dt.date, plan: str | None = None, *,
                   refuse_unplanned: bool = True) -> DunningInputs:
    """The engine's inputs from the state: the plans, open items (bank payments counted), customers, steps taken,
    pauses, payment plans, and the invoices waiting for a person (a suggested match, or an unallocated credit
    of their customer). `plan` applies that one plan to every business customer; consumers keep a consumer
    plan of their country (PlanSet.route). A consumer no route reaches is not dunned, with a warning naming
    them; when no customer with an open invoice has a plan, a ConfigError (`refuse_unplanned`, as a run does)."""
    import pandas as pd

    from arctl.dunning.schedule import Sent
    from arctl.reconcile.open_items import open_items, open_periods
    from arctl.reports.behaviour import BEHAVIOUR_COLUMNS, payment_behaviour

    overrides = store.overrides()
    own = tuple(sorted({o["plan"] for o in overrides.values() if "plan" in o}))
    plans = routed_plans(workspace, plan, own)
    allocations = store.applied_allocations()
    items = open_items(store.invoice_items(), allocations)
    # partly paid invoices: interest per period of the open amount (bank payments, lower amounts in exports)
    periods = open_periods(items, allocations, store.amount_history())
    items["open_periods"] = pd.Series([periods.get(invoice) for invoice in items["invoice_id"]], index=items.index,
                                      dtype=object)
    lateness = payment_behaviour(store.invoices(include_closed=True, columns=BEHAVIOUR_COLUMNS), allocations, as_of)
    master = store.customers()
    contacts = _contacts(master, overrides)
    customers, warnings = _customer_facts(contacts, master, overrides, lateness, plans)
    warnings += _unplanned(items, customers, plans, refuse=refuse_unplanned)
    history = _history(store, workspace, as_of)
    waiting = set(store.suggested_invoices()) | _invoices_of_unallocated_credit(workspace, store, items, master,
                                                                                as_of)
    payment_plans = payment_plan_states(store, as_of, allocations)
    sent = [Sent(customer, step, currency, day.date())
            for customer, step, currency, day in store.documents_sent().itertuples(index=False)]
    return DunningInputs(plans, None, items, customers, contacts, history,
                         _pauses(store, items, payment_plans), frozenset(waiting), payment_plans, sent, warnings)


def _history(store: Store, workspace: Workspace, as_of: dt.date) -> list[Taken]:
    """The steps taken, each with the day its legal periods count from where that is not the run's day: a sent
    e-mail from the day it went, a posted letter from its posting date, and (law.letter_period_from:
    posting_date) a letter not yet posted as if posted on `as_of` at the earliest, so that its period has not
    started (README "Readings of unsure law")."""
    from arctl.dunning.engine import Taken
    from arctl.state.deliveries import LETTER_CHANNELS

    went = store.posting_dates()
    by_posting = workspace.config.law.letter_period_from == "posting_date"
    history = []
    for invoice, step, day, channel, document in store.steps_taken().itertuples(index=False):
        taken_on = day.date()
        period_from = went.get(document)
        if channel in LETTER_CHANNELS and document:
            period_from = (period_from or max(taken_on, as_of)) if by_posting else None
        history.append(Taken(invoice, step, taken_on, channel, period_from))
    return history


def unplanned_consumers(customers: dict[str, CustomerFacts], plans: PlanSet,
                        among: set[str] | None = None) -> dict[str, str]:
    """The consumers (of `among`, else all) no plan route reaches, each with why and how to give them one."""
    from arctl.dunning.plan_set import no_route

    return {customer: no_route(plans, facts.country)
            for customer, facts in sorted(customers.items())
            if (among is None or customer in among) and facts.plan_in(plans) is None}


def _unplanned(items: pd.DataFrame, customers: dict[str, CustomerFacts], plans: PlanSet, *,
               refuse: bool) -> list[str]:
    """A warning naming the consumers with open invoices that no plan reaches (they are not dunned); a
    ConfigError when nobody with an open invoice could be dunned."""
    from arctl.dunning.engine import CustomerFacts
    from arctl.errors import ConfigError

    owing = set(items.loc[items["open_amount"] > 0, "customer_id"])
    found = unplanned_consumers(customers, plans, owing)
    if not found:
        return []
    listed = "; ".join(f"{customer}: {why}" for customer, why in found.items())
    message = f"consumers not dunned, no consumer plan of their country reaches them — {listed}"
    if refuse and all(customers.get(c, CustomerFacts()).plan_in(plans) is None for c in owing):
        raise ConfigError(message, hint="`arctl plan check` in the workspace lists them")
    return [message]


def choice_of(inputs: DunningInputs, customer: str, plan: str) -> PlanChoice:
    """Why `customer` follows `plan` (the plan the engine chose for them)."""
    from arctl.dunning.engine import CustomerFacts
    from arctl.dunning.plan_choice import plan_choice

    return plan_choice(inputs.plans, inputs.customers.get(customer, CustomerFacts()), plan,
                       forced=inputs.plans.root if inputs.plans.forced else None)


def customer_contacts(store: Store) -> dict[str, Contact]:
    """How documents address each customer of the state: the customer master with a person's overrides."""
    return _contacts(store.customers(), store.overrides())


def _contacts(master: pd.DataFrame, overrides: dict[str, dict]) -> dict[str, Contact]:
    """How documents address each customer: the customer master with a person's overrides applied."""
    contacts = {}
    present = [f for f in _CONTACT_FIELDS if f in master.columns]
    for record in master[["customer_id", *present]].to_dict("records"):
        contacts[record["customer_id"]] = {f: record.get(f) or "" for f in _CONTACT_FIELDS}
    for customer, fields in overrides.items():
        row = contacts.setdefault(customer, dict.fromkeys(_CONTACT_FIELDS, ""))
        row.update({key: value for key, value in fields.items() if key in _CONTACT_FIELDS})
    return {customer: Contact(customer, **fields) for customer, fields in contacts.items()}


def _customer_facts(contacts: dict[str, Contact], master: pd.DataFrame, overrides: dict[str, dict],
                    lateness: dict[str, Behaviour], plans: PlanSet) -> tuple[dict[str, CustomerFacts], list[str]]:
    """What the engine knows of each customer; a customer's own plan that does not fit them is not used."""
    from arctl.dunning.engine import CustomerFacts
    from arctl.dunning.plan_set import own_plan_problem

    known = {p.key: p for p in plans.plans}
    columns = [c for c in ("customer_id", "consumer", "country", "segment") if c in master.columns]
    rows = {row["customer_id"]: row for row in master[columns].to_dict("records")} if len(master) else {}
    customers: dict[str, CustomerFacts] = {}
    warnings: list[str] = []
    for customer, contact in contacts.items():
        row = rows.get(customer, {})
        consumer, country = bool(row.get("consumer") or False), row.get("country") or None
        chosen = overrides.get(customer, {}).get("plan")
        if chosen is not None and not (plans.forced and not consumer):
            problem = (own_plan_problem(known[chosen], consumer=consumer, country=country or "")
                       if chosen in known else f"there is no plan {chosen} (plans/{chosen}.yaml)")
            if problem:
                warnings.append(f"customer {customer}: own plan {chosen} not used, {problem}; the plan's segments "
                                f"choose instead (`arctl customer set {customer} --plan NAME` or `--unset plan`)")
                chosen = None
        segment = overrides.get(customer, {}).get("segment") or row.get("segment")
        paid = lateness.get(customer)
        customers[customer] = CustomerFacts(consumer, country, segment or None,
                                            paid.average_days_late if paid else None, chosen, bool(contact.email),
                                            contact.channel or None, paid.invoices_paid if paid else 0)
    for customer, paid in lateness.items():  # customers known only from their invoices
        customers.setdefault(customer, CustomerFacts(average_days_late=paid.average_days_late,
                                                     invoices_paid=paid.invoices_paid))
    return customers, warnings


def _pauses(store: Store, items: pd.DataFrame, payment_plans: list[PaymentPlanView]) -> list[Pause]:
    """Disputes, promises (also those made on the phone), holds and running payment plans."""
    from arctl.dunning.engine import Pause

    customer_of = dict(zip(items["invoice_id"], items["customer_id"], strict=True))
    pauses = []
    for row in store.disputes():
        pauses.append(Pause("disputed", customer_of.get(row["invoice_id"], ""), row["invoice_id"], row["opened_on"],
                            row["closed_on"]))
    for row in store.promises():
        pauses.append(Pause("promised", customer_of.get(row["invoice_id"], ""), row["invoice_id"], row["made_on"],
                            row["until"]))
    for row in store.holds():
        ends = [day for day in (row["until"], row["released_on"]) if day is not None]
        invoice = row["target_id"] if row["target_kind"] == "invoice" else None
        customer = customer_of.get(row["target_id"], "") if invoice else row["target_id"]
        pauses.append(Pause("held", customer, invoice, row["created_on"], min(ends) if ends else None))
    for row in store.notes(outcome="promise"):
        pauses.append(Pause("promised", row["customer_id"], None, row["written_on"], row["until"]))
    for view in payment_plans:
        # a plan pauses its invoices until it is cancelled or ends with two missed installments
        end = view.plan["cancelled_on"] or view.state.ended_on
        for invoice in view.plan["invoices"].split():
            pauses.append(Pause("payment_plan", view.plan["customer_id"], invoice, view.plan["created_on"], end))
    return pauses


def _invoices_of_unallocated_credit(workspace: Workspace, store: Store, items: pd.DataFrame, master: pd.DataFrame,
                                    as_of: dt.date) -> set[str]:
    """The open invoices of customers who paid the bank something no match accounts for, found with the
    workspace's matching settings, as `reconcile` finds payers."""
    from arctl.reconcile.unallocated import customers_with_unallocated_credit

    found = customers_with_unallocated_credit(store.bank_lines(), store.matches(), items, master, store.known_ibans(),
                                              as_of, workspace.config.matching)
    return set(items.loc[items["customer_id"].isin(found), "invoice_id"]) if found else set()


def dunning_status(workspace: Workspace | None, as_of: dt.date, *, customer: str | None = None,
                   plan: str | None = None) -> DunningView:
    """Every open invoice's place in its plan: the last step, the next one and its date, and any pause."""
    from arctl.dunning.engine import decide

    if workspace is None:
        raise UsageError("arctl dunning needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        inputs = dunning_inputs(workspace, store, as_of, plan, refuse_unplanned=False)
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
    known: dict[tuple[str, str], PlanChoice] = {}
    for position in decision.positions:
        key = (position.customer_id, position.plan)
        if key not in known:
            known[key] = choice_of(inputs, *key)
    choices = {p.invoice_id: known[(p.customer_id, p.plan)] for p in decision.positions}
    return DunningView(decision, items, inputs.plans.root, inputs.warnings, choices)


def unreached_consumers(target: str, workspace: Workspace | None, as_of: dt.date) -> dict[str, str]:
    """`plan check` in a workspace: the consumers of the customer master that no plan route reaches when
    `target` is the plan of a run (the workspace's own plan, or as `dunning run --plan target`), each with
    why; {} outside a workspace, before a customer export was imported, or when the routes cannot be read."""
    from arctl.errors import ArctlError

    if workspace is None:
        return {}
    store = open_store(workspace)
    try:
        if store.customers().empty:
            return {}
        key = Path(target).stem if target.endswith((".yaml", ".yml")) else target
        forced = None if key == workspace.config.dunning_plan else target
        try:
            inputs = dunning_inputs(workspace, store, as_of, forced, refuse_unplanned=False)
        except ArctlError:
            return {}
    finally:
        store.close()
    consumers = {c for c, facts in inputs.customers.items() if facts.consumer}
    return unplanned_consumers(inputs.customers, inputs.plans, consumers)
