"""Read exports without storing them: check what is in them, and the aging of their open invoices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from arctl.config import Source, Workspace
from arctl.errors import InputError, UsageError
from arctl.io.bank.lines import BankRead
from arctl.io.export import ExportRead, ReadOptions, read_export
from arctl.model import AgingRate, AgingReport, BankTotal, CurrencyTotal, Finding
from arctl.workflows.workspace import open_store, state_dir


@dataclass(slots=True)
class CheckResult:
    reads: list[ExportRead | BankRead]
    unreadable: list[tuple[Path, InputError]] = field(default_factory=list)
    totals: list[list[CurrencyTotal] | list[BankTotal]] = field(default_factory=list)  # of each read, in order
    empty_sources: list[str] = field(default_factory=list)  # watched folders of arctl.yaml with no file yet

    @property
    def all_valid(self) -> bool:
        return not any(f.severity == "error" for read in self.reads for f in read.findings)


@dataclass(slots=True)
class AgingResult:
    report: AgingReport
    reads: list[ExportRead]
    skipped: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)     # what the reader of the report should know


def check(paths: list[Path], options: ReadOptions, workspace: Workspace | None = None,
          locale: str = "en") -> CheckResult:
    """Read each export and say what is in it; with no paths, the workspace's sources. A bank statement's
    balances are checked too (a warning per statement that does not add up, its amounts in `locale`)."""
    empty: list[str] = []
    if paths:
        jobs = [(path, options) for path in paths]
    elif workspace is not None:
        from arctl.workflows.sources import empty_sources, files_to_read

        jobs = [(path, source_options(source, options, workspace)) for source, path in files_to_read(workspace)]
        empty = empty_sources(workspace)
    else:
        raise UsageError("no files given and no workspace found",
                         hint="give the export files (arctl check exports/invoices.csv) or run inside a workspace")
    from arctl.io.bank.lines import balance_findings
    from arctl.io.bank.read import is_bank_file, read_bank
    from arctl.reports.totals import bank_totals, currency_totals

    result = CheckResult([], empty_sources=empty)
    for path, job_options in jobs:
        read: ExportRead | BankRead
        totals: list[CurrencyTotal] | list[BankTotal]
        try:
            if is_bank_file(path, job_options):
                read = read_bank(path, job_options)
                read.findings.extend(balance_findings(read, locale))
                totals = bank_totals(read.frame)
            else:
                read = read_export(path, job_options)
                totals = (bank_totals(read.frame) if read.kind == "bank" else
                          currency_totals(read.frame) if read.kind == "invoices" else [])
        except InputError as error:  # one unreadable file must not hide what the others hold
            result.unreadable.append((path, error))
            continue
        result.reads.append(read)
        result.totals.append(totals)
    return result


def source_options(source: Source, options: ReadOptions, workspace: Workspace) -> ReadOptions:
    """The options for one configured source: the source's settings, then the command line's."""
    return ReadOptions(
        kind=source.kind,
        profile=options.profile or source.profile,
        sheet=options.sheet or source.sheet,
        currency=options.currency or source.currency or workspace.config.currency,
        date_format=options.date_format or source.date_format,
        decimal=options.decimal or source.decimal,
        delimiter=options.delimiter or source.delimiter,
        columns=tuple(source.columns.items()) or options.columns,
        profile_dirs=(workspace.root / "profiles",),
    )


def aging(paths: list[Path], options: ReadOptions, as_of: dt.date, *, by: str, bounds: tuple[int, ...],
          on_error: str, workspace: Workspace | None = None, detail: bool = False, convert_to: str | None = None,
          rates: Path | None = None) -> AgingResult:
    """Aging of the open invoices in the given exports (or the workspace's open items and the payments at the
    bank not applied, as of `as_of`); with `rates`, every amount converted into `convert_to`."""
    import pandas as pd

    from arctl.reports.aging import aging as compute_aging

    if rates is not None and convert_to is None:
        raise UsageError(f"--rates {rates} needs --currency", hint="say the currency to convert into: --currency EUR")
    given = _rates(rates) if rates is not None else ()

    def report(frame, payments=None) -> AgingReport:
        if rates is not None and convert_to is not None:
            _check_rates(rates, given, convert_to, frame, payments)
        return compute_aging(frame, as_of, by=by, bounds=bounds, payments=payments, detail=detail,
                             convert_to=convert_to if rates is not None else None, rates=given)

    if paths:
        reads = [read_export(path, replace(options, kind="invoices")) for path in paths]
    elif workspace is not None and (stored := _stored_receivables(workspace, as_of)) is not None:
        notes = []
        if stored.first_import is not None and as_of < stored.first_import:
            notes.append(f"the state's first invoice export is of {stored.first_import.isoformat()}: no invoice "
                         f"is known on {as_of.isoformat()}, only the payments booked by then")
        return AgingResult(report(stored.items, stored.payments), [], [], notes)
    elif workspace is not None:
        from arctl.workflows.sources import files_to_read

        if not any(s.kind == "invoices" for s in workspace.config.sources):
            raise UsageError(f"{workspace.config_path}: no source of kind invoices",
                             hint="add one under sources:, or give the invoice export on the command line")
        jobs = files_to_read(workspace, ("invoices",))
        if not jobs:
            folders = ", ".join(s.written for s in workspace.config.sources if s.kind == "invoices")
            raise UsageError(f"no invoice export yet in {folders}",
                             hint="drop the open-items export there, or name it: arctl aging FILE")
        reads = [read_export(path, source_options(s, options, workspace)) for s, path in jobs]
    else:
        raise UsageError("no invoice export given and no workspace found",
                         hint="arctl aging exports/open_invoices.csv")
    skipped = [finding for read in reads for finding in read.errors]
    if skipped and on_error == "fail":
        first = skipped[0]
        raise InputError(f"{first.location()}: {first.message} (value {first.value!r}); "
                         f"{len(skipped)} problem(s) in all",
                         hint="run `arctl check` on the file for the full list, or use --on-error skip")
    frame = pd.concat([read.frame for read in reads], ignore_index=True)
    # one export holds each invoice once (read_export leaves out every row of a repeated number)
    duplicated = frame["invoice_id"].duplicated(keep=False) if len(reads) > 1 else pd.Series(False)
    if duplicated.any():
        row = frame[duplicated].iloc[0]
        raise InputError(f"invoice {row['invoice_id']} is in more than one export ({row['source']} and others)",
                         hint="give each invoice export once")
    return AgingResult(report(frame), reads, skipped)


def _rates(path: Path) -> tuple[AgingRate, ...]:
    from arctl.io.rates import read_rates

    return read_rates(path)


def _check_rates(path: Path, rates: tuple[AgingRate, ...], target: str, frame, payments) -> None:
    """Every currency of the report has a rate in the file (the report's own currency needs none)."""
    present = set(frame.loc[frame["open_amount"].ne(0), "currency"])
    if payments is not None and len(payments):
        present |= set(payments["currency"])
    missing = sorted(present - {rate.currency for rate in rates} - {target})
    if missing:
        raise UsageError(f"--rates {path}: no rate for {', '.join(missing)}",
                         hint=f"add a line per currency: {missing[0]},RATE (one {missing[0]} in {target})")


def _stored_receivables(workspace: Workspace, as_of: dt.date):
    """The open items with the payments matched at the bank counted, and the payments not applied, on `as_of`;
    None before any import."""
    from arctl.workflows.receivables import receivables

    if workspace.config.state_url is None and not (state_dir(workspace) / "state.sqlite").exists():
        return None
    store = open_store(workspace)
    try:
        if not len(store.invoices(include_closed=True, columns=("invoice_id",))):
            return None
        return receivables(workspace, store, as_of)
    finally:
        store.close()
