"""One fuzzing process: `python fuzz/child.py TARGET fuzz|replay [libFuzzer arguments]` (started by fuzz/run.py).

`fuzz` runs the target's fuzz form (fuzz/targets.py), its arctl code instrumented for coverage; `replay` runs
its replay form on the inputs of the folders given (with -runs=0: each once)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Only what is imported inside this block is instrumented, and the targets import arctl's modules when first
# called: every module of arctl.io and the parsers it uses are imported here, so that the fuzzer sees their code.
with atheris.instrument_imports(include=["arctl"]):
    from targets import TARGETS, stop_at_records

    import arctl.io
    import arctl.money
    import arctl.refs

    for module in pkgutil.walk_packages(arctl.io.__path__, "arctl.io."):
        importlib.import_module(module.name)


def main() -> None:
    target, mode = TARGETS[sys.argv[1]], sys.argv[2]
    if mode == "fuzz" and target.records_only:
        stop_at_records()
    atheris.Setup([sys.argv[0], *sys.argv[3:]], target.fuzz if mode == "fuzz" else target.replay)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
