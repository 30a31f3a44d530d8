"""A dunning run killed at any moment leaves no step recorded without its document and none counted twice;
the next run completes what is due, exactly as an uninterrupted run would."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import create_engine, text

from arctl.config import CONFIG_NAME

AS_OF = "2026-11-26"


def make_workspace(root):
    (root / "exports").mkdir(parents=True)
    rows = ["Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due"]
    rng = random.Random(7)
    for n in range(2000):
        customer = f"K{n % 600:03d}"
        due = f"2026-{rng.randint(8, 11):02d}-{rng.randint(1, 18):02d}"
        amount = rng.randint(50, 5000)
        rows.append(f"2026-{n:04d},{customer},Klant {customer} BV,2026-07-01,{due},EUR,{amount}.00,"
                    f"{rng.randint(10, amount)}.00")
    (root / "exports" / "open_invoices.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    customers = ["Customer ID,Name,Email,Phone"] + [
        f"K{c:03d},Klant K{c:03d} BV,{'' if c % 9 == 0 else f'boekhouding@k{c:03d}.example.be'},+32 3 000 00 {c:02d}"
        for c in range(600)]
    (root / "exports" / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8")
    (root / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE, iban: BE05068123456775}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """), encoding="utf-8")
    imported = arctl(root, "import", "--as-of", AS_OF)
    assert imported.returncode == 0, imported.stderr


def arctl(root, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "arctl", "-w", str(root), *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def recorded(root):
    engine = create_engine(f"sqlite:///{root / '.arctl' / 'state.sqlite'}")
    with engine.connect() as connection:
        steps = connection.execute(text(
            "SELECT i.invoice_id, a.step FROM dunning_items i JOIN dunning_actions a ON a.id = i.action_id")).all()
        documents = [row[0] for row in connection.execute(text("SELECT document FROM dunning_actions")).all()]
    engine.dispose()
    return steps, documents


@pytest.mark.slow
def test_a_run_killed_at_random_moments_never_records_a_step_twice_or_without_its_document(tmp_path):
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    make_workspace(reference)
    shutil.copytree(reference, crashed)
    started = time.perf_counter()
    assert arctl(reference, "dunning", "run", "--as-of", AS_OF).returncode == 0
    duration = time.perf_counter() - started
    expected, _ = recorded(reference)
    assert expected, "the reference run must have something to do"

    rng = random.Random(20261126)
    progress = []
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-m", "arctl", "-w", str(crashed), "dunning", "run", "--as-of",
                                    AS_OF], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 1.0) * duration)  # somewhere in the run, start-up included
        process.send_signal(signal.SIGKILL)
        process.wait()
        steps, documents = recorded(crashed)
        progress.append(len(steps))
        assert len(steps) == len(set(steps)), "a step was recorded twice"
        for document in documents:
            for path in filter(None, document.split(";")):
                assert (crashed / path).is_file(), f"{path} recorded without its document"
        leftovers = [p.name for p in (crashed / "outbox").rglob(".*")] if (crashed / "outbox").exists() else []
        assert all(name.startswith(".") for name in leftovers)  # only temporary names, never a half final file

    print(f"steps recorded after each kill: {progress} of {len(expected)}")
    assert any(0 < count < len(expected) for count in progress), "no kill landed in the middle of a run"
    assert arctl(crashed, "dunning", "run", "--as-of", AS_OF).returncode == 0
    steps, _ = recorded(crashed)
    assert sorted(steps) == sorted(expected)
    assert arctl(crashed, "dunning", "run", "--as-of", AS_OF, "--json").stdout.count('"customer_id"') == 0
