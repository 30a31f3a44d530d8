"""Before a change that running again cannot take back (a migration, a new snapshot closing invoices) the SQLite
state is backed up beside it, and a damaged state names the newest backup and how to restore it."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from arctl.state.backup import KEEP, backups
from state_check import state_execute
from test_state_import import run, snapshot_workspace, write_snapshot

pytestmark = [pytest.mark.state, pytest.mark.sqlite_only("backups of a SQLite file; a server's are pg_dump's")]


@pytest.fixture
def workspace(tmp_path):
    return snapshot_workspace(tmp_path)


def open_invoices(database) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM invoices WHERE closed_on IS NULL").fetchone()[0]


def test_a_new_snapshot_leaves_a_backup_of_the_state_before_it(workspace):
    write_snapshot(workspace, range(1, 11), age_seconds=60)
    assert run(workspace)[0].exit_code == 0
    write_snapshot(workspace, range(1, 10))

    assert run(workspace)[0].exit_code == 0

    (backup,) = backups(workspace / ".arctl" / "state.sqlite")
    assert backup.parent == workspace / ".arctl" / "backups" and backup.name.endswith("-before-import.sqlite")
    assert open_invoices(backup) == 10 and open_invoices(workspace / ".arctl" / "state.sqlite") == 9


def test_the_first_import_and_an_unchanged_one_make_no_backup(workspace):
    write_snapshot(workspace, range(1, 11))

    assert run(workspace)[0].exit_code == 0
    assert run(workspace)[0].exit_code == 0

    assert backups(workspace / ".arctl" / "state.sqlite") == []


def test_a_migration_leaves_a_backup_of_the_older_database(workspace):
    write_snapshot(workspace, range(1, 4))
    assert run(workspace)[0].exit_code == 0
    state_execute(workspace, "DROP TABLE document_references")
    state_execute(workspace, "UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    write_snapshot(workspace, range(1, 5))

    assert run(workspace)[0].exit_code == 0

    migrated = [b for b in backups(workspace / ".arctl" / "state.sqlite") if "before-migration-from-v8" in b.name]
    assert len(migrated) == 1
    with sqlite3.connect(migrated[0]) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("8",)


def test_only_the_newest_backups_are_kept(workspace):
    for number in range(KEEP + 3):
        write_snapshot(workspace, range(1, 40 - number), age_seconds=100 - number)
        result, _ = run(workspace, "--accept-closures")
        assert result.exit_code == 0, result.output
        for backup in backups(workspace / ".arctl" / "state.sqlite"):   # one a second: give each its own name
            backup.rename(backup.with_name(backup.name.replace("T", f"T{number:02d}", 1)))

    assert len(backups(workspace / ".arctl" / "state.sqlite")) == KEEP


def test_a_damaged_state_names_the_newest_backup_and_restoring_it_as_told_works(workspace):
    database = workspace / ".arctl" / "state.sqlite"
    write_snapshot(workspace, range(1, 11), age_seconds=60)
    assert run(workspace)[0].exit_code == 0
    write_snapshot(workspace, range(1, 10))
    assert run(workspace)[0].exit_code == 0
    (backup,) = backups(database)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    database.write_bytes(database.read_bytes()[:1000])   # cut short, as a full disk or a bad copy leaves it

    result, _ = run(workspace)

    assert result.exit_code == 4
    assert f"restore the newest backup arctl made, {backup}" in result.stderr.replace("\n", " ").replace("  ", " ")
    shutil.copyfile(backup, database)
    again, document = run(workspace)
    assert again.exit_code == 0, again.output
    assert document["state"]["open_invoices"] == 9   # the snapshot after the backup is imported again
