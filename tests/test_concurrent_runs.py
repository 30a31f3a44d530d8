"""Two runs started at the same moment on one workspace: one does the work; the other waits for the lock and
then finds nothing new to do, or gives up after its wait and exits 4 naming the holder. Never both."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from outbox_check import outbox_agrees_with_state
from state_check import state_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
import workspace as generated  # noqa: E402

pytestmark = pytest.mark.state

DAY = generated.DAYS[-1]


@pytest.fixture
def imported(tmp_path, new_state_url):
    """The kill loop's workspace as it stands on its last day, imported and reconciled, its state named in
    arctl.yaml (so that the processes started below find it on either back end)."""
    root = tmp_path / "ws"
    root.mkdir()
    generated.write(root, DAY, 60, seed=7, extra_config=f"state:\n  url: {new_state_url()}\n")
    for command in (["import", "--as-of", DAY.isoformat(), "--accept-closures"], ["reconcile"]):
        result = CliRunner().invoke(app, ["-w", str(root), *command])
        assert result.exit_code in (0, 1), result.output
    return root


def start(root: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "arctl", "-w", str(root), "dunning", "run", "--as-of",
                             DAY.isoformat(), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_dunning_runs_started_at_once_never_both_do_the_work(imported):
    first, second = start(imported), start(imported)
    outcomes = [(p.returncode, out, err) for p in (first, second) for out, err in [p.communicate(timeout=300)]]

    assert all(code in (0, 4) for code, _, _ in outcomes), outcomes
    reported = [len(json.loads(out)["actions"]) for code, out, _ in outcomes if code == 0]
    recorded = state_rows(imported, "SELECT as_of, customer_id, step, channel, currency FROM dunning_actions")
    assert recorded and len(recorded) == len(set(recorded))          # work was done, and none of it twice
    assert sorted(reported, reverse=True)[0] == len(recorded)        # by one run alone ...
    assert sum(reported) == len(recorded)                            # ... the other found nothing new
    assert all("in use by arctl" in err for code, _, err in outcomes if code == 4)
    assert outbox_agrees_with_state(imported)
