"""`arctl reconcile` output: a rich summary, the JSON of CLI.md, and matches as XLSX or CSV."""

from __future__ import annotations

import csv
import json
import math
from json.encoder import encode_basestring
from pathlib import Path

from rich.console import Console
from rich.table import Table

from arctl.model import csv_cell
from arctl.money import format_money, plain_amount
from arctl.render.safe_text import escape


def reconcile_json(result) -> dict:
    """The CLI.md document for a Reconciliation (engine result)."""
    return {
        "matches": [{"bank_txn": m.bank_txn, "invoice_id": m.invoice_id, "amount": plain_amount(m.amount, m.currency),
                     "currency": m.currency, "rule": m.rule, "confidence": m.confidence, "status": m.status,
                     "note": m.note} for m in result.matches],
        "unmatched": [_line(u) for u in result.unmatched],
        "excess": [_line(u) for u in result.excess],
        "ignored": [_line(u) for u in result.ignored],
        "summary": result.summary(),
    }


def json_text(result) -> str:
    """`json.dumps(reconcile_json(result), ensure_ascii=False, indent=2)`, built directly: the standard
    encoder's indented form runs in Python, one call per value (seconds for a million matches)."""
    ms = result.matches
    matches = _list_text("matches", _MATCH_KEYS, [
        [m.bank_txn for m in ms], [m.invoice_id for m in ms], [plain_amount(m.amount, m.currency) for m in ms],
        [m.currency for m in ms], [m.rule for m in ms], [m.confidence for m in ms], [m.status for m in ms],
        [m.note for m in ms]])
    lines = [_list_text(name, _LINE_KEYS, [[u.bank_txn for u in items],
                                           [plain_amount(u.amount, u.currency) for u in items],
                                           [u.currency for u in items], [u.counterparty for u in items],
                                           [u.reason for u in items]])
             for name, items in (("unmatched", result.unmatched), ("excess", result.excess),
                                 ("ignored", result.ignored))]
    summary = ",\n".join(f"    {_scalar(key)}: {_scalar(value)}" for key, value in result.summary().items())
    return "{\n" + ",\n".join([matches, *lines, '  "summary": ' + ("{\n" + summary + "\n  }" if summary else "{}")]) \
        + "\n}"


_MATCH_KEYS = ("bank_txn", "invoice_id", "amount", "currency", "rule", "confidence", "status", "note")
_LINE_KEYS = ("bank_txn", "amount", "currency", "counterparty", "reason")


def _list_text(name: str, keys: tuple[str, ...], columns: list[list]) -> str:
    """'  "name": [...]' as the indented encoder writes a list of flat objects (given by columns) at the second
    level."""
    if not columns[0]:
        return f"  {_scalar(name)}: []"
    template = "    {\n" + ",\n".join(f"      {_scalar(key)}: %s" for key in keys) + "\n    }"
    encoded = [_encoded(values) for values in columns]
    return f"  {_scalar(name)}: [\n" + ",\n".join([template % row for row in zip(*encoded, strict=True)]) \
        + "\n  ]"


def _encoded(values: list) -> list[str]:
    """A column of values as JSON text: strings (the usual case) in one pass of the C encoder."""
    if all(type(value) is str for value in values):
        return list(map(encode_basestring, values))
    return [_scalar(value) for value in values]


def _scalar(value) -> str:
    """One JSON value as json.dumps(ensure_ascii=False) writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None or isinstance(value, (bool, int)):
        return json.dumps(value)
    if isinstance(value, float):
        return float.__repr__(value) if math.isfinite(value) else json.dumps(value)
    raise TypeError(f"not a JSON scalar: {value!r}")


def _line(item) -> dict:
    return {"bank_txn": item.bank_txn, "amount": plain_amount(item.amount, item.currency), "currency": item.currency,
            "counterparty": item.counterparty, "reason": item.reason}


def print_reconcile(console: Console, result, locale: str, limit: int) -> None:
    summary = result.summary()
    console.print(f"[bold]{summary['bank_lines']} bank lines[/bold]: {summary['auto']} matched, "
                  f"{summary['suggested']} suggested (a person decides), {summary['unmatched']} unmatched, "
                  f"{summary['ignored']} not customer payments")
    if result.matches:
        table = Table(title="Matches", title_justify="left")
        for column in ("bank transaction", "invoice", "amount", "rule", "status", "note"):
            table.add_column(column, justify="right" if column == "amount" else "left", overflow="fold")
        for m in result.matches[: limit or None]:
            style = "green" if m.status == "auto" else "yellow"
            table.add_row(escape(m.bank_txn), escape(m.invoice_id), format_money(m.amount, m.currency, locale),
                          m.rule, f"[{style}]{m.status}[/{style}]", escape(m.note))
        console.print(table)
    for title, items in (("Unmatched credits", result.unmatched), ("Paid beyond the invoices", result.excess)):
        if not items:
            continue
        table = Table(title=title, title_justify="left")
        for column in ("bank transaction", "amount", "counterparty", "reason"):
            table.add_column(column, justify="right" if column == "amount" else "left", overflow="fold")
        for u in items[: limit or None]:
            table.add_row(escape(u.bank_txn), format_money(u.amount, u.currency, locale), escape(u.counterparty),
                          escape(u.reason))
        console.print(table)
    shown = max(len(result.matches), len(result.unmatched), len(result.excess))
    if limit and shown > limit:
        console.print(f"… lists cut at {limit} rows (--limit 0, --json or -o show all)")


_SHEETS = ("matched", "suggested", "unmatched")
_HEADER = ("bank_txn", "invoice_id", "amount", "currency", "rule", "confidence", "status", "note", "counterparty",
           "reason")


def _rows(result) -> dict[str, list[list]]:
    rows: dict[str, list[list]] = {name: [] for name in _SHEETS}
    for m in result.matches:
        sheet = "suggested" if m.status == "suggested" else "matched"  # auto, or manual (by a person)
        rows[sheet].append([m.bank_txn, m.invoice_id, plain_amount(m.amount, m.currency), m.currency, m.rule,
                            m.confidence, m.status, m.note, "", ""])
    for u in (*result.unmatched, *result.excess):
        rows["unmatched"].append([u.bank_txn, "", plain_amount(u.amount, u.currency), u.currency, "", "", "", "",
                                  u.counterparty, u.reason])
    return rows


def write_matches(path: Path, result) -> None:
    """matches.xlsx with the sheets matched, suggested and unmatched; or one CSV with a `sheet` column."""
    from arctl.render.output import write_output

    rows = _rows(result)
    write_output(path, lambda temporary: _write_matches(temporary, path.suffix.lower(), rows))


def _write_matches(path: Path, suffix: str, rows) -> None:
    if suffix == ".xlsx":
        from decimal import Decimal

        from openpyxl import Workbook

        workbook = Workbook()
        workbook.remove(workbook.active)
        for name in _SHEETS:
            sheet = workbook.create_sheet(name)
            sheet.append(list(_HEADER))
            for row in rows[name]:
                # amounts go in as exact decimals, shown with two decimals; never through a float
                sheet.append([Decimal(row[2]) if i == 2 else _safe_cell(v) for i, v in enumerate(row)])
            sheet.freeze_panes = "A2"
        workbook.save(path)
        return
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sheet", *_HEADER])
        for name in _SHEETS:
            for row in rows[name]:
                writer.writerow([name, *(_safe_cell(v) for v in row)])


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    return csv_cell(value)
