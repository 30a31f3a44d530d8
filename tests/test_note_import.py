"""`arctl note --import call-list.xlsx` (or .csv): the outcomes a person filled in on the day's call list become
call notes, as `arctl note --outcome` records them; the same list imported twice records nothing new, and a
row that cannot be read is named by file, row and column before anything is recorded."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from arctl.workflows import load_workspace, open_store
from calls_workspace import ONLY_CALL, arctl, customer, invoice, make, run

pytestmark = pytest.mark.state

AS_OF = "2026-11-26"
INVOICES = [invoice("2026-0001", "K001", "Bakkerij Peeters BV", "2026-11-02", "1210.00"),
            invoice("2026-0002", "K002", "Garage Janssens NV", "2026-11-10", "3630.50")]
CUSTOMERS = [customer("K001", "Bakkerij Peeters BV", "Els Peeters", "boekhouding@peeters.example.be",
                      "+32 3 231 45 67"),
             customer("K002", "Garage Janssens NV", "Tom Janssens", "info@janssens.example.be", "+32 9 223 11 22")]


@pytest.fixture
def root(tmp_path) -> Path:
    root = make(tmp_path / "ws", ONLY_CALL, INVOICES, CUSTOMERS)
    run(root, AS_OF)
    return root


def fill_xlsx(root: Path, answers: dict[str, tuple]) -> Path:
    """The day's call-list.xlsx with (outcome, note, until) filled in per customer, saved beside it."""
    path = root / "outbox" / AS_OF / "call-list.xlsx"
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for number in range(2, sheet.max_row + 1):
        answer = answers.get(sheet.cell(row=number, column=header.index("customer_id") + 1).value)
        for name, value in zip(("outcome", "note", "until"), answer or (), strict=False):
            sheet.cell(row=number, column=header.index(name) + 1, value=value)
    filled = root / "filled.xlsx"
    book.save(filled)
    return filled


def notes(root: Path, customer_id: str) -> list[dict]:
    store = open_store(load_workspace(root, root, None))
    try:
        return [row for row in store.notes(customer_id) if row["call"]]
    finally:
        store.close()


def import_list(root: Path, path: Path):
    return arctl(root, "note", "--import", str(path), "--as-of", AS_OF)


@pytest.mark.parametrize(("outcome", "until"), [
    ("no_answer", None), ("dispute", None), ("paid", None), ("other", None),
    ("promise", dt.date(2026, 12, 4)), ("callback", dt.date(2026, 11, 30))])
def test_each_outcome_filled_in_becomes_a_call_note_with_that_outcome(root, outcome, until):
    path = fill_xlsx(root, {"K001": (outcome, "spoke to Els", until)})

    result = import_list(root, path)

    assert result.exit_code == 0, result.output
    [call] = notes(root, "K001")
    assert (call["outcome"], call["until"]) == (outcome, until)
    assert call["text"] == f"spoke to Els (call list {AS_OF}, step call)"
    assert call["written_on"] == dt.date(2026, 11, 26)
    assert notes(root, "K002") == []           # no outcome, nothing recorded


def test_a_callback_with_its_date_is_returned_by_the_run_of_that_day(root):
    path = fill_xlsx(root, {"K002": ("callback", "call back after the holidays", dt.date(2026, 11, 30))})
    assert import_list(root, path).exit_code == 0

    callbacks = run(root, "2026-11-30")["callbacks"]

    assert [(c["customer_id"], c["call_back_on"]) for c in callbacks] == [("K002", "2026-11-30")]


def test_a_promise_from_the_list_pauses_dunning_like_one_recorded_by_hand(root):
    path = fill_xlsx(root, {"K001": ("promise", "pays Friday", dt.date(2026, 12, 4))})
    assert import_list(root, path).exit_code == 0

    status = arctl(root, "dunning", "status", "--as-of", "2026-11-27", "--json")

    assert status.exit_code == 0, status.output
    assert "promised" in status.stdout


def test_importing_the_same_list_twice_records_nothing_new(root):
    path = fill_xlsx(root, {"K001": ("no_answer", "", None), "K002": ("callback", "", dt.date(2026, 11, 30))})
    first = import_list(root, path)

    second = import_list(root, path)

    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert "0 call(s) recorded, 2 already recorded by an earlier import" in second.stdout
    assert len(notes(root, "K001")) == 1 and len(notes(root, "K002")) == 1


def test_the_csv_list_in_the_locale_dialect_is_imported_too(root):
    path = root / "outbox" / AS_OF / "call-list.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))   # nl_BE
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("customer_id")] == "K002":
            row[header.index("outcome")] = "callback"
            row[header.index("until")] = "30/11/2026"       # as a person types a date in a Belgian spreadsheet
    filled = root / "filled.csv"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    filled.write_text(out.getvalue(), encoding="utf-8")

    result = import_list(root, filled)

    assert result.exit_code == 0, result.output
    [call] = notes(root, "K002")
    assert (call["outcome"], call["until"]) == ("callback", dt.date(2026, 11, 30))


def test_an_unknown_outcome_is_named_by_file_row_and_column_and_nothing_is_recorded(root):
    # K002 is on row 2 (the largest amount first), K001 on row 3
    path = fill_xlsx(root, {"K002": ("no_answer", "", None), "K001": ("rang twice", "", None)})

    result = import_list(root, path)

    assert result.exit_code == 3
    assert f"{path}:3: column outcome: 'rang twice' is not an outcome" in result.stderr
    assert "promise, no_answer, dispute, paid, callback, other" in result.stderr
    assert notes(root, "K001") == [] and notes(root, "K002") == []


def test_a_date_that_is_not_a_date_is_named_by_file_row_and_column(root):
    path = fill_xlsx(root, {"K002": ("callback", "", "next week")})

    result = import_list(root, path)

    assert result.exit_code == 3
    assert f"{path}:2: column until: 'next week' is not a date" in result.stderr


def test_a_promise_without_its_date_is_refused(root):
    path = fill_xlsx(root, {"K002": ("promise", "pays soon", None)})

    result = import_list(root, path)

    assert result.exit_code == 3
    assert f"{path}:2: column until: an outcome promise needs the promised date" in result.stderr


def test_a_list_without_an_outcome_column_is_refused_naming_the_file(root, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("customer_id,step,remark\nK001,call,busy\n", encoding="utf-8")

    result = import_list(root, path)

    assert result.exit_code == 3
    assert f"{path}: row 1: no column outcome" in result.stderr
