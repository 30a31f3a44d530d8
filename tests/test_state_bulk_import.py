"""The bulk import into a SQLite state (state/bulk_import.py) stores exactly what the row-by-row path stores, in
one transaction; and a file already imported is known by its content hash without being read again."""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from arctl.cli import app
from arctl.io.bank.lines import statement_reach
from arctl.io.bank.read import read_bank
from arctl.io.export import read_export
from arctl.model import ReadOptions
from arctl.state import bulk_import, schema
from arctl.state.store import Store, sqlite_url

AS_OF = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    """The benchmark generator's files at 400 invoices: the European dialect (thousands separators, credit notes,
    empty cells), a customer file and a bank statement with structured, free-text and name-only payments."""
    from benchmarks.data import generate

    folder = tmp_path_factory.mktemp("exports")
    generate(folder, invoices=400, seed=11)
    return folder


@pytest.fixture(scope="module")
def frames(exports):
    invoices = read_export(exports / "invoices-eu.csv", ReadOptions(kind="invoices", profile="generic"))
    customers = read_export(exports / "customers.csv", ReadOptions(kind="customers"))
    bank = read_bank(exports / "bank.csv", ReadOptions(kind="bank"))
    assert not [f for f in invoices.findings + customers.findings if f.severity == "error"]
    return invoices.frame, customers.frame, bank.frame, statement_reach(bank.frame, bank.balances)


def stores(tmp_path) -> tuple[Store, Store]:
    """The same empty state twice: one written in bulk, one row by row."""
    def now():
        return dt.datetime(2026, 11, 26, 7, 30, tzinfo=dt.UTC)

    bulk = Store.open(sqlite_url(tmp_path / "bulk.sqlite"), now=now)
    rows = Store.open(sqlite_url(tmp_path / "rows.sqlite"), now=now)
    rows.bulk = False
    assert bulk.bulk
    return bulk, rows


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every table's rows in the order they were written, each value with its SQLite storage type."""
    found = {}
    with store.engine.connect() as connection:
        for table in schema.metadata.sorted_tables:
            columns = ", ".join(f'"{c.name}", typeof("{c.name}")' for c in table.columns)
            found[table.name] = [tuple(row) for row in connection.execute(
                text(f'SELECT {columns} FROM "{table.name}" ORDER BY rowid'))]
    return found


def meta(path: str, kind: str, taken_at: str, as_of: dt.date = AS_OF) -> dict:
    return {"path": path, "kind": kind, "sha256": "0" * 64, "rows": 0, "snapshot": kind == "invoices",
            "taken_at": taken_at, "as_of": as_of}


def both(bulk: Store, rows: Store, method: str, *args):
    """Run one import on both stores: the same record returned, the same rows stored."""
    records = getattr(bulk, method)(*args), getattr(rows, method)(*args)
    assert records[0] == records[1]
    assert dump(bulk) == dump(rows)
    return records[0]


def later_snapshot(invoices: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """A newer export: a few invoices gone (closed), some partly paid, one renamed customer, new invoices, and no
    e-mail column at all (the state keeps the addresses it has)."""
    gone = set(invoices["invoice_id"].iloc[5::37])
    frame = invoices[~invoices["invoice_id"].isin(gone)].copy()
    paid = frame.index[2::11]
    frame.loc[paid, "open_amount"] = frame.loc[paid, "open_amount"] // 2
    frame.loc[frame.index[3], "customer_name"] = "Nieuwe Naam NV"
    new = frame.head(4).copy()
    new["invoice_id"] = [f"2027-N{n}" for n in range(4)]
    new["last_reminder_date"] = pd.to_datetime(["2026-11-01", None, "1999-12-31", None]).astype("datetime64[s]")
    new["reference"] = ["", "+++090/9337/55493+++", "it's \"quoted\"; ok", "Ünïcødé ✓"]
    frame = pd.concat([frame, new], ignore_index=True).drop(columns=["email"])
    return frame, gone


def test_bulk_and_row_by_row_imports_store_the_same_rows(tmp_path, frames):
    invoices, customers, bank, reach = frames
    bulk, rows = stores(tmp_path)
    try:
        both(bulk, rows, "import_invoices", meta("inv.csv", "invoices", "2026-11-24T08:00:00+00:00"), invoices,
             set(), AS_OF)
        both(bulk, rows, "import_customers", meta("cus.csv", "customers", "2026-11-24T08:00:00+00:00"), customers)
        both(bulk, rows, "import_bank_lines", meta("bank.csv", "bank", "2026-11-24T08:00:00+00:00"), bank, reach)

        second, gone = later_snapshot(invoices)
        record = both(bulk, rows, "import_invoices", meta("inv.csv", "invoices", "2026-11-25T08:00:00+00:00"),
                      second, gone, AS_OF)
        assert (record.records, record.closed) == (len(second), len(gone))
        # a day later: a closed invoice is listed again, amounts change again (history kept), and twice on a day
        returning = invoices[invoices["invoice_id"] == sorted(gone)[0]].drop(columns=["email"])
        third = pd.concat([second, returning], ignore_index=True)
        third.loc[third.index[2::11], "open_amount"] = third.loc[third.index[2::11], "open_amount"] - 1
        both(bulk, rows, "import_invoices", meta("inv.csv", "invoices", "2026-11-26T08:00:00+00:00"), third, set(),
             AS_OF)
        third.loc[third.index[2::22], "open_amount"] = 0
        both(bulk, rows, "import_invoices", meta("inv.csv", "invoices", "2026-11-26T09:00:00+00:00"), third, set(),
             AS_OF)
        assert dump(bulk)["invoice_amounts"]

        changed = customers.copy()
        changed.loc[changed.index[::3], "name"] = "Andere Naam"
        changed["credit_limit"] = pd.array([None if n % 2 else n * 100_00 for n in range(len(changed))],
                                           dtype="Int64")
        changed.loc[changed.index[::4], "consumer"] = True
        extra = changed.head(1).assign(customer_id="K-NIEUW", credit_limit=pd.array([pd.NA], dtype="Int64"))
        both(bulk, rows, "import_customers", meta("cus.csv", "customers", "2026-11-26T08:00:00+00:00"),
             pd.concat([changed, extra], ignore_index=True))

        # an overlapping statement: the lines seen before are left as they are; one listed twice is stored once
        more = bank.head(3).assign(txn_id=["NEW-1", "NEW-2", "NEW-1"], amount=[1, -2, 3])
        record = both(bulk, rows, "import_bank_lines", meta("bank2.csv", "bank", "2026-11-26T08:00:00+00:00"),
                      pd.concat([bank.tail(5), more], ignore_index=True), reach)
        assert record.records == 2
    finally:
        bulk.close()
        rows.close()


def test_an_empty_export_stores_nothing_in_either_path(tmp_path, frames):
    invoices, customers, bank, reach = frames
    bulk, rows = stores(tmp_path)
    try:
        both(bulk, rows, "import_invoices", meta("inv.csv", "invoices", "t"), invoices.head(0), set(), AS_OF)
        both(bulk, rows, "import_customers", meta("cus.csv", "customers", "t"), customers.head(0))
        both(bulk, rows, "import_bank_lines", meta("bank.csv", "bank", "t"), bank.head(0), {})
    finally:
        bulk.close()
        rows.close()


def test_an_import_that_fails_halfway_leaves_the_state_as_it_was(tmp_path, frames, monkeypatch):
    invoices, _, bank, reach = frames
    bulk, rows = stores(tmp_path)
    rows.close()
    try:
        bulk.import_invoices(meta("inv.csv", "invoices", "2026-11-24T08:00:00+00:00"), invoices, set(), AS_OF)
        before = dump(bulk)
        second, gone = later_snapshot(invoices)

        def broken(*args):
            raise RuntimeError("disk full")

        # inserts, updates and closures are written; then the amount history fails
        monkeypatch.setattr(bulk_import, "_record_amount_changes", broken)
        with pytest.raises(RuntimeError):
            bulk.import_invoices(meta("inv.csv", "invoices", "2026-11-25T08:00:00+00:00"), second, gone, AS_OF)
        assert dump(bulk) == before

        # a statement whose second chunk of lines cannot be written: none of its lines is kept
        monkeypatch.setattr(bulk_import, "CHUNK", 10)
        chunks = bulk_import._chunks

        def failing(*args, **kwargs):
            for number, chunk in enumerate(chunks(*args, **kwargs)):
                if number == 1:
                    raise RuntimeError("killed")
                yield chunk

        monkeypatch.setattr(bulk_import, "_chunks", failing)
        with pytest.raises(RuntimeError):
            bulk.import_bank_lines(meta("bank.csv", "bank", "2026-11-25T08:00:00+00:00"), bank, reach)
        assert dump(bulk) == before
    finally:
        bulk.close()


def test_values_are_converted_as_the_row_by_row_path_converts_them():
    dates = pd.Series(pd.to_datetime(["2026-01-31", None, "0999-02-03"], format="ISO8601")).astype("datetime64[s]")
    assert bulk_import.sql_values(dates, date=True) == ["2026-01-31", None, "0999-02-03"]
    assert bulk_import.sql_values(pd.Series(["a", None, ""], dtype="str")) == ["a", None, ""]
    assert bulk_import.sql_values(pd.Series([1, None], dtype="Int64")) == [1, None]
    assert bulk_import.sql_values(pd.Series([True, None], dtype="boolean")) == [True, None]
    assert bulk_import.sql_values(pd.Series([1.5, float("nan")])) == [1.5, None]
    import numpy as np

    mixed = bulk_import.sql_values(pd.Series([np.int64(7), "x", None, float("nan"), pd.NA], dtype=object))
    assert mixed == [7, "x", None, None, None] and type(mixed[0]) is int


# --- re-import: the content hash decides, without reading the file ---------------------------------------------


HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due\n"
ROWS = "".join(f"2026-{n:04d},K{n % 3:03d},Klant {n % 3},2026-10-01,2026-10-31,EUR,1.234.00,100.00\n"
               for n in range(1, 6)).replace("1.234.00", "\"1,234.00\"")


@pytest.fixture
def workspace(tmp_path, exports):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "open_invoices.csv").write_text(HEADER + ROWS, encoding="utf-8")
    (tmp_path / "exports" / "statement.csv").write_bytes((exports / "bank.csv").read_bytes())
    (tmp_path / "arctl.yaml").write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, country: BE}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/statement.csv
            kind: bank
        """), encoding="utf-8")
    return tmp_path


def run(workspace) -> dict:
    result = CliRunner().invoke(app, ["-w", str(workspace), "import", "--as-of", "2026-11-26", "--json"])
    assert result.exit_code == 0, result.output
    return {i["path"].rsplit("/", 1)[-1]: (i["outcome"], i["records"]) for i in json.loads(result.stdout)["imports"]}


def refuse_reading(monkeypatch):
    def read(*args, **kwargs):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr("arctl.io.export.read_export", read)
    monkeypatch.setattr("arctl.io.bank.read.read_bank", read)


def touch(path: Path, seconds_later: int) -> None:
    stamp = path.stat().st_mtime + seconds_later
    os.utime(path, (stamp, stamp))


def test_files_imported_before_are_known_by_their_hash_without_reading_them(workspace, monkeypatch):
    first = run(workspace)
    assert first["open_invoices.csv"] == ("applied", 5) and first["statement.csv"][0] == "applied"

    refuse_reading(monkeypatch)
    assert run(workspace) == {"open_invoices.csv": ("unchanged", 0), "statement.csv": ("unchanged", 0)}


def test_a_statement_saved_again_with_the_same_content_is_unchanged(workspace, monkeypatch):
    run(workspace)
    touch(workspace / "exports" / "statement.csv", 3600)   # a sync tool or a second download: a new file time

    refuse_reading(monkeypatch)
    assert run(workspace)["statement.csv"] == ("unchanged", 0)


def test_a_file_with_one_byte_changed_is_read_again(workspace):
    run(workspace)
    invoices, statement = workspace / "exports" / "open_invoices.csv", workspace / "exports" / "statement.csv"
    stamps = {path: path.stat().st_mtime for path in (invoices, statement)}
    invoices.write_text(HEADER + ROWS.replace("100.00", "90.00", 1), encoding="utf-8")
    statement.write_bytes(statement.read_bytes() + b"\n")
    for path, stamp in stamps.items():   # the same file time: only the content tells
        os.utime(path, (stamp, stamp))

    assert run(workspace) == {"open_invoices.csv": ("applied", 5), "statement.csv": ("applied", 0)}


def test_an_open_items_export_saved_again_is_a_newer_snapshot(workspace):
    """Its time is when the open items were true: the same content exported later is imported as that later
    snapshot (the time a reminder may rely on), unlike a bank statement, whose lines carry their own dates."""
    run(workspace)
    time.sleep(0.01)
    touch(workspace / "exports" / "open_invoices.csv", 3600)

    assert run(workspace)["open_invoices.csv"] == ("applied", 5)
