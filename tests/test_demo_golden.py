"""The documents `make demo` writes are golden files: reviewed once, compared byte for byte on every run.

`pytest --update-golden` rewrites them from the current code; review the diff before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from arctl.cli import app

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "examples" / "demo"
GOLDEN = REPO / "tests" / "golden" / "demo-outbox"


def run_demo(tmp_path: Path, monkeypatch) -> Path:
    """The steps of `make demo` on a copy of the demo workspace; returns the copy's outbox."""
    workspace = tmp_path / "demo"
    shutil.copytree(DEMO, workspace, ignore=shutil.ignore_patterns(".arctl", "outbox", "reports"))
    monkeypatch.chdir(workspace)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    for command in (["check"], ["import", "--as-of", "2026-11-26"], ["reconcile"],
                    ["dunning", "run", "--as-of", "2026-11-26"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, f"arctl {' '.join(command)}: {result.output}"
    return workspace / "outbox"


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_demo_documents_equal_their_golden_files(tmp_path, monkeypatch, request):
    written = files_under(run_demo(tmp_path, monkeypatch))
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in written.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    golden = files_under(GOLDEN)

    assert sorted(written) == sorted(golden), "the demo wrote other documents than the golden ones"
    changed = [name for name in golden if written[name] != golden[name]]
    assert not changed, f"documents differ from tests/golden/demo-outbox (pytest --update-golden to review): {changed}"


def test_a_letter_names_the_company_once_with_its_legal_form():
    letter = (GOLDEN / "2026-11-26" / "K0043-monthly-statement-EUR.html").read_text(encoding="utf-8")

    assert "<strong>Voorbeeld BV</strong>" in letter and "BV BV" not in letter
