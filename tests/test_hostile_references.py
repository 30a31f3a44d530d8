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


def plan_check(root, *, template: str = "friendly", segment_plan: str | None = None):
    """`arctl plan check evil` on a one-step plan naming `template`, with a segment naming `segment_plan`."""
    segments = f"segments:\n  - match: {{segment: key}}\n    plan: '{segment_plan}'\n" if segment_plan else ""
    (root / "plans" / "evil.yaml").write_text(textwrap.dedent(f"""\
        name: Evil
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
            template: '{template}'
        """) + segments, encoding="utf-8")
    return CliRunner().invoke(app, ["plan", "check", "evil"])


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_plan_naming_a_template_outside_the_templates_is_refused(workspace, escape):
    result = plan_check(workspace, template=escape)

    assert result.exit_code == 2
    assert "plans/evil.yaml" in result.stderr and "root:" not in result.output   # nothing of /etc/passwd shown


@pytest.mark.parametrize("escape", ESCAPES)
def test_a_segment_naming_a_plan_outside_plans_is_refused(workspace, escape):
    result = plan_check(workspace, segment_plan=escape)

    assert result.exit_code == 2
    assert "segments[0].plan" in result.stderr and "root:" not in result.output


def test_the_plan_these_tests_write_is_valid_when_nothing_escapes(workspace):
    assert plan_check(workspace).exit_code == 0
