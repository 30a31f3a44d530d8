"""`arctl payments` output: the terminal tables, the JSON document, and the file a bookkeeper imports into the
accounting package to book the payments (CSV in the workspace's locale, or XLSX)."""

from __future__ import annotations

import csv
from pathlib import Path

from rich.console import Console
from rich.table import Table

from arctl.model import csv_cell
from arctl.money import format_money, plain_amount
from arctl.render.safe_text import escape

BOOKING_COLUMNS = ("date", "customer_id", "customer_name", "invoice_id", "amount", "currency", "bank_reference",
                   "bank_txn", "account", "counterparty", "payment_reference", "kind")
BOOKING_SUFFIXES = (".csv", ".xlsx")


def payments_json(view) -> dict:
    """The document of `arctl payments --json` (README, "Payments")."""
    return {
        "since": view.since.isoformat() if view.since else None,
        "payments": [_payment_json(p) for p in view.payments],
        "partly_paid": [{"invoice_id": i.invoice_id, "customer_id": i.customer_id, "customer_name": i.customer_name,
                         "currency": i.currency, "amount": plain_amount(i.amount, i.currency),
                         "paid": plain_amount(i.paid, i.currency),
                         "open_amount": plain_amount(i.open_amount, i.currency),
                         "due_date": i.due_date.isoformat() if i.due_date else None} for i in view.partly_paid],
        "returns": [{"bank_txn": r.bank_txn, "bank_reference": r.bank_reference, "account": r.account,
                     "booking_date": r.booking_date.isoformat(), "amount": plain_amount(r.amount, r.currency),
                     "currency": r.currency, "counterparty": r.counterparty,
                     "counterparty_iban": r.counterparty_iban, "kind": r.kind, "returns": r.returns or None,
                     "customer_id": r.customer_id or None, "reason": r.reason} for r in view.returns],
        "summary": view.summary(),
        "totals": [{"currency": t["currency"], **{key: plain_amount(int(t[key]), str(t["currency"]))
                                                  for key in ("received", "allocated", "unallocated")}}
                   for t in view.totals()],
    }


def _payment_json(p) -> dict:
    return {
        "bank_txn": p.bank_txn, "bank_reference": p.bank_reference, "account": p.account,
        "booking_date": p.booking_date.isoformat(), "amount": plain_amount(p.amount, p.currency),
        "currency": p.currency, "counterparty": p.counterparty, "counterparty_iban": p.counterparty_iban,
        "reference": p.reference, "remittance": p.remittance, "status": p.status,
        "allocated": plain_amount(p.allocated, p.currency), "unallocated": plain_amount(p.unallocated, p.currency),
        "reason": p.reason,
        "allocations": [{"invoice_id": a.invoice_id, "customer_id": a.customer_id, "customer_name": a.customer_name,
                         "amount": plain_amount(a.amount, a.currency), "currency": a.currency, "kind": a.kind,
                         "rule": a.rule, "confidence": a.confidence, "note": a.note,
                         "invoice_open_amount": plain_amount(a.invoice_open, a.currency)} for a in p.allocations],
    }


_STYLE = {"auto": "green", "manual": "cyan", "suggested": "yellow", "unmatched": "red", "returned": "magenta"}


def print_payments(console: Console, view, locale: str, limit: int) -> None:
    summary = view.summary()
    console.print(f"[bold]{summary['payments']} payments[/bold]"
                  + (f" booked since {view.since.isoformat()}" if view.since else "")
                  + f": {summary['auto']} auto, {summary['manual']} by hand, {summary['suggested']} suggested "
                  f"(a person decides), {summary['unmatched']} left to a person, {summary['returned']} returned")
    if view.payments:
        table = Table(title="Payments", title_justify="left")
        for column in ("date", "bank transaction", "counterparty", "amount", "status", "allocated to", "unallocated"):
            table.add_column(column, justify="right" if column in ("amount", "unallocated") else "left",
                             overflow="fold")
        for p in view.payments[: limit or None]:
            style = _STYLE.get(p.status, "white")
            to = "\n".join(f"{escape(a.invoice_id)} {format_money(a.amount, a.currency, locale)}"
                           + ("" if a.kind == p.status else f" ({a.kind})") for a in p.allocations)
            table.add_row(p.booking_date.isoformat(), escape(p.bank_txn), escape(p.counterparty),
                          format_money(p.amount, p.currency, locale), f"[{style}]{p.status}[/{style}]",
                          to or escape(p.reason), format_money(p.unallocated, p.currency, locale)
                          if p.unallocated else "·")
        console.print(table)
    _print_partly_paid(console, view, locale, limit)
    _print_returns(console, view, locale, limit)
    longest = max(len(view.payments), len(view.partly_paid), len(view.returns))
    if limit and longest > limit:
        console.print(f"… lists cut at {limit} rows (--limit 0, --json or -o show all)")


def _print_partly_paid(console: Console, view, locale: str, limit: int) -> None:
    if not view.partly_paid:
        return
    table = Table(title="Partly paid invoices", title_justify="left")
    for column in ("invoice", "customer", "due", "amount", "paid", "still open"):
        table.add_column(column, justify="right" if column in ("amount", "paid", "still open") else "left",
                         overflow="fold")
    for i in view.partly_paid[: limit or None]:
        table.add_row(escape(i.invoice_id), escape(f"{i.customer_id} {i.customer_name}".strip()),
                      i.due_date.isoformat() if i.due_date else "", format_money(i.amount, i.currency, locale),
                      format_money(i.paid, i.currency, locale), format_money(i.open_amount, i.currency, locale))
    console.print(table)


def _print_returns(console: Console, view, locale: str, limit: int) -> None:
    if not view.returns:
        return
    table = Table(title="Returns and refunds", title_justify="left")
    for column in ("date", "bank transaction", "counterparty", "amount", "kind", "customer", "what"):
        table.add_column(column, justify="right" if column == "amount" else "left", overflow="fold")
    for r in view.returns[: limit or None]:
        table.add_row(r.booking_date.isoformat(), escape(r.bank_txn), escape(r.counterparty),
                      format_money(r.amount, r.currency, locale), r.kind, escape(r.customer_id), escape(r.reason))
    console.print(table)


def write_bookings(path: Path, view, locale: str) -> int:
    """Write one row per allocation to book (BOOKING_COLUMNS) to FILE.csv or FILE.xlsx; returns the rows.

    CSV follows the locale's decimal mark: a decimal comma (nl_BE, fr_BE, de_DE ...) with `;` between fields, a
    decimal point (en_*) with `,`; UTF-8 with a byte-order mark so that a spreadsheet reads the accents; dates
    ISO. XLSX has real date and number cells. Text a spreadsheet would run as a formula gets an apostrophe."""
    from arctl.render.output import write_output

    rows = [[p.booking_date, a.customer_id, a.customer_name, a.invoice_id, (a.amount, a.currency), a.currency,
             p.bank_reference, p.bank_txn, p.account, p.counterparty, p.reference, a.kind]
            for p, a in view.bookings()]
    if path.suffix.lower() == ".xlsx":
        write_output(path, lambda temporary: _write_xlsx(temporary, rows))
    else:
        write_output(path, lambda temporary: _write_csv(temporary, rows, locale))
    return len(rows)


def _write_csv(path: Path, rows: list[list], locale: str) -> None:
    from arctl.money import decimal_symbol

    mark = decimal_symbol(locale)
    comma = mark == ","
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if comma else ",")
        writer.writerow(BOOKING_COLUMNS)
        for row in rows:
            amount = plain_amount(*row[4])
            writer.writerow([row[0].isoformat(), *(csv_cell(v) for v in row[1:4]),
                             amount.replace(".", ",") if comma else amount, *(csv_cell(v) for v in row[5:])])


def _write_xlsx(path: Path, rows: list[list]) -> None:
    from decimal import Decimal

    from openpyxl import Workbook

    from arctl.money import currency_decimals

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "payments"
    sheet.append(list(BOOKING_COLUMNS))
    for number, row in enumerate(rows, start=2):
        amount, currency = row[4]
        # the amount goes in as an exact decimal, never through a float
        sheet.append([row[0], *(csv_cell(v) for v in row[1:4]), Decimal(plain_amount(amount, currency)),
                      *(csv_cell(v) for v in row[5:])])
        sheet.cell(number, 1).number_format = "yyyy-mm-dd"
        places = currency_decimals(currency)
        sheet.cell(number, 5).number_format = "0." + "0" * places if places else "0"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (11, 12, 28, 14, 12, 9, 22, 30, 20, 28, 24, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
