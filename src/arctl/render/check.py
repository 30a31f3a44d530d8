"""`arctl check` output: a rich report for people and the JSON document of CLI.md.

Each read comes with its totals per currency, computed by reports/ (CurrencyTotal for invoices, BankTotal for
bank lines, none for customers): this module only writes them."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from arctl.model import BankTotal, CurrencyTotal, LayoutAnswer
from arctl.money import format_money, plain_amount
from arctl.render.safe_text import escape


def _bank_totals_json(totals: list[BankTotal]) -> list[dict]:
    return [{"currency": t.currency, "credits": plain_amount(t.credits, t.currency),
             "debits": plain_amount(t.debits, t.currency), "amount": plain_amount(t.amount, t.currency)}
            for t in totals]


def _only_bank(totals: list[CurrencyTotal] | list[BankTotal]) -> list[BankTotal]:
    """The totals of a bank read (the list holds BankTotal only)."""
    return [t for t in totals if isinstance(t, BankTotal)]


def _only_invoices(totals: list[CurrencyTotal] | list[BankTotal]) -> list[CurrencyTotal]:
    """The totals of an invoice read (the list holds CurrencyTotal only)."""
    return [t for t in totals if isinstance(t, CurrencyTotal)]


def _bank_entry(read, totals: list[BankTotal]) -> dict:
    errors = sum(1 for f in read.findings if f.severity == "error")
    return {
        "path": str(read.path), "kind": "bank", "profile": read.format, "format": read.format,
        "rows": len(read.frame) + errors, "valid_rows": len(read.frame), "transactions": len(read.frame),
        "statements": read.statements,
        "totals": _bank_totals_json(totals),
        "balances": [{"account": b.account, "kind": b.kind, "date": b.date.isoformat() if b.date else None,
                      "currency": b.currency, "amount": plain_amount(b.amount, b.currency)} for b in read.balances],
        "notices": read.notices,
        "problems": [{"row": f.row, "column": f.column, "field": f.field, "value": f.value, "message": f.message,
                      "severity": f.severity} for f in read.findings],
    }


def _is_bank(read) -> bool:
    return hasattr(read, "balances") or getattr(read, "kind", "") == "bank"


def check_json(reads: list, totals: list[list[CurrencyTotal] | list[BankTotal]]) -> dict:
    """The CLI.md document for a list of io ExportRead / BankRead results and the totals of each."""
    files = []
    for read, read_totals in zip(reads, totals, strict=True):
        if _is_bank(read):
            files.append(_bank_entry(read, _only_bank(read_totals)) if hasattr(read, "balances")
                         else _bank_entry_from_export(read, _only_bank(read_totals)))
            continue
        entry = {
            "path": str(read.path), "kind": read.kind, "profile": read.profile.name,
            "detected": {k: v for k, v in read.detected.items() if v},
            "columns": read.mapping, "rows": read.rows, "valid_rows": read.valid_rows,
        }
        if read.kind == "invoices":
            entry["invoices"] = len(read.frame)
            entry["left_out"] = read.left_out
            entry["totals"] = [{"currency": t.currency, "amount": plain_amount(t.amount, t.currency),
                                "open_amount": plain_amount(t.open_amount, t.currency), "invoices": t.invoices}
                               for t in _only_invoices(read_totals)]
        else:
            entry["customers"] = len(read.frame)
            entry["totals"] = []
        entry["notices"] = read.notices
        entry["problems"] = [{"row": f.row, "column": f.column, "field": f.field, "value": f.value,
                              "message": f.message, "severity": f.severity} for f in read.findings]
        files.append(entry)
    return {"files": files}


def _bank_entry_from_export(read, totals: list[BankTotal]) -> dict:
    entry = {"path": str(read.path), "kind": "bank", "profile": read.profile.name,
             "detected": {k: v for k, v in read.detected.items() if v}, "columns": read.mapping,
             "rows": read.rows, "valid_rows": read.valid_rows, "transactions": len(read.frame)}
    entry["totals"] = _bank_totals_json(totals)
    entry["notices"] = read.notices
    entry["problems"] = [{"row": f.row, "column": f.column, "field": f.field, "value": f.value,
                          "message": f.message, "severity": f.severity} for f in read.findings]
    return entry


def print_bank(console: Console, read, totals: list[BankTotal], locale: str, limit: int) -> None:
    name = read.format if hasattr(read, "balances") else f"profile {read.profile.name}"
    errors = sum(1 for f in read.findings if f.severity == "error")
    console.print(f"[bold]{escape(str(read.path))}[/bold]: bank statement, {escape(name)}")
    statements = f"{read.statements} statement(s), " if getattr(read, "statements", 0) else ""
    console.print(f"  {statements}{len(read.frame)} transactions" + (f", {errors} unusable" if errors else ""))
    if len(read.frame):
        table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 2))
        for column in ("currency", "lines", "credits", "debits", "net"):
            table.add_column(column, justify="left" if column == "currency" else "right")
        for t in totals:
            table.add_row(t.currency, str(t.lines), format_money(t.credits, t.currency, locale),
                          format_money(t.debits, t.currency, locale), format_money(t.amount, t.currency, locale))
        console.print(table)
    for notice in read.notices:
        console.print(f"  [yellow]note:[/yellow] {escape(notice)}")
    _print_findings(console, read.findings, limit)
    console.print()


def _print_findings(console: Console, findings, limit: int) -> None:
    if not findings:
        console.print("  [green]no problems[/green]")
        return
    shown = findings if limit <= 0 else findings[:limit]
    problems = Table(title=f"{len(findings)} problem(s)", title_justify="left")
    problems.add_column("row, column")
    problems.add_column("value")
    problems.add_column("problem")
    for finding in shown:
        style = "red" if finding.severity == "error" else "yellow"
        where = f"row {finding.row}" if finding.row is not None else "file"
        problems.add_row(escape(f"{where}, {finding.column}" if finding.column else where),
                         escape(finding.value or ""), f"[{style}]{escape(finding.message)}[/{style}]")
    console.print(problems)
    if len(shown) < len(findings):
        console.print(f"  … and {len(findings) - len(shown)} more (--limit 0 or --json shows all)")


def print_check(console: Console, reads: list, totals: list[list[CurrencyTotal] | list[BankTotal]], locale: str,
                limit: int) -> None:
    for read, read_totals in zip(reads, totals, strict=True):
        if _is_bank(read):
            print_bank(console, read, _only_bank(read_totals), locale, limit)
            continue
        detected = read.detected
        how = ", ".join(f"{k} {v!r}" if k in ("delimiter", "decimal") else f"{k} {v}" if k != "format" else v
                        for k, v in detected.items() if v)
        console.print(f"[bold]{escape(str(read.path))}[/bold]: {read.kind}, profile "
                      f"[cyan]{escape(read.profile.name)}[/cyan] ({escape(read.profile.title)})")
        console.print(f"  read as {escape(how)}")
        console.print("  columns: " + escape(", ".join(f"{c} ← {h!r}" for c, h in read.mapping.items())))
        counted = f"{len(read.frame)} invoices" if read.kind == "invoices" else f"{len(read.frame)} customers"
        left = f", {read.left_out} left out" if read.left_out else ""
        console.print(f"  rows {read.rows}, usable {read.valid_rows}; {counted}{left}")
        if read.kind == "invoices" and len(read.frame):
            table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 2))
            table.add_column("currency")
            table.add_column("invoices", justify="right")
            table.add_column("amount", justify="right")
            table.add_column("open amount", justify="right")
            for total in _only_invoices(read_totals):
                table.add_row(total.currency, str(total.invoices), format_money(total.amount, total.currency, locale),
                              format_money(total.open_amount, total.currency, locale))
            console.print(table)
        for notice in read.notices:
            console.print(f"  [yellow]note:[/yellow] {escape(notice)}")
        _print_findings(console, read.findings, limit)
        console.print()


def layout_json(answer: LayoutAnswer) -> dict:
    """The `layout` member of an unreadable file's entry in `check --json`: the unknown-layout answer."""
    return {"kind": answer.kind, "headers": list(answer.headers),
            "not_found_by_name": [g.column for g in answer.guesses if g.how != "known name"],
            "guesses": [{"column": g.column, "header": g.header or None, "how": g.how or None,
                         "required": g.required} for g in answer.guesses],
            "missing": list(answer.missing), "columns_block": answer.block}


def print_layout(console: Console, answer: LayoutAnswer) -> None:
    """The `check` answer for an export no profile reads: headers found, canonical columns still missing, the
    guesses, and a `sources:` entry with its `columns:` block, ready to paste into arctl.yaml."""
    console.print(f"[bold]{escape(answer.path)}[/bold]: no profile reads this layout; read as {answer.kind}")
    console.print("  headers found: " + escape(", ".join(answer.headers)))
    absent = [g for g in answer.guesses if g.how != "known name"]
    console.print("  canonical columns not found by name: " + escape(", ".join(
        g.column + (" (required)" if g.required else "") for g in absent) or "none"))
    guessed = [g for g in absent if g.header]
    if guessed:
        console.print("  guessed: " + escape(", ".join(f"{g.column} ← {g.header!r} (from the {g.how})"
                                                       for g in guessed)))
    console.print("  still missing: " + escape(", ".join(answer.missing) if answer.missing
                                                else "nothing required (check the guesses)"))
    console.print("  paste this under `sources:` in arctl.yaml"
                  + (", then fill in the lines marked MISSING:" if answer.missing else ":"))
    console.out("")
    console.out(answer.block, highlight=False, end="")
    console.out("")
