"""Names that come from files (a plan's template and segment plans) cannot reach outside the workspace's plans/
and templates/ folders, whatever they say."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from arctl.cli import app

ESCAPES = ["../../../../etc/passwd", "/etc/passwd", "..\\..\\windows\\win.ini", "CON", "friendly/../../../x"]


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    return tmp_path


def write_plan(root, name: str, text: str) -> None:
    (root / "plans" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_plan_naming_a_template_outside_the_templates_is_refused(workspace, escape):
    write_plan(workspace, "evil", f"""\
        name: Evil
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
            template: '{escape}'
        """)

    result = CliRunner().invoke(app, ["plan", "check", "evil"])

    assert result.exit_code == 2
    assert "plans/evil.yaml" in result.stderr and "root:" not in result.output   # nothing of /etc/passwd shown


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_segment_naming_a_plan_outside_plans_is_refused(workspace, escape):
    write_plan(workspace, "evil", f"""\
        name: Evil
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
            template: friendly
        segments:
          - match: {{segment: key}}
            plan: '{escape}'
        """)

    result = CliRunner().invoke(app, ["plan", "check", "evil"])

    assert result.exit_code == 2
    assert "segments[0].plan" in result.stderr and "root:" not in result.output
