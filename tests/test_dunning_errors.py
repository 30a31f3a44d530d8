"""The dunning commands refuse wrong input with exit 2 and one clear line; status works on the demo."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME

pytestmark = pytest.mark.state

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "open_invoices.csv").write_text(textwrap.dedent("""\
        Invoice No.,Customer ID,Customer,Due Date,Currency,Amount Due
        2026-0042,K001,Bakkerij Peeters BV,2026-10-30,EUR,1210.00
        """), encoding="utf-8")
    (tmp_path / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
        """), encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "typo.yaml").write_text(textwrap.dedent("""\
        name: Typo
        steps:
          - id: friendly
            after_due: 7 dys
            channel: email
        """), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    assert CliRunner().invoke(app, ["import", "--as-of", "2026-11-20"]).exit_code == 0
    return tmp_path


@pytest.mark.parametrize(("args", "message"), [
    (("dunning", "run", "--as-of", "31/11/2026"), "--as-of 31/11/2026: not a date; write 2026-12-15 (ISO)"),
    (("dunning", "status", "--as-of", "yesterday"), "--as-of yesterday: not a date; write 2026-12-15 (ISO)"),
    (("explain", "2026-0042", "--as-of", "2026-13-01"), "--as-of 2026-13-01: not a date; write 2026-12-15"),
    (("dunning", "run", "--plan", "typo"), "steps[0].after_due"),
    (("dunning", "status", "--plan", "typo"), "7 dys"),
    (("explain", "2099-0001"), "no invoice '2099-0001'"),
])
def test_wrong_input_exits_2_with_one_clear_line(workspace, args, message):
    result = CliRunner().invoke(app, list(args))

    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [("dunning", "run"), ("dunning", "status"), ("explain", "2026-0042")])
def test_the_dunning_commands_need_a_workspace(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    result = CliRunner().invoke(app, list(args))

    assert result.exit_code == 2
    assert "needs a workspace" in result.stderr


def test_status_on_the_demo_shows_each_open_invoice_with_its_step_and_date(tmp_path, monkeypatch):
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns(".arctl", "outbox", "reports"))
    monkeypatch.chdir(copy)
    runner = CliRunner()
    assert runner.invoke(app, ["import", "--as-of", "2026-11-26"]).exit_code == 0

    result = runner.invoke(app, ["dunning", "status", "--as-of", "2026-11-26", "--json"])

    assert result.exit_code == 0, result.output
    invoices = json.loads(result.stdout)["invoices"]
    assert len(invoices) > 300
    assert all(i["next_step"] and i["next_step_date"] for i in invoices if i["paused"] is None)
