"""Match bank payments to open invoices: by the matcher (files or the workspace), or by a person."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.io.export import ExportRead, ReadOptions, read_export
from arctl.workflows.workspace import open_store, workspace_lock

if TYPE_CHECKING:  # the engine is imported when a reconciliation runs
    from arctl.io.bank.lines import BankRead
    from arctl.reconcile.engine import Reconciliation
    from arctl.state.learned import Undone
    from arctl.state.store import Store


@dataclass(slots=True)
class ReconcileResult:
    reconciliation: Reconciliation
    bank_reads: list[BankRead]
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
    with collector_paused():
        result = match(lines, invoices, customer_read.frame if customer_read else None, settings)
    return ReconcileResult(result, bank_reads, invoice_reads, customer_read, [])


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the matcher, and restore it after.

    The matcher makes millions of small objects and no reference cycles, which the collector would
    scan again and again: a million lines take 11-27 % more CPU with it running (benchmarks/
    reconcile_speed.py). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reconcile_workspace(workspace: Workspace, settings) -> ReconcileResult:
    """Match the imported bank lines no match covers yet, store the matches, and undo the matches of
    payments that were returned since."""
    from arctl.reconcile.engine import reconcile as match
    from arctl.reconcile.engine import reversal_pairs
    from arctl.reconcile.open_items import open_items
    from arctl.state import match_rows

    with workspace_lock(workspace, "reconcile"):
        store = open_store(workspace)
        try:
            bank = match_rows.bank_lines(store)
            invoices = match_rows.invoice_items(store)
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
            with collector_paused():
                result = match(candidates, items, customers if len(customers) else None, settings,
                               store.known_ibans(), store.document_references())
                export_of = dict(zip(invoices["invoice_id"].tolist(), invoices["import_id"].astype(int).tolist(),
                                     strict=True))
                stored = match_rows.add_matches(store, [(m.bank_txn, m.invoice_id, m.amount, m.currency, m.rule,
                                                         m.confidence, m.status, m.note,
                                                         export_of.get(m.invoice_id)) for m in result.matches],
                                                store.now().isoformat(timespec="seconds"))
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
    forced: tuple[str, ...] = ()   # what --force overrode


def match_manually(workspace: Workspace | None, bank_txn: str, invoice_id: str, amount_text: str | None, *,
                   as_of: dt.date, force: bool = False) -> ManualMatch:
    """A person allocates (part of) a payment to an invoice, or confirms the matcher's suggestion.

    Refused without `force` when the bank's payer name is not the customer's (and its IBAN is not known
    for the customer) or when the customer or the invoice is on hold on `as_of`: a wrong manual match
    would teach the payer's IBAN to the wrong customer."""
    from arctl.money import AmountError, parse_amount
    from arctl.reconcile.open_items import open_items

    if workspace is None:
        raise UsageError("arctl match needs a workspace", hint="run it inside one, or use -w DIR")
    with workspace_lock(workspace, "match"):
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
            doubts = _doubts(workspace, store, line, invoice, as_of)
            if doubts and not force:
                raise UsageError(f"{bank_txn} -> invoice {invoice_id}: " + "; ".join(doubts)
                                 + "; add --force to match anyway")
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
    return ManualMatch(bank_txn, invoice_id, amount, line["currency"], bool(len(suggestion)), rejected, iban,
                       tuple(doubts))


def _doubts(workspace: Workspace, store: Store, line: dict, invoice: dict, as_of: dt.date) -> list[str]:
    """Why a manual match of `line` onto `invoice` may be wrong: another payer's name, a hold."""
    from arctl.reconcile.names import compact_iban, name_score

    customer_id = invoice["customer_id"]
    master = store.customer(customer_id) or {}
    names = [name for name in (master.get("name"), invoice["customer_name"]) if name]
    shown = f"customer {customer_id}" + (f" ({names[0]})" if names else "")
    doubts = []
    written, iban = line["counterparty_name"] or "", compact_iban(line["counterparty_iban"] or "")
    known = {compact_iban(i) for i in (master.get("iban") or "").split()}
    if iban and store.known_ibans().get(iban) == customer_id:
        known.add(iban)
    needed = workspace.config.matching.name_score
    if written.strip() and names and iban not in known:
        score = max(name_score(written, name) for name in names)
        if score < needed:
            doubts.append(f"the bank's payer {written.strip()!r} is not the name of {shown}: "
                          f"name score {score}, {needed} needed")
    for target in (customer_id, invoice["invoice_id"]):
        for hold in store.holds(target, active=True):
            if hold["until"] is None or hold["until"] >= as_of:
                what = shown if target == customer_id else f"invoice {target} of {shown}"
                doubts.append(f"{what} is on hold ({hold['reason']}"
                              + (f" until {hold['until']})" if hold["until"] else ")"))
    return doubts


def unmatch(workspace: Workspace | None, bank_txn: str) -> Undone:
    """Undo every match of a payment; it is then left to a person (never matched automatically again).

    What a manual match of it taught is forgotten too: its payer's IBAN, unless another standing manual
    match or the customer file knows it for that customer; automatic matches that identified their payer
    by that IBAN become suggestions again."""

    if workspace is None:
        raise UsageError("arctl unmatch needs a workspace", hint="run it inside one, or use -w DIR")
    with workspace_lock(workspace, "unmatch"):
        store = open_store(workspace)
        try:
            if store.bank_line(bank_txn) is None:
                raise UsageError(f"no bank transaction {bank_txn!r} in the workspace")
            undone = store.undo_matches(bank_txn)
        finally:
            store.close()
    if not undone.matches:
        raise UsageError(f"{bank_txn} has no match to undo")
    return undone
