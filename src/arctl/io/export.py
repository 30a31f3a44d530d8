"""Read one export (invoices, customers, bank lines) into its canonical frame, with every finding and notice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from arctl.errors import InputError, UsageError
from arctl.io.bank.inferred import looks_headerless
from arctl.io.bank.read import is_bank_file
from arctl.io.bank.tabular import read_bank_export
from arctl.io.customers import build_customers
from arctl.io.frames import ExportRead, require_columns
from arctl.io.invoices import apply_customer_headings, build_invoices
from arctl.io.profile import HEADING_COLUMN, all_header_score, detect_profile, load_profile, match_columns
from arctl.io.table import read_table
from arctl.model import ReadOptions

__all__ = ["ExportRead", "ReadOptions", "read_export"]


def read_export(path: Path, options: ReadOptions = ReadOptions()) -> ExportRead:
    """Read an invoice, customer or bank export as the options say, detecting what they leave open.

    A bank export (`is_bank_file`, or a header that carries a named bank profile's signature) is
    read by `io.bank.tabular`; its frame holds canonical bank lines. Statements in camt, MT940 or
    CODA are read by `io.bank.read.read_bank`.
    """
    if options.kind not in (None, "invoices", "customers", "bank"):
        raise UsageError(f"--kind {options.kind}: expected invoices, customers or bank")
    chosen = load_profile(options.profile, options.profile_dirs) if options.profile else None
    if chosen is not None and options.kind and chosen.kind != options.kind:
        raise UsageError(f"profile {chosen.name!r} reads {chosen.kind}, not {options.kind}")
    if is_bank_file(path, options):
        return read_bank_export(path, options)
    kind = options.kind or (chosen.kind if chosen else None)
    scorer = chosen.header_score if chosen else all_header_score(kind, options.profile_dirs)
    table = read_table(path, scorer, sheet=options.sheet, delimiter=options.delimiter)
    headers = list(table.frame.columns)
    if kind is None and looks_headerless(headers, scorer(headers)):  # only bank exports come without a header
        return read_bank_export(path, replace(options, kind="bank"))
    profile = chosen or detect_profile(headers, kind, options.profile_dirs)
    kind = profile.kind
    if kind == "bank":  # the header carries a named bank profile's signature
        return read_bank_export(path, replace(options, kind="bank", profile=profile.origin))
    if profile.customer_headings and kind == "invoices":  # a report grouped under customer heading rows
        table = apply_customer_headings(table, profile)
        if HEADING_COLUMN in table.frame.columns:
            headers = list(table.frame.columns)
            profile = profile.with_columns({"customer_name": HEADING_COLUMN})
    overrides = dict(options.columns)
    missing_override = [h for h in overrides.values() if h not in headers]
    if missing_override:
        raise InputError(f"{path}: column {missing_override[0]!r} named in the column mapping is not in the file",
                         hint=f"the header row (line {table.header_row}) has: {', '.join(headers)}")
    if overrides:
        profile = profile.with_columns(overrides)
    mapping = match_columns(headers, profile)
    require_columns(path, table, kind, mapping, profile, options.profile_dirs)
    if kind == "invoices":
        return build_invoices(table, profile, mapping, options)
    return build_customers(table, profile, mapping, options)
