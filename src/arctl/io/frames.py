"""What reading one table export gives (ExportRead), and the column and row checks its readers share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from arctl.errors import InputError
from arctl.io.profile import Profile
from arctl.io.table import RawTable
from arctl.model import Finding, LayoutAnswer

REQUIRED = {
    "invoices": (("invoice_id",), ("customer_id", "customer_name"), ("due_date",), ("amount", "open_amount")),
    "customers": (("customer_id", "name"),),
    "bank": (("booking_date",), ("amount", "credit_amount", "debit_amount")),
}
LABELS = {
    "invoice_id": "invoice number", "customer_id": "customer id", "customer_name": "customer name",
    "due_date": "due date", "amount": "amount", "open_amount": "open amount", "name": "customer name",
    "booking_date": "booking date", "credit_amount": "credit amount", "debit_amount": "debit amount",
}


@dataclass(slots=True)
class ExportRead:
    """What reading one export gave: the usable records and everything said about the rest."""

    path: Path
    kind: str
    profile: Profile
    detected: dict[str, str]
    mapping: dict[str, str]
    rows: int
    valid_rows: int
    frame: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    left_out: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


class LayoutError(InputError):
    """An export whose header lacks a column its kind cannot do without: no profile reads this layout. It
    carries the `check` answer: the headers found, the columns still missing and a `columns:` block."""

    def __init__(self, message: str, *, hint: str | None = None, answer: LayoutAnswer | None = None) -> None:
        super().__init__(message, hint=hint)
        self.answer = answer


def require_columns(path: Path, table: RawTable, kind: str, mapping: dict[str, str], profile: Profile,
                    search: tuple[Path, ...] = ()) -> None:
    """Refuse a file that lacks a column the kind cannot do without, naming the headers it has; for invoices
    and customers, with a guess of every column and a `columns:` block to paste into arctl.yaml."""
    required = tuple(group for group in REQUIRED[kind]
                     if not (group == ("due_date",) and profile.payment_terms_days is not None
                             and "issue_date" in mapping))  # due a set number of days after the invoice date
    for alternatives in required:
        if not any(column in mapping for column in alternatives):
            wanted = " or ".join(LABELS.get(c, c) for c in alternatives)
            names = [name for c in alternatives for name in profile.columns.get(c, ())][:8]
            answer = None
            if kind in ("invoices", "customers"):
                from arctl.io.layout import suggest_layout

                answer = suggest_layout(path, table.frame, kind, mapping, required, search)
            raise LayoutError(
                f"{path}: required column missing: {wanted} (looked for: {', '.join(names)}; "
                f"profile {profile.name!r})",
                hint=f"the header row (line {table.header_row}) has: {', '.join(table.frame.columns)}; "
                     "map the column in arctl.yaml (sources[].columns) or choose a profile with --profile"
                     + ("; `arctl check FILE` writes a columns: block to paste" if answer else ""),
                answer=answer,
            )


class RowFlags:
    """Collects row findings for a table: which rows are unusable, and why, with file:row:column."""

    def __init__(self, table: RawTable, mapping: dict[str, str]) -> None:
        self.table = table
        self.mapping = mapping
        self.file = str(table.path)
        self.bad = np.zeros(len(table.frame), dtype=bool)
        self.findings: list[Finding] = []

    def flag(self, mask, column: str | None, message, values=None, *, severity: str = "error") -> None:
        """Report each row of `mask`; `message` is a text or a Series of texts by row."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return
        header = self.mapping.get(column, column) if column else None
        if values is None and column in self.mapping:
            values = self.table.frame[self.mapping[column]]
        value_list = values.to_numpy() if values is not None else None
        messages = message.to_numpy() if isinstance(message, pd.Series) else None
        for position in positions.tolist():
            self.findings.append(Finding(
                self.file, int(self.table.row_numbers[position]), header,
                None if value_list is None else str(value_list[position]),
                str(messages[position]) if messages is not None else message, severity, column))
        if severity == "error":
            self.bad[positions] = True

    def flag_repeated(self, keys: pd.Series, mask, column: str, what: str, *, shown: int = 5) -> None:
        """Rows of `mask` whose key repeats: all of them unusable, reported once per key at its first row with
        the count and the first rows, so that 20,000 copies of one number make one finding, not 20,000
        findings that each list all the others."""
        rows = np.asarray(mask, dtype=bool)
        if not rows.any():
            return
        positions = np.flatnonzero(rows)
        values = keys.iloc[positions].to_numpy()
        numbers = pd.Series(self.table.row_numbers[positions])
        counts = numbers.groupby(values, sort=False).size().to_dict()
        heads = numbers.groupby(values, sort=False).head(shown)
        listed = heads.groupby(values[heads.index.to_numpy()], sort=False).agg(
            lambda s: ", ".join(str(n) for n in s)).to_dict()
        first_positions = positions[~pd.Series(values).duplicated().to_numpy()]
        message = pd.Series("", index=keys.index, dtype=object)
        for position in first_positions.tolist():
            key = keys.iloc[position]
            more = f" and {counts[key] - shown} more" if counts[key] > shown else ""
            message.iloc[position] = (f"{what} appears on {counts[key]} rows (rows {listed[key]}{more}); "
                                      "none of them is used")
        first = np.zeros(len(rows), dtype=bool)
        first[first_positions] = True
        self.flag(first, column, message)
        self.bad[rows] = True

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.table.findings + self.findings, key=lambda f: (f.row or 0, f.column or ""))
