"""The day's call list: XLSX with numbers and dates, CSV in the locale's dialect, sorted by priority, each call
named by its plan step's label, with the customer's earlier steps and notes, and an outcome to fill in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from arctl.render.call_list import CallRow, by_priority
from arctl.state.store import Store
from arctl.workflows import load_plans
from calls_workspace import CALL_AFTER_MAIL, ONLY_CALL, arctl, customer, invoice, make, run
from outbox_check import outbox_agrees_with_state

pytestmark = pytest.mark.state

AS_OF = "2026-11-26"
# On 26 November 2026, each call of the ONLY_CALL plan (7 days after the due date) is due:
#   K001: one invoice of 1 210,00 due 2 November: 24 days overdue
#   K002: one invoice of 3 630,50 due 10 November: 16 days overdue
#   K003: two invoices, 500,00 due 2 November and 300,00 due 16 November: 800,00, 24 days overdue (the oldest)
INVOICES = [invoice("2026-0001", "K001", "Bakkerij Peeters BV", "2026-11-02", "1210.00"),
            invoice("2026-0002", "K002", "Garage Janssens NV", "2026-11-10", "3630.50"),
            invoice("2026-0003", "K003", "Drukkerij Claes BV", "2026-11-02", "500.00"),
            invoice("2026-0004", "K003", "Drukkerij Claes BV", "2026-11-16", "300.00")]
CUSTOMERS = [customer("K001", "Bakkerij Peeters BV", "Els Peeters", "boekhouding@peeters.example.be",
                      "+32 3 231 45 67"),
             customer("K002", "Garage Janssens NV", "Tom Janssens", "info@janssens.example.be", "+32 9 223 11 22"),
             customer("K003", "Drukkerij Claes BV", "An Claes", "an@claes.example.be", "+32 16 20 30 40")]


def workspace(tmp_path: Path, locale: str = "nl_BE") -> Path:
    return make(tmp_path / "ws", ONLY_CALL, INVOICES, CUSTOMERS, locale=locale)


def csv_rows(root: Path, day: str = AS_OF) -> list[dict]:
    text = (root / "outbox" / day / "call-list.csv").read_text(encoding="utf-8")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def xlsx_rows(root: Path, day: str = AS_OF) -> list[dict]:
    sheet = load_workbook(root / "outbox" / day / "call-list.xlsx").worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


# --- XLSX and CSV ---------------------------------------------------------------------------------------------


def test_the_xlsx_call_list_holds_amounts_as_numbers_and_dates_as_dates(tmp_path):
    root = workspace(tmp_path)
    run(root, AS_OF)

    k001 = next(row for row in xlsx_rows(root) if row["customer_id"] == "K001")

    assert k001["amount_due"] == 1210 and isinstance(k001["amount_due"], int | float)
    assert k001["oldest_due_date"] == dt.datetime(2026, 11, 2)
    assert k001["list_date"] == dt.datetime(2026, 11, 26)
    assert k001["days_overdue"] == 24
    assert (k001["contact"], k001["phone"], k001["email"]) == ("Els Peeters", "+32 3 231 45 67",
                                                               "boekhouding@peeters.example.be")
    assert (k001["outcome"], k001["note"], k001["until"]) == (None, None, None)


def test_the_xlsx_amount_cells_are_formatted_with_two_decimals(tmp_path):
    root = workspace(tmp_path)
    run(root, AS_OF)

    sheet = load_workbook(root / "outbox" / AS_OF / "call-list.xlsx").worksheets[0]
    column = [cell.value for cell in sheet[1]].index("amount_due")

    assert sheet.cell(row=2, column=column + 1).number_format == "#,##0.00"
    assert sheet.cell(row=2, column=column + 1).value == 3630.5   # K002 first: the largest amount


@pytest.mark.parametrize(("locale", "delimiter", "amount"), [
    ("nl_BE", ";", "3630,50"), ("fr_BE", ";", "3630,50"), ("de_DE", ";", "3630,50"), ("nl_NL", ";", "3630,50"),
    ("en_GB", ",", "3630.50"), ("en_US", ",", "3630.50")])
def test_the_csv_call_list_follows_the_locale_delimiter_and_decimal_mark(tmp_path, locale, delimiter, amount):
    root = workspace(tmp_path, locale)
    run(root, AS_OF)

    lines = (root / "outbox" / AS_OF / "call-list.csv").read_text(encoding="utf-8").splitlines()

    assert lines[0].startswith(delimiter.join(("customer_id", "customer", "contact", "phone")))
    assert lines[1].split(delimiter)[0] == "K002"
    assert f"{delimiter}{amount}{delimiter}EUR{delimiter}" in lines[1]


def test_a_text_cell_that_looks_like_a_formula_stays_text_in_the_xlsx(tmp_path):
    name = '=HYPERLINK("http://evil.example","pay here")'
    root = make(tmp_path / "ws", ONLY_CALL, [invoice("2026-0001", "K001", name.replace('"', '""'), "2026-11-02",
                                                      "100.00")],
                [customer("K001", name, "", "a@k001.example.be", "+32 3 123 45 67")])
    run(root, AS_OF)

    sheet = load_workbook(root / "outbox" / AS_OF / "call-list.xlsx").worksheets[0]
    cell = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("customer") + 1)

    assert cell.value == name and cell.data_type == "s"


# --- priority ---------------------------------------------------------------------------------------------------


def test_calls_of_one_step_are_listed_largest_amount_first(tmp_path):
    root = workspace(tmp_path)
    run(root, AS_OF)

    # K002 3 630,50 before K001 1 210,00 before K003 800,00
    assert [row["customer_id"] for row in csv_rows(root)] == ["K002", "K001", "K003"]
    assert [row["customer_id"] for row in xlsx_rows(root)] == ["K002", "K001", "K003"]


def row(customer_id: str, severity: int, amount: int, days: int) -> CallRow:
    return CallRow(customer_id, customer_id, "", "", "", "call", "Call", severity, "", amount, "EUR", days, None, "",
                   "", dt.date(2026, 11, 26))


def test_a_later_step_of_the_plan_comes_before_a_larger_amount():
    rows = [row("K001", 1, 900_000, 40), row("K002", 3, 10_000, 5), row("K003", 2, 50_000, 10)]

    assert [r.customer_id for r in by_priority(rows)] == ["K002", "K003", "K001"]


def test_of_equal_step_and_amount_the_longer_overdue_comes_first():
    rows = [row("K001", 2, 10_000, 5), row("K002", 2, 10_000, 30), row("K003", 2, 10_000, 12)]

    assert [r.customer_id for r in by_priority(rows)] == ["K002", "K003", "K001"]


# --- the step, the history and the notes ----------------------------------------------------------------------


def test_the_shipped_plans_name_their_calls_distinctly():
    plans = load_plans("standard", None)
    labels = {(plan.key, step.id): step.shown for plan in plans.plans for step in plan.steps
              if step.channel == "phone"}

    assert labels[("strict", "due-date-call")] == "Due-date call"
    assert labels[("standard", "call")] == "Call after the second e-mail"    # derived: the plan gives no label
    assert labels[("consumer-be", "call")] == "Call after second reminder"
    assert len(set(labels.values())) == len(labels), labels


def test_a_call_carries_its_steps_label_position_earlier_steps_and_notes(tmp_path):
    # the friendly e-mail goes on 9 November (7 days after the 2 November due date), a note is written on
    # 12 November, the call is due on 16 November (7 days after the e-mail)
    root = make(tmp_path / "ws", CALL_AFTER_MAIL, INVOICES[:1], CUSTOMERS[:1], as_of="2026-11-09")
    run(root, "2026-11-09")
    noted = arctl(root, "note", "K001", "asked for a copy of the invoice", "--as-of", "2026-11-12")
    assert noted.exit_code == 0, noted.output
    run(root, "2026-11-16")

    [call] = csv_rows(root, "2026-11-16")

    assert (call["step"], call["step_label"], call["severity"]) == ("call", "Call after the friendly reminder", "2")
    assert call["history"] == "2026-11-09 email friendly"
    assert call["notes"] == "2026-11-12 note: asked for a copy of the invoice"
    assert call["days_overdue"] == "14"
    assert outbox_agrees_with_state(root)


# --- recorded means written -------------------------------------------------------------------------------------


def test_a_second_run_the_same_day_rewrites_the_xlsx_with_every_call_of_the_day(tmp_path):
    root = make(tmp_path / "ws", ONLY_CALL, INVOICES[:1], CUSTOMERS)
    run(root, AS_OF)
    exports = root / "exports" / "open_invoices.csv"
    exports.write_text(exports.read_text(encoding="utf-8") + INVOICES[1] + "\n", encoding="utf-8")
    later = exports.stat().st_mtime + 3600
    os.utime(exports, (later, later))
    assert arctl(root, "import", "--as-of", AS_OF).exit_code == 0

    run(root, AS_OF)

    assert [r["customer_id"] for r in csv_rows(root)] == ["K001", "K002"]     # appended: the CSV keeps its order
    assert [r["customer_id"] for r in xlsx_rows(root)] == ["K002", "K001"]    # rewritten whole, by priority
    assert outbox_agrees_with_state(root)


class SimulatedKill(BaseException):
    """The process dying between writing the call list and recording its calls."""


def test_a_run_killed_before_recording_its_calls_leaves_both_lists_in_line_with_the_state(tmp_path, monkeypatch):
    root = workspace(tmp_path)
    recording = Store.record_actions

    def killed(self, actions, as_of):
        if any(action.channel == "phone" for action, _, _ in actions):
            raise SimulatedKill("after the call lists were written")
        recording(self, actions, as_of)

    monkeypatch.setattr(Store, "record_actions", killed)
    with pytest.raises(SimulatedKill):
        arctl(root, "dunning", "run", "--as-of", AS_OF)
    monkeypatch.undo()
    exports = root / "exports" / "open_invoices.csv"     # K002 pays before the next run
    exports.write_text("\n".join(line for line in exports.read_text(encoding="utf-8").splitlines()
                                 if ",K002," not in line) + "\n", encoding="utf-8")
    later = exports.stat().st_mtime + 3600
    os.utime(exports, (later, later))
    assert arctl(root, "import", "--as-of", AS_OF, "--accept-closures").exit_code == 0

    run(root, AS_OF)

    assert [r["customer_id"] for r in csv_rows(root)] == ["K001", "K003"]
    assert [r["customer_id"] for r in xlsx_rows(root)] == ["K001", "K003"]
    assert outbox_agrees_with_state(root)
