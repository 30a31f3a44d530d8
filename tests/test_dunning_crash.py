"""A dunning run that fails at any point — while writing its documents, or after any number of recorded
actions — leaves no action recorded without its document and none recorded twice; the next run completes
what is due, and the outbox ends byte for byte as an uninterrupted run leaves it."""

from __future__ import annotations

import random
import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.deliver import outbox
from arctl.state.store import Store
from arctl.workflows import running
from outbox_check import outbox_agrees_with_state
from state_check import state_rows

pytestmark = [pytest.mark.state, pytest.mark.sqlite_only(
    "copies a workspace folder with its state in it; reliability/kill_loop.py kills runs on both back ends")]

AS_OF = "2026-11-26"


class SimulatedCrash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def make_workspace(root: Path) -> None:
    (root / "exports").mkdir(parents=True)
    rows = ["Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due"]
    rng = random.Random(7)
    for n in range(600):
        customer = f"K{n % 200:03d}"
        due = f"2026-{rng.randint(8, 11):02d}-{rng.randint(1, 18):02d}"
        amount = rng.randint(50, 5000)
        rows.append(f"2026-{n:04d},{customer},Klant {customer} BV,2026-07-01,{due},EUR,{amount}.00,"
                    f"{rng.randint(10, amount)}.00")
    (root / "exports" / "open_invoices.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    customers = ["Customer ID,Name,Email,Phone"] + [
        f"K{c:03d},Klant K{c:03d} BV,{'' if c % 9 == 0 else f'boekhouding@k{c:03d}.example.be'},+32 3 000 00 {c:02d}"
        for c in range(200)]
    (root / "exports" / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8")
    (root / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE, iban: BE05068123456775}
        dunning: {email_pdf: false}   # ~180 e-mails a run, killed and rerun: each without a PDF keeps this quick
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """), encoding="utf-8")
    assert arctl(root, "import", "--as-of", AS_OF).exit_code == 0


def arctl(root: Path, *args: str):
    return CliRunner().invoke(app, ["-w", str(root), *args])


def recorded(root: Path) -> tuple[list[tuple[str, str]], list[str]]:
    steps = state_rows(root, "SELECT i.invoice_id, a.step FROM dunning_items i "
                             "JOIN dunning_actions a ON a.id = i.action_id")
    documents = [row[0] for row in state_rows(root, "SELECT document FROM dunning_actions")]
    return [(invoice, step) for invoice, step in steps], documents


def outbox_files(root: Path) -> dict[str, bytes]:
    folder = root / "outbox"
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A workspace and what an uninterrupted run records and writes in it."""
    root = tmp_path_factory.mktemp("reference")
    pristine = root / "pristine"
    make_workspace(pristine)
    shutil.copytree(pristine, root / "uninterrupted")
    result = arctl(root / "uninterrupted", "dunning", "run", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return root


def crash_after_recording(monkeypatch, count: int) -> None:
    """Make the run die once `count` actions are recorded (the transactions before it committed)."""
    original = Store.record_actions
    done = {"actions": 0}

    def record_then_die(self, actions, as_of):
        room = count - done["actions"]
        if room < len(actions):
            original(self, actions[:room], as_of)
            raise SimulatedCrash(f"after {count} recorded actions")
        original(self, actions, as_of)
        done["actions"] += len(actions)

    monkeypatch.setattr(Store, "record_actions", record_then_die)


def crash_while_writing(monkeypatch, count: int) -> None:
    """Make the run die while writing its `count`+1-th document, before any of that batch is recorded."""
    original = outbox.write_atomically
    done = {"documents": 0}

    def write_then_die(path, data, *, sync=True):
        if done["documents"] == count:
            raise SimulatedCrash(f"while writing document {count + 1}")
        original(path, data, sync=sync)
        done["documents"] += 1

    monkeypatch.setattr(outbox, "write_atomically", write_then_die)


def check_nothing_lost_or_doubled(root: Path) -> None:
    steps, documents = recorded(root)
    assert len(steps) == len(set(steps)), "a step was recorded twice"
    for document in documents:
        for path in filter(None, document.split(";")):
            assert (root / path).is_file(), f"{path} recorded without its document"


@pytest.mark.parametrize("crash", [("recording", 0), ("recording", 1), ("recording", 49), ("recording", 50),
                                   ("recording", 120), ("writing", 0), ("writing", 75)])
def test_a_run_that_dies_completes_on_the_next_run_as_if_never_interrupted(reference, tmp_path, monkeypatch, crash):
    kind, count = crash
    crashed = tmp_path / "crashed"
    shutil.copytree(reference / "pristine", crashed)
    monkeypatch.setattr(running, "RECORD_BATCH", 50)  # several batches in a run of this size
    (crash_after_recording if kind == "recording" else crash_while_writing)(monkeypatch, count)

    with pytest.raises(SimulatedCrash):
        arctl(crashed, "dunning", "run", "--as-of", AS_OF)
    check_nothing_lost_or_doubled(crashed)
    monkeypatch.undo()
    result = arctl(crashed, "dunning", "run", "--as-of", AS_OF)

    assert result.exit_code == 0, result.output
    check_nothing_lost_or_doubled(crashed)
    assert outbox_agrees_with_state(crashed)
    assert sorted(recorded(crashed)[0]) == sorted(recorded(reference / "uninterrupted")[0])
    assert outbox_files(crashed) == outbox_files(reference / "uninterrupted")


def test_the_crash_tests_run_covers_several_batches(reference):
    steps, documents = recorded(reference / "uninterrupted")

    assert len(documents) > 120, "the crash points above must fall inside the run"


def test_a_second_run_on_the_same_day_records_and_writes_nothing_more(reference, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(reference / "uninterrupted", again)
    before = (recorded(again), outbox_files(again))

    result = arctl(again, "dunning", "run", "--as-of", AS_OF, "--json")

    assert result.exit_code == 0, result.output
    assert '"customer_id"' not in result.stdout
    assert (recorded(again), outbox_files(again)) == before
