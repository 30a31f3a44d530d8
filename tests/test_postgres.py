"""A team on one ledger: the state on a PostgreSQL server, its lock, and moving a workspace's state there.

These tests need a PostgreSQL server (tests/postgres_server.py starts a throwaway one); the whole state suite runs
on PostgreSQL with `make test-postgres`."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

import postgres_server
from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.state import schema
from arctl.state.copying import table_summary
from arctl.state.lock import WorkspaceLock
from state_check import state_engine, table_counts, use_state

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-09-01,2026-10-01,EUR,1210.00,1210.00
    2026-0043,K002,Garage Janssens NV,2026-09-05,2026-10-05,EUR,302.50,302.50
    2026-0044,K003,Drukkerij Maes BV,2026-10-20,2026-11-19,EUR,99.00,99.00
    """
CUSTOMERS = """\
    Customer ID,Name,Email,Phone
    K001,Bakkerij Peeters BV,boekhouding@peeters.example.be,+32 3 123 45 67
    K002,Garage Janssens NV,info@janssens.example.be,+32 9 234 56 78
    K003,Drukkerij Maes BV,facturen@maes.example.be,+32 2 345 67 89
    """


def make_workspace(root: Path, state_url: str | None = None) -> Path:
    (root / "exports").mkdir(parents=True)
    (root / "exports" / "open_invoices.csv").write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    (root / "exports" / "customers.csv").write_text(textwrap.dedent(CUSTOMERS), encoding="utf-8")
    (root / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775}
        dunning: {email_pdf: false}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """), encoding="utf-8")
    use_state(root, state_url)
    return root


def arctl(root: Path, *args: str):
    return CliRunner().invoke(app, ["-w", str(root), *args])


HOLD = """
import datetime as dt, sys, time
from pathlib import Path
from arctl.state.lock import WorkspaceLock
with WorkspaceLock(Path(sys.argv[1]), command="arctl dunning run", now=lambda: dt.datetime(2026, 11, 26, 9, 0),
                   state_url=sys.argv[2]):
    print("locked", flush=True)
    time.sleep(60)
"""


def hold(folder: Path, url: str) -> subprocess.Popen:
    """Another machine's arctl holding the state's lock: a process with a workspace folder of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), url], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


@contextmanager
def holding(folder: Path, url: str) -> Iterator[subprocess.Popen]:
    """`hold` for the time of the block."""
    process = hold(folder, url)
    try:
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def quick_lock(monkeypatch):
    """Wait half a second for a held lock instead of ten."""
    original = WorkspaceLock.__init__

    def quick(self, folder, *, command, now, wait_seconds=0.5, poll_seconds=0.1, state_url=None):
        original(self, folder, command=command, now=now, wait_seconds=0.5, poll_seconds=0.1, state_url=state_url)

    monkeypatch.setattr(WorkspaceLock, "__init__", quick)


def test_two_workspaces_naming_one_postgresql_state_never_run_at_once(tmp_path, postgres_url, quick_lock):
    mine = make_workspace(tmp_path / "mine", postgres_url)
    with holding(tmp_path / "colleague" / ".arctl", postgres_url) as holder:
        result = arctl(mine, "import", "--as-of", "2026-11-26")

    assert result.exit_code == 4, result.output
    assert (f"in use by arctl dunning run (pid {holder.pid} on {socket.gethostname()}) connected from"
            in result.stderr)
    assert "imports" not in inspect(create_engine(postgres_url)).get_table_names()   # nothing was done


def test_the_lock_of_a_process_that_died_frees_itself_on_the_server(tmp_path, postgres_url, quick_lock):
    mine = make_workspace(tmp_path / "mine", postgres_url)
    holder = hold(tmp_path / "colleague" / ".arctl", postgres_url)
    holder.kill()   # SIGKILL: no goodbye; the server ends its session and its lock
    holder.wait()

    result = arctl(mine, "import", "--as-of", "2026-11-26")

    assert result.exit_code == 0, result.output


def test_two_clients_states_on_one_server_are_locked_each_on_its_own(tmp_path, postgres_url, postgres_database,
                                                                     quick_lock):
    other_client = postgres_server.ensure_schema(postgres_database, "client_b")
    mine = make_workspace(tmp_path / "mine", postgres_url)
    with holding(tmp_path / "client_b" / ".arctl", other_client):
        result = arctl(mine, "import", "--as-of", "2026-11-26")

    assert result.exit_code == 0, result.output


@pytest.fixture
def dunned(tmp_path):
    """A workspace on SQLite, imported and dunned as of 2026-11-26."""
    root = make_workspace(tmp_path / "ws")
    assert arctl(root, "import", "--as-of", "2026-11-26").exit_code == 0
    run = arctl(root, "dunning", "run", "--as-of", "2026-11-26", "--json")
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["actions"]
    return root


def test_state_migrate_copies_every_table_with_its_rows_and_checksum(dunned, postgres_url):
    result = arctl(dunned, "state", "migrate", "--to", postgres_url, "--json")

    assert result.exit_code == 0, result.output
    copied = {t["table"]: t for t in json.loads(result.stdout)["tables"]}
    assert set(copied) == {t.name for t in schema.metadata.sorted_tables}
    assert {name: t["rows"] for name, t in copied.items()} == table_counts(dunned)
    sqlite = state_engine(dunned)
    with sqlite.connect() as source, create_engine(postgres_url).connect() as target:
        for table in schema.metadata.sorted_tables:
            assert copied[table.name]["sha256"] == table_summary(source, table).checksum
            assert table_summary(target, table) == table_summary(source, table)
    sqlite.dispose()


def test_a_workspace_moved_to_postgresql_goes_on_where_it_was(dunned, postgres_url):
    assert arctl(dunned, "state", "migrate", "--to", postgres_url).exit_code == 0
    use_state(dunned, postgres_url)

    again = arctl(dunned, "dunning", "run", "--as-of", "2026-11-26", "--json")
    later = arctl(dunned, "dunning", "run", "--as-of", "2026-12-11", "--json")

    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["actions"] == []          # nothing sent twice
    assert later.exit_code == 0, later.output
    assert json.loads(later.stdout)["actions"]               # new steps get new ids after the copied ones


def test_state_migrate_refuses_a_database_that_already_holds_tables(dunned, postgres_url):
    assert arctl(dunned, "state", "migrate", "--to", postgres_url).exit_code == 0
    before = table_counts(make_workspace(dunned.parent / "peek", postgres_url))

    result = arctl(dunned, "state", "migrate", "--to", postgres_url)

    assert result.exit_code == 4
    assert "already holds tables" in result.stderr and "only into an empty database" in result.stderr
    assert table_counts(dunned.parent / "peek") == before


def test_state_migrate_refuses_the_database_the_workspace_already_uses(tmp_path, postgres_url):
    root = make_workspace(tmp_path / "ws", postgres_url)
    assert arctl(root, "import", "--as-of", "2026-11-26").exit_code == 0

    result = arctl(root, "state", "migrate", "--to", postgres_url)

    assert result.exit_code == 2
    assert "already uses" in result.stderr


def test_state_migrate_refuses_a_password_in_the_url(tmp_path):
    root = make_workspace(tmp_path / "ws")

    result = arctl(root, "state", "migrate", "--to", "postgresql://arctl:s3cret@db.example.be/voorbeeld")

    assert result.exit_code == 2
    assert "PGPASSWORD" in result.stderr and "s3cret" not in result.output


def test_a_state_url_with_a_password_in_arctl_yaml_is_refused(tmp_path):
    root = make_workspace(tmp_path / "ws", "postgresql://arctl:s3cret@db.example.be/voorbeeld")

    result = arctl(root, "import", "--as-of", "2026-11-26")

    assert result.exit_code == 2
    assert "state.url" in result.stderr and "PGPASSWORD" in result.stderr


def test_a_postgresql_state_without_its_driver_says_what_to_install(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def without_psycopg(name, *args, **kwargs):
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_psycopg)
    root = make_workspace(tmp_path / "ws", "postgresql://arctl@db.example.be/voorbeeld")

    result = arctl(root, "import", "--as-of", "2026-11-26")

    assert result.exit_code == 4
    assert "pip install 'arctl[postgresql]'" in result.stderr


def test_two_colleagues_dunning_at_once_on_one_postgresql_state_send_each_step_once(tmp_path, postgres_url):
    mine, theirs = make_workspace(tmp_path / "mine", postgres_url), make_workspace(tmp_path / "theirs", postgres_url)
    assert arctl(mine, "import", "--as-of", "2026-11-26").exit_code == 0
    runs = [subprocess.Popen([sys.executable, "-m", "arctl", "-w", str(root), "dunning", "run", "--as-of",
                              "2026-11-26", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for root in (mine, theirs)]
    outcomes = [(run.returncode, out) for run in runs for out, _ in [run.communicate(timeout=300)]]

    assert [code for code, _ in outcomes] == [0, 0]
    reported = sorted(len(json.loads(out)["actions"]) for _, out in outcomes)
    assert reported[0] == 0 and reported[1] == table_counts(mine)["dunning_actions"] > 0
