"""The dunning run: the steps due today, their documents in outbox/<date>/, and the record of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from arctl.config import Workspace
from arctl.errors import InputError, UsageError
from arctl.workflows.dunning import dunning_inputs
from arctl.workflows.payplans import _plan_states
from arctl.workflows.workspace import open_store, state_dir


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: object                        # dunning.engine.Action
    costs: tuple[tuple[str, int], ...]    # (kind, minor units)
    total_due: int
    documents: tuple[str, ...]
    delivery: str


@dataclass(slots=True)
class RunResult:
    as_of: dt.date
    dry_run: bool
    outcomes: list[ActionOutcome]
    skipped: list
    warnings: list[str]


_SUBJECTS = {"email": "Payment reminder", "letter": "Payment reminder", "registered_letter": "Formal notice",
             "statement": "Statement of account", "agency": "Hand-over to a collection agency", "phone": "Phone call"}


def _business_days_before(day: dt.date, count: int) -> dt.date:
    while count > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _check_bank_is_fresh(store, as_of: dt.date, max_age: int) -> None:
    """Dunning on stale bank data would remind customers who have paid: every account needs a recent line."""
    limit = _business_days_before(as_of, max_age)
    newest = store.newest_booking_dates()
    stale = sorted(f"{account} (newest line {day})" for account, day in newest.items() if day < limit)
    if not newest or stale:
        raise InputError(
            "bank data is stale: " + (", ".join(stale) if stale else "no bank statement imported")
            + f"; dunning needs statements up to {limit} ({max_age} business days)",
            hint="import the latest statements, or run with --allow-stale-bank")


_INTEREST_TABLES = {("statutory", "NL"): "nl-b2b", ("legal", "NL"): "nl-consumer", ("legal", "BE"): "be-legal"}


@dataclass(frozen=True, slots=True)
class _Law:
    """The rates and limits a run claims with: shipped, overridden by the workspace's law/ folder."""

    limits: object | None             # dunning.costs.Limits, when a plan step needs it
    rates: dict                       # interest table name -> its rates


def _interest_table(kind: str, company_country: str) -> str:
    # statutory: the commercial late-payment rate; legal: the consumer/civil rate of the country
    return _INTEREST_TABLES.get((kind, company_country), "be-b2b")


def _law_for(plans, company_country: str, law_dir) -> _Law:
    """Read and check every rate table and limit the plans' steps may claim before anything is written, so a
    broken law/ file stops the run at its start, not halfway."""
    from arctl.dunning.limits import parse_limits
    from arctl.io.legal import load_rates, read_limits

    specs = [step.costs for plan in plans.plans for step in plan.steps]
    needs_limits = any(c.compensation or c.damages == "book-xix" or c.collection_costs == "wik" for c in specs)
    tables = {_interest_table(c.interest, company_country) for c in specs if c.interest in ("statutory", "legal")}
    return _Law(parse_limits(read_limits(law_dir)) if needs_limits else None,
                {table: load_rates(table, law_dir) for table in sorted(tables)})


def _step_costs(step, invoices, company_country: str, currency: str, as_of: dt.date, warnings: list[str],
                rules: _Law):
    """What a step adds: compensation and interest per invoice, a fee, damages or collection costs."""
    from arctl.dunning import costs as law

    found: list[tuple[str, int]] = []
    spec = step.costs
    limits = rules.limits
    principal = sum(row["open_amount"] for row in invoices)
    if spec.compensation:
        fixed = limits.wik if company_country == "NL" else limits.compensation
        if currency != fixed.currency:
            what = "WIK scale" if company_country == "NL" else f"{fixed.currency} {fixed.amount}"
            warnings.append(f"compensation left out: the {what} applies to {fixed.currency} invoices ({currency} here)")
        else:
            found.append(("compensation", sum(law.eu_b2b_compensation(company_country, row["open_amount"], currency,
                                                                      limits=limits) for row in invoices)))
    if spec.interest in ("statutory", "legal"):
        table = _interest_table(spec.interest, company_country)
        total = 0
        for row in invoices:
            interest = law.statutory_interest(row["open_amount"], currency, row["due_date"], as_of, rules.rates[table],
                                              compound_yearly=company_country == "NL", table=table)
            total += interest.amount
            warnings.extend(w for w in interest.warnings if w not in warnings)
        found.append(("interest", total))
    if spec.fee is not None and spec.fee.currency == currency:
        found.append(("fee", spec.fee.amount))
    if spec.damages == "book-xix":
        found.append(("damages", law.be_consumer_damages_cap(principal, currency, limits=limits)))
    if spec.collection_costs == "wik":
        found.append(("collection_costs", law.wik_costs(principal, currency, limits=limits)))
    return tuple(found)


def _document_for(action, step, invoices, costs, total, *, person, company, rows, as_of: dt.date, locale):
    """The reminder of one action: its invoices, costs and totals, and the customer's other overdue invoices."""
    from arctl.deliver.outbox import safe_name
    from arctl.money import format_money
    from arctl.render import dunning as documents

    money = lambda minor: format_money(minor, action.currency, locale)  # noqa: E731
    claims_interest = any(kind == "interest" for kind, _ in costs)  # from the day after the due date to today
    return documents.DunningDocument(
        as_of=as_of.isoformat(), subject=_SUBJECTS.get(step.channel, "Payment reminder"),
        channel=step.channel, company=company,
        customer=_party(person, invoices, action.customer_id),
        invoices=tuple(documents.DocumentInvoice(
            r["invoice_id"], r["due_date"].isoformat(), money(r["open_amount"]),
            (r["due_date"] + dt.timedelta(days=1)).isoformat() if claims_interest else "") for r in invoices),
        costs=tuple(documents.DocumentCost(kind.replace("_", " "), money(amount)) for kind, amount in costs),
        interest_until=as_of.isoformat() if claims_interest else "",
        amount_due=money(action.amount_due), total_due=money(total), currency=action.currency,
        new_term_date=step.new_term.after(as_of).isoformat() if step.new_term else None,
        reference=(invoices[0].get("reference") or None) if len(invoices) == 1 else None,
        message_key=safe_name(f"{as_of.isoformat()}.{action.customer_id}.{action.step}.{action.currency}"),
        other_overdue=tuple(
            documents.DocumentInvoice(r["invoice_id"], r["due_date"].isoformat(), money(r["open_amount"]))
            for r in sorted(rows.values(), key=lambda r: (r["due_date"], r["invoice_id"]))
            if r["customer_id"] == action.customer_id and r["currency"] == action.currency
            and r["invoice_id"] not in action.invoices and r["open_amount"] > 0
            and r["due_date"] < as_of))


def actual_channel(channel: str, fallback: str | None, has_email: bool, preferred: str | None = None) -> str:
    """How a document goes: a statement by e-mail where there is an address, else by its fallback or by letter;
    an e-mail without an address by the fallback, else a person must act ("person"). A customer who prefers
    letters gets letters for e-mails and statements; one who prefers e-mail gets plain letters by e-mail
    (never a registered letter)."""
    if preferred == "letter" and channel in ("email", "statement"):
        return "letter"
    if preferred == "email" and channel == "letter" and has_email:
        return "email"
    if channel == "statement":
        return "email" if has_email else (fallback or "letter")
    if channel == "email" and not has_email:
        return fallback or "person"
    return channel


def _statement_for(action, listed, *, person, company, as_of: dt.date, locale):
    """A statement of account: every open item of the customer in one currency, credit notes included, and the
    balance."""
    from arctl.deliver.outbox import safe_name
    from arctl.money import format_money
    from arctl.render import dunning as documents

    money = lambda minor: format_money(minor, action.currency, locale)  # noqa: E731
    balance = money(action.amount_due)
    return documents.DunningDocument(
        as_of=as_of.isoformat(), subject=_SUBJECTS["statement"], channel="statement", company=company,
        customer=_party(person, listed, action.customer_id),
        invoices=tuple(documents.DocumentInvoice(r["invoice_id"], _shown_date(r["due_date"]),
                                                 money(r["open_amount"])) for r in listed),
        costs=(), amount_due=balance, total_due=balance, currency=action.currency, new_term_date=None,
        reference=None, message_key=safe_name(f"{as_of.isoformat()}.{action.customer_id}.{action.step}."
                                              f"{action.currency}"))


def _party(person: dict, invoices: list[dict], customer_id: str):
    """The customer as a document addresses them: the customer master, else the name on the invoice."""
    from arctl.render import dunning as documents

    return documents.Party(name=person.get("name") or invoices[0].get("customer_name") or customer_id,
                           email=person.get("email") or "", phone=person.get("phone") or "",
                           street=person.get("street") or "", postal_code=person.get("postal_code") or "",
                           city=person.get("city") or "", language=person.get("language") or "")


def _shown_date(day) -> str:
    return day.isoformat() if isinstance(day, dt.date) and day == day else ""  # NaT is not equal to itself


def _installment_reminders(store, workspace, env, company, people, rows, outbox, as_of, dry_run):
    """One reminder per unpaid installment of a running payment plan, the day after its due date."""
    from arctl.deliver.outbox import safe_name, write_atomically
    from arctl.dunning.engine import Action
    from arctl.dunning.payplan import reminders_due
    from arctl.money import format_money
    from arctl.render import dunning as documents

    outcomes = []
    for view in _plan_states(store, as_of):
        if view.plan["cancelled_on"] is not None:
            continue
        reminded = {r["number"] for r in store.installments_of(view.plan["id"]) if r["reminded_on"] is not None}
        customer, currency = view.plan["customer_id"], view.plan["currency"]
        invoices = [i for i in view.plan["invoices"].split() if i in rows]
        person = people.get(customer, {})
        for installment in reminders_due(view.state, as_of, reminded):
            rest = installment.amount - installment.paid
            money = lambda minor: format_money(minor, currency, workspace.config.locale)  # noqa: E731
            step = f"installment-{installment.number}"
            document = documents.DunningDocument(
                as_of=as_of.isoformat(), subject=f"Payment plan: installment {installment.number} of "
                f"{installment.due_date.isoformat()}", channel="email", company=company,
                customer=documents.Party(name=person.get("name") or customer, email=person.get("email") or "",
                                         phone=person.get("phone") or ""),
                invoices=tuple(documents.DocumentInvoice(i, rows[i]["due_date"].isoformat(),
                                                         money(rows[i]["open_amount"])) for i in invoices),
                costs=(), amount_due=money(rest), total_due=money(rest), currency=currency, new_term_date=None,
                reference=None, message_key=safe_name(f"{as_of.isoformat()}.{customer}.{step}.{currency}"))
            channel = actual_channel("email", "letter", bool(document.customer.email), person.get("channel"))
            path = outbox / f"{safe_name(customer)}-{step}-{currency}.{'eml' if channel == 'email' else 'html'}"
            shown = str(path.relative_to(workspace.root))
            if not dry_run:
                data = (documents.render_email(env, document, dt.datetime.combine(as_of, dt.time(9)))
                        if channel == "email" else documents.render_letter(env, document))
                write_atomically(path, data)
                store.record_action({"as_of": as_of, "customer_id": customer, "plan": f"payplan-{view.plan['id']}",
                                     "step": step, "channel": channel, "currency": currency, "amount_due": rest,
                                     "total_due": rest, "document": shown, "delivery": "written"},
                                    [(i, rows[i]["open_amount"]) for i in invoices],
                                    installment=(view.plan["id"], installment.number))
            action = Action(customer, f"payplan-{view.plan['id']}", step, channel, currency, tuple(invoices), rest,
                            None)
            outcomes.append(ActionOutcome(action, (), rest, (shown,), "written"))
    return outcomes


def dunning_run(workspace: Workspace | None, as_of: dt.date, *, plan: str | None = None, dry_run: bool = False,
                allow_stale_bank: bool = False) -> RunResult:
    """Decide the steps due, write their documents into outbox/<date>/ and record them (not with dry_run)."""
    from arctl.deliver.outbox import safe_name, write_atomically
    from arctl.dunning.engine import decide
    from arctl.dunning.schedule import Sent, scheduled_due
    from arctl.render import dunning as documents
    from arctl.state.lock import WorkspaceLock

    if workspace is None:
        raise UsageError("arctl dunning needs a workspace", hint="run it inside one, or use -w DIR")
    config = workspace.config
    with WorkspaceLock(state_dir(workspace)):
        store = open_store(workspace)
        try:
            if any(s.kind == "bank" for s in config.sources) and not allow_stale_bank:
                _check_bank_is_fresh(store, as_of, config.bank_max_age)
            inputs = dunning_inputs(workspace, store, as_of, plan)
            rules = _law_for(inputs.plans, config.company.country, workspace.root / "law")
            plans, items, people = inputs.plans, inputs.items, inputs.people
            decision = decide(items, inputs.customers, plans, inputs.history, inputs.pauses, as_of,
                              to_review=inputs.review, plan=inputs.forced)
            sent = [Sent(customer, step, currency, day.date()) for customer, step, currency, day
                    in store.documents_sent().itertuples(index=False)]
            rows = {row["invoice_id"]: row for row in items.to_dict("records")}
            for row in rows.values():
                row["due_date"] = row["due_date"].date()
            env = documents.environment(workspace.root / "templates")
            company = documents.Party(
                name=f"{config.company.name} {config.company.legal_form}".strip(), street=config.company.address.street,
                postal_code=config.company.address.postal_code, city=config.company.address.city,
                legal_form=config.company.legal_form, enterprise_number=config.company.enterprise_number,
                vat_number=config.company.vat_number, iban=config.company.iban, bic=config.company.bic)
            outbox = workspace.root / "outbox" / as_of.isoformat()
            outcomes: list[ActionOutcome] = []
            warnings: list[str] = list(inputs.warnings)
            calls: list = []
            phone_records: list = []

            def deliver(action, document, channel: str, kind: str, costs, total: int, listed) -> None:
                """Write the document (a call: into the day's call list) and record it, document first."""
                base = f"{safe_name(action.customer_id)}-{safe_name(action.step)}-{action.currency}"
                if channel == "phone":
                    calls.append(document)
                    paths = [outbox / "call-list.csv"]
                elif channel == "email":
                    paths = [outbox / f"{base}.eml"]
                    data = documents.render_email(env, document, dt.datetime.combine(as_of, dt.time(9)),
                                                  kind="statement" if kind == "statement" else "email")
                elif channel == "person":
                    paths = []
                    what = "step" if kind == "step" else "scheduled document"
                    warnings.append(f"{action.customer_id}: no e-mail address and no fallback channel for {what} "
                                    f"{action.step}: a person must contact the customer")
                else:
                    paths = [outbox / f"{base}.html"]
                    data = documents.render_letter(env, document,
                                                   kind="statement" if kind == "statement" else "letter")
                shown = tuple(str(p.relative_to(workspace.root)) for p in paths)
                record = ({"as_of": as_of, "customer_id": action.customer_id, "plan": action.plan,
                           "step": action.step, "channel": channel, "currency": action.currency,
                           "amount_due": action.amount_due, "total_due": total, "document": ";".join(shown),
                           "delivery": "written" if paths else "person"},
                          [(r["invoice_id"], r["open_amount"]) for r in listed])
                if dry_run:
                    pass
                elif channel == "phone":
                    phone_records.append(record)  # recorded once the call list holding them is written
                else:
                    if channel != "person":
                        write_atomically(paths[0], data)  # the document first, then the record of it
                    store.record_action(*record)
                outcomes.append(ActionOutcome(replace(action, channel=channel), costs, total, shown,
                                              "written" if paths else "person"))

            for action in decision.actions:
                chosen = plans.plan(action.plan)
                step = chosen.step(action.step)
                invoices = [rows[i] for i in action.invoices]
                costs = _step_costs(step, invoices, config.company.country, action.currency, as_of, warnings,
                                    rules)
                total = action.amount_due + sum(amount for _, amount in costs)
                person = people.get(action.customer_id, {})
                document = _document_for(action, step, invoices, costs, total, person=person, company=company,
                                         rows=rows, as_of=as_of, locale=config.locale)
                channel = actual_channel(step.channel, step.fallback_channel, bool(document.customer.email),
                                         person.get("channel"))
                deliver(action, document, channel, "step", costs, total, invoices)
            for action in scheduled_due(items, inputs.customers, plans, sent, inputs.pauses, as_of,
                                        plan=inputs.forced):
                entry = next(e for e in plans.plan(action.plan).schedule if e.id == action.step)
                listed = [rows[i] for i in action.invoices]
                person = people.get(action.customer_id, {})
                document = _statement_for(action, listed, person=person, company=company, as_of=as_of,
                                          locale=config.locale)
                channel = actual_channel(entry.channel, entry.fallback_channel, bool(document.customer.email),
                                         person.get("channel"))
                deliver(action, document, channel, "statement", (), action.amount_due, listed)
            outcomes.extend(_installment_reminders(store, workspace, env, company, people, rows, outbox, as_of,
                                                   dry_run))
            if calls and not dry_run:
                write_atomically(outbox / "call-list.csv", documents.call_list(calls))
                for record in phone_records:
                    store.record_action(*record)
        finally:
            store.close()
    return RunResult(as_of, dry_run, outcomes, list(decision.skipped), warnings)
