"""`arctl run`, the daily job: import, reconcile, dunning run and the day's reports under one lock; its summary,
its JSON document, nothing new the second time, and the exit code of the first step that refuses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.errors import StateError
from arctl.state.lock import WorkspaceLock
from state_check import table_counts, use_state

pytestmark = pytest.mark.state

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"


def invoke(workspace: Path, *args: str):
    return CliRunner().invoke(app, ["-w", str(workspace), "run", *args])


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time: a file rewritten shows a new time."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def state_rows(workspace: Path) -> dict[str, int]:
    return table_counts(workspace)


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory, module_state_url):
    """The demo workspace run twice for 2026-11-26 (PDF left out, as in the golden demo test): the copy, both
    results, and the outbox, reports and state rows as the first run left them."""
    from arctl.render import pdf

    workspace = tmp_path_factory.mktemp("daily") / "demo"
    shutil.copytree(DEMO, workspace, ignore=shutil.ignore_patterns(".arctl", "outbox", "reports"))
    use_state(workspace, module_state_url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "unavailable", lambda: "PDF left out in this test")
        patch.delenv("ARCTL_WORKSPACE", raising=False)
        first = invoke(workspace, "--as-of", "2026-11-26")
        after_first = (tree(workspace / "outbox"), tree(workspace / "reports"), state_rows(workspace))
        second = invoke(workspace, "--as-of", "2026-11-26", "--json")
    return workspace, first, after_first, second


def test_the_daily_run_on_the_demo_prints_its_summary_and_writes_every_output(demo_runs):
    workspace, first, _, _ = demo_runs
    day = workspace / "outbox" / "2026-11-26"

    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0] == "arctl run as of 2026-11-26"
    assert [line.split()[:2] for line in lines[1:5]] == [["import", "done"], ["reconcile", "done"],
                                                         ["dunning", "done"], ["reports", "done"]]
    assert any(line.startswith("payments: ") and "matched automatically" in line for line in lines)
    assert any(line.startswith("needs a person: ") for line in lines)
    # the documents line counts what the outbox holds: one .eml per e-mail action
    documents = next(line for line in lines if line.startswith("documents: "))
    emails = sum(int(part.split()[-1]) for part in documents.removeprefix("documents: ").split(", ")
                 if part.startswith("email "))
    assert emails == len(list(day.glob("*.eml")))
    assert (day / "call-list.csv").is_file()


def test_the_daily_run_writes_the_aging_report_and_the_worklist_in_every_format(demo_runs):
    import html5lib
    from openpyxl import load_workbook

    workspace, first, _, _ = demo_runs
    reports = workspace / "reports" / "2026-11-26"

    assert sorted(p.name for p in reports.iterdir()) == ["aging.csv", "aging.html", "aging.json", "aging.xlsx",
                                                          "todo.csv", "todo.json"]
    assert json.loads((reports / "aging.json").read_text(encoding="utf-8"))["as_of"] == "2026-11-26"
    # the demo workspace's locale is nl_BE: ';' between the fields, as `arctl aging -o aging.csv` writes there
    assert (reports / "aging.csv").read_text(encoding="utf-8").startswith("customer_id;name;currency;total;")
    assert load_workbook(reports / "aging.xlsx", read_only=True).sheetnames == ["Summary", "Report", "KPIs"]
    html5lib.HTMLParser(strict=True).parse((reports / "aging.html").read_text(encoding="utf-8"))
    worklist = json.loads((reports / "todo.json").read_text(encoding="utf-8"))
    person = next(line for line in first.stdout.splitlines() if line.startswith("needs a person: "))
    assert person.startswith(f"needs a person: {len(worklist['items'])} (")


def test_the_overdue_line_is_the_aging_reports_buckets_past_current(demo_runs):
    workspace, first, _, second = demo_runs
    aging = json.loads((workspace / "reports" / "2026-11-26" / "aging.json").read_text(encoding="utf-8"))
    from decimal import Decimal

    expected = {t["currency"]: sum(Decimal(v) for label, v in t["buckets"].items() if label != "current")
                for t in aging["totals"]}
    summary = json.loads(second.stdout)["summary"]

    assert {o["currency"]: Decimal(o["overdue"]) for o in summary["overdue"]} == expected
    assert {o["currency"]: o["total"] for o in summary["overdue"]} == {t["currency"]: t["total"]
                                                                      for t in aging["totals"]}


def test_running_twice_for_the_same_date_does_nothing_new(demo_runs):
    workspace, _, (outbox, reports, rows), second = demo_runs

    assert second.exit_code == 0, second.output
    document = json.loads(second.stdout)   # --json: one document on stdout, nothing else there
    assert [(s["name"], s["status"]) for s in document["steps"]] == [
        ("import", "nothing_new"), ("reconcile", "nothing_new"), ("dunning", "nothing_new"),
        ("reports", "nothing_new")]
    assert document["summary"]["actions"] == [] and document["refused"] is None
    assert tree(workspace / "outbox") == outbox
    assert tree(workspace / "reports") == reports
    assert state_rows(workspace) == rows


# A small workspace (two invoices, one bank statement) for the refusals: fast, and each refusal made by hand.
INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0042,K001,Bakkerij Peeters BV,2026-09-01,2026-09-30,EUR,1210.00,1210.00
    2026-0043,K002,Garage Janssens NV,2026-10-05,2026-11-16,EUR,302.50,302.50
    """


def statement(day: str) -> str:
    """A camt.053.001.02 statement holding only the bank's fee booked on `day` (ISO 20022 message definition)."""
    return ("<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
            "<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id>"
            "<Acct><Id><IBAN>BE05068123456775</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">12.00</Amt>"
            f"<CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
            f"<AcctSvcrRef>FEE-{day}</AcctSvcrRef></Ntry></Stmt></BkToCstmrStmt></Document>")


def small_workspace(folder: Path, bank_day: str = "2026-11-19") -> Path:
    (folder / "exports").mkdir(parents=True)
    (folder / "exports" / "open_invoices.csv").write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    (folder / "exports" / "bank.xml").write_text(statement(bank_day), encoding="utf-8")
    (folder / CONFIG_NAME).write_text(textwrap.dedent("""\
        company: {name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775, bic: GKCCBEBB}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/bank.xml
            kind: bank
        """), encoding="utf-8")
    return folder


@pytest.fixture
def small(tmp_path, monkeypatch):
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    return small_workspace(tmp_path / "ws")


def test_stale_bank_data_stops_the_run_at_dunning_with_exit_3_after_import_and_reconcile(small):
    # the statement reaches 2026-11-19; on Monday 2026-11-30 three business days back is Wednesday 2026-11-25
    result = invoke(small, "--as-of", "2026-11-30", "--json")

    assert result.exit_code == 3, result.output
    document = json.loads(result.stdout)
    assert [(s["name"], s["status"], s["exit_code"]) for s in document["steps"]] == [
        ("import", "done", 0), ("reconcile", "nothing_new", 0), ("dunning", "refused", 3)]
    assert document["refused"] == {"step": "dunning", "exit_code": 3, "done_before": ["import", "reconcile"]}
    assert "bank data is stale" in document["steps"][-1]["message"]
    assert "Error: dunning: bank data is stale" in result.stderr
    assert not (small / "reports").exists()


def test_the_text_of_a_refused_run_names_the_steps_done_before(small):
    result = invoke(small, "--as-of", "2026-11-30")

    assert result.exit_code == 3
    assert "stopped at dunning (exit 3); done before it: import, reconcile" in result.stdout


def test_allow_stale_bank_lets_the_run_go_on(small):
    result = invoke(small, "--as-of", "2026-11-30", "--allow-stale-bank", "--json")

    assert result.exit_code == 0, result.output
    assert [s["status"] for s in json.loads(result.stdout)["steps"]] == ["done", "nothing_new", "done", "done"]


def test_a_snapshot_closing_more_than_a_fifth_of_the_open_invoices_stops_the_run_at_import_with_exit_3(small):
    assert invoke(small, "--as-of", "2026-11-20").exit_code == 0
    export = small / "exports" / "open_invoices.csv"
    # the newer export lists 1 of the 2 open invoices: closing 1 of 2 is 50 %, more than the 20 % allowed
    export.write_text(textwrap.dedent(INVOICES).rsplit("\n", 2)[0] + "\n", encoding="utf-8")
    later = export.stat().st_mtime + 60   # an export taken after the first one
    os.utime(export, (later, later))

    result = invoke(small, "--as-of", "2026-11-21", "--json")

    assert result.exit_code == 3, result.output
    document = json.loads(result.stdout)
    assert document["refused"] == {"step": "import", "exit_code": 3, "done_before": []}
    assert "would close 1 of 2 open invoices (50 %)" in document["steps"][0]["message"]
    assert invoke(small, "--as-of", "2026-11-21", "--accept-closures").exit_code == 0


HOLD_LOCK = """
import datetime as dt, sys, time
from pathlib import Path
from arctl.state.lock import WorkspaceLock
with WorkspaceLock(Path(sys.argv[1]), command="arctl import", now=lambda: dt.datetime(2026, 11, 20, 9, 0)):
    print("locked", flush=True)
    time.sleep(60)
"""


def hold_lock(folder: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    return process


def quick_lock(monkeypatch) -> None:
    original = WorkspaceLock.__init__

    def quick(self, folder, *, command, now, wait_seconds=0.5, poll_seconds=0.1, state_url=None):
        original(self, folder, command=command, now=now, wait_seconds=0.5, poll_seconds=poll_seconds,
                 state_url=state_url)

    monkeypatch.setattr(WorkspaceLock, "__init__", quick)


def test_a_run_while_another_holds_the_workspace_exits_4_having_done_nothing(small, monkeypatch):
    (small / ".arctl").mkdir()
    holder = hold_lock(small / ".arctl")
    quick_lock(monkeypatch)
    try:
        result = invoke(small, "--as-of", "2026-11-20", "--json")
    finally:
        holder.kill()
        holder.wait()

    assert result.exit_code == 4, result.output
    document = json.loads(result.stdout)
    assert document["refused"] == {"step": "lock", "exit_code": 4, "done_before": []}
    assert f"in use by arctl (pid {holder.pid}" in document["steps"][0]["message"]
    assert not (small / "outbox").exists()


def test_the_run_holds_the_lock_once_and_its_steps_take_it_inside_without_waiting(tmp_path):
    with WorkspaceLock(tmp_path, command="arctl run", now=lambda: dt.datetime(2026, 11, 20, 9, 0)):
        with WorkspaceLock(tmp_path, command="arctl import", now=lambda: dt.datetime(2026, 11, 20, 9, 0),
                           wait_seconds=0):
            pass
        # the inner one's end does not let go: another process still finds the workspace in use
        probe = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
            import datetime as dt
            from pathlib import Path
            from arctl.state.lock import WorkspaceLock
            from arctl.errors import StateError
            try:
                with WorkspaceLock(Path({str(tmp_path)!r}), command="x", now=dt.datetime.now, wait_seconds=0):
                    print("free")
            except StateError as error:
                print(error.message)
            """)], capture_output=True, text=True, check=True)
        assert "in use by arctl" in probe.stdout and "running `arctl run`" in probe.stdout
    with WorkspaceLock(tmp_path, command="after", now=dt.datetime.now, wait_seconds=0):
        pass


def test_a_forked_child_does_not_inherit_the_parents_hold_on_the_lock(tmp_path):
    with WorkspaceLock(tmp_path, command="arctl run", now=lambda: dt.datetime(2026, 11, 20, 9, 0)):
        pid = os.fork()
        if pid == 0:  # the child: the lock is its parent's, so it must wait and be refused
            try:
                with WorkspaceLock(tmp_path, command="child", now=dt.datetime.now, wait_seconds=0):
                    os._exit(0)
            except StateError:
                os._exit(4)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 4


# three businesses 10 days past due on 20 November: the standard plan's friendly e-mail is due for each
MAILED = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    2026-0101,K001,Bakkerij Peeters BV,2026-10-10,2026-11-10,EUR,1210.00,1210.00
    2026-0102,K002,Garage Janssens NV,2026-10-10,2026-11-10,EUR,302.50,302.50
    """
MAILED_CUSTOMERS = """\
    Customer ID,Name,Email
    K001,Bakkerij Peeters BV,boekhouding@peeters.example.be
    K002,Garage Janssens NV,info@janssens.example.be
    """


def test_an_email_the_server_refuses_exits_5_after_the_whole_run(invoices_and_customers_workspace, tmp_path_factory,
                                                                 monkeypatch):
    from smtp_server import PASSWORD, LocalServer

    with LocalServer("starttls", tmp_path_factory.mktemp("smtp")) as server:
        monkeypatch.setenv("ARCTL_SMTP_PASSWORD", PASSWORD)
        workspace = invoices_and_customers_workspace(MAILED, MAILED_CUSTOMERS, as_of="2026-11-20",
                                                     config=server.config())
        server.mailbox.refused["info@janssens.example.be"] = "550 5.1.1 Recipient address rejected"

        result = invoke(workspace, "--as-of", "2026-11-20", "--send", "--json")

    assert result.exit_code == 5, result.output
    document = json.loads(result.stdout)
    assert [(s["name"], s["exit_code"]) for s in document["steps"]] == [
        ("import", 0), ("reconcile", 0), ("dunning", 5), ("reports", 0)]
    assert document["steps"][2]["summary"]["sending"] == {"sent": 1, "failed": 1, "unknown": 0}
    assert document["refused"] is None
    assert "Error: not every e-mail was sent" in result.stderr
    assert (workspace / "reports" / "2026-11-20" / "aging.json").is_file()


def test_the_kpis_receivables_are_the_aging_reports_open_invoices_and_credit_notes(demo_runs):
    # two rebuilds of what is owed (reports/kpi.py's for any day of the history, the aging's open items) agree on
    # the run's day: the KPI's receivables are the aging's items less the payments not applied, which it leaves out
    from decimal import Decimal

    workspace = demo_runs[0]
    runner = CliRunner()
    kpis = json.loads(runner.invoke(app, ["-w", str(workspace), "kpi", "--as-of", "2026-11-26", "--json"]).stdout)
    aging = json.loads(runner.invoke(app, ["-w", str(workspace), "aging", "--as-of", "2026-11-26", "--format", "json",
                                           "--detail"]).stdout)
    owed: dict[str, Decimal] = {}
    for customer in aging["customers"]:
        for item in customer["items"]:
            if item["kind"] != "payment":
                owed[customer["currency"]] = owed.get(customer["currency"], Decimal(0)) + Decimal(item["amount"])

    assert {t["currency"]: Decimal(t["receivables"]) for t in kpis["totals"]} == owed
    assert owed == {"EUR": Decimal("726093.91"), "USD": Decimal("188542.84")}


SPREADSHEET_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")


def test_no_csv_or_xlsx_the_run_writes_holds_a_formula(demo_runs):
    # a cell a spreadsheet would run: one starting with = + - @, a tab or a carriage return that is not a number
    from openpyxl import load_workbook

    workspace = demo_runs[0]
    written = [*(workspace / "reports").rglob("*"), *(workspace / "outbox").rglob("*")]
    csvs, workbooks = [p for p in written if p.suffix == ".csv"], [p for p in written if p.suffix == ".xlsx"]
    assert {"aging.csv", "todo.csv", "call-list.csv"} <= {p.name for p in csvs}
    assert {"aging.xlsx", "call-list.xlsx"} <= {p.name for p in workbooks}
    for path in csvs:
        text = path.read_text(encoding="utf-8-sig")
        delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            runnable = [c for c in row if c.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
                        and not SPREADSHEET_NUMBER.match(c)]
            assert not runnable, (path, runnable)
    for path in workbooks:
        for sheet in load_workbook(path).worksheets:
            assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"], (path, sheet)


def test_every_web_page_of_the_run_and_a_statement_parses_strictly_and_loads_nothing(demo_runs, tmp_path):
    import html5lib

    workspace = demo_runs[0]
    statement = tmp_path / "statement.html"
    assert CliRunner().invoke(app, ["-w", str(workspace), "statement", "K0002", "--as-of", "2026-11-26",
                                    "-o", str(statement)]).exit_code == 0
    pages = [*(workspace / "reports").rglob("*.html"), *(workspace / "outbox").rglob("*.html"), statement]
    assert len(pages) > 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(text)
        # nothing fetched: no src, link or CSS url() to an address (data: URIs are inside the page)
        fetched = re.findall(r"(?:\bsrc\s*=\s*[\"']?|<link[^>]*href\s*=\s*[\"']?|url\(\s*[\"']?)(?!data:)([a-z]+:)",
                             text, re.IGNORECASE)
        assert not fetched, (page, fetched)


def test_aging_to_a_workbook_or_page_in_a_workspace_shows_its_kpis(demo_runs, tmp_path):
    from openpyxl import load_workbook

    workspace = demo_runs[0]
    runner = CliRunner()
    for name in ("aging.xlsx", "aging.html"):
        result = runner.invoke(app, ["-w", str(workspace), "aging", "--as-of", "2026-11-26",
                                     "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output

    kpis = {row[0]: row[1] for row in load_workbook(tmp_path / "aging.xlsx")["KPIs"].iter_rows(min_row=2,
                                                                                              values_only=True)}
    assert kpis["Receivables (EUR)"] == 726093.91     # the open invoices and credit notes, as the test above
    assert (kpis["Period from"].date(), kpis["Period days"]) == (dt.date(2026, 8, 27), 92)
    assert "DSO (EUR)" in (tmp_path / "aging.html").read_text(encoding="utf-8")
