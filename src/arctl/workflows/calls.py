"""The call list of a run (phone steps with their history and notes, as CSV and XLSX) and `arctl note --import`,
which records the outcomes a person filled in on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from arctl.errors import InputError, UsageError
from arctl.workflows.pauses import CALL_OUTCOMES
from arctl.workflows.workspace import writing

if TYPE_CHECKING:
    from arctl.config import Workspace
    from arctl.deliver.outbox import Outbox
    from arctl.dunning.plan import PlanSet
    from arctl.model import Action
    from arctl.render.call_list import CallRow
    from arctl.render.dunning import DunningDocument
    from arctl.state.store import Store


def call_rows(store: Store, plans: PlanSet, calls: list[tuple[Action, DunningDocument]], as_of: dt.date
              ) -> list[CallRow]:
    """A call-list row per phone action: who to call, about what, what was sent and said before."""
    from arctl.render.call_list import CallRow

    master = store.customers()
    contacts = dict(zip(master["customer_id"], master["contact"], strict=True)) if "contact" in master else {}
    rows = []
    for action, document in calls:
        label, severity = _step_of(plans, action)
        dues = [line.due_date for line in action.lines if line.due_date is not None]
        oldest = min(dues) if dues else None
        rows.append(CallRow(
            action.customer_id, document.customer.name, str(contacts.get(action.customer_id) or ""),
            document.customer.phone, document.customer.email, action.step, label, severity,
            " ".join(action.invoices), action.total_due, action.currency, (as_of - oldest).days if oldest else 0,
            oldest, history_text(store.actions_of(action.customer_id), as_of),
            notes_text(store.notes(action.customer_id)), as_of))
    return rows


def _step_of(plans: PlanSet, action: Action) -> tuple[str, int]:
    """The step's label and its position in its plan (1 for the first step); the id in words for a step no
    plan of the run has any more."""
    for plan in plans.plans:
        if plan.key == action.plan:
            for position, step in enumerate(plan.steps, start=1):
                if step.id == action.step:
                    return step.shown, position
    return action.step.replace("-", " ").replace("_", " ").capitalize(), 0


def history_text(recorded: list[dict], before: dt.date) -> str:
    """The customer's earlier steps, oldest first: "2026-11-09 email friendly; 2026-11-23 email second"."""
    return "; ".join(f"{row['as_of'].isoformat()} {row['channel']} {row['step']}" for row in recorded
                     if row["as_of"] <= before)


def notes_text(notes: list[dict]) -> str:
    """The customer's notes and calls, oldest first: "2026-11-20 call no_answer: line busy"."""
    shown = []
    for row in notes:
        kind = "call" + (f" {row['outcome']}" if row["outcome"] else "") if row["call"] else "note"
        until = f" until {row['until'].isoformat()}" if row["until"] else ""
        shown.append(f"{row['written_on'].isoformat()} {kind}{until}: {row['text']}")
    return " | ".join(shown)


def write_calls(store: Store, outbox: Outbox, rows: list[CallRow], calls: list[tuple[Action, DunningDocument]],
                locale: str, as_of: dt.date) -> tuple[str, ...]:
    """Append the run's calls to the day's call-list.csv, rewrite call-list.xlsx from the whole CSV, make both
    durable, then record the calls (each naming both files). Returns the two files as the user sees them."""
    from arctl.deliver.outbox import CALL_LIST, CALL_LIST_XLSX
    from arctl.render.call_list import call_list_csv, call_list_xlsx, rows_from_csv

    csv_path, xlsx_path = outbox.folder / CALL_LIST, outbox.folder / CALL_LIST_XLSX
    data = outbox.call_list_with(call_list_csv(rows, locale))
    outbox.write_batch([(csv_path, data), (xlsx_path, call_list_xlsx(rows_from_csv(data), as_of))])
    shown = (outbox.shown(csv_path), outbox.shown(xlsx_path))
    store.record_actions([(action, ";".join(shown), "written") for action, _ in calls], as_of)
    return shown


def refresh_xlsx(outbox: Outbox, as_of: dt.date) -> None:
    """After a recovery removed rows of the day's call-list.csv (and its XLSX), write the XLSX anew from the
    CSV: its rows are all recorded."""
    from arctl.deliver.outbox import CALL_LIST, CALL_LIST_XLSX
    from arctl.render.call_list import call_list_xlsx, rows_from_csv

    csv_path, xlsx_path = outbox.folder / CALL_LIST, outbox.folder / CALL_LIST_XLSX
    if csv_path.is_file() and not xlsx_path.is_file():
        rows = rows_from_csv(csv_path.read_bytes())
        if rows:    # a list of an older arctl, whose calls name no XLSX, keeps going without one
            outbox.write_batch([(xlsx_path, call_list_xlsx(rows, as_of))])


# --- arctl note --import ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """One filled-in row of a call list."""

    row: int                 # as the spreadsheet numbers it (the header is row 1)
    customer_id: str
    step: str
    list_date: str
    outcome: str
    note: str
    until: dt.date | None

    @property
    def text(self) -> str:
        """The note as recorded: the person's words, and the call list it came from (which also makes a second
        import of the same row recognisable)."""
        said = self.note or self.outcome.replace("_", " ")
        return f"{said} (call list {self.list_date or 'undated'}, step {self.step})"


@dataclass(frozen=True, slots=True)
class ImportedOutcomes:
    recorded: list[Outcome]
    already: list[Outcome]   # recorded by an earlier import of the same list


def import_outcomes(workspace: Workspace | None, path: Path, today: dt.date) -> ImportedOutcomes:
    """Record every row of a filled-in call list (.xlsx or .csv) that has an outcome as a call note, as `arctl
    note --outcome` does; a row recorded by an earlier import is not recorded again. Every row is checked
    before anything is recorded."""
    from arctl.io.call_outcomes import read_outcome_rows

    rows = read_outcome_rows(path)
    outcomes = [_outcome(path, row, today) for row in rows if str(row.get("outcome") or "").strip()]
    with writing(workspace, "note --import") as store:
        for found in outcomes:
            if not store.customer_exists(found.customer_id):
                raise InputError(f"{path}:{found.row}: column customer_id: no customer {found.customer_id!r} in the "
                                 "workspace", hint="import the customer export, or correct the id in the list")
        recorded, already = [], []
        for found in outcomes:
            same = [n for n in store.notes(found.customer_id, outcome=found.outcome)
                    if n["text"] == found.text and n["until"] == found.until]
            if same:
                already.append(found)
                continue
            store.add_note(found.customer_id, found.text, call=True, outcome=found.outcome, until=found.until,
                           today=today)
            recorded.append(found)
    return ImportedOutcomes(recorded, already)


def _outcome(path: Path, row: dict, today: dt.date) -> Outcome:
    """A filled-in row checked: a known outcome, a date where one is needed, no date where none is meant."""
    number = row["_row"]
    where = f"{path}:{number}"
    outcome = str(row["outcome"]).strip().lower().replace(" ", "_").replace("-", "_")
    if outcome not in CALL_OUTCOMES:
        raise InputError(f"{where}: column outcome: {str(row['outcome'])!r} is not an outcome",
                         hint=f"write one of {', '.join(CALL_OUTCOMES)}")
    until = _date_cell(row.get("until"), where)
    if outcome == "promise" and until is None:
        raise InputError(f"{where}: column until: an outcome promise needs the promised date",
                         hint="write the date the customer promised to pay (2026-12-15)")
    if until is not None and outcome not in ("promise", "callback"):
        raise InputError(f"{where}: column until: a date goes only with outcome promise or callback",
                         hint="clear the date, or change the outcome")
    if outcome == "callback" and until is not None and until < today:
        raise InputError(f"{where}: column until: the day to call back, {until}, has already passed "
                         f"(today is {today})", hint="write a later day")
    customer = str(row.get("customer_id") or "").strip()
    if not customer:
        raise InputError(f"{where}: column customer_id: empty", hint="a filled-in row needs its customer id")
    return Outcome(number, customer, str(row.get("step") or "").strip(), _day_text(row.get("list_date")),
                   outcome, str(row.get("note") or "").strip(), until)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def _date_cell(value: object, where: str) -> dt.date | None:
    """A date cell: a spreadsheet date, or text as 2026-12-15, 15/12/2026, 15-12-2026 or 15.12.2026."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for shape in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(str(value).strip(), shape).date()
        except ValueError:
            continue
    raise InputError(f"{where}: column until: {str(value)!r} is not a date",
                     hint="write it as 2026-12-15 (or 15/12/2026)")


def _day_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "").strip()


def import_target(path_text: str) -> Path:
    path = Path(path_text)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(f"--import {path_text}: expected a call list as .xlsx or .csv")
    if not path.is_file():
        raise UsageError(f"--import {path_text}: no such file")
    return path
