"""statement: one customer's statement of account from the workspace state, written as HTML or PDF.

What it lists and how the balance runs: reports/statement.py. How it asks to be paid, per currency, when the
balance (less disputed, promised or held items) is positive: a structured reference that `reconcile` already
recognises — the one invoice's own (or the one derived from its number) when a single invoice is to be paid
and nothing is set against it; else a document reference recorded for exactly these items (a dunning
document's of the day); else none, and the transfer names the invoice numbers, which `reconcile` finds in the
remittance text. The statement itself records nothing: it is a report, as often as it is asked for.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.config import Workspace
from arctl.errors import UsageError
from arctl.model import AccountStatement, ActionLine, PaymentReference, safe_name
from arctl.workflows.workspace import open_store

if TYPE_CHECKING:
    import pandas as pd

    from arctl.render.statement import StatementPayment
    from arctl.state.store import Store

FORMATS = ("html", "pdf")
APPLIED = ("auto", "confirmed", "manual")
MAX_TEXT = 140       # EPC069-12: the unstructured remittance information


@dataclass(slots=True)
class StatementResult:
    customer_id: str
    path: Path
    shown: str                      # the path as the user sees it (relative to the workspace where inside it)
    statements: tuple[AccountStatement, ...]
    language: str
    period_start: dt.date
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Account:
    """What the state knows of one customer, read at once."""

    items: pd.DataFrame
    allocations: pd.DataFrame
    unapplied: pd.DataFrame
    paused: dict[str, str]
    documents: dict[tuple[str, str], tuple[str, ...]]
    contact: object
    name: str


def statement_file_name(customer_id: str, form: str) -> str:
    """statement-<customer>.<form>: the id made safe for a file name, with a short hash of the exact id where
    that changed it (so that K/1 and K_1 never share a file)."""
    safe = safe_name(customer_id)
    if safe != customer_id:
        safe += "~" + hashlib.sha256(customer_id.encode("utf-8")).hexdigest()[:10]
    return f"statement-{safe}.{form}"


def account_statement(workspace: Workspace | None, customer: str, as_of: dt.date, *,
                      period_start: dt.date | None = None, form: str | None = None,
                      output: Path | None = None) -> StatementResult:
    """Write `customer`'s statement of account as of `as_of` (payments from `period_start`, default: see
    reports/statement.py) to `output`, else to reports/<as-of>/statement-<customer>.<form> in the workspace."""
    from arctl.render.pdf import unavailable
    from arctl.reports.statement import account_statements, default_period_start

    if workspace is None:
        raise UsageError("arctl statement needs a workspace", hint="run it inside one, or use -w DIR")
    form = _form(form, output)
    if form == "pdf" and (problem := unavailable()) is not None:
        raise UsageError(f"--format pdf: {problem.replace('letters are written as HTML only: ', '')}",
                         hint="or write HTML: --format html")
    store = open_store(workspace)
    try:
        account = _read_account(store, workspace, customer, as_of)
    finally:
        store.close()
    start = period_start or default_period_start(account.items, account.unapplied, as_of)
    if start > as_of:
        raise UsageError(f"--from {start.isoformat()} is after --as-of {as_of.isoformat()}",
                         hint="give a --from on or before the as-of date")
    statements = account_statements(customer, account.items, account.allocations, account.unapplied,
                                    account.paused, start, as_of)
    data, language = _render(workspace, account, statements, as_of, start, form)
    path = output if output is not None else \
        workspace.root / "reports" / as_of.isoformat() / statement_file_name(customer, form)
    _write(path, data)
    try:
        shown = str(path.resolve().relative_to(workspace.root.resolve()))
    except ValueError:
        shown = str(path)
    return StatementResult(customer, path, shown, statements, language, start)


def _form(form: str | None, output: Path | None) -> str:
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if form is None:
        return suffix if suffix in FORMATS else "html"
    if form not in FORMATS:
        raise UsageError(f"--format {form}: expected html or pdf")
    if suffix in FORMATS and suffix != form:
        raise UsageError(f"-o {output} is a .{suffix} file, but --format is {form}",
                         hint=f"name the file .{form}, or leave out --format")
    return form


def _read_account(store: Store, workspace: Workspace, customer: str, as_of: dt.date) -> _Account:
    import pandas as pd

    from arctl.reconcile.open_items import open_items
    from arctl.workflows.dunning import customer_contacts

    invoices = store.invoices(include_closed=True)
    contacts = customer_contacts(store)
    if customer not in set(invoices["customer_id"]) and customer not in contacts:
        raise _unknown(customer, invoices, contacts)
    now = open_items(store.invoice_items(), store.applied_allocations())
    open_now = dict(zip(now["invoice_id"], now["open_amount"].astype("int64"), strict=True))
    own = invoices[invoices["customer_id"] == customer].copy()
    own["open_amount"] = [int(open_now.get(invoice, 0)) for invoice in own["invoice_id"]]
    bank = store.bank_lines()
    matches = store.matches()
    applied = matches[matches["status"].isin(APPLIED)] if len(matches) else matches
    allocations = applied[applied["invoice_id"].isin(set(own["invoice_id"]))]
    if len(allocations):
        allocations = allocations.merge(bank[["txn_id", "booking_date", "counterparty_name"]],
                                        left_on="bank_txn", right_on="txn_id", how="inner")
    else:
        allocations = pd.DataFrame(columns=["invoice_id", "amount", "booking_date", "bank_txn", "counterparty_name"])
    unapplied = _unapplied(store, workspace, customer, bank, applied, invoices, as_of)
    contact = contacts.get(customer)
    names = [n for n in own.get("customer_name", pd.Series([], dtype=str)).tolist() if n]
    name = (getattr(contact, "name", "") or (names[0] if names else "") or customer)
    return _Account(own, allocations, unapplied, _paused(store, customer, set(own["invoice_id"]), as_of),
                    store.document_references(), contact, name)


def _unapplied(store: Store, workspace: Workspace, customer: str, bank: pd.DataFrame, applied: pd.DataFrame,
               invoices: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The customer's bank credits booked by `as_of` that no applied allocation fully accounts for (not
    returned): whose rest is theirs because the credit paid their invoices, or because `reconcile` identifies
    them as its payer (IBAN or name, the workspace's matching settings)."""
    import pandas as pd

    from arctl.reconcile.engine import payer_index, reversal_pairs

    columns = ["txn_id", "booking_date", "currency", "amount", "counterparty_name"]
    if bank.empty:
        return pd.DataFrame(columns=columns)
    credits = bank[(bank["amount"] > 0) & ~bank["reversal"].astype(bool) & (bank["booking_date"].dt.date <= as_of)]
    returned = {txn for pair in reversal_pairs(bank) for txn in pair}
    allocated = applied.groupby("bank_txn")["amount"].sum() if len(applied) else pd.Series(dtype="int64")
    left = credits["amount"] - credits["txn_id"].map(allocated).fillna(0).astype("int64")
    rest = credits.assign(amount=left)[(left > 0) & ~credits["txn_id"].isin(returned)]
    if rest.empty:
        return pd.DataFrame(columns=columns)
    owner_of = dict(zip(invoices["invoice_id"], invoices["customer_id"], strict=True))
    paid_for = {txn: owner_of.get(invoice) for txn, invoice in zip(applied.get("bank_txn", []),
                                                                    applied.get("invoice_id", []), strict=True)}
    payers = payer_index(invoices, store.customers(), store.known_ibans(), workspace.config.matching)
    identified = payers.identify_all([(iban or "", name or "") for iban, name in zip(
        rest["counterparty_iban"], rest["counterparty_name"], strict=True)])
    keep = [paid_for.get(txn, payer.customer_id if payer is not None else None) == customer
            for txn, payer in zip(rest["txn_id"], identified, strict=True)]
    return rest[keep][columns]


def _paused(store: Store, customer: str, invoices: set[str], as_of: dt.date) -> dict[str, str]:
    """The customer's invoices not dunned on `as_of` and why: disputed, promised, held (the whole customer,
    or the invoice)."""
    found: dict[str, str] = {}
    for row in store.holds(customer) + [h for invoice in sorted(invoices) for h in store.holds(invoice)]:
        ends = [day for day in (row["until"], row["released_on"]) if day is not None]
        if row["created_on"] <= as_of and (not ends or as_of <= min(ends)):
            targets = invoices if row["target_kind"] == "customer" else {row["target_id"]}
            found.update(dict.fromkeys(targets, "held"))
    for row in store.promises():
        if row["invoice_id"] in invoices and row["made_on"] <= as_of <= row["until"]:
            found.setdefault(row["invoice_id"], "promised")
    for row in store.disputes():
        if row["invoice_id"] in invoices and row["opened_on"] <= as_of and (
                row["closed_on"] is None or as_of <= row["closed_on"]):
            found[row["invoice_id"]] = "disputed"
    return found


def statement_payment(statement: AccountStatement, items: pd.DataFrame, country: str,
                      documents: dict[tuple[str, str], tuple[str, ...]], company) -> StatementPayment | None:
    """How the statement asks for its balance (module docstring), None when nothing is to be paid."""
    from arctl.dunning.references import invoice_reference, scheme_for
    from arctl.render.statement import StatementPayment

    if statement.to_pay <= 0:
        return None
    open_lines = [line for line in statement.lines if line.kind in ("invoice", "credit_note")
                  and not line.status and _open(items, line.reference)]
    invoices = [line for line in open_lines if line.kind == "invoice"]
    against = [line for line in statement.lines if line.kind in ("credit_note", "unapplied")]
    reference: PaymentReference | None = None
    if len(invoices) == 1 and not against:
        row = items[items["invoice_id"] == invoices[0].reference].iloc[0]
        reference = invoice_reference(ActionLine(invoices[0].reference, invoices[0].due_date, 1,
                                                 reference=str(row.get("reference") or "")), scheme_for(country))
    else:
        covered = {line.reference for line in open_lines}
        reference = next((PaymentReference(kind, value, _printed(kind, value))
                          for (kind, value), ids in sorted(documents.items()) if set(ids) == covered), None)
    base = dict(name=company.name, iban=company.iban, bic=company.bic, amount=statement.to_pay,
                currency=statement.currency)
    if reference is not None:
        return StatementPayment(**base, reference=reference.value, printed=reference.printed)
    return StatementPayment(**base, text=_invoice_text([line.reference for line in invoices]))


def _open(items: pd.DataFrame, invoice: str) -> bool:
    found = items.loc[items["invoice_id"] == invoice, "open_amount"]
    return bool(len(found)) and int(found.iloc[0]) != 0


def _printed(kind: str, value: str) -> str:
    from arctl.refs import format_ogm, format_rf

    return format_ogm(value) if kind == "ogm" else format_rf(value) if kind == "rf" else value


def _invoice_text(invoices: list[str]) -> str:
    """The invoice numbers, oldest first, as many as the remittance information holds."""
    text = ""
    for invoice in invoices:
        longer = f"{text} {invoice}".strip()
        if len(longer) > MAX_TEXT:
            break
        text = longer
    return text


def _render(workspace: Workspace, account: _Account, statements: tuple[AccountStatement, ...], as_of: dt.date,
            start: dt.date, form: str) -> tuple[bytes, str]:
    from arctl.render.dunning import Party, company_party, shipped_templates_dir
    from arctl.render.statement import StatementSection, render_statement, statement_document
    from arctl.render.templates import environment

    config = workspace.config
    company = company_party(config.company, workspace.root)
    contact = account.contact
    customer = Party(name=account.name, email=getattr(contact, "email", ""), street=getattr(contact, "street", ""),
                     postal_code=getattr(contact, "postal_code", ""), city=getattr(contact, "city", ""),
                     language=getattr(contact, "language", ""))
    sections = tuple(StatementSection(s, statement_payment(s, account.items, config.company.country,
                                                           account.documents, company)) for s in statements)
    env = environment(workspace.root / "templates")
    document = statement_document(env, company, customer, sections, as_of, start, config.locale)
    html = render_statement(env, document)
    if form == "html":
        return html.encode("utf-8"), document.language
    from arctl.render.pdf import letter_pdf

    return letter_pdf(html, (workspace.root, shipped_templates_dir()), dated=as_of), document.language


def _write(path: Path, data: bytes) -> None:
    from arctl.deliver.outbox import write_atomically

    if path.parent.exists() and not path.parent.is_dir():
        raise UsageError(f"-o {path}: {path.parent} is not a folder", hint="name a file in a folder")
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}", hint="name a file you may write") from exc


def _unknown(customer: str, invoices: pd.DataFrame, contacts: dict) -> UsageError:
    """No such customer: the close ids and names, or where to find the ids."""
    names = {str(name): str(cid) for cid, name in zip(invoices["customer_id"], invoices["customer_name"],
                                                       strict=True) if name}
    names.update({str(c.name): str(cid) for cid, c in contacts.items() if c.name})
    ids = sorted(set(invoices["customer_id"]) | set(contacts))
    close = difflib.get_close_matches(customer, ids, n=3, cutoff=0.6)
    by_name = [names[n] for n in difflib.get_close_matches(customer, list(names), n=3, cutoff=0.6)]
    close += [cid for cid in by_name if cid not in close]
    if close:
        hint = "did you mean " + ", ".join(f"{cid} ({_name_of(cid, names)})" if _name_of(cid, names) else cid
                                           for cid in close[:3]) + "?"
    else:
        hint = ("give the customer id as in the invoice export; `arctl dunning status` lists the customers "
                "with open items")
    return UsageError(f"no customer {customer!r} in the workspace ({len(ids)} customers known)", hint=hint)


def _name_of(customer: str, names: dict[str, str]) -> str:
    return next((name for name, cid in names.items() if cid == customer), "")
