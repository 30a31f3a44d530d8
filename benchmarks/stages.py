"""The stages the harness measures that have no command of their own, each run as its own process:

    python benchmarks/stages.py read FILE            # the validated read into the canonical frame (read_export)
    python benchmarks/stages.py engine WORKSPACE DAY # the dunning engine alone on the workspace's open items
    python benchmarks/stages.py pdf WORKSPACE DAY N  # N of the day's documents as letters, one batch PDF
    python benchmarks/stages.py summary < OUTPUT      # the harness's summary of what a stage printed

Each prints one JSON line: the rows it produced and, for the engine, the seconds of the engine's own call (the
state read before it is not the engine's).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path


def read(path: Path) -> dict:
    from arctl.io.export import ReadOptions, read_export

    found = read_export(path, ReadOptions())
    frame = getattr(found, "frame", None)
    return {"rows": 0 if frame is None else len(frame), "kind": getattr(found, "kind", "")}


def engine(root: Path, day: dt.date) -> dict:
    from arctl.workflows.dunning import dunning_inputs
    from arctl.workflows.running import _decide_all, _read_law
    from arctl.workflows.workspace import load_workspace, open_store

    workspace = load_workspace(root, root, None)
    assert workspace is not None
    store = open_store(workspace)
    try:
        inputs = dunning_inputs(workspace, store, day)
        law = _read_law(inputs.plans, workspace)
        started = time.perf_counter()
        actions, skipped, _ = _decide_all(inputs, law, day)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    return {"rows": len(inputs.items), "actions": len(actions), "skipped": len(skipped), "seconds": seconds}


def pdf(root: Path, day: dt.date, count: int) -> dict:
    """The first `count` documents of the day's run rendered as HTML letters, joined into one HTML document
    (each letter's body in a section that starts a new page and is bookmarked by its name, the letters' own
    style sheet once: the shipped letters share one) and printed by WeasyPrint as one PDF. Prints its pages
    and the seconds of the joining and printing (not of deciding the actions)."""
    import io
    import re

    from pypdf import PdfReader

    from arctl.model import action_name
    from arctl.render import dunning as documents
    from arctl.render.pdf import letter_pdf
    from arctl.workflows.dunning import dunning_inputs
    from arctl.workflows.running import _company, _decide_all, _read_law
    from arctl.workflows.workspace import load_workspace, open_store

    workspace = load_workspace(root, root, None)
    assert workspace is not None
    store = open_store(workspace)
    try:
        inputs = dunning_inputs(workspace, store, day)
        actions, _, _ = _decide_all(inputs, _read_law(inputs.plans, workspace), day)
    finally:
        store.close()
    env = documents.environment(workspace.root / "templates")
    company = _company(workspace)
    letters = []
    for action in [a for a in actions if a.channel not in ("phone", "person")][:count]:
        document = documents.document_for(action, inputs.contacts.get(action.customer_id), company, day,
                                          workspace.config.locale, env)
        name = action_name(action.customer_id, action.step, action.currency)
        letters.append((name, documents.render_letter(env, document).decode("utf-8")))
    started, cpu = time.perf_counter(), time.process_time()
    head = re.search(r"<head>.*?</head>", letters[0][1], re.DOTALL) if letters else None
    sections = [f'<section style="break-before: page; bookmark-level: 1; bookmark-label: \'{name}\'">'
                f'{match.group(1) if (match := re.search(r"<body>(.*)</body>", html, re.DOTALL)) else html}'
                "</section>" for name, html in letters]
    html = f"<!DOCTYPE html><html>{head.group(0) if head else ''}<body>{''.join(sections)}</body></html>"
    data = letter_pdf(html, (workspace.root,), dated=dt.date(2026, 11, 20))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"rows": len(PdfReader(io.BytesIO(data)).pages), "letters": len(letters), "seconds": seconds,
            "cpu_seconds": cpu}


def summary(printed: str) -> dict:
    """The scalars of the last JSON object a stage printed, and `documents`: how many documents its actions
    wrote (a dunning run's JSON lists them per action)."""
    text = printed.strip()
    try:
        found = json.loads(text) if text else {}
    except json.JSONDecodeError:
        found = {}
        for line in reversed(text.splitlines()):
            try:
                found = json.loads(line)
                break
            except json.JSONDecodeError:
                continue
    if not isinstance(found, dict):
        return {}
    kept = {key: value for key, value in found.items() if isinstance(value, (int, float, str, bool))}
    actions = found.get("actions")
    if isinstance(actions, list):
        kept["documents"] = sum(len(action.get("documents", [])) for action in actions)
    return kept


def main(argv: list[str]) -> int:
    name, *args = argv
    if name == "read":
        print(json.dumps(read(Path(args[0]))))
    elif name == "pdf":
        print(json.dumps(pdf(Path(args[0]), dt.date.fromisoformat(args[1]), int(args[2]))))
    elif name == "summary":
        print(json.dumps(summary(sys.stdin.read())))
    elif name == "engine":
        print(json.dumps(engine(Path(args[0]), dt.date.fromisoformat(args[1]))))
    else:
        print(f"unknown stage {name}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
