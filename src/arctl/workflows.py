"""One function per command: read through io, compute with the engines, return a result object."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from arctl.config import Source, Workspace
from arctl.errors import InputError, UsageError
from arctl.io.export import ExportRead, ReadOptions, read_export
from arctl.model import Finding


@dataclass(slots=True)
class CheckResult:
    reads: list[ExportRead]
    unreadable: list[tuple[Path, InputError]] = field(default_factory=list)

    @property
    def all_valid(self) -> bool:
        return not any(f.severity == "error" for read in self.reads for f in read.findings)


@dataclass(slots=True)
class AgingResult:
    report: object
    reads: list[ExportRead]
    skipped: list[Finding] = field(default_factory=list)


def check(paths: list[Path], options: ReadOptions, workspace: Workspace | None = None) -> CheckResult:
    """Read each export and say what is in it; with no paths, the workspace's sources."""
    if paths:
        jobs = [(path, options) for path in paths]
    elif workspace is not None:
        jobs = [(_near(source.path), source_options(source, options, workspace))
                for source in workspace.config.sources]
    else:
        raise UsageError("no files given and no workspace found",
                         hint="give the export files (arctl check exports/invoices.csv) or run inside a workspace")
    from arctl.io.bank.read import detect_bank_format, read_bank

    result = CheckResult([])
    for path, job_options in jobs:
        try:
            if job_options.kind == "bank" or (job_options.kind is None and detect_bank_format(path) != "table"):
                result.reads.append(read_bank(path, job_options))
                continue
            result.reads.append(read_export(path, job_options))
        except InputError as error:  # one unreadable file must not hide what the others hold
            result.unreadable.append((path, error))
    return result


def source_options(source: Source, options: ReadOptions, workspace: Workspace) -> ReadOptions:
    """The options for one configured source: the source's settings, then the command line's."""
    return ReadOptions(
        kind=source.kind,
        profile=options.profile or source.profile,
        sheet=options.sheet or source.sheet,
        currency=options.currency or source.currency or workspace.config.currency,
        date_format=options.date_format or source.date_format,
        decimal=options.decimal or source.decimal,
        delimiter=options.delimiter or source.delimiter,
        columns=tuple(source.columns.items()) or options.columns,
        profile_dirs=(workspace.root / "profiles",),
    )


def aging(paths: list[Path], options: ReadOptions, as_of: dt.date, *, by: str, bounds: tuple[int, ...],
          on_error: str, workspace: Workspace | None = None) -> AgingResult:
    """Aging of the open invoices in the given exports (or the workspace's invoice sources)."""
    import pandas as pd

    from arctl.reports.aging import aging as compute_aging

    if paths:
        reads = [read_export(path, replace(options, kind="invoices")) for path in paths]
    elif workspace is not None and (stored := _stored_open_items(workspace)) is not None:
        report = compute_aging(stored, as_of, by=by, bounds=bounds)
        return AgingResult(report, [], [])
    elif workspace is not None:
        sources = [s for s in workspace.config.sources if s.kind == "invoices"]
        if not sources:
            raise UsageError(f"{workspace.config_path}: no source of kind invoices",
                             hint="add one under sources:, or give the invoice export on the command line")
        reads = [read_export(_near(s.path), source_options(s, options, workspace)) for s in sources]
    else:
        raise UsageError("no invoice export given and no workspace found",
                         hint="arctl aging exports/open_invoices.csv")
    skipped = [finding for read in reads for finding in read.errors]
    if skipped and on_error == "fail":
        first = skipped[0]
        raise InputError(f"{first.location()}: {first.message} (value {first.value!r}); "
                         f"{len(skipped)} problem(s) in all",
                         hint="run `arctl check` on the file for the full list, or use --on-error skip")
    frame = pd.concat([read.frame for read in reads], ignore_index=True)
    duplicated = frame["invoice_id"].duplicated(keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise InputError(f"invoice {first['invoice_id']} is in more than one export ({first['source']} and others)",
                         hint="give each invoice export once")
    report = compute_aging(frame, as_of, by=by, bounds=bounds)
    return AgingResult(report, reads, skipped)


def _near(path: Path) -> Path:
    """A workspace file named relative to the current folder when it lies below it, as a person would."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _stored_open_items(workspace: Workspace):
    """The imported invoices with the payments matched at the bank counted, or None before any import."""
    from arctl.reconcile.open_items import open_items

    if workspace.config.state_url is None and not (state_dir(workspace) / "state.sqlite").exists():
        return None
    store = open_store(workspace)
    try:
        invoices = store.invoice_items()
        return open_items(invoices, store.applied_allocations()) if len(invoices) else None
    finally:
        store.close()


def init_workspace(target: Path, *, force: bool = False) -> list[Path]:
    """Create a workspace: arctl.yaml with commented defaults and the folders it names."""
    from arctl.config import CONFIG_NAME, default_config_text

    config = target / CONFIG_NAME
    if config.exists() and not force:
        raise UsageError(f"{config} already exists", hint="use another folder, or --force to overwrite it")
    created = []
    for folder in ("exports", "plans", "templates", "profiles", "outbox", "reports"):
        path = target / folder
        if not path.exists():
            path.mkdir(parents=True)
            created.append(path)
    config.write_text(default_config_text(), encoding="utf-8")
    created.append(config)
    return created


def load_workspace(explicit: Path | None, cwd: Path, env: str | None) -> Workspace | None:
    """The workspace named by --workspace, ARCTL_WORKSPACE or found upwards from cwd, validated; or None."""
    from arctl.config import CONFIG_NAME, parse_config
    from arctl.io.profile import profile_kind
    from arctl.io.workspace import find_workspace
    from arctl.io.yamlfile import load_located

    root = find_workspace(explicit, cwd, env, CONFIG_NAME)
    if root is None:
        return None
    path = root / CONFIG_NAME
    config = parse_config(load_located(path), path, root, exists=Path.exists,
                          profile_kind=lambda name: profile_kind(name, (root / "profiles",)))
    return Workspace(root, path, config)


@dataclass(slots=True)
class ReconcileResult:
    reconciliation: object
    bank_reads: list
    invoice_reads: list[ExportRead]
    customer_read: ExportRead | None = None
    notices: list[str] = field(default_factory=list)


def reconcile(paths: list[Path], options: ReadOptions, *, customers: Path | None, settings,
              workspace: Workspace | None = None) -> ReconcileResult:
    """Match the bank statements' credits to the open invoices: INVOICES BANK... or the workspace's sources."""
    import pandas as pd

    from arctl.io.bank.read import read_bank
    from arctl.reconcile.engine import reconcile as match

    if paths:
        if len(paths) < 2:
            raise UsageError("reconcile needs the invoice export and at least one bank statement",
                             hint="arctl reconcile exports/open_invoices.csv bank/statement.xml")
        invoice_reads = [read_export(paths[0], replace(options, kind="invoices"))]
        bank_paths, customer_path = paths[1:], customers
        customer_options = replace(options, kind="customers", profile=None)
    elif workspace is not None:
        return reconcile_workspace(workspace, settings)
    else:
        raise UsageError("no files given and no workspace found",
                         hint="arctl reconcile exports/open_invoices.csv bank/statement.xml")
    bank_reads = [read_bank(path, replace(options, kind="bank", profile=None)) for path in bank_paths]
    customer_read = read_export(customer_path, customer_options) if customer_path else None
    invoices = pd.concat([read.frame for read in invoice_reads], ignore_index=True)
    lines = pd.concat([read.frame for read in bank_reads], ignore_index=True)
    result = match(lines, invoices, customer_read.frame if customer_read else None, settings)
    return ReconcileResult(result, bank_reads, invoice_reads, customer_read, [])


def reconcile_workspace(workspace: Workspace, settings) -> ReconcileResult:
    """Match the imported bank lines no match covers yet, store the matches, and undo the matches of
    payments that were returned since."""
    from arctl.reconcile.engine import reconcile as match
    from arctl.reconcile.engine import reversal_pairs
    from arctl.reconcile.open_items import open_items
    from arctl.state.lock import WorkspaceLock

    with WorkspaceLock(state_dir(workspace)):
        store = open_store(workspace)
        try:
            bank = store.bank_lines()
            invoices = store.invoice_items()
            if bank.empty or invoices.empty:
                raise UsageError("nothing to reconcile: the workspace state holds no "
                                 + ("bank lines" if bank.empty else "open invoices"),
                                 hint="run `arctl import` first (sources of kind invoices and bank)")
            notices = []
            for reversal, original in reversal_pairs(bank):
                undone = store.remove_matches(original, f"reversed by {reversal}")
                if undone:
                    notices.append(f"{original} was returned ({reversal}): its {undone} match(es) undone, "
                                   "the invoices are open again")
            items = open_items(invoices, store.applied_allocations())
            candidates = bank[~bank["txn_id"].isin(store.txns_left_to_a_person())]
            customers = store.customers()
            result = match(candidates, items, customers if len(customers) else None, settings,
                           store.known_ibans())
            export_of = dict(zip(invoices["invoice_id"], invoices["import_id"].astype(int), strict=True))
            stored = store.add_matches([{"bank_txn": m.bank_txn, "invoice_id": m.invoice_id, "amount": m.amount,
                                         "currency": m.currency, "rule": m.rule, "confidence": m.confidence,
                                         "status": m.status, "note": m.note,
                                         "invoice_import_id": export_of.get(m.invoice_id)}
                                        for m in result.matches])
            notices.append(f"{stored} match(es) stored; {len(bank) - len(candidates)} bank line(s) already "
                           "matched or left to a person")
        finally:
            store.close()
    return ReconcileResult(result, [], [], None, notices)


@dataclass(frozen=True, slots=True)
class ManualMatch:
    bank_txn: str
    invoice_id: str
    amount: int
    currency: str
    confirmed_suggestion: bool
    rejected: int
    remembered_iban: str


def match_manually(workspace: Workspace | None, bank_txn: str, invoice_id: str, amount_text: str | None
                   ) -> ManualMatch:
    """A person allocates (part of) a payment to an invoice, or confirms the matcher's suggestion."""
    from arctl.money import AmountError, parse_amount
    from arctl.reconcile.open_items import open_items
    from arctl.state.lock import WorkspaceLock

    if workspace is None:
        raise UsageError("arctl match needs a workspace", hint="run it inside one, or use -w DIR")
    with WorkspaceLock(state_dir(workspace)):
        store = open_store(workspace)
        try:
            line = store.bank_line(bank_txn)
            if line is None:
                raise UsageError(f"no bank transaction {bank_txn!r} in the workspace",
                                 hint="`arctl reconcile --json` lists the bank_txn of every line")
            if line["amount"] <= 0 or line["reversal"]:
                raise UsageError(f"{bank_txn} is not a customer payment (a debit or a returned payment)")
            invoice = store.invoice(invoice_id)
            if invoice is None or invoice["closed_on"] is not None:
                raise UsageError(f"no open invoice {invoice_id!r} in the workspace",
                                 hint="`arctl import` brings in the current open-items export")
            if invoice["currency"] != line["currency"]:
                raise UsageError(f"{bank_txn} is in {line['currency']}, invoice {invoice_id} in {invoice['currency']}")
            current = store.matches(bank_txn)
            applied = current[current["status"] != "suggested"] if len(current) else current
            left = line["amount"] - int(applied["amount"].sum() if len(applied) else 0)
            items = open_items(store.invoice_items(), store.applied_allocations())
            open_amount = int(items.loc[items["invoice_id"] == invoice_id, "open_amount"].iloc[0])
            if amount_text is not None:
                try:
                    amount = parse_amount(amount_text, line["currency"])
                except AmountError as exc:
                    raise UsageError(f"--amount {amount_text}: {exc}") from exc
            else:
                amount = min(left, open_amount)
            if amount <= 0 or amount > left:
                raise UsageError(f"{bank_txn} has {left} (minor units) left to allocate; cannot allocate {amount}",
                                 hint="undo its other matches with `arctl unmatch` first, or give a smaller --amount")
            suggestion = current[(current["status"] == "suggested") & (current["invoice_id"] == invoice_id)] \
                if len(current) else current
            if len(suggestion):
                store.confirm_match(int(suggestion["id"].iloc[0]), amount)
            else:
                store.add_matches([{"bank_txn": bank_txn, "invoice_id": invoice_id, "amount": amount,
                                    "currency": line["currency"], "rule": "manual", "confidence": 1.0,
                                    "status": "manual", "note": "", "invoice_import_id": invoice["import_id"]}])
            rejected = 0
            others = current[(current["status"] == "suggested") & (current["invoice_id"] != invoice_id)] \
                if len(current) else current
            if len(others):  # choosing one invoice rejects the line's other suggestions
                rejected = store.remove_matches(bank_txn, "rejected", only_status=("suggested",))
            iban = (line["counterparty_iban"] or "").replace(" ", "").upper()
            if iban:
                store.remember_iban(iban, invoice["customer_id"], bank_txn)
        finally:
            store.close()
    return ManualMatch(bank_txn, invoice_id, amount, line["currency"], bool(len(suggestion)), rejected, iban)


def unmatch(workspace: Workspace | None, bank_txn: str) -> int:
    """Undo every match of a payment; it is then left to a person (never matched automatically again)."""
    from arctl.state.lock import WorkspaceLock

    if workspace is None:
        raise UsageError("arctl unmatch needs a workspace", hint="run it inside one, or use -w DIR")
    with WorkspaceLock(state_dir(workspace)):
        store = open_store(workspace)
        try:
            if store.bank_line(bank_txn) is None:
                raise UsageError(f"no bank transaction {bank_txn!r} in the workspace")
            undone = store.remove_matches(bank_txn, "rejected", only_status=("suggested",))
            undone += store.remove_matches(bank_txn, "unmatched by a person")
        finally:
            store.close()
    if not undone:
        raise UsageError(f"{bank_txn} has no match to undo")
    return undone


@dataclass(slots=True)
class ImportResult:
    records: list = field(default_factory=list)        # state.store.ImportRecord per file read
    unchanged: list[str] = field(default_factory=list)         # workspace-relative names
    skipped: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


CLOSURE_SHARE = 0.20


def state_dir(workspace: Workspace) -> Path:
    return workspace.root / ".arctl"


def open_store(workspace: Workspace):
    from arctl.state.store import Store, sqlite_url

    folder = state_dir(workspace)
    folder.mkdir(exist_ok=True)
    return Store.open(workspace.config.state_url or sqlite_url(folder / "state.sqlite"))


def import_sources(workspace: Workspace | None, paths: list[Path], options: ReadOptions, *, as_of: dt.date,
                   accept_closures: bool, on_error: str) -> ImportResult:
    """Bring exports into the workspace state; the same file twice changes nothing."""
    import hashlib

    from arctl.io.bank.read import detect_bank_format, read_bank
    from arctl.state.lock import WorkspaceLock

    if workspace is None:
        raise UsageError("arctl import needs a workspace", hint="create one with `arctl init DIR`, or use -w DIR")
    if paths:
        jobs = [(path, options, False) for path in paths]
    else:
        jobs = [(_near(s.path), source_options(s, options, workspace), s.snapshot) for s in workspace.config.sources]
        if not jobs:
            raise UsageError(f"{workspace.config_path}: no sources to import",
                             hint="add them under sources:, or give the files on the command line")
    result = ImportResult()
    with WorkspaceLock(state_dir(workspace)):
        store = open_store(workspace)
        try:
            for path, job_options, snapshot in jobs:
                data = Path(path).read_bytes() if Path(path).is_file() else b""
                key, sha256 = _workspace_key(Path(path), workspace), hashlib.sha256(data).hexdigest()
                # the export's own time: a later export with the same content is a newer snapshot
                taken_at = (dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
                            if data else "")
                if job_options.kind and store.seen(key, job_options.kind, sha256, taken_at):
                    result.unchanged.append(key)  # known without reading it again
                    continue
                is_bank = job_options.kind == "bank" or (job_options.kind is None and data
                                                         and detect_bank_format(path) != "table")
                read = read_bank(path, job_options) if is_bank else read_export(path, job_options)
                kind = "bank" if is_bank else read.kind
                if store.seen(key, kind, sha256, taken_at):
                    result.unchanged.append(key)
                    continue
                errors = [f for f in read.findings if f.severity == "error"]
                if errors and on_error == "fail":
                    first = errors[0]
                    raise InputError(f"{first.location()}: {first.message} (value {first.value!r}); "
                                     f"{len(errors)} problem(s) in {path}, nothing imported",
                                     hint="fix the export, or import the usable rows with --on-error skip "
                                          "(`arctl check` lists every problem)")
                result.skipped.extend(errors)
                meta = {"path": key, "kind": kind, "sha256": sha256, "rows": getattr(read, "rows", len(read.frame)),
                        "snapshot": snapshot, "taken_at": taken_at, "as_of": as_of}
                if kind == "bank":
                    result.records.append(store.import_bank_lines(meta, read.frame))
                elif kind == "customers":
                    result.records.append(store.import_customers(meta, read.frame))
                else:
                    result.records.append(_import_invoices(store, meta, read.frame, as_of, accept_closures))
            result.counts = store.counts()
        finally:
            store.close()
    return result


def _workspace_key(path: Path, workspace: Workspace) -> str:
    """How the state names a file: relative to the workspace root (the same from any folder)."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(workspace.root.resolve()).as_posix()
    except ValueError:
        return str(resolved)


def _import_invoices(store, meta: dict, frame, as_of: dt.date, accept_closures: bool):
    """A complete snapshot closes what it no longer lists, unless that looks like a truncated export."""
    if not meta["snapshot"]:
        return store.import_invoices(meta, frame, set(), as_of)
    newest = store.newest_snapshot(meta["path"], "invoices")
    if newest is not None and meta["taken_at"] < newest:  # strictly older: the same time is not older
        return store.record_older_snapshot(meta, len(frame))
    open_before = store.open_invoice_ids(meta["path"])
    close = open_before - set(frame["invoice_id"])
    if open_before and len(close) > CLOSURE_SHARE * len(open_before) and not accept_closures:
        raise InputError(f"{meta['path']}: this snapshot would close {len(close)} of {len(open_before)} open "
                         f"invoices ({len(close) * 100 // len(open_before)} %) at once: that looks like a "
                         "truncated export, so nothing was imported",
                         hint="check the export; if it is complete, import it with --accept-closures")
    return store.import_invoices(meta, frame, close, as_of)


# --- pauses and notes: what stops or shapes dunning, recorded by a person -------------------------

HOLD_REASONS = ("insolvency", "write_off", "legal", "other")
CALL_OUTCOMES = ("promise", "no_answer", "dispute", "paid", "callback", "other")


@contextmanager
def _writing(workspace: Workspace | None, command: str):
    from arctl.state.lock import WorkspaceLock

    if workspace is None:
        raise UsageError(f"arctl {command} needs a workspace", hint="run it inside one, or use -w DIR")
    with WorkspaceLock(state_dir(workspace)):
        store = open_store(workspace)
        try:
            yield store
        finally:
            store.close()


def _open_invoice(store, invoice_id: str) -> dict:
    invoice = store.invoice(invoice_id)
    if invoice is None or invoice["closed_on"] is not None:
        raise UsageError(f"no open invoice {invoice_id!r} in the workspace",
                         hint="`arctl import` brings in the current open-items export")
    return invoice


def hold(workspace: Workspace | None, target: str, reason: str, until: dt.date | None, today: dt.date) -> str:
    """Stop all dunning for a customer or an invoice until released (or until the date)."""
    if reason not in HOLD_REASONS:
        raise UsageError(f"--reason {reason}: expected one of {', '.join(HOLD_REASONS)}")
    if until is not None and until <= today:
        raise UsageError(f"--until {until}: the date is not after today ({today})")
    with _writing(workspace, "hold") as store:
        invoice = store.invoice(target)
        if invoice is not None and invoice["closed_on"] is None:
            kind = "invoice"
        elif store.customer_exists(target):
            kind = "customer"
        else:
            raise UsageError(f"{target!r} is neither an open invoice nor a customer in the workspace")
        if store.rows("holds", target_id=target, released_on=None):
            raise UsageError(f"{kind} {target} is already on hold", hint=f"`arctl release {target}` first")
        store.add_row("holds", {"target_kind": kind, "target_id": target, "reason": reason, "until": until,
                                "note": "", "created_on": today})
    return kind


def release(workspace: Workspace | None, target: str, today: dt.date) -> int:
    with _writing(workspace, "release") as store:
        active = store.rows("holds", target_id=target, released_on=None)
        if not active:
            raise UsageError(f"{target!r} is not on hold")
        for row in active:
            store.set_values("holds", row["id"], released_on=today)
    return len(active)


def dispute_open(workspace: Workspace | None, invoice_id: str, reason: str, today: dt.date) -> None:
    if not reason.strip():
        raise UsageError("--reason: say what the customer disputes")
    with _writing(workspace, "dispute open") as store:
        _open_invoice(store, invoice_id)
        if store.rows("disputes", invoice_id=invoice_id, closed_on=None):
            raise UsageError(f"invoice {invoice_id} is already disputed",
                             hint=f"`arctl dispute close {invoice_id}` ends the dispute")
        store.add_row("disputes", {"invoice_id": invoice_id, "reason": reason.strip(), "opened_on": today,
                                   "close_note": ""})


def dispute_close(workspace: Workspace | None, invoice_id: str, note: str, today: dt.date) -> None:
    with _writing(workspace, "dispute close") as store:
        active = store.rows("disputes", invoice_id=invoice_id, closed_on=None)
        if not active:
            raise UsageError(f"invoice {invoice_id!r} has no open dispute")
        store.set_values("disputes", active[0]["id"], closed_on=today, close_note=note.strip())


def promise(workspace: Workspace | None, invoice_id: str, until: dt.date, note: str, today: dt.date) -> None:
    """A promise to pay: dunning waits until the date has passed unpaid."""
    if until < today:
        raise UsageError(f"--until {until}: the promised date has already passed (today is {today})")
    with _writing(workspace, "promise") as store:
        _open_invoice(store, invoice_id)
        store.add_row("promises", {"invoice_id": invoice_id, "until": until, "note": note.strip(),
                                   "made_on": today})


def note(workspace: Workspace | None, customer_id: str, text: str, *, call: bool, outcome: str | None,
         until: dt.date | None, today: dt.date) -> None:
    """A remark or a phone call in the customer's history (with the call's outcome)."""
    if not text.strip():
        raise UsageError("the note is empty")
    if outcome is not None and not call:
        raise UsageError("--outcome goes with --call (the outcome of a phone call)")
    if outcome is not None and outcome not in CALL_OUTCOMES:
        raise UsageError(f"--outcome {outcome}: expected one of {', '.join(CALL_OUTCOMES)}")
    if until is not None and outcome != "promise":
        raise UsageError("--until goes with --outcome promise (the date the customer promised to pay)")
    if outcome == "promise" and until is None:
        raise UsageError("--outcome promise needs --until DATE (the date the customer promised to pay)")
    with _writing(workspace, "note") as store:
        if not store.customer_exists(customer_id):
            raise UsageError(f"no customer {customer_id!r} in the workspace")
        store.add_row("notes", {"customer_id": customer_id, "text": text.strip(), "call": call,
                                "outcome": outcome, "until": until, "written_on": today})


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


# --- dunning ------------------------------------------------------------------------------------------


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
    history = [Taken(row["invoice_id"], row["step"], row["taken_on"].date())
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


def _step_costs(step, invoices, company_country: str, currency: str, as_of: dt.date, warnings: list[str]):
    """What a step adds: compensation and interest per invoice, a fee, damages or collection costs."""
    from arctl.dunning import costs as law
    from arctl.io.legal import load_rates

    found: list[tuple[str, int]] = []
    spec = step.costs
    principal = sum(row["open_amount"] for row in invoices)
    if spec.compensation and currency != "EUR":
        warnings.append(f"compensation left out: the EUR 40 applies to EUR invoices ({currency} here)")
    elif spec.compensation:
        found.append(("compensation", sum(law.eu_b2b_compensation(company_country, row["open_amount"], currency)
                                          for row in invoices)))
    if spec.interest in ("statutory", "legal"):
        # statutory: the commercial late-payment rate; legal: the consumer/civil rate of the country
        table = {("statutory", "NL"): "nl-b2b", ("legal", "NL"): "nl-consumer",
                 ("legal", "BE"): "be-legal"}.get((spec.interest, company_country), "be-b2b")
        rates = load_rates(table)
        total = 0
        for row in invoices:
            interest = law.statutory_interest(row["open_amount"], currency, row["due_date"], as_of, rates,
                                              compound_yearly=company_country == "NL")
            total += interest.amount
            warnings.extend(w for w in interest.warnings if w not in warnings)
        found.append(("interest", total))
    if spec.fee is not None and spec.fee.currency == currency:
        found.append(("fee", spec.fee.amount))
    if spec.damages == "book-xix":
        found.append(("damages", law.be_consumer_damages_cap(principal, currency)))
    if spec.collection_costs == "wik":
        found.append(("collection_costs", law.wik_costs(principal, currency)))
    return tuple(found)


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
            channel = "email" if document.customer.email else "letter"
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
    from arctl.money import format_money
    from arctl.render import dunning as documents
    from arctl.state.lock import WorkspaceLock

    if workspace is None:
        raise UsageError("arctl dunning needs a workspace", hint="run it inside one, or use -w DIR")
    plans = load_plans(plan or workspace.config.dunning_plan, workspace)
    config = workspace.config
    with WorkspaceLock(state_dir(workspace)):
        store = open_store(workspace)
        try:
            if any(s.kind == "bank" for s in config.sources) and not allow_stale_bank:
                limit = _business_days_before(as_of, config.bank_max_age)
                newest = store.newest_booking_dates()
                stale = sorted(f"{account} (newest line {day})" for account, day in newest.items() if day < limit)
                if not newest or stale:
                    raise InputError(
                        "bank data is stale: " + (", ".join(stale) if stale else "no bank statement imported")
                        + f"; dunning needs statements up to {limit} ({config.bank_max_age} business days)",
                        hint="import the latest statements, or run with --allow-stale-bank")
            items, customers, history, pauses, review = _dunning_inputs(store, as_of)
            decision = decide(items, customers, plans, history, pauses, as_of, to_review=review,
                              plan=plans.main if plan else None)
            rows = {row["invoice_id"]: row for row in items.to_dict("records")}
            for row in rows.values():
                row["due_date"] = row["due_date"].date()
            people = {row["customer_id"]: row for row in store.customers().to_dict("records")}
            env = documents.environment(workspace.root / "templates")
            company = documents.Party(
                name=f"{config.company.name} {config.company.legal_form}".strip(), street=config.company.address.street,
                postal_code=config.company.address.postal_code, city=config.company.address.city,
                legal_form=config.company.legal_form, enterprise_number=config.company.enterprise_number,
                vat_number=config.company.vat_number, iban=config.company.iban, bic=config.company.bic)
            outbox = workspace.root / "outbox" / as_of.isoformat()
            outcomes: list[ActionOutcome] = []
            warnings: list[str] = []
            calls: list = []
            phone_records: list = []
            for action in decision.actions:
                chosen = plans.plan(action.plan)
                step = chosen.step(action.step)
                invoices = [rows[i] for i in action.invoices]
                costs = _step_costs(step, invoices, config.company.country, action.currency, as_of, warnings)
                total = action.amount_due + sum(amount for _, amount in costs)
                person = people.get(action.customer_id, {})
                money = lambda minor: format_money(minor, action.currency, config.locale)  # noqa: E731
                document = documents.DunningDocument(
                    as_of=as_of.isoformat(), subject=_SUBJECTS.get(step.channel, "Payment reminder"),
                    channel=step.channel, company=company,
                    customer=documents.Party(name=person.get("name") or invoices[0].get("customer_name") or
                                             action.customer_id, email=person.get("email") or "",
                                             phone=person.get("phone") or "", street=person.get("street") or "",
                                             postal_code=person.get("postal_code") or "", city=person.get("city") or ""),
                    invoices=tuple(documents.DocumentInvoice(r["invoice_id"], r["due_date"].isoformat(),
                                                             money(r["open_amount"])) for r in invoices),
                    costs=tuple(documents.DocumentCost(kind.replace("_", " "), money(amount)) for kind, amount in costs),
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
                base = f"{safe_name(action.customer_id)}-{safe_name(action.step)}-{action.currency}"
                channel = step.channel
                if channel == "email" and not document.customer.email:
                    channel = step.fallback_channel or "person"
                if channel == "phone":
                    calls.append(document)
                    paths = [outbox / "call-list.csv"]
                elif channel == "email":
                    paths = [outbox / f"{base}.eml"]
                    data = documents.render_email(env, document, dt.datetime.combine(as_of, dt.time(9)))
                elif channel == "person":
                    paths = []
                    warnings.append(f"{action.customer_id}: no e-mail address and no fallback channel for step "
                                    f"{action.step}: a person must contact the customer")
                else:
                    paths = [outbox / f"{base}.html"]
                    data = documents.render_letter(env, document)
                record = ({"as_of": as_of, "customer_id": action.customer_id, "plan": action.plan,
                           "step": action.step, "channel": channel, "currency": action.currency,
                           "amount_due": action.amount_due, "total_due": total,
                           "document": ";".join(str(p.relative_to(workspace.root)) for p in paths),
                           "delivery": "written" if paths else "person"},
                          [(r["invoice_id"], r["open_amount"]) for r in invoices])
                if dry_run:
                    pass
                elif channel == "phone":
                    phone_records.append(record)  # recorded once the call list holding them is written
                else:
                    if channel != "person":
                        write_atomically(paths[0], data)  # the document first, then the record of it
                    store.record_action(*record)
                outcomes.append(ActionOutcome(action, costs, total,
                                              tuple(str(p.relative_to(workspace.root)) for p in paths),
                                              "written" if paths else "person"))
            outcomes.extend(_installment_reminders(store, workspace, env, company, people, rows, outbox, as_of,
                                                   dry_run))
            if calls and not dry_run:
                write_atomically(outbox / "call-list.csv", documents.call_list(calls))
                for record in phone_records:
                    store.record_action(*record)
        finally:
            store.close()
    return RunResult(as_of, dry_run, outcomes, list(decision.skipped), warnings)


@dataclass(slots=True)
class Explanation:
    invoice: dict                       # the invoice as stored (export fields)
    open_amount: int                    # what is open now, payments matched at the bank counted
    payments: list[dict]                # applied allocations: bank_txn, amount, rule, status, booking_date
    suggestions: list[dict]             # suggested matches waiting for a person
    steps: list[tuple[str, dt.date]]    # the dunning steps taken, oldest first
    position: object | None             # dunning.engine.Position
    reasons: list[str]                  # why it is not in today's run (skip reasons, pauses, minimum ...)
    due_today: bool
    pauses: list[str]


def explain(workspace: Workspace | None, invoice_id: str, as_of: dt.date) -> Explanation:
    """Why this invoice is, or is not, in the run of `as_of`: its open amount and where it comes from,
    its steps, what holds it back, and the date of its next step."""
    from arctl.dunning.engine import decide

    if workspace is None:
        raise UsageError("arctl explain needs a workspace", hint="run it inside one, or use -w DIR")
    plans = load_plans(workspace.config.dunning_plan, workspace)
    store = open_store(workspace)
    try:
        invoice = store.invoice(invoice_id)
        if invoice is None:
            raise UsageError(f"no invoice {invoice_id!r} in the workspace", hint="`arctl import` brings it in")
        items, customers, history, pauses, review = _dunning_inputs(store, as_of)
        matches = store.matches()
        lines = store.bank_lines().set_index("txn_id") if len(matches) else None
    finally:
        store.close()
    mine = matches[matches["invoice_id"] == invoice_id] if len(matches) else matches
    payments, suggestions = [], []
    for row in mine.to_dict("records"):
        booked = lines.loc[row["bank_txn"], "booking_date"].date() if lines is not None else None
        entry = {"bank_txn": row["bank_txn"], "amount": int(row["amount"]), "rule": row["rule"],
                 "status": row["status"], "booking_date": booked}
        (suggestions if row["status"] == "suggested" else payments).append(entry)
    steps = sorted(((t.step_id, t.taken_on) for t in history if t.invoice_id == invoice_id), key=lambda s: s[1])
    own_pauses = [f"{p.kind} since {p.start}" + (f" until {p.end}" if p.end else "")
                  for p in pauses if p.invoice_id == invoice_id or (p.invoice_id is None and
                                                                    p.customer_id == invoice["customer_id"])]
    if invoice["closed_on"] is not None:
        return Explanation(invoice, 0, payments, suggestions, steps, None,
                           [f"closed on {invoice['closed_on']}: missing from a newer open-items export (paid or "
                            "credited in the accounting package)"], False, own_pauses)
    row = items[items["invoice_id"] == invoice_id]
    open_amount = int(row["open_amount"].iloc[0])
    customer_items = items[items["customer_id"] == invoice["customer_id"]]
    decision = decide(customer_items, customers, plans, history, pauses, as_of, to_review=review)
    position = next((p for p in decision.positions if p.invoice_id == invoice_id), None)
    reasons = [s.reason for s in decision.skipped if s.invoice_id == invoice_id]
    due_today = any(invoice_id in a.invoices for a in decision.actions)
    return Explanation(invoice, open_amount, payments, suggestions, steps, position, reasons, due_today, own_pauses)


# --- payment plans ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class PaymentPlanView:
    plan: dict
    state: object          # dunning.payplan.PlanState


def _every(text: str):
    """'1m', '2w', '14d' or '1 month', '2 weeks', '14 days'."""
    import re as _re

    from arctl.dunning.plan import Duration, parse_duration

    short = _re.fullmatch(r"(\d+)\s*([dwm])", text.strip().lower())
    if short:
        return Duration(int(short.group(1)), {"d": "days", "w": "weeks", "m": "months"}[short.group(2)])
    duration = parse_duration(text)
    if duration is None:
        raise UsageError(f"--every {text}: expected 1m, 2w, 14d (or '1 month', '2 weeks', '14 days')")
    return duration


def _plan_states(store, as_of: dt.date) -> list[PaymentPlanView]:
    """Every payment plan with what is paid of its installments as of the date."""
    from arctl.dunning.payplan import Installment, state

    allocations = store.applied_allocations()
    views = []
    for plan in store.rows("payment_plans"):
        invoices = plan["invoices"].split()
        installments = tuple(Installment(r["number"], r["due_date"], r["amount"])
                             for r in store.installments_of(plan["id"]))
        paid = 0
        if len(allocations):
            after = allocations[allocations["invoice_id"].isin(invoices)
                                & (allocations["booking_date"].dt.date >= plan["created_on"])]
            paid = int(after["amount"].sum())
        views.append(PaymentPlanView(plan, state(installments, paid, as_of)))
    return views


def payplan_create(workspace: Workspace | None, customer: str, invoices: list[str], count: int, first: dt.date,
                   every_text: str, today: dt.date) -> PaymentPlanView:
    """Agree a payment plan: the invoices' open total in `count` installments from `first`, every `every`."""
    from arctl.dunning.payplan import schedule, state
    from arctl.reconcile.open_items import open_items

    every = _every(every_text)
    if not 2 <= count <= 60:
        raise UsageError(f"--installments {count}: expected 2 to 60 installments")
    if first < today:
        raise UsageError(f"--first {first}: the first installment cannot be due before today ({today})")
    if not invoices:
        raise UsageError("--invoices: name the invoices the plan pays")
    with _writing(workspace, "payplan create") as store:
        items = open_items(store.invoice_items(), store.applied_allocations()).set_index("invoice_id")
        for invoice in invoices:
            if invoice not in items.index or items.loc[invoice, "open_amount"] <= 0:
                raise UsageError(f"no open invoice {invoice!r} in the workspace")
            if items.loc[invoice, "customer_id"] != customer:
                raise UsageError(f"invoice {invoice} belongs to {items.loc[invoice, 'customer_id']}, not {customer}")
        currencies = set(items.loc[invoices, "currency"])
        if len(currencies) > 1:
            raise UsageError("a payment plan is in one currency; these invoices are in " + ", ".join(sorted(currencies)))
        for view in _plan_states(store, today):
            running = view.plan["cancelled_on"] is None and view.state.outcome == "active"
            shared = set(view.plan["invoices"].split()) & set(invoices)
            if running and shared:
                raise UsageError(f"invoice {sorted(shared)[0]} is already on payment plan {view.plan['id']}",
                                 hint=f"`arctl payplan cancel {customer}` first")
        total = int(items.loc[invoices, "open_amount"].sum())
        parts = schedule(total, count, first, every)
        plan = {"customer_id": customer, "currency": currencies.pop(), "invoices": " ".join(invoices),
                "total": total, "every": str(every), "created_on": today, "cancelled_on": None}
        plan_id = store.add_payment_plan(plan, [{"number": p.number, "due_date": p.due_date, "amount": p.amount}
                                                for p in parts])
    return PaymentPlanView({**plan, "id": plan_id}, state(parts, 0, today))


def payplan_show(workspace: Workspace | None, customer: str, as_of: dt.date) -> list[PaymentPlanView]:
    if workspace is None:
        raise UsageError("arctl payplan needs a workspace", hint="run it inside one, or use -w DIR")
    store = open_store(workspace)
    try:
        views = [v for v in _plan_states(store, as_of) if v.plan["customer_id"] == customer]
    finally:
        store.close()
    if not views:
        raise UsageError(f"customer {customer!r} has no payment plan")
    return views


def payplan_cancel(workspace: Workspace | None, customer: str, today: dt.date) -> int:
    with _writing(workspace, "payplan cancel") as store:
        running = [v for v in _plan_states(store, today) if v.plan["customer_id"] == customer
                   and v.plan["cancelled_on"] is None and v.state.outcome == "active"]
        if not running:
            raise UsageError(f"customer {customer!r} has no running payment plan")
        for view in running:
            store.set_values("payment_plans", view.plan["id"], cancelled_on=today)
    return len(running)
