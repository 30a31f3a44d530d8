"""The first hour: a fresh `arctl init` workspace works at once, and watched folders import what lands in them.

The bank statements are camt.053.001.02 written by hand from the ISO 20022 message definition
(BkToCstmrStmt/Stmt with Bal OPBD/CLBD and booked Ntry elements), as a Belgian bank sends them.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app

pytestmark = pytest.mark.state

ACCOUNT = "BE05068123456775"
INVOICES = textwrap.dedent("""\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due,Payment Reference
    2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00,+++090/9337/55493+++
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-04,EUR,302.50,302.50,
    2026-0044,K003,Drukkerij Maes BV,2026-10-06,2026-11-05,EUR,99.00,99.00,
    """)


@pytest.fixture(autouse=True)
def no_ambient_workspace(monkeypatch):
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def camt(statement_id: str, day: str, entries: list[tuple[str, str, str]], *, opening: str, closing: str) -> str:
    """One camt.053 statement of ACCOUNT for 2026-11-`day`: entries (bank reference, amount, structured ref)."""
    def balance(code: str, amount: str) -> str:
        return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amount}</Amt>"
                f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-{day}</Dt></Dt></Bal>")
    booked = "".join(
        f"<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>2026-11-{day}</Dt></BookgDt><ValDt><Dt>2026-11-{day}</Dt></ValDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf><Ref>{structured}</Ref>"
        f"</CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for ref, amount, structured in entries)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"
            f"<GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>2026-11-{day}T18:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><CreDtTm>2026-11-{day}T18:00:00</CreDtTm>"
            f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>{balance('OPBD', opening)}{balance('CLBD', closing)}"
            f"{booked}</Stmt></BkToCstmrStmt></Document>")


# 1210.00 pays 2026-0042 by its structured reference (check digits 090933755 mod 97 = 93)
STATEMENT_20 = camt("STMT-20", "20", [("REF-2001", "1210.00", "090933755493")], opening="0.00", closing="1210.00")
STATEMENT_23 = camt("STMT-23", "23", [("REF-2301", "302.50", ""), ("REF-2302", "99.00", "")],
                    opening="1210.00", closing="1611.50")   # 1210.00 + 302.50 + 99.00


def drop(folder: Path, name: str, text: str, *, minutes_ago: int = 0) -> Path:
    """A file landing in a folder, saved `minutes_ago`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    stamp = time.time() - 60 * minutes_ago
    os.utime(path, (stamp, stamp))
    return path


def imported(root: Path, *args: str):
    result = run("-w", str(root), "import", "--as-of", "2026-11-26", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def fresh(tmp_path):
    """A workspace just made by `arctl init`, and an invoice export outside it."""
    root = tmp_path / "ws"
    assert run("init", str(root)).exit_code == 0
    invoices = tmp_path / "downloads" / "open_invoices.csv"
    invoices.parent.mkdir()
    invoices.write_text(INVOICES, encoding="utf-8")
    return root, invoices


# --- a fresh workspace works at once -----------------------------------------------------------------


def test_a_fresh_workspace_checks_a_file_named_on_the_command_line(fresh):
    root, invoices = fresh

    result = run("-w", str(root), "check", str(invoices))

    assert result.exit_code == 0, result.output
    assert "3 invoices" in result.stdout


def test_a_fresh_workspace_ages_a_file_named_on_the_command_line(fresh):
    root, invoices = fresh

    result = run("-w", str(root), "aging", str(invoices), "--as-of", "2026-11-26", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"][0]["total"] == "1611.50"   # 1210.00 + 302.50 + 99.00


def test_a_fresh_workspace_imports_a_file_named_on_the_command_line_then_ages_it(fresh):
    root, invoices = fresh

    imported_ = run("-w", str(root), "import", "--kind", "invoices", "--as-of", "2026-11-26", str(invoices))
    aging = run("-w", str(root), "aging", "--as-of", "2026-11-26", "--format", "json")

    assert imported_.exit_code == 0, imported_.output
    assert aging.exit_code == 0, aging.output
    # 1210.00 + 302.50 + 99.00, all overdue on 2026-11-26
    assert json.loads(aging.stdout)["totals"][0]["total"] == "1611.50"


def test_a_fresh_workspace_checks_its_own_sources_though_their_folders_are_still_empty(fresh):
    root, _ = fresh

    result = run("-w", str(root), "check")

    assert result.exit_code == 0, result.output


def test_init_makes_the_folders_its_sources_watch(fresh):
    root, _ = fresh

    for folder in ("exports/invoices", "exports/customers", "exports/bank"):
        assert (root / folder).is_dir(), folder


def test_a_source_file_not_there_yet_stops_only_the_commands_that_read_the_sources(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "arctl.yaml").write_text("sources:\n  - path: exports/open_invoices.csv\n    kind: invoices\n",
                                     encoding="utf-8")
    elsewhere = tmp_path / "open_invoices.csv"
    elsewhere.write_text(INVOICES, encoding="utf-8")

    named = run("-w", str(root), "check", str(elsewhere))
    from_sources = run("-w", str(root), "import")

    assert named.exit_code == 0, named.output
    assert from_sources.exit_code == 2, from_sources.output
    assert ("Error: arctl.yaml:2: sources[0].path: file exports/open_invoices.csv does not exist"
            in from_sources.stderr)


def test_a_watched_folder_that_is_not_there_is_named_with_its_line(fresh):
    root, _ = fresh
    (root / "exports" / "bank").rmdir()

    result = run("-w", str(root), "import")

    assert result.exit_code == 2, result.output
    assert "sources[2].path: folder exports/bank/ does not exist" in result.stderr


# --- watched folders ---------------------------------------------------------------------------------------


def test_statements_dropped_in_the_watched_folder_are_picked_up_without_editing_arctl_yaml(fresh):
    """Done when (issue 16): init, import an invoice export named on the command line, then a statement in the
    watched folder, then a second one: both picked up, arctl.yaml untouched."""
    root, invoices = fresh
    config_before = (root / "arctl.yaml").read_text(encoding="utf-8")
    imported(root, "--kind", "invoices", str(invoices))
    drop(root / "exports" / "bank", "2026-11-20.xml", STATEMENT_20)

    first = imported(root)
    drop(root / "exports" / "bank", "2026-11-23.xml", STATEMENT_23)
    second = imported(root)

    assert [(f["path"], f["dated"], f["outcome"]) for f in first["new_files"]] == [
        ("exports/bank/2026-11-20.xml", "2026-11-20", "imported")]
    assert [(f["path"], f["dated"], f["dated_by"]) for f in second["new_files"]] == [
        ("exports/bank/2026-11-23.xml", "2026-11-23", "statement")]
    assert second["state"]["bank_lines"] == 3     # 1 line of the 20th, 2 of the 23rd
    assert second["state"]["open_invoices"] == 3
    assert (root / "arctl.yaml").read_text(encoding="utf-8") == config_before


def test_import_lists_the_new_files_of_each_watched_folder_and_counts_the_ones_imported_before(fresh):
    root, _ = fresh
    drop(root / "exports" / "bank", "2026-11-20.xml", STATEMENT_20)
    run("-w", str(root), "import", "--as-of", "2026-11-26")
    drop(root / "exports" / "bank", "2026-11-23.xml", STATEMENT_23)

    result = run("-w", str(root), "import", "--as-of", "2026-11-26")

    assert result.exit_code == 0, result.output
    assert "exports/bank/: 1 new file, 1 imported before" in result.stdout
    assert "exports/bank/2026-11-23.xml  2026-11-23 (statement)  imported" in result.stdout
    assert "exports/invoices/: no new files" in result.stdout


def test_statements_that_land_together_are_imported_in_the_order_of_the_days_they_cover(fresh):
    root, _ = fresh
    # the names sort the other way round, and the later statement was saved first
    drop(root / "exports" / "bank", "a-latest.xml", STATEMENT_23, minutes_ago=10)
    drop(root / "exports" / "bank", "b-earliest.xml", STATEMENT_20)

    document = imported(root)

    assert [f["path"] for f in document["new_files"]] == ["exports/bank/b-earliest.xml",
                                                          "exports/bank/a-latest.xml"]
    assert [r["path"] for r in document["imports"]] == ["exports/bank/b-earliest.xml", "exports/bank/a-latest.xml"]


def test_a_statement_dropped_twice_under_another_name_adds_no_transaction(fresh):
    root, _ = fresh
    drop(root / "exports" / "bank", "2026-11-23.xml", STATEMENT_23)
    imported(root)
    drop(root / "exports" / "bank", "2026-11-23 (1).xml", STATEMENT_23)

    document = imported(root)

    assert [r["records"] for r in document["imports"]] == [0]
    assert document["state"]["bank_lines"] == 2


def test_a_glob_source_reads_only_the_files_it_matches(tmp_path):
    root = tmp_path / "ws"
    (root / "exports" / "bank").mkdir(parents=True)
    (root / "arctl.yaml").write_text("sources:\n  - path: exports/bank/*.xml\n    kind: bank\n", encoding="utf-8")
    drop(root / "exports" / "bank", "2026-11-20.xml", STATEMENT_20)
    drop(root / "exports" / "bank", "notes.txt", "called the bank about the fee\n")

    document = imported(root)

    assert [f["path"] for f in document["new_files"]] == ["exports/bank/2026-11-20.xml"]
    assert [f["source"] for f in document["new_files"]] == ["exports/bank/*.xml"]


def test_hidden_files_office_lock_files_and_unfinished_downloads_are_left_alone(fresh):
    root, _ = fresh
    bank = root / "exports" / "bank"
    drop(bank, "2026-11-20.xml", STATEMENT_20)
    for name in (".DS_Store", "~$afschriften.xlsx", "2026-11-23.xml.crdownload"):
        drop(bank, name, "not a statement")

    document = imported(root)

    assert [f["path"] for f in document["new_files"]] == ["exports/bank/2026-11-20.xml"]


def test_an_export_without_a_statement_date_is_placed_by_its_file_time(fresh):
    root, _ = fresh
    empty = camt("STMT-E", "24", [], opening="0.00", closing="0.00").replace("<Bal>", "<!--").replace(
        "</Bal>", "-->")  # no balance and no entry: nothing in it says which day it covers
    drop(root / "exports" / "bank", "empty.xml", empty)

    document = imported(root)

    assert [f["dated_by"] for f in document["new_files"]] == ["file time"]


# --- watched open-items exports ------------------------------------------------------------------------


def snapshot(numbers: list[int]) -> str:
    header = INVOICES.splitlines()[0]
    rows = [line for line in INVOICES.splitlines()[1:] if int(line.split(",")[0][-2:]) in numbers]
    return "\n".join([header, *rows]) + "\n"


def test_of_open_items_exports_dropped_together_only_the_newest_counts(fresh):
    root, _ = fresh
    folder = root / "exports" / "invoices"
    drop(folder, "open-2026-11-24.csv", snapshot([42, 43, 44]), minutes_ago=60 * 48)
    drop(folder, "open-2026-11-25.csv", snapshot([42, 43]), minutes_ago=60 * 24)

    document = imported(root)

    assert [(f["path"], f["outcome"]) for f in document["new_files"]] == [
        ("exports/invoices/open-2026-11-24.csv", "superseded"), ("exports/invoices/open-2026-11-25.csv", "imported")]
    assert [r["path"] for r in document["imports"]] == ["exports/invoices/open-2026-11-25.csv"]
    assert document["state"]["open_invoices"] == 2


def test_the_next_open_items_export_in_the_folder_closes_what_it_no_longer_lists(fresh):
    root, _ = fresh
    folder = root / "exports" / "invoices"
    drop(folder, "open-2026-11-24.csv", snapshot([42, 43, 44]), minutes_ago=60 * 24)
    imported(root)
    drop(folder, "open-2026-11-25.csv", snapshot([43, 44]))

    # 1 of 3 open invoices closing at once is more than the 20 % a truncated export is suspected at
    document = imported(root, "--accept-closures")

    assert [(r["path"], r["closed"]) for r in document["imports"]] == [("exports/invoices/open-2026-11-25.csv", 1)]
    assert (document["state"]["open_invoices"], document["state"]["closed_invoices"]) == (2, 1)


def test_aging_without_a_file_reads_the_newest_export_of_a_watched_snapshot_folder(fresh):
    root, _ = fresh
    folder = root / "exports" / "invoices"
    drop(folder, "open-2026-11-24.csv", snapshot([42, 43, 44]), minutes_ago=60 * 24)
    drop(folder, "open-2026-11-25.csv", snapshot([43]))

    result = run("-w", str(root), "aging", "--as-of", "2026-11-26", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"][0]["total"] == "302.50"   # only 2026-0043 is left open


def test_check_of_a_fresh_workspace_says_its_watched_folders_are_still_empty(fresh):
    root, _ = fresh

    result = run("-w", str(root), "check")

    assert "note: no file yet in exports/invoices/, exports/customers/, exports/bank/" in result.stderr


def test_a_statement_whose_file_time_changed_is_still_known(fresh):
    root, _ = fresh
    statement = drop(root / "exports" / "bank", "2026-11-20.xml", STATEMENT_20, minutes_ago=60)
    imported(root)
    os.utime(statement, None)   # a sync tool or a copy gives the file a new time

    document = imported(root)

    assert document["new_files"] == []
    assert document["imported_before"]["exports/bank/"] == 1


def test_a_double_star_glob_reaches_into_subfolders(tmp_path):
    root = tmp_path / "ws"
    (root / "exports").mkdir(parents=True)
    (root / "arctl.yaml").write_text("sources:\n  - path: exports/**/*.xml\n    kind: bank\n", encoding="utf-8")
    drop(root / "exports" / "kbc", "2026-11-20.xml", STATEMENT_20)
    drop(root / "exports" / "kbc" / "2026-11", "2026-11-23.xml", STATEMENT_23)

    document = imported(root)

    assert [f["path"] for f in document["new_files"]] == ["exports/kbc/2026-11-20.xml",
                                                          "exports/kbc/2026-11/2026-11-23.xml"]


def test_a_file_in_a_watched_folder_that_is_no_statement_is_named_with_how_to_get_it_out_of_the_way(fresh):
    root, _ = fresh
    drop(root / "exports" / "bank", "2026-11-20.xml", STATEMENT_20)
    (root / "exports" / "bank" / "uittreksel.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    result = run("-w", str(root), "import", "--as-of", "2026-11-26")

    assert result.exit_code == 3, result.output
    assert "exports/bank/uittreksel.pdf: a PDF document" in result.stderr
    assert "or move the file out of exports/bank/ (arctl.yaml watches that folder for exports)" in result.stderr
