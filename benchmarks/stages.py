"""The stages the harness measures that have no command of their own, each run as its own process:

    python benchmarks/stages.py read FILE            # the validated read into the canonical frame (read_export)
    python benchmarks/stages.py engine WORKSPACE DAY # the dunning engine alone on the workspace's open items

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


def main(argv: list[str]) -> int:
    name, *args = argv
    if name == "read":
        print(json.dumps(read(Path(args[0]))))
    elif name == "engine":
        print(json.dumps(engine(Path(args[0]), dt.date.fromisoformat(args[1]))))
    else:
        print(f"unknown stage {name}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
