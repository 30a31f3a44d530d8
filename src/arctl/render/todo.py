"""`arctl todo` output: the terminal tables (grouped by kind), the JSON document, and the list as XLSX or CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from arctl.errors import UsageError
from arctl.model import csv_cell
from arctl.money import format_money, plain_amount
from arctl.render.safe_text import escape

COLUMNS = ("kind", "customer_id", "customer_name", "subject", "amount", "currency", "since", "why", "command",
           "candidates")
SUFFIXES = (".json", ".xlsx", ".csv")


def todo_json(todo: Any) -> dict:
    """The document of `arctl todo --json` (README, "What needs a person")."""
    return {"as_of": todo.as_of.isoformat(), "counts": todo.counts_by_kind(), "total": len(todo.items),
            "items": [_item_json(item) for item in todo.items]}


def _item_json(item: Any) -> dict:
    return {"kind": item.kind, "customer_id": item.customer_id or None, "customer_name": item.customer_name or None,
            "subject": item.subject,
            "amount": None if item.amount is None else plain_amount(item.amount, item.currency),
            "currency": item.currency or None, "since": item.since.isoformat() if item.since else None,
            "why": item.why, "command": item.command, "candidates": list(item.candidates)}


def print_todo(console: Console, todo: Any, titles: dict[str, str], locale: str) -> None:
    """One table per kind that has items, titled with its count, then a line with the counts."""
    counts = todo.counts_by_kind()
    if not todo.items:
        console.print(f"nothing waits for a person as of {todo.as_of.isoformat()}")
        return
    for kind, count in counts.items():
        if not count:
            continue
        table = Table(title=f"{titles[kind]} ({count})", title_justify="left", title_style="bold")
        for column in ("since", "customer", "about", "amount", "why", "command"):
            table.add_column(column, justify="right" if column == "amount" else "left", overflow="fold",
                             style="cyan" if column == "command" else None)
        for item in todo.of_kind(kind):
            customer = " ".join(part for part in (item.customer_id, item.customer_name) if part)
            table.add_row(item.since.isoformat() if item.since else "", escape(customer), escape(item.subject),
                          "" if item.amount is None else format_money(item.amount, item.currency, locale),
                          escape(item.why), escape(item.command))
        console.print(table)
    listed = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
    console.print(f"[bold]{len(todo.items)} item(s) wait for a person[/bold] as of {todo.as_of.isoformat()}: {listed}")


def write_todo(todo: Any, path: Path, locale: str = "en_GB") -> int:
    """Write the list to FILE.json, FILE.xlsx or FILE.csv; returns the items written. No text cell is ever read
    as a formula: CSV cells get csv_cell's apostrophe, XLSX cells are written as strings explicitly."""
    from arctl.render.output import write_output, write_text_output

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"-o {path}: expected a .json, .xlsx or .csv file", hint="e.g. -o reports/todo.xlsx")
    if suffix == ".json":
        write_text_output(path, json.dumps(todo_json(todo), ensure_ascii=False, indent=2) + "\n")
    elif suffix == ".xlsx":
        write_output(path, lambda temporary: _write_xlsx(temporary, todo))
    else:
        write_output(path, lambda temporary: _write_csv(temporary, todo, locale))
    return len(todo.items)


def _texts(item: Any) -> list[str]:
    """The text cells of an item, in COLUMNS order without amount and since."""
    return [item.kind, item.customer_id, item.customer_name, item.subject, item.currency, item.why, item.command,
            " ".join(item.candidates)]


def _write_csv(path: Path, todo: Any, locale: str) -> None:
    from arctl.money import decimal_symbol

    comma = decimal_symbol(locale) == ","
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if comma else ",")
        writer.writerow(COLUMNS)
        for item in todo.items:
            amount = "" if item.amount is None else plain_amount(item.amount, item.currency)
            kind, customer, name, subject, currency, why, command, candidates = (csv_cell(v) for v in _texts(item))
            writer.writerow([kind, customer, name, subject, amount.replace(".", ",") if comma else amount, currency,
                             item.since.isoformat() if item.since else "", why, command, candidates])


def _write_xlsx(path: Path, todo: Any) -> None:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from arctl.money import currency_decimals

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "todo"
    sheet.append(list(COLUMNS))
    for number, item in enumerate(todo.items, start=2):
        kind, customer, name, subject, currency, why, command, candidates = _texts(item)
        values = [kind, customer, name, subject, None, currency, item.since, why, command, candidates]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(number, column)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = "s"   # a string, also when it starts with "=": never a formula
            elif value is not None:
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
        if item.amount is not None:
            # an exact decimal, never through a float
            amount = sheet.cell(number, 5, Decimal(plain_amount(item.amount, item.currency)))
            places = currency_decimals(item.currency)
            amount.number_format = "#,##0." + "0" * places if places else "#,##0"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(todo.items) + 1, 1)}"
    for letter, width in zip("ABCDEFGHIJ", (18, 12, 28, 34, 12, 9, 11, 70, 60, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
