"""Recorded means written, written means recorded: every dunning step recorded has its document (a file, or its
row on the day's call list), every document its recorded step, after second runs, late imports and kills; and
what a run writes cannot be turned against its reader (names, HTML, CSV cells, the terminal)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.config import CONFIG_NAME
from arctl.deliver import outbox as outbox_module
from arctl.model import csv_cell, terminal_text
from arctl.render.dunning import address_problem
from arctl.state.store import Store
from outbox_check import disagreements, outbox_agrees_with_state
from state_check import state_execute, state_rows

pytestmark = pytest.mark.state

AS_OF = "2026-11-26"
# Every invoice is due 2026-11-02: 24 days overdue on 2026-11-26, past the first step (7 days after the due date).
HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due"
CUSTOMER_HEADER = "Customer ID,Name,Email,Phone"
PLAN = {
    "calls": """\
        name: Calls first
        steps:
          - id: call
            after_due: 7 days
            channel: phone
        """,
    "mails": """\
        name: Mails first
        steps:
          - id: friendly
            after_due: 7 days
            channel: email
            new_term: 10 days
        """,
    "letters": """\
        name: Letters first
        steps:
          - id: letter
            after_due: 7 days
            channel: letter
            new_term: 10 days
        """,
}


class SimulatedKill(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def invoice(number: int, customer: str, name: str, amount: str = "1210.00") -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    return f"2026-{number:04d},\"{customer}\",{quoted},2026-10-03,2026-11-02,EUR,{amount},{amount}"


def customer(customer_id: str, name: str, email: str, phone: str = "+32 3 123 45 67") -> str:
    return ",".join('"' + v.replace('"', '""') + '"' for v in (customer_id, name, email, phone))


def make_workspace(root: Path, plan: str, invoices: list[str], customers: list[str]) -> Path:
    (root / "exports").mkdir(parents=True)
    (root / "plans").mkdir()
    (root / "plans" / f"{plan}.yaml").write_text(textwrap.dedent(PLAN[plan]), encoding="utf-8")
    write_exports(root, invoices, customers)
    (root / CONFIG_NAME).write_text(textwrap.dedent(f"""\
        company: {{name: Voorbeeld, legal_form: BV, country: BE, iban: BE05068123456775}}
        dunning: {{plan: {plan}}}
        sources:
          - path: exports/open_invoices.csv
            kind: invoices
            snapshot: true
          - path: exports/customers.csv
            kind: customers
        """), encoding="utf-8")
    imported = arctl(root, "import", "--as-of", AS_OF)
    assert imported.exit_code == 0, imported.output
    return root


def write_exports(root: Path, invoices: list[str], customers: list[str]) -> None:
    (root / "exports" / "open_invoices.csv").write_text("\n".join([HEADER, *invoices]) + "\n", encoding="utf-8")
    (root / "exports" / "customers.csv").write_text("\n".join([CUSTOMER_HEADER, *customers]) + "\n",
                                                    encoding="utf-8")


def late_import(root: Path, invoices: list[str], customers: list[str]) -> None:
    """A newer export, taken later the same day, with more invoices."""
    write_exports(root, invoices, customers)
    later = (root / "exports" / "open_invoices.csv").stat().st_mtime + 3600
    for name in ("open_invoices.csv", "customers.csv"):
        os.utime(root / "exports" / name, (later, later))
    imported = arctl(root, "import", "--as-of", AS_OF, "--accept-closures")
    assert imported.exit_code == 0, imported.output


def arctl(root: Path, *args: str):
    return CliRunner().invoke(app, ["-w", str(root), *args])


def run(root: Path, *args: str):
    result = arctl(root, "dunning", "run", "--as-of", AS_OF, "--json", *args)
    return result, (json.loads(result.stdout) if result.exit_code == 0 else None)


def call_rows(root: Path) -> list[str]:
    return (root / "outbox" / AS_OF / "call-list.csv").read_text(encoding="utf-8").splitlines()[1:]


CALLERS = [f"K{n:03d}" for n in range(1, 18)]


def callers(ids: list[str]) -> tuple[list[str], list[str]]:
    return ([invoice(n, c, f"Klant {c} BV") for n, c in enumerate(ids, 1)],
            [customer(c, f"Klant {c} BV", f"boekhouding@{c.lower()}.example.be") for c in ids])


# --- the call list --------------------------------------------------------------------------------------------


def test_a_second_run_after_a_late_import_adds_its_calls_to_the_days_list(tmp_path):
    root = make_workspace(tmp_path, "calls", *callers(CALLERS[:16]))
    first, _ = run(root)
    late_import(root, *callers(CALLERS))          # K017 arrives in an export taken later that day

    second, document = run(root)

    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert [a["customer_id"] for a in document["actions"]] == ["K017"]
    rows = call_rows(root)
    assert len(rows) == 17, "the first run's 16 calls and the second run's one"
    assert [row.split(";")[0] for row in rows] == CALLERS
    assert outbox_agrees_with_state(root)


def test_a_kill_right_after_the_call_list_is_written_loses_no_call_and_lists_none_twice(tmp_path, monkeypatch):
    uninterrupted = make_workspace(tmp_path / "uninterrupted", "calls", *callers(CALLERS))
    assert run(uninterrupted)[0].exit_code == 0
    killed = make_workspace(tmp_path / "killed", "calls", *callers(CALLERS))

    recording = Store.record_actions

    def killed_before_recording(self, actions, as_of):
        if any(action.channel == "phone" for action, _, _ in actions):
            raise SimulatedKill("after the call list was written, before its calls were recorded")
        recording(self, actions, as_of)

    monkeypatch.setattr(Store, "record_actions", killed_before_recording)
    with pytest.raises(SimulatedKill):
        arctl(killed, "dunning", "run", "--as-of", AS_OF)
    monkeypatch.undo()
    assert len(call_rows(killed)) == 17             # written, not recorded
    result, _ = run(killed)

    assert result.exit_code == 0, result.output
    assert outbox_agrees_with_state(killed)
    assert call_rows(killed) == call_rows(uninterrupted)


def test_calls_of_a_killed_run_that_are_no_longer_due_leave_the_list(tmp_path, monkeypatch):
    root = make_workspace(tmp_path, "calls", *callers(CALLERS[:3]))
    monkeypatch.setattr(Store, "record_actions", lambda self, actions, as_of: (_ for _ in ()).throw(
        SimulatedKill("before recording")))
    with pytest.raises(SimulatedKill):
        arctl(root, "dunning", "run", "--as-of", AS_OF)
    monkeypatch.undo()
    late_import(root, *callers(CALLERS[:2]))        # K003's invoice is gone from the newer snapshot: paid

    result, document = run(root)

    assert result.exit_code == 0, result.output
    assert [a["customer_id"] for a in document["actions"]] == ["K001", "K002"]
    assert [row.split(";")[0] for row in call_rows(root)] == ["K001", "K002"]
    assert outbox_agrees_with_state(root)


# --- document names ---------------------------------------------------------------------------------------------


def test_ids_that_sanitise_alike_get_a_document_each_addressed_to_its_own_customer(tmp_path):
    ids = ["K/1", "K_1", "K 1", "MÜLLER", "MÖLLER", "k_1"]
    invoices = [invoice(n, c, f"Klant {n}") for n, c in enumerate(ids, 1)]
    customers = [customer(c, f"Klant {n}", f"klant{n}@example.be") for n, c in enumerate(ids, 1)]
    root = make_workspace(tmp_path, "mails", invoices, customers)

    result, document = run(root)

    assert result.exit_code == 0, result.output
    documents = {a["customer_id"]: a["documents"][0] for a in document["actions"]}
    assert len(set(documents.values())) == len(ids)
    assert len({path.lower() for path in documents.values()}) == len(ids), "also on a case-insensitive disk"
    for n, customer_id in enumerate(ids, 1):
        assert f"To: klant{n}@example.be" in (root / documents[customer_id]).read_text(encoding="utf-8")
    assert documents["K_1"] == f"outbox/{AS_OF}/K_1-friendly-EUR.eml", "a plain id keeps its readable name"
    assert outbox_agrees_with_state(root)


# --- a second run meeting a recorded action ------------------------------------------------------------------------


def test_a_second_run_meeting_a_recorded_action_adds_only_what_is_new_and_leaves_the_document(tmp_path):
    invoices = [invoice(1, "K001", "Bakkerij Peeters BV")]
    customers = [customer("K001", "Bakkerij Peeters BV", "boekhouding@peeters.example.be"),
                 customer("K002", "Garage Janssens NV", "info@janssens.example.be")]
    root = make_workspace(tmp_path, "mails", invoices, customers)
    run(root)
    sent = (root / "outbox" / AS_OF / "K001-friendly-EUR.eml").read_bytes()
    late_import(root, [*invoices, invoice(2, "K001", "Bakkerij Peeters BV", "99.00"),
                       invoice(3, "K002", "Garage Janssens NV")], customers)

    result, document = run(root)

    assert result.exit_code == 0, result.output
    assert [a["customer_id"] for a in document["actions"]] == ["K002"]
    assert (root / "outbox" / AS_OF / "K001-friendly-EUR.eml").read_bytes() == sent
    assert any("K001" in w and "2026-0002" in w and "next run" in w for w in document["warnings"])
    assert {"invoice_id": "2026-0002", "reason": "recorded_today"} in document["skipped"]
    assert outbox_agrees_with_state(root)


# --- what a kill leaves ------------------------------------------------------------------------------------------


def test_temporary_files_left_by_a_kill_are_removed_by_the_next_run(tmp_path):
    root = make_workspace(tmp_path, "mails", *callers(CALLERS[:2]))
    folder = root / "outbox" / "2026-11-25"
    folder.mkdir(parents=True)
    left = folder / ".arctl-tmp-K001-friendly-EUR.eml.k3j4_x"
    left.write_bytes(b"From: half a messa")
    yours = folder / "notes.txt"
    yours.write_text("a person's file", encoding="utf-8")

    result, _ = run(root)

    assert result.exit_code == 0, result.output
    assert not left.exists()
    assert yours.exists(), "only arctl's own temporary files are removed"


def test_a_document_written_by_a_killed_run_for_a_step_no_longer_due_is_removed(tmp_path, monkeypatch):
    root = make_workspace(tmp_path, "mails", *callers(CALLERS[:2]))
    monkeypatch.setattr(Store, "record_actions", lambda self, actions, as_of: (_ for _ in ()).throw(
        SimulatedKill("before recording")))
    with pytest.raises(SimulatedKill):
        arctl(root, "dunning", "run", "--as-of", AS_OF)
    monkeypatch.undo()
    assert (root / "outbox" / AS_OF / "K002-friendly-EUR.eml").exists()
    late_import(root, *callers(CALLERS[:1]))        # K002 paid meanwhile

    result, _ = run(root)

    assert result.exit_code == 0, result.output
    assert not (root / "outbox" / AS_OF / "K002-friendly-EUR.eml").exists()
    assert outbox_agrees_with_state(root)


# --- a state that cannot be trusted -----------------------------------------------------------------------------


def damage(state: Path, how: str, monkeypatch) -> None:
    if how == "empty":
        state.write_bytes(b"")
    elif how == "not a database":
        state.write_bytes(b"invoice_id,amount\n2026-0001,1210.00\n" * 40)
    elif how == "cut short":
        state.write_bytes(state.read_bytes()[:4096 + 100])
    elif how == "a folder":
        state.unlink()
        state.mkdir()
    elif how == "unreadable":   # tests run as root, who reads anything: the check asks os.access
        monkeypatch.setattr("arctl.state.opening.may", lambda path, mode: not mode & os.R_OK)
    elif how == "read-only":
        monkeypatch.setattr("arctl.state.opening.may", lambda path, mode: not (
            mode & os.W_OK and Path(path).name == "state.sqlite"))


@pytest.mark.sqlite_only("a damaged SQLite file")
@pytest.mark.parametrize(("how", "said"), [
    ("empty", "is empty (0 bytes)"), ("not a database", "is damaged: it is not a SQLite database"),
    ("cut short", "is damaged: it is cut short"), ("a folder", "is a folder, not a database file"),
    ("unreadable", "is not readable"), ("read-only", "is read-only")])
def test_a_state_that_cannot_be_trusted_is_refused_with_exit_4_saying_how_to_restore_it(tmp_path, monkeypatch,
                                                                                        how, said):
    root = make_workspace(tmp_path, "mails", *callers(CALLERS[:2]))
    state = root / ".arctl" / "state.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    damage(state, how, monkeypatch)

    result = arctl(root, "dunning", "run", "--as-of", AS_OF)

    assert result.exit_code == 4, result.output
    assert said in result.stderr and result.stderr.startswith("Error: ")
    assert "restore" in result.stderr or "access" in result.stderr
    assert not (root / "outbox" / AS_OF).exists(), "nothing goes out again"


def test_a_state_folder_that_is_a_file_is_refused_with_exit_4(tmp_path):
    root = make_workspace(tmp_path, "mails", *callers(CALLERS[:1]))
    shutil.rmtree(root / ".arctl")
    (root / ".arctl").write_text("", encoding="utf-8")

    result = arctl(root, "dunning", "run", "--as-of", AS_OF)

    assert result.exit_code == 4, result.output
    assert "is not a folder" in result.stderr


# --- a bad customer value ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("email", "said"), [
    ("boekhouding@peeters.example.be\nBcc: everyone@example.com", "line break"),
    ("boekhouding@peeters.example.be; directie@peeters.example.be", "not one address"),
    ("boekhouding@peeters.example.be, directie@peeters.example.be", "not one address")])
def test_one_bad_email_address_skips_that_document_with_a_warning_and_the_run_goes_on(tmp_path, email, said):
    invoices = [invoice(1, "K001", "Bakkerij Peeters BV"), invoice(2, "K002", "Garage Janssens NV")]
    customers = [customer("K001", "Bakkerij Peeters BV", email),
                 customer("K002", "Garage Janssens NV", "info@janssens.example.be")]
    root = make_workspace(tmp_path, "mails", invoices, customers)

    result, document = run(root)

    assert result.exit_code == 0, result.output
    assert [a["customer_id"] for a in document["actions"]] == ["K002"]
    [warning] = [w for w in document["warnings"] if "K001" in w]
    assert "field email" in warning and said in warning
    assert not list((root / "outbox" / AS_OF).glob("K001*"))
    assert outbox_agrees_with_state(root)


@pytest.mark.parametrize("address", ["", "   ", "peeters.example.be", "@example.be", "a@b@example.be",
                                     "Peeters <boekhouding@peeters.example.be>"])
def test_a_missing_or_malformed_address_is_not_an_address(address):
    assert address_problem(address, "email") is not None


def test_a_plain_address_is_one():
    assert address_problem("boekhouding@peeters.example.be", "email") is None


# --- what a reader's program could run --------------------------------------------------------------------------


def test_a_customer_name_reaches_a_letter_escaped(tmp_path):
    name = "<script>alert('x')</script> & Zonen"
    root = make_workspace(tmp_path, "letters", [invoice(1, "K001", name)], [customer("K001", name, "")])

    result, document = run(root)

    assert result.exit_code == 0, result.output
    letter = (root / document["actions"][0]["documents"][0]).read_text(encoding="utf-8")
    assert "<script>" not in letter
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Zonen" in letter


def test_a_call_list_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(tmp_path):
    name = '=HYPERLINK("http://evil.example","pay here")'
    root = make_workspace(tmp_path, "calls", [invoice(1, "K001", name)],
                          [customer("K001", name, "a@k001.example.be", phone="+32 3 123 45 67")])

    run(root)

    [row] = call_rows(root)
    # nl_BE (the default locale) separates cells with ';'
    assert row.startswith("K001;\"'=HYPERLINK(") and ";'+32 3 123 45 67;" in row
    assert outbox_agrees_with_state(root)


def test_an_aging_csv_cell_a_spreadsheet_would_run_starts_with_an_apostrophe_and_numbers_stay_numbers(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text("\n".join([HEADER, invoice(1, "@K1", "-2+3 BV"), invoice(2, "K2", "=1+1 NV", "-50.00")]) + "\n",
                    encoding="utf-8")

    result = CliRunner().invoke(app, ["aging", str(path), "--as-of", AS_OF, "--format", "csv"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("'@K1,'-2+3 BV,EUR,1210.00,")
    assert lines[2].startswith("K2,'=1+1 NV,EUR,-50.00,"), "a negative amount is a number, not a formula"


@pytest.mark.parametrize(("cell", "written"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+32 3 123 45 67", "'+32 3 123 45 67"), ("-cmd", "'-cmd"),
    ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-50.00", "-50.00"), ("Peeters BV", "Peeters BV")])
def test_csv_cells_that_start_like_a_formula_get_an_apostrophe(cell, written):
    assert csv_cell(cell) == written


def test_terminal_output_strips_control_sequences_from_data(tmp_path):
    root = make_workspace(tmp_path, "mails", *callers(["K001"]))
    # a value that reached the state from some export
    state_execute(root, "UPDATE invoices SET customer_id = :evil", {"evil": "K\x1b]0;owned\x07\x1b[2J\x1b[31mX\x9b"})

    result = arctl(root, "dunning", "run", "--as-of", AS_OF)

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout and "\x07" not in result.stdout
    assert "K0;owned" in result.stdout or "KX" in result.stdout


def test_terminal_text_keeps_the_text_and_drops_the_sequences():
    assert terminal_text("Peeters\x1b[31m BV\x1b]0;title\x07 \x08\x9b") == "Peeters BV "
    assert terminal_text("Peeters \u202egnirtS\u202c \u2067BV\u2069") == "Peeters gnirtS BV"   # no reversed text
    assert terminal_text("\u0645\u062d\u0645\u062f BV") == "\u0645\u062d\u0645\u062f BV"   # right-to-left text stays
    assert terminal_text("two\nlines", one_line=True) == "two lines"


# --- -o into a folder that does not exist -----------------------------------------------------------------------


def test_aging_into_a_missing_folder_creates_it(tmp_path, monkeypatch):
    path = tmp_path / "open.csv"
    path.write_text("\n".join([HEADER, invoice(1, "K1", "Peeters BV")]) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, ["aging", str(path), "--as-of", AS_OF, "--format", "csv",
                                      "-o", "reports/2026/aging.csv"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "reports" / "2026" / "aging.csv").read_text(encoding="utf-8").startswith("customer_id,")
    assert not list((tmp_path / "reports" / "2026").glob(".*"))


def test_aging_into_a_folder_that_cannot_be_made_is_an_error_line(tmp_path, monkeypatch):
    path = tmp_path / "open.csv"
    path.write_text("\n".join([HEADER, invoice(1, "K1", "Peeters BV")]) + "\n", encoding="utf-8")
    (tmp_path / "reports").write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, ["aging", str(path), "--as-of", AS_OF, "--format", "csv",
                                      "-o", "reports/aging.csv"])

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: -o reports/aging.csv: cannot write it")
    assert "Traceback" not in result.output


def test_the_outbox_check_finds_a_document_without_its_step_and_a_step_without_its_document(tmp_path):
    root = make_workspace(tmp_path, "mails", *callers(CALLERS[:2]))
    run(root)
    (root / "outbox" / AS_OF / "K001-friendly-EUR.eml").unlink()
    (root / "outbox" / AS_OF / "K099-friendly-EUR.eml").write_text("stray", encoding="utf-8")

    found = disagreements(root)

    assert any("K001 friendly recorded without its document" in p for p in found)
    assert any("document without its recorded step" in p and "K099" in p for p in found)


@pytest.mark.parametrize(("error", "said", "hint"), [
    (errno.ENOSPC, "No space left on device", "free disk space"),
    (errno.EROFS, "Read-only file system", "read-only file system"),
    (errno.EACCES, "Permission denied", "write access to the workspace's outbox/")])
def test_a_full_or_read_only_disk_stops_the_run_with_exit_4_and_nothing_unwritten_is_recorded(
        tmp_path, monkeypatch, error, said, hint):
    root = make_workspace(tmp_path, "mails", *callers(CALLERS[:6]))
    written: list[Path] = []
    original = outbox_module.write_atomically

    def disk_fails_at_the_third_file(path, data, *, sync=True):
        if len(written) == 2:   # tests run as root, whom permissions do not stop: the system's answer is simulated
            raise OSError(error, os.strerror(error), str(path))
        original(path, data, sync=sync)
        written.append(path)

    monkeypatch.setattr(outbox_module, "write_atomically", disk_fails_at_the_third_file)
    result, _ = run(root)

    assert result.exit_code == 4, result.output
    assert said in result.stderr and hint in result.stderr and "Traceback" not in result.output
    recorded = [d for (documents,) in state_rows(root, "SELECT document FROM dunning_actions")
                for d in documents.split(";") if d]
    assert all((root / document).is_file() for document in recorded)   # recorded means written
    monkeypatch.undo()
    again, _ = run(root)
    assert again.exit_code == 0, again.output
    assert outbox_agrees_with_state(root)
