"""The folder a collection agency gets with a hand-over: the claim (claim.csv and claim.xlsx: invoices, costs,
interest periods and rates, totals, the history of every reminder, payments received) and the customer's
master data (customer.json, customer.csv). The copies of the documents sent are added by the run.

The claim's figures are the hand-over action's: its invoices' open amounts, its costs, `total_due` (what the
invoices and costs come to) and `net_due` (less the customer's open credit notes), so the agency claims what
the notice to the customer states."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from arctl.model import Action, Rate, csv_cell
from arctl.money import plain_amount, to_decimal
from arctl.render.call_list import delimiter_for, fixed_zip

CLAIM_HEADER = ("kind", "invoice_id", "issue_date", "due_date", "amount", "paid", "open_amount", "currency",
                "period_from", "period_to", "rate_percent", "basis")
HISTORY_HEADER = ("date", "step", "channel", "documents")
PAYMENT_HEADER = ("booking_date", "invoice_id", "amount", "currency")


@dataclass(frozen=True, slots=True)
class Handover:
    """Everything the agency folder shows of one hand-over."""

    action: Action
    invoices: dict[str, dict]                  # invoice_id -> the stored invoice (amount, issue_date ...)
    history: list[tuple[dt.date, str, str, str]]   # (date, step, channel, documents) oldest first, the hand-over last
    payments: list[tuple[dt.date, str, int]]   # (booking date, invoice_id, amount) received at the bank
    customer: dict[str, str]                   # the customer's master data
    rates: tuple[Rate, ...] = ()               # the interest table's rates over the claimed period
    rate_table: str = ""


def claim_rows(handover: Handover) -> list[tuple]:
    """The claim as rows of CLAIM_HEADER, amounts in minor units: each invoice, each open credit note, each
    cost, each interest rate period, then total_due and net_due."""
    action = handover.action
    rows: list[tuple] = []
    for kind, lines in (("invoice", action.lines), ("credit_note", action.credits)):
        for line in lines:
            stored = handover.invoices.get(line.invoice_id, {})
            amount = stored.get("amount", line.open_amount)
            rows.append((kind, line.invoice_id, stored.get("issue_date"), line.due_date, amount,
                         amount - line.open_amount, line.open_amount, action.currency, line.interest_from,
                         action.interest_until if kind == "invoice" and line.interest_from else None, None, ""))
    starts = [line.interest_from for line in action.lines if line.interest_from]
    for cost in action.costs:
        rows.append((cost.kind, "", None, None, cost.amount, None, None, action.currency,
                     min(starts) if cost.kind == "interest" and starts else None,
                     cost.until if cost.kind == "interest" else None, None, cost.basis))
    until = action.interest_until
    if until is not None and starts:
        for rate in handover.rates:
            start, end = max(rate.valid_from, min(starts)), min(rate.valid_to, until)
            if start <= end:
                rows.append(("interest_rate", "", None, None, None, None, None, action.currency, start, end,
                             rate.percent, f"{handover.rate_table}: {rate.source}".rstrip(": ")))
    rows.append(("total_due", "", None, None, action.total_due, None, None, action.currency, None, None, None,
                 "open amounts and costs"))
    rows.append(("net_due", "", None, None, action.net_due, None, None, action.currency, None, None, None,
                 "total_due less the open credit notes"))
    return rows


def claim_csv(handover: Handover, locale: str) -> bytes:
    currency = handover.action.currency
    return _csv(CLAIM_HEADER, claim_rows(handover), locale, currency, amounts=(4, 5, 6))


def history_csv(handover: Handover, locale: str) -> bytes:
    return _csv(HISTORY_HEADER, handover.history, locale, handover.action.currency, amounts=())


def payments_csv(handover: Handover, locale: str) -> bytes:
    currency = handover.action.currency
    return _csv(PAYMENT_HEADER, [(*payment, currency) for payment in handover.payments], locale, currency,
                amounts=(2,))


def customer_json(handover: Handover) -> bytes:
    return (json.dumps(handover.customer, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def customer_csv(handover: Handover, locale: str) -> bytes:
    columns = tuple(sorted(handover.customer))
    return _csv(columns, [tuple(handover.customer[c] for c in columns)], locale, "", amounts=())


def claim_xlsx(handover: Handover, as_of: dt.date) -> bytes:
    """The claim, history and payments as three sheets: amounts as numbers, dates as dates, text as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    currency = handover.action.currency
    book = Workbook()
    sheets = ((CLAIM_HEADER, claim_rows(handover), (4, 5, 6), "Claim"),
              (HISTORY_HEADER, handover.history, (), "History"),
              (PAYMENT_HEADER, [(*p, currency) for p in handover.payments], (2,), "Payments"))
    for index, (header, rows, amounts, title) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row):
                shown = to_decimal(value, currency) if column in amounts and value is not None else value
                cell = sheet.cell(row=number, column=column + 1, value=shown)
                if isinstance(value, str):
                    cell.data_type = "s"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif column in amounts:
                    cell.number_format = "#,##0.00"
    book.properties.created = book.properties.modified = dt.datetime.combine(as_of, dt.time())
    out = io.BytesIO()
    book.save(out)
    return fixed_zip(out.getvalue(), as_of)


def _csv(header: tuple[str, ...], rows, locale: str, currency: str, *, amounts: tuple[int, ...]) -> bytes:
    delimiter, mark = delimiter_for(locale)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(_cell(value, currency, mark, column in amounts)) for column, value in enumerate(row)])
    return out.getvalue().encode("utf-8")


def _cell(value: object, currency: str, mark: str, amount: bool) -> object:
    if value is None:
        return ""
    if amount and isinstance(value, int):
        return plain_amount(value, currency).replace(".", mark)
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return str(value).replace(".", mark)   # a rate: 12.5 -> 12,5 where the comma is the decimal mark
    return value
