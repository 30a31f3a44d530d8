"""`outbox_agrees_with_state(workspace)`: the promise "recorded means written, written means recorded", checked
on a workspace's files. Every recorded step has its document (a file, or its row on the day's call list), every
document and call-list row has its recorded step, no step is recorded twice, and no temporary file is left."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from state_check import state_rows


def _recorded(root: Path) -> list[tuple]:
    return state_rows(root, "SELECT as_of, customer_id, step, channel, currency, document FROM dunning_actions")


def disagreements(workspace: Path) -> list[str]:
    """Every way the outbox and the state of `workspace` disagree; empty when they agree."""
    problems = []
    actions = _recorded(workspace)
    keys = [row[:5] for row in actions]
    problems += [f"recorded twice: {key}" for key in sorted({k for k in keys if keys.count(k) > 1})]
    named: set[str] = set()
    calls: dict[str, list[tuple[str, str, str]]] = {}
    for _as_of, customer, step, channel, currency, document in actions:
        for part in filter(None, document.split(";")):
            named.add(part)
            if not (workspace / part).is_file():
                problems.append(f"{customer} {step} recorded without its document {part}")
            if channel == "phone":
                calls.setdefault(part, []).append((customer, step, currency))
    outbox = workspace / "outbox"
    files = sorted(p for p in outbox.rglob("*") if p.is_file()) if outbox.is_dir() else []
    for path in files:
        shown = str(path.relative_to(workspace))
        if path.name.startswith("."):
            problems.append(f"temporary file left: {shown}")
        elif path.name == "call-list.csv":
            text = path.read_text(encoding="utf-8")
            header = text.split("\n", 1)[0]
            delimiter = ";" if header.count(";") > header.count(",") else ","   # the locale's dialect
            rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
            listed = [(r["customer_id"].removeprefix("'"), r["step"], r["currency"]) for r in rows]
            expected = calls.get(shown, [])
            problems += [f"{shown}: call {key} listed without its recorded step" for key in listed
                         if key not in expected]
            problems += [f"{shown}: recorded call {key} missing from the list" for key in expected
                         if key not in listed]
            problems += [f"{shown}: call {key} listed twice" for key in set(listed) if listed.count(key) > 1]
        elif path.parent.name == "print" and path.name in ("letters.pdf", "registered-letters.pdf"):
            continue   # the day's recorded letters combined to print: derived from them, not recorded itself
        elif shown not in named:
            problems.append(f"document without its recorded step: {shown}")
    return problems


def outbox_agrees_with_state(workspace: Path) -> bool:
    """True when the outbox and the state of `workspace` agree; an AssertionError listing how they do not, else."""
    problems = disagreements(workspace)
    assert not problems, "outbox and state disagree:\n" + "\n".join(problems)
    return True
