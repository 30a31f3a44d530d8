"""The hand-over to a collection agency: besides the notice to the customer, a folder for the agency in
outbox/<date>/agency/<customer-step-currency>/ with the claim, the history, the payments received, the
customer's master data and copies of every document sent to the customer. Written in the same batch as the
notice, before the hand-over is recorded (the recorded document names every file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.dunning.grouping import AGENCY_CHANNEL
from arctl.model import action_name, safe_name

if TYPE_CHECKING:
    from arctl.deliver.outbox import Outbox
    from arctl.dunning.claims import Law
    from arctl.dunning.plan import PlanSet
    from arctl.model import Action, Rate
    from arctl.state.store import Store


def is_handover(action: Action) -> bool:
    return action.kind == "step" and action.planned_channel == AGENCY_CHANNEL


def agency_files(store: Store, outbox: Outbox, action: Action, notice: tuple[Path, bytes] | None, *,
                 law: Law | None, plans: PlanSet, locale: str, as_of: dt.date) -> list[tuple[Path, bytes]]:
    """The agency folder's files of a hand-over (path, bytes), `notice` being the notice to the customer."""
    from arctl.render import agency as render

    folder = outbox.agency_folder(action_name(action.customer_id, action.step, action.currency))
    earlier = [row for row in store.actions_of(action.customer_id) if row["as_of"] <= as_of]
    notice_shown = outbox.shown(notice[0]) if notice else ""
    history = [(row["as_of"], row["step"], row["channel"], row["document"]) for row in earlier]
    history.append((as_of, action.step, action.channel, notice_shown))
    ids = {line.invoice_id for line in (*action.lines, *action.credits)}
    invoices = {invoice: record for invoice in sorted(ids) if (record := store.invoice(invoice)) is not None}
    allocations = store.applied_allocations()
    payments = sorted((day.date(), invoice, int(amount)) for invoice, amount, day in zip(
        allocations["invoice_id"], allocations["amount"], allocations["booking_date"], strict=True) if invoice in ids)
    table, rates = _rates(action, law, plans)
    handover = render.Handover(action, invoices, history, payments, _master(store, action), rates, table)
    files = [(folder / "claim.csv", render.claim_csv(handover, locale)),
             (folder / "claim.xlsx", render.claim_xlsx(handover, as_of)),
             (folder / "history.csv", render.history_csv(handover, locale)),
             (folder / "payments.csv", render.payments_csv(handover, locale)),
             (folder / "customer.json", render.customer_json(handover)),
             (folder / "customer.csv", render.customer_csv(handover, locale))]
    return files + _copies(outbox, folder / "documents", earlier, notice, as_of)


def _copies(outbox: Outbox, folder: Path, earlier: list[dict], notice: tuple[Path, bytes] | None,
            as_of: dt.date) -> list[tuple[Path, bytes]]:
    """A copy of every document sent to the customer (not the call lists), named by its date, and of the
    notice of the hand-over."""
    from arctl.deliver.outbox import AGENCY, CALL_LIST, CALL_LIST_XLSX

    copies: dict[Path, bytes] = {}
    for row in earlier:
        if row["channel"] in ("phone", "person"):
            continue
        for part in filter(None, row["document"].split(";")):
            source = outbox.root / part
            if source.name in (CALL_LIST, CALL_LIST_XLSX) or f"/{AGENCY}/" in part or not source.is_file():
                continue
            copies[folder / f"{row['as_of'].isoformat()}-{safe_name(source.name)}"] = source.read_bytes()
    if notice is not None:
        copies[folder / f"{as_of.isoformat()}-{safe_name(notice[0].name)}"] = notice[1]
    return sorted(copies.items())


def _rates(action: Action, law: Law | None, plans: PlanSet) -> tuple[str, tuple[Rate, ...]]:
    """The rate table the hand-over's interest was computed with, and its rates."""
    from arctl.dunning.claims import interest_table, law_for
    from arctl.dunning.engine import handed_over_costs

    if law is None or not any(cost.kind == "interest" for cost in action.costs):
        return "", ()
    try:
        plan = plans.plan(action.plan)
        step = plan.step(action.step)
    except KeyError:
        return "", ()
    kind = (step.costs or handed_over_costs(plan, step)).interest
    law = law_for(plan, law)
    table = interest_table(kind, law.company_country, law.rates) if kind else None
    return (table, law.rates.get(table, ())) if table else ("", ())


def _master(store: Store, action: Action) -> dict[str, str]:
    """The customer's master data as text (the customer export's row; the invoice's name when there is none)."""
    master = store.customers()
    rows = master[master["customer_id"] == action.customer_id].to_dict("records") if len(master) else []
    if not rows:
        name = next((line.customer_name for line in action.lines if line.customer_name), "")
        return {"customer_id": action.customer_id, "name": name}
    keep = ("customer_id", "name", "contact", "email", "phone", "street", "postal_code", "city", "country",
            "language", "vat_number", "consumer", "iban", "segment")
    import pandas as pd

    return {key: "" if pd.isna(rows[0][key]) else str(rows[0][key]) for key in keep if key in rows[0]}
