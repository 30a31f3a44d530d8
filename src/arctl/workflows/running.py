"""The dunning run: the actions due today, their documents in outbox/<date>/, and the record of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.model import Action
from arctl.workflows.dunning import DunningInputs, dunning_inputs
from arctl.workflows.pauses import due_callbacks
from arctl.workflows.run_checks import NO_BANK, check_bank_reach, check_run_date, plan_reasons
from arctl.workflows.workspace import open_store, workspace_lock

if TYPE_CHECKING:
    from pathlib import Path

    from arctl.deliver.outbox import Outbox
    from arctl.dunning.claims import Law
    from arctl.dunning.engine import Skip
    from arctl.dunning.plan import PlanSet
    from arctl.render.dunning import Party
    from arctl.state.store import Store
    from arctl.workflows.sending import SendResult

# an action, its files, their bytes by suffix ("eml", "html", "pdf") and a hand-over's folder
Batched = tuple[Action, "list[Path]", "dict[str, bytes]", list]
RECORD_BATCH = 500   # documents made durable together, then recorded in one transaction


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: Action
    documents: tuple[str, ...]
    delivery: str


@dataclass(slots=True)
class RunResult:
    as_of: dt.date
    dry_run: bool
    outcomes: list[ActionOutcome]
    skipped: list[Skip]
    warnings: list[str]
    plans: dict[str, str] = field(default_factory=dict)   # customer_id -> "plan: why", for those in the run
    callbacks: list[dict] = field(default_factory=list)  # calls to return today (arctl note --outcome callback)
    sending: SendResult | None = None                     # --send: what was sent, failed, or is unknown


def dunning_run(workspace: Workspace | None, as_of: dt.date, *, plan: str | None = None, dry_run: bool = False,
                allow_stale_bank: bool = False, send: bool = False) -> RunResult:
    """Decide the actions due, write their documents into outbox/<date>/ and record them (not with dry_run);
    `send`: then send every e-mail written or failed and not yet sent, this run's and earlier ones'.

    Refused when its date is before the last recorded run (a dry run may look at any date) or when a bank
    account's statements do not reach a recent day; warned when no bank source shows payments at all."""
    from arctl.workflows.sending import send_pending, smtp_password

    if workspace is None:
        raise UsageError("arctl dunning needs a workspace", hint="run it inside one, or use -w DIR")
    if send and dry_run:
        raise UsageError("--send and --dry-run together: a dry run writes and sends nothing",
                         hint="leave out one of them")
    password = smtp_password(workspace) if send else None   # a missing password stops the run before it writes
    has_bank = any(s.kind == "bank" for s in workspace.config.sources)
    with workspace_lock(workspace, "dunning run"):
        store = open_store(workspace)
        try:
            if not dry_run:
                check_run_date(store, as_of)
            if has_bank and not allow_stale_bank:
                check_bank_reach(store, as_of, workspace)
            inputs = dunning_inputs(workspace, store, as_of, plan)
            law = _read_law(inputs.plans, workspace)
            actions, skipped, warnings = _decide_all(inputs, law, as_of)
            outcomes = _deliver(store, workspace, actions, inputs, as_of, dry_run, skipped, warnings, law)
            callbacks = due_callbacks(store, as_of)
            sending = send_pending(store, workspace, None, as_of, password) if send else None
        finally:
            store.close()
    if sending is not None:
        went = sending.by_document()
        outcomes = [replace(o, delivery=went.get(o.documents[0], o.delivery) if o.documents else o.delivery)
                    for o in outcomes]
    return RunResult(as_of, dry_run, outcomes, skipped, ([] if has_bank else [NO_BANK]) + inputs.warnings + warnings,
                     plan_reasons(inputs, (o.action for o in outcomes)), callbacks, sending)


def _read_law(plans: PlanSet, workspace: Workspace) -> Law:
    """Read and check every rate table and limit the plans' steps may claim before anything is written, so a
    broken law/ file stops the run at its start, not halfway."""
    from arctl.dunning.claims import ExchangeRate, Law, law_needed
    from arctl.dunning.limits import parse_limits
    from arctl.io.legal import load_rates, provided_rate_tables, read_exchange_rates, read_limits

    country = workspace.config.company.country
    folder = workspace.root / "law"
    needs = law_needed(plans.plans, country, provided_rate_tables(folder))
    settings = workspace.config.law
    exchange = {r.currency: ExchangeRate(r.currency, r.rate, r.day, r.source) for r in read_exchange_rates(folder)}
    return Law(country, parse_limits(read_limits(folder)) if needs.limits else None,
               {table: load_rates(table, folder) for table in needs.tables}, settings.day_count,
               settings.be_consumer_interest_from, exchange)


def _decide_all(inputs: DunningInputs, law: Law, as_of: dt.date) -> tuple[list[Action], list[Skip], list[str]]:
    """The plan's steps due, the scheduled statements due and the installment reminders due, each decided whole."""
    from arctl.dunning.engine import Taken, decide, open_lines
    from arctl.dunning.grouping import handed_over
    from arctl.dunning.payplan import installment_actions
    from arctl.dunning.schedule import scheduled_due, statement_warnings

    decision = decide(inputs.items, inputs.customers, inputs.plans, inputs.history, inputs.pauses, as_of,
                      to_review=inputs.review, plan=inputs.forced, law=law)
    taken: dict[str, list[Taken]] = {}
    for record in inputs.history:
        taken.setdefault(record.invoice_id, []).append(record)
    statements = scheduled_due(inputs.items, inputs.customers, inputs.plans, inputs.sent, inputs.pauses, as_of,
                               plan=inputs.forced, with_agency=handed_over(taken, inputs.plans))
    running = [view for view in inputs.payment_plans if view.plan["cancelled_on"] is None]
    lines = open_lines(inputs.items) if running else {}
    installments = []
    for view in running:
        customer = view.plan["customer_id"]
        contact = inputs.contacts.get(customer)
        installments += installment_actions(
            view.plan["id"], customer, view.plan["currency"],
            tuple(lines[i] for i in view.plan["invoices"].split() if i in lines), view.state, set(view.reminded),
            bool(contact and contact.email), (contact.channel or None) if contact else None, as_of)
    warnings = list(decision.warnings) + list(statement_warnings(statements))
    return [*decision.actions, *statements, *installments], list(decision.skipped), warnings


def _deliver(store: Store, workspace: Workspace, actions: list[Action], inputs: DunningInputs, as_of: dt.date,
             dry_run: bool, skipped: list[Skip], warnings: list[str], law: Law | None = None) -> list[ActionOutcome]:
    """Render each action's document, write it into the outbox and record it: documents first, made durable
    a batch at a time, then the batch's records in one transaction; calls once the call list is written; a
    hand-over to a collection agency with its agency folder (written in the same batch as its notice).

    First the outbox is brought in line with the state (what a killed run left is removed). An action
    recorded earlier today is never written again: its new invoices wait for the next run. An e-mail to an
    address that cannot take it is not written; the rest of the run goes on. Letters are HTML and PDF, and the
    day's letters are combined into the PDFs to print; without WeasyPrint one warning says how to get PDF."""
    from arctl.deliver.outbox import Outbox
    from arctl.dunning.engine import Skip
    from arctl.render import dunning as documents
    from arctl.render.pdf import unavailable
    from arctl.workflows.agency import agency_files, is_handover
    from arctl.workflows.calls import call_rows, refresh_xlsx, write_calls
    from arctl.workflows.payment_refs import reference_book, with_reference

    book = reference_book(store, workspace.config.company.country, inputs.items)
    env = documents.environment(workspace.root / "templates")
    company = _company(workspace)
    outbox = Outbox(workspace.root, as_of.isoformat())
    if not dry_run:
        since = store.newest_action_date()
        outbox.recover(store.actions_recorded(since), since)
    today = {(r["customer_id"], r["step"], r["channel"], r["currency"]): r["document"]
             for r in store.actions_recorded(as_of) if r["as_of"] == as_of}
    no_pdf = unavailable()
    render = _Renderer(env, workspace, as_of, no_pdf is None)
    outcomes: list[ActionOutcome] = []
    batch: list[Batched] = []
    calls: list[tuple[Action, documents.DunningDocument]] = []
    rendered: set[tuple[str, str]] = set()    # a dry run: the (template, language) pairs rendered
    for action in actions:
        refusal = _refusal(action, today, inputs, as_of)
        if refusal is not None:
            skipped += [Skip(invoice, refusal[0]) for invoice in action.invoices]
            warnings.append(refusal[1])
            continue
        paths = outbox.document_paths(action.customer_id, action.step, action.currency, action.channel,
                                      pdf=render.pdf)
        action = with_reference(book, action, as_of) if paths else action
        outcomes.append(ActionOutcome(action, tuple(outbox.shown(p) for p in paths), "written" if paths else "person"))
        contact = inputs.contacts.get(action.customer_id)
        if dry_run:   # one document per template and language used, in both forms: a broken file is found
            used = documents.template_and_language(action, contact, workspace.config.locale, env)
            if used in rendered:
                continue
            rendered.add(used)
        document = documents.document_for(action, contact, company, as_of, workspace.config.locale, env)
        if action.channel == "phone":
            calls.append((action, document))
            continue
        files = render(document, action, warnings) if paths else {}
        if not dry_run:
            main = (paths[0], files[paths[0].suffix[1:]]) if paths else None
            extra = agency_files(store, outbox, action, main, law=law, plans=inputs.plans,
                                 locale=workspace.config.locale, as_of=as_of) if is_handover(action) else []
            if extra:
                outcomes[-1] = ActionOutcome(action, (*outcomes[-1].documents, *(outbox.shown(p) for p, _ in extra)),
                                             outcomes[-1].delivery)
            batch.append((action, paths, files, extra))
            if len(batch) >= RECORD_BATCH:
                _write_and_record(store, outbox, batch, as_of)
                batch = []
    if no_pdf and any(o.action.channel not in ("email", "phone", "person") for o in outcomes):
        warnings.append(no_pdf)
    if not dry_run:
        _write_and_record(store, outbox, batch, as_of)
        if calls:
            write_calls(store, outbox, call_rows(store, inputs.plans, calls, as_of), calls, workspace.config.locale,
                        as_of)
        refresh_xlsx(outbox, as_of)
        if render.pdf:
            _write_print_pdfs(store, outbox, as_of)
    return outcomes


class _Renderer:
    """Renders an action's files: its e-mail dated 09:00 of the run's day in the workspace's time zone (with the
    letter as PDF when `pdf` and dunning.email_pdf, and the invoice copies the export names), its letter as
    HTML and (with `pdf`) PDF, loading files only from the workspace and the shipped templates."""

    def __init__(self, env, workspace: Workspace, as_of: dt.date, pdf: bool) -> None:
        from zoneinfo import ZoneInfo

        from arctl.render.dunning import shipped_templates_dir

        self.env, self.pdf, self.root = env, pdf, workspace.root
        self.email_pdf = pdf and workspace.config.email_pdf
        self.sent_at = dt.datetime.combine(as_of, dt.time(9), tzinfo=ZoneInfo(workspace.config.timezone))
        self.allowed = (workspace.root, shipped_templates_dir())

    def __call__(self, document, action: Action, warnings: list[str]) -> dict[str, bytes]:
        from arctl.render.dunning import render_action
        from arctl.render.email import with_attachments
        from arctl.workflows.payment_refs import invoice_copies

        with_pdf = self.email_pdf if action.channel == "email" else self.pdf
        files = render_action(self.env, document, action.kind, action.channel, self.sent_at, pdf=with_pdf,
                              allowed=self.allowed)
        if action.channel == "email":
            copies, problems = invoice_copies(action, self.root)
            files["eml"] = with_attachments(files["eml"], copies)
            warnings.extend(problems)
        return files


def _write_print_pdfs(store: Store, outbox: Outbox, as_of: dt.date) -> None:
    """outbox/<date>/print/: the PDFs of the day's recorded letters, all runs of the day, in one file per
    channel (registered letters apart: they go to the post office), in the order of their file names. A
    hand-over's notice to the customer is posted as a plain letter (the agency's folder is not printed)."""
    from pathlib import Path

    from arctl.dunning.grouping import AGENCY_CHANNEL
    from arctl.render.pdf import combined

    recorded = [r for r in store.actions_recorded(as_of) if r["as_of"] == as_of]
    for channel in ("letter", "registered_letter"):
        channels = (channel, AGENCY_CHANNEL) if channel == "letter" else (channel,)
        parts = sorted(part for r in recorded if r["channel"] in channels
                       for part in r["document"].split(";") if part.endswith(".pdf") and "/agency/" not in part)
        path = outbox.print_path(channel)
        letters = [(Path(part).stem, (outbox.root / part).read_bytes()) for part in parts
                   if (outbox.root / part).is_file()]
        if letters:
            outbox.write_batch([(path, combined(letters))])
        else:
            path.unlink(missing_ok=True)


def _refusal(action: Action, today: dict[tuple[str, str, str, str], str], inputs: DunningInputs, as_of: dt.date
             ) -> tuple[str, str] | None:
    """Why an action's document is not written in this run (a skip reason and a warning), or None."""
    from arctl.render.dunning import address_problem, party

    recorded = today.get((action.customer_id, action.step, action.channel, action.currency))
    if recorded is not None:
        return "recorded_today", (
            f"customer {action.customer_id}: step {action.step} ({action.channel}, {action.currency}) was already "
            f"recorded today with {recorded or 'a person to act'}; it is left as it is, and invoice(s) "
            f"{', '.join(action.invoices)} wait for the next run")
    problem = address_problem(party(inputs.contacts.get(action.customer_id), action).email, action.channel)
    if problem is not None:
        return "unusable_address", (
            f"customer {action.customer_id}: field email {problem}; its {action.step} e-mail of {as_of} is not "
            "written and invoice(s) " + ", ".join(action.invoices) + " wait for the next run; fix the e-mail in "
            f"the customer export, or set one with `arctl customer set {action.customer_id} --email ADDRESS`")
    return None


def _write_and_record(store: Store, outbox: Outbox, batch: list[Batched], as_of: dt.date) -> None:
    """Write a batch's documents (each file of each, with a hand-over's agency folder), make them durable,
    then record each action naming every file it wrote."""
    outbox.write_batch([(path, files[path.suffix[1:]]) for _, paths, files, _ in batch for path in paths]
                       + [file for *_, extra in batch for file in extra])
    store.record_actions([(action, ";".join([outbox.shown(p) for p in paths] + [outbox.shown(p) for p, _ in extra]),
                           "written" if paths else "person") for action, paths, _, extra in batch], as_of)


def _company(workspace: Workspace) -> Party:
    from arctl.render.dunning import company_party

    return company_party(workspace.config.company, workspace.root)
