"""`arctl import` and the state store: idempotent imports, snapshot closures, versions and the lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.errors import StateError
from arctl.state.lock import WorkspaceLock
from state_check import state_execute

pytestmark = pytest.mark.state

HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due\n"


def invoice_rows(numbers):
    return "".join(f"2026-{n:04d},K{n % 7:03d},Klant {n % 7} BV,2026-10-01,2026-10-31,EUR,100.00,100.00\n"
                   for n in numbers)


def snapshot_workspace(root):
    """A workspace whose one source is a complete open-items snapshot, exports/open_invoices.csv."""
    (root / "exports").mkdir()
    (root / "arctl.yaml").write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
        """), encoding="utf-8")
    return root


@pytest.fixture
def workspace(tmp_path):
    return snapshot_workspace(tmp_path)


def write_snapshot(workspace, numbers, *, age_seconds=0):
    path = workspace / "exports" / "open_invoices.csv"
    path.write_text(HEADER + invoice_rows(numbers), encoding="utf-8")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def run(workspace, *args):
    result = CliRunner().invoke(app, ["-w", str(workspace), "import", "--as-of", "2026-11-26", "--json", *args])
    document = json.loads(result.stdout) if result.exit_code == 0 else None
    return result, document


def test_importing_the_same_file_twice_changes_nothing(workspace):
    write_snapshot(workspace, range(1, 11))
    first, _ = run(workspace)
    second, document = run(workspace)

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert document["imports"] == [{"path": "exports/open_invoices.csv", "outcome": "unchanged", "records": 0,
                                    "closed": 0}]
    assert document["state"]["open_invoices"] == 10


def test_a_newer_snapshot_closes_the_invoices_it_no_longer_lists(workspace):
    write_snapshot(workspace, range(1, 11), age_seconds=3600)
    run(workspace)
    write_snapshot(workspace, range(2, 11))

    result, document = run(workspace)

    assert result.exit_code == 0, result.output
    assert document["imports"][0]["closed"] == 1
    assert (document["state"]["open_invoices"], document["state"]["closed_invoices"]) == (9, 1)


def test_an_invoice_that_returns_in_a_later_snapshot_is_open_again(workspace):
    write_snapshot(workspace, range(1, 11), age_seconds=7200)
    run(workspace)
    write_snapshot(workspace, range(2, 11), age_seconds=3600)
    run(workspace)
    write_snapshot(workspace, range(1, 11))

    _, document = run(workspace)

    assert (document["state"]["open_invoices"], document["state"]["closed_invoices"]) == (10, 0)


def test_a_snapshot_closing_more_than_a_fifth_at_once_is_refused_as_truncated(workspace):
    write_snapshot(workspace, range(1, 11), age_seconds=3600)
    run(workspace)
    write_snapshot(workspace, range(1, 6))

    result, _ = run(workspace)

    assert result.exit_code == 3
    assert "would close 5 of 10 open invoices (50 %)" in result.stderr
    assert "--accept-closures" in result.stderr


def test_accept_closures_confirms_a_large_closure(workspace):
    write_snapshot(workspace, range(1, 11), age_seconds=3600)
    run(workspace)
    write_snapshot(workspace, range(1, 6))

    result, document = run(workspace, "--accept-closures")

    assert result.exit_code == 0, result.output
    assert document["state"]["open_invoices"] == 5


def test_an_older_snapshot_imported_later_changes_nothing(workspace):
    write_snapshot(workspace, range(1, 11))
    run(workspace)
    write_snapshot(workspace, range(1, 4), age_seconds=86400)

    result, document = run(workspace)

    assert result.exit_code == 0, result.output
    assert document["imports"][0]["outcome"] == "older_snapshot"
    assert document["state"]["open_invoices"] == 10


def test_a_transaction_in_two_overlapping_statements_is_stored_once(workspace, real_fixture):
    write_snapshot(workspace, range(1, 3))
    statement = real_fixture("camt053/oca_abnamro-style_test-camt053.xml")
    copy = workspace / "exports" / "copy.xml"
    copy.write_bytes(statement.read_bytes() + b"\n")  # another file, the same transactions

    result = CliRunner().invoke(app, ["-w", str(workspace), "import", "--kind", "bank", "--json", str(statement),
                                      str(copy)])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [i["records"] for i in document["imports"]] == [4, 0]
    assert document["state"]["bank_lines"] == 4


def test_a_file_with_unusable_rows_imports_nothing_by_default(workspace):
    path = write_snapshot(workspace, range(1, 4))
    path.write_text(path.read_text(encoding="utf-8") + "2026-0009,K009,Klant 9 BV,2026-10-01,31-31-2026,EUR,5.00,"
                    "5.00\n", encoding="utf-8")

    result, _ = run(workspace)

    assert result.exit_code == 3
    assert "nothing imported" in result.stderr and ":5:" in result.stderr


def test_on_error_skip_imports_the_usable_rows_and_says_how_many_were_left(workspace):
    path = write_snapshot(workspace, range(1, 4))
    path.write_text(path.read_text(encoding="utf-8") + "2026-0009,K009,Klant 9 BV,2026-10-01,31-31-2026,EUR,5.00,"
                    "5.00\n", encoding="utf-8")

    result, document = run(workspace, "--on-error", "skip")

    assert result.exit_code == 0, result.output
    assert document["state"]["open_invoices"] == 3
    assert [s["row"] for s in document["skipped"]] == [5]


def test_import_needs_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)

    result = CliRunner().invoke(app, ["import"])

    assert result.exit_code == 2
    assert "needs a workspace" in result.stderr


def test_a_state_database_newer_than_the_program_is_refused_with_exit_4(workspace):
    write_snapshot(workspace, range(1, 3))
    run(workspace)
    state_execute(workspace, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    write_snapshot(workspace, range(1, 4))

    result, _ = run(workspace)

    assert result.exit_code == 4
    assert "schema version 99, newer than this arctl understands" in result.stderr


@pytest.mark.sqlite_only("a state.url naming another SQLite file")
def test_the_state_lives_in_the_configured_database(workspace, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("db") / "arctl.sqlite"
    config = workspace / "arctl.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"state:\n  url: sqlite:///{elsewhere}\n",
                      encoding="utf-8")
    write_snapshot(workspace, range(1, 3))

    result, _ = run(workspace)

    assert result.exit_code == 0, result.output
    assert elsewhere.exists()
    assert not (workspace / ".arctl" / "state.sqlite").exists()


HOLD_LOCK = """
import datetime as dt, sys, time
from pathlib import Path
from arctl.state.lock import WorkspaceLock
with WorkspaceLock(Path(sys.argv[1]), command="arctl import", now=lambda: dt.datetime(2026, 11, 20, 9, 0)):
    print("locked", flush=True)
    time.sleep(60)
"""


def lock(folder, wait_seconds):
    return WorkspaceLock(folder, command="arctl reconcile", now=lambda: dt.datetime(2026, 11, 20, 9, 5),
                         wait_seconds=wait_seconds)


def hold_lock(folder):
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "locked"
    return process


def test_a_second_writer_waits_then_names_the_holder(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        with (pytest.raises(StateError, match=rf"in use by arctl \(pid {holder.pid} on .*, running `arctl import` "
                                              r"since 2026-11-20T09:00:00\)"),
              lock(tmp_path, wait_seconds=0.5)):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_process_is_free(tmp_path):
    holder = hold_lock(tmp_path)
    holder.kill()  # SIGKILL: no handler, no cleanup; only the operating system can let go of the lock
    holder.wait()
    assert json.loads((tmp_path / "lock.holder").read_text())["pid"] == holder.pid  # what it left behind

    with lock(tmp_path, wait_seconds=0) as held:  # free at once, not after waiting for a stale lock to expire
        assert held.path.exists()
        assert json.loads(held.holder_path.read_text())["pid"] == os.getpid()


def test_a_file_system_that_cannot_lock_is_refused_rather_than_locked_by_file_existence(tmp_path, monkeypatch):
    import errno

    from arctl.state import lock as lock_module

    def no_flock(self, *args, **kwargs):
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(lock_module._OsFileLock, "acquire", no_flock)

    with (pytest.raises(StateError, match="the file system of the workspace cannot lock files"),
          lock(tmp_path, wait_seconds=0.5)):
        pass


def test_import_exits_4_while_another_run_holds_the_workspace(workspace, monkeypatch):
    write_snapshot(workspace, range(1, 3))
    (workspace / ".arctl").mkdir()
    holder = hold_lock(workspace / ".arctl")
    original = WorkspaceLock.__init__

    def quick(self, folder, *, command, now, wait_seconds=0.5, poll_seconds=0.1, state_url=None):
        original(self, folder, command=command, now=now, wait_seconds=0.5, poll_seconds=poll_seconds,
                 state_url=state_url)

    monkeypatch.setattr(WorkspaceLock, "__init__", quick)
    try:
        result, _ = run(workspace)
    finally:
        holder.kill()
        holder.wait()

    assert result.exit_code == 4
    assert "the workspace is in use by arctl" in result.stderr
