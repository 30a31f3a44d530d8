"""Read one export (invoices, customers, bank lines) into its canonical frame, with every finding and notice."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from arctl.errors import InputError, UsageError
from arctl.io.profile import Profile, all_header_score, detect_profile, load_profile, match_columns
from arctl.io.table import RawTable, read_table
from arctl.model import Finding, ReadOptions

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


def read_export(path: Path, options: ReadOptions = ReadOptions()) -> ExportRead:
    """Read an invoice, customer or bank export as the options say, detecting what they leave open.

    A bank export (kind "bank", a bank profile, or a header that carries a named bank profile's
    signature) is read by `io.bank.tabular`; its frame holds canonical bank lines.
    """
    if options.kind not in (None, "invoices", "customers", "bank"):
        raise UsageError(f"--kind {options.kind}: expected invoices, customers or bank")
    chosen = load_profile(options.profile, options.profile_dirs) if options.profile else None
    if chosen is not None and options.kind and chosen.kind != options.kind:
        raise UsageError(f"profile {chosen.name!r} reads {chosen.kind}, not {options.kind}")
    kind = options.kind or (chosen.kind if chosen else None)
    if kind == "bank":
        from arctl.io.bank.tabular import read_bank_export

        return read_bank_export(path, options)
    scorer = chosen.header_score if chosen else all_header_score(kind, options.profile_dirs)
    table = read_table(path, scorer, sheet=options.sheet, delimiter=options.delimiter)
    headers = list(table.frame.columns)
    profile = chosen or detect_profile(headers, kind, options.profile_dirs)
    kind = profile.kind
    if kind == "bank":  # the header carries a named bank profile's signature
        from arctl.io.bank.tabular import read_bank_export

        return read_bank_export(path, replace(options, kind="bank", profile=profile.origin))
    overrides = dict(options.columns)
    missing_override = [h for h in overrides.values() if h not in headers]
    if missing_override:
        raise InputError(f"{path}: column {missing_override[0]!r} named in the column mapping is not in the file",
                         hint=f"the header row (line {table.header_row}) has: {', '.join(headers)}")
    if overrides:
        profile = profile.with_columns(overrides)
    mapping = match_columns(headers, profile)
    require_columns(path, table, kind, mapping, profile)
    if kind == "invoices":
        from arctl.io.invoices import build_invoices

        return build_invoices(table, profile, mapping, options)
    from arctl.io.customers import build_customers

    return build_customers(table, profile, mapping, options)


def require_columns(path: Path, table: RawTable, kind: str, mapping: dict[str, str], profile: Profile) -> None:
    """Refuse a file that lacks a column the kind cannot do without, naming the headers it has."""
    for alternatives in REQUIRED[kind]:
        if not any(column in mapping for column in alternatives):
            wanted = " or ".join(LABELS.get(c, c) for c in alternatives)
            names = [name for c in alternatives for name in profile.columns.get(c, ())][:8]
            raise InputError(
                f"{path}: required column missing: {wanted} (looked for: {', '.join(names)}; "
                f"profile {profile.name!r})",
                hint=f"the header row (line {table.header_row}) has: {', '.join(table.frame.columns)}; "
                     "map the column in arctl.yaml (sources[].columns) or choose a profile with --profile",
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

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.table.findings + self.findings, key=lambda f: (f.row or 0, f.column or ""))
