"""The accountant's batch: `arctl aging --clients DIR --jobs N` and `arctl run --clients DIR` go over every client
folder, write a report per client and a summary workbook, and list the clients that failed instead of stopping."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from state_check import table_counts

pytestmark = pytest.mark.state

# Client k's open items as of 2026-11-26: 2026-A{k} for 100.00 + k cents, due 2026-12-10 (not due yet: current),
# and 2026-B{k} for 250.00, due 2026-10-12: 45 days overdue (31-60).
EXPORT = """\
Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
2026-A{k:02d},K{k:02d},Klant {k:02d} BV,2026-11-10,2026-12-10,EUR,{small},{small}
2026-B{k:02d},K{k:02d},Klant {k:02d} BV,2026-09-12,2026-10-12,EUR,250.00,250.00
"""
BROKEN = "client-13"
FORMULA_NAMED = "=HYPERLINK(x)"


def client_name(k: int) -> str:
    return FORMULA_NAMED if k == 50 else f"client-{k:02d}"


def make_clients(folder):
    for k in range(1, 51):
        client = folder / client_name(k)
        client.mkdir(parents=True)
        small = f"{100 + k // 100}.{k % 100:02d}"
        (client / "open_items.csv").write_text(EXPORT.format(k=k, small=small), encoding="utf-8")
    # the broken client sent a PDF named .csv: no table in it
    (folder / BROKEN / "open_items.csv").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return folder


@pytest.fixture
def clients(tmp_path, monkeypatch):
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    return make_clients(tmp_path / "clients")


@pytest.fixture(scope="module")
def aged(tmp_path_factory):
    """The 50 client folders aged once (the batch takes seconds): the folder and the command's result."""
    folder = make_clients(tmp_path_factory.mktemp("batch") / "clients")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("ARCTL_WORKSPACE", raising=False)
        patch.chdir(folder.parent)
        result = CliRunner().invoke(app, ["aging", "--clients", str(folder), "--jobs", "2", "--as-of", "2026-11-26"])
    return folder, result


def test_the_batch_over_50_clients_reports_49_and_names_the_broken_one(aged):
    clients, result = aged

    assert result.exit_code == 1, result.output
    assert "49 client(s) reported, 1 failed" in result.stdout
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith(f"FAILED  {BROKEN}: open_items.csv: ")
    assert f"1 client(s) failed: {BROKEN}" in result.stderr
    assert (clients / "_reports" / "client-07" / "2026-11-26" / "aging.json").is_file()
    assert not (clients / "_reports" / BROKEN).exists()


def test_each_export_folder_gets_its_own_aging_report(aged):
    clients, _ = aged

    report = json.loads((clients / "_reports" / "client-07" / "2026-11-26" / "aging.json").read_text("utf-8"))
    # client 7: 100.07 current + 250.00 in 31-60 = 350.07
    [total] = report["totals"]
    assert total["total"] == "350.07"
    assert total["buckets"] == {"current": "100.07", "1-30": "0.00", "31-60": "250.00", "61-90": "0.00",
                                "90+": "0.00"}


def test_the_summary_workbook_has_a_numeric_row_per_client_a_frozen_header_and_a_filter(aged):
    from openpyxl import load_workbook

    clients, _ = aged
    book = load_workbook(clients / "_summary-2026-11-26.xlsx")
    sheet = book["clients"]
    header = [c.value for c in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert header[:5] == ["client", "folder", "currency", "customers", "invoices"]
    assert len(rows) == 49 and BROKEN not in rows
    seven = rows["client-07"]
    assert (seven["currency"], seven["customers"], seven["invoices"]) == ("EUR", 1, 2)
    assert seven["total"] == pytest.approx(350.07) and seven["31-60"] == 250 and seven["overdue"] == 250
    # overdue share 250.00 / 350.07 = 0.714142... kept to four places
    assert seven["overdue share"] == pytest.approx(0.7141)
    assert seven["DSO (days)"] is None          # no payment history in an export folder
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}50"
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
        assert all(isinstance(row[header.index(name)].value, (int, float)) for name in ("total", "overdue", "90+"))
    assert rows[FORMULA_NAMED]["client"] == FORMULA_NAMED   # text, not a formula
    failed = book["failed"]
    assert [c.value for c in failed[2]][:2] == [BROKEN, "exports"]


def test_a_workspace_among_the_clients_gets_its_report_in_its_own_reports_folder(clients):
    workspace = clients / "client-03"
    (workspace / "arctl.yaml").write_text("sources:\n  - path: open_items.csv\n    kind: invoices\n",
                                          encoding="utf-8")

    result = CliRunner().invoke(app, ["aging", "--clients", str(clients), "--jobs", "2", "--as-of", "2026-11-26",
                                      "--format", "json"])

    document = json.loads(result.stdout)
    three = next(c for c in document["clients"] if c["client"] == "client-03")
    assert (three["kind"], three["status"]) == ("workspace", "ok")
    assert (workspace / "reports" / "2026-11-26" / "aging.csv").is_file()
    assert document["failed"] == [BROKEN]


def test_the_daily_run_over_clients_lists_the_one_whose_run_refused(tmp_path, monkeypatch):
    from tests.test_daily_run import small_workspace

    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    folder = tmp_path / "clients"
    small_workspace(folder / "fresh", bank_day="2026-11-19")
    small_workspace(folder / "stale", bank_day="2026-10-01")

    result = CliRunner().invoke(app, ["run", "--clients", str(folder), "--jobs", "2", "--as-of", "2026-11-20",
                                      "--json"])

    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    by_name = {c["client"]: c for c in document["clients"]}
    assert by_name["fresh"]["status"] == "ok" and by_name["fresh"]["exit_code"] == 0
    assert by_name["stale"]["status"] == "failed" and by_name["stale"]["error"].startswith("dunning: bank data is "
                                                                                           "stale")
    assert (folder / "fresh" / "reports" / "2026-11-20" / "aging.json").is_file()
    assert table_counts(folder / "fresh")["imports"] > 0   # imported: the whole daily run, not aging
    assert Decimal(by_name["fresh"]["totals"][0]["total"]) == Decimal("1512.50")   # 1210.00 + 302.50


def test_a_workspace_clients_dso_comes_from_its_history(tmp_path, monkeypatch):
    from tests.test_daily_run import small_workspace

    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    small_workspace(tmp_path / "clients" / "fresh", bank_day="2026-11-19")

    result = CliRunner().invoke(app, ["run", "--clients", str(tmp_path / "clients"), "--as-of", "2026-11-20",
                                      "--json"])

    # the three months to 20 Nov run from 21 Aug: 92 days. Both invoices were issued in them and none is paid:
    # receivables 1512.50 ÷ credit sales 1512.50 × 92 days
    [fresh] = json.loads(result.stdout)["clients"]
    assert fresh["dso"] == 92.0
