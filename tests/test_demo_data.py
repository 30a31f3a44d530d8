"""The demo exports are generated, deterministically, by examples/generate.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_the_committed_demo_exports_are_what_the_generator_makes(tmp_path):
    subprocess.run([sys.executable, str(EXAMPLES / "generate.py"), str(tmp_path)], check=True,
                   capture_output=True)
    exports = EXAMPLES / "demo" / "exports"
    committed_files = sorted(path for path in exports.rglob("*") if path.is_file())
    assert {path.relative_to(exports).as_posix() for path in committed_files} >= {"bank/statement-2026-11.xml"}
    for committed in committed_files:
        name = committed.relative_to(exports)
        assert (tmp_path / "exports" / name).read_bytes() == committed.read_bytes(), str(name)


def test_scaling_the_demo_multiplies_the_invoices(tmp_path):
    subprocess.run([sys.executable, str(EXAMPLES / "generate.py"), str(tmp_path), "--scale", "3"], check=True,
                   capture_output=True)
    lines = (tmp_path / "exports" / "openstaande_posten.csv").read_bytes().count(b"\r\n")
    assert lines > 3 * 300
