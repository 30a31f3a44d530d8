"""Benchmark data: the demo's ledger scaled to N invoices, in every file arctl reads, with a manifest of the truth.

    .venv/bin/python benchmarks/data.py OUTDIR --invoices N [--seed 20261126] [--xlsx-rows R] [--as-of 2026-11-26]

    from benchmarks.data import generate
    manifest = generate(Path(out), invoices=N, seed=20261126, xlsx_rows=R)

Writes into OUTDIR (the same arguments give byte-identical files; numpy's generator and random.Random, both seeded):

- `invoices-iso.csv`: N open items (about 3 % credit notes, negative; 15 % of the invoices partly paid) of N/20
  customers: `,`, `.` decimals, YYYY-MM-DD, UTF-8, LF, the English headers arctl's generic profile detects
  (Invoice No., Customer ID, Customer, Invoice Date, Due Date, Currency, Amount, Amount Due, Payment Reference,
  Email). Mostly EUR, USD for the US customers. 72 % of the invoices print a structured reference: the Belgian OGM
  (+++202/6012/34502+++), or for half of the customers outside Belgium an RF creditor reference
  (RF18 2026 0123 45); both are made from the invoice number's digits, as arctl derives one for an unprinted
  invoice (refs.ogm_for_invoice), so printed and derived references never collide.
- `invoices-eu.csv`: the same rows in the European dialect, as the demo's openstaande_posten.csv: `;`, decimal
  comma, DD-MM-YYYY, CRLF, Dutch headers, and the accounting package's thousands separator on every amount of
  1,000 or more (1.234,56; smaller ones have none). UTF-8 (the demo's file is Windows-1252).
- `customers.csv`: the customer master, the demo's columns (id, name, e-mail, phone, language, country, address,
  VAT number for companies, segment, consumer, IBANs separated by a space; US customers have none, 12 % none).
- `bank.xml`: a camt.053.001.02 statement of the company's account (BE05068123456775) over the working days of
  the 30 days before the as-of date, about one line per invoice: payments of 92 % of the EUR invoices issued
  before its last day (by structured reference, by reference or invoice number in the text, two invoices at
  once, by known IBAN, by name only, partly) and unrelated lines (benchmarks/data_bank.py lists the kinds).
  Each entry is on a line of its own. `bank.csv`: the same lines as a KBC account-history CSV.
  `bank-truth.csv`: per line the txn_id arctl gives it, its kind and the invoices it was made to pay, so that
  reconcile's automatic matches can be checked (at 10k all of them are right; the lines left are the collected
  and returned direct debits and a few name-only payers whose amount another customer also owes).
- `invoices-R.xlsx` with `--xlsx-rows R`: the first R rows as an accounting package's XLSX export (two title
  rows above the header, date cells, number cells), written with XlsxWriter in constant_memory mode.
- `workspace/arctl.yaml`: the demo's company settings with `../invoices-eu.csv` (a snapshot), `../customers.csv`
  and `../bank.xml` as its sources (plans and templates come with arctl), so that `arctl -w OUTDIR/workspace
  import --as-of 2026-11-26`, `reconcile`, `dunning run`, `aging` and `run` work on it.
- `manifest.json`: seed, sizes, per currency the invoices, the sums of amounts and open amounts (minor units) and
  the aging buckets of the ISO file as of the as-of date (by due date; their total is the open amount), the
  bank lines per kind, the invoices they pay, and the size of every file.

The reference data and per-customer helpers are the demo generator's (examples/generate.py), imported; the
invoices and bank lines are drawn as numpy columns and written as joined lines, in chunks, so that a million
invoices take seconds (see the report in benchmarks/ for the figures).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:   # run as a script: benchmarks/ is on the path, the repository is not
    sys.path.insert(0, str(REPO))

from benchmarks import data_bank as bank  # noqa: E402
from benchmarks import data_tables as tables  # noqa: E402
from examples import generate as demo  # noqa: E402

DEFAULT_SEED = demo.DEFAULT_SEED
DEFAULT_AS_OF = demo.DEFAULT_AS_OF
CUSTOMERS_PER_INVOICE = 20
CHUNK = 100_000
ISO_HEADER = ("Invoice No.", "Customer ID", "Customer", "Invoice Date", "Due Date", "Currency", "Amount",
              "Amount Due", "Payment Reference", "Email")
EU_HEADER = ("Factuurnummer", "Klantnummer", "Klantnaam", "Factuurdatum", "Vervaldatum", "Valuta", "Bedrag",
             "Openstaand", "Gestructureerde mededeling", "E-mail")
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def _quoted(text: str, delimiter: str) -> str:
    """A CSV field as csv.writer writes it (QUOTE_MINIMAL)."""
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _amount_texts(cents: np.ndarray) -> tuple[list[str], list[str]]:
    """('-1234.56', '-1.234,56') per amount: the ISO spelling and the European one with its thousands separator."""
    magnitude = np.abs(cents)
    signs = np.where(cents < 0, "-", "").tolist()
    units = (magnitude // 100).tolist()
    rest = (magnitude % 100).tolist()
    iso = [f"{s}{u}.{r:02d}" for s, u, r in zip(signs, units, rest, strict=True)]
    eu = [f"{s}{u:,}".replace(",", ".") + f",{r:02d}" if u >= 1000 else f"{s}{u},{r:02d}"
          for s, u, r in zip(signs, units, rest, strict=True)]
    return iso, eu


def _date_tables(low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    days = [tables.day_of(d) for d in range(low, high + 1)]
    return (np.array([d.isoformat() for d in days], dtype=object),
            np.array([f"{d:%d-%m-%Y}" for d in days], dtype=object))


def write_invoice_csvs(out: Path, inv: tables.InvoiceTable, cust: tables.CustomerTable) -> None:
    """invoices-iso.csv and invoices-eu.csv, written together chunk by chunk (the rows are formatted once)."""
    ids = np.array(cust.ids, dtype=object)
    iso_names = np.array([_quoted(name, ",") for name in cust.names], dtype=object)
    eu_names = np.array([_quoted(name, ";") for name in cust.names], dtype=object)
    emails = np.array(cust.emails, dtype=object)
    low = int(min(inv.issue.min(), inv.due.min()))
    iso_dates, eu_dates = _date_tables(low, int(max(inv.issue.max(), inv.due.max())))
    with (out / "invoices-iso.csv").open("w", encoding="utf-8", newline="") as iso, \
            (out / "invoices-eu.csv").open("w", encoding="utf-8", newline="") as eu:
        iso.write(",".join(ISO_HEADER) + "\n")
        eu.write(";".join(EU_HEADER) + "\r\n")
        for start in range(0, len(inv), CHUNK):
            idx = np.arange(start, min(start + CHUNK, len(inv)))
            owner = inv.cust[idx]
            numbers, references = tables.invoice_numbers(inv, idx), tables.printed_references(inv, idx)
            customer, mail = ids[owner].tolist(), emails[owner].tolist()
            currency = np.where(inv.usd[idx], "USD", "EUR").tolist()
            amount_iso, amount_eu = _amount_texts(inv.amount[idx])
            open_iso, open_eu = _amount_texts(inv.open[idx])
            issue, due = inv.issue[idx] - low, inv.due[idx] - low
            iso.write("".join(
                f"{n},{c},{name},{i},{d},{cur},{a},{o},{r},{m}\n" for n, c, name, i, d, cur, a, o, r, m in zip(
                    numbers, customer, iso_names[owner].tolist(), iso_dates[issue].tolist(), iso_dates[due].tolist(),
                    currency, amount_iso, open_iso, references, mail, strict=True)))
            eu.write("".join(
                f"{n};{c};{name};{i};{d};{cur};{a};{o};{r};{m}\r\n" for n, c, name, i, d, cur, a, o, r, m in zip(
                    numbers, customer, eu_names[owner].tolist(), eu_dates[issue].tolist(), eu_dates[due].tolist(),
                    currency, amount_eu, open_eu, references, mail, strict=True)))


def write_customers(path: Path, cust: tables.CustomerTable) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=",", lineterminator="\n")
        writer.writerow(demo.CUSTOMERS_HEADER)
        writer.writerows(cust.rows)


def write_xlsx(path: Path, inv: tables.InvoiceTable, cust: tables.CustomerTable, rows: int, as_of: dt.date) -> None:
    """The first `rows` rows as an accounting package's XLSX export: a title block, the header on row 4, real date
    cells (dd/mm/yyyy) and number cells (#,##0.00), fixed document properties so that the bytes are stable."""
    import xlsxwriter

    stamp = dt.datetime.combine(as_of - dt.timedelta(days=1), dt.time(17, 30))
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"author": bank.COMPANY_NAME, "created": stamp})
    sheet = workbook.add_worksheet("Open items")
    bold = workbook.add_format({"bold": True})
    day_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_string(0, 0, f"Open items — {bank.COMPANY_NAME}", bold)
    sheet.write_string(1, 0, f"Exported on {stamp:%d/%m/%Y}")
    for column, title in enumerate(ISO_HEADER):
        sheet.write_string(3, column, title, bold)
    excel_epoch = tables.day_number(dt.date(1899, 12, 30))
    for start in range(0, rows, CHUNK):
        idx = np.arange(start, min(start + CHUNK, rows))
        owner = inv.cust[idx]
        values = zip(tables.invoice_numbers(inv, idx), np.array(cust.ids, dtype=object)[owner].tolist(),
                     np.array(cust.names, dtype=object)[owner].tolist(), (inv.issue[idx] - excel_epoch).tolist(),
                     (inv.due[idx] - excel_epoch).tolist(), np.where(inv.usd[idx], "USD", "EUR").tolist(),
                     (inv.amount[idx] / 100).tolist(), (inv.open[idx] / 100).tolist(),
                     tables.printed_references(inv, idx), np.array(cust.emails, dtype=object)[owner].tolist(),
                     strict=True)
        for row, (number, cid, name, issue, due, currency, amount, open_amount, reference, email) in enumerate(
                values, start=4 + start):
            sheet.write_string(row, 0, number)
            sheet.write_string(row, 1, cid)
            sheet.write_string(row, 2, name)
            sheet.write_number(row, 3, issue, day_format)
            sheet.write_number(row, 4, due, day_format)
            sheet.write_string(row, 5, currency)
            sheet.write_number(row, 6, amount, money_format)
            sheet.write_number(row, 7, open_amount, money_format)
            if reference:
                sheet.write_string(row, 8, reference)
            if email:
                sheet.write_string(row, 9, email)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 2, 36)
    sheet.set_column(3, 9, 13)
    workbook.close()


def write_workspace(folder: Path) -> None:
    """workspace/arctl.yaml: the demo's settings (company, locale, currency, time zone) and the files as sources."""
    demo_config = (REPO / "examples" / "demo" / "arctl.yaml").read_text(encoding="utf-8")
    settings = demo_config[demo_config.index("company:"):demo_config.index("\nsources:")]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "arctl.yaml").write_text(
        "# Benchmark workspace written by benchmarks/data.py: the demo company's settings, the generated files as\n"
        "# sources (plans and templates are arctl's own).\n" + settings + "\nsources:\n"
        "  - path: ../invoices-eu.csv\n    kind: invoices\n    profile: generic\n    snapshot: true\n"
        "  - path: ../customers.csv\n    kind: customers\n"
        "  - path: ../bank.xml\n    kind: bank\n", encoding="utf-8")


def _currency_figures(inv: tables.InvoiceTable, as_of: dt.date) -> dict:
    days = tables.day_number(as_of) - inv.due
    bucket = np.where(days <= 0, 0, np.searchsorted(np.array([30, 60, 90]), days, side="left") + 1)
    figures = {}
    for currency, members in (("EUR", ~inv.usd), ("USD", inv.usd)):
        if not members.any():
            continue
        sums = np.bincount(bucket[members], weights=None, minlength=5)
        aging = {name: int(inv.open[members & (bucket == b)].sum()) for b, name in enumerate(BUCKETS)}
        figures[currency] = {"invoices": int(members.sum()), "credit_notes": int((members & inv.credit).sum()),
                             "amount": int(inv.amount[members].sum()), "open_amount": int(inv.open[members].sum()),
                             "credits": int(inv.open[members & (inv.open < 0)].sum()),
                             "aging": aging, "aging_items": dict(zip(BUCKETS, sums.tolist(), strict=True)),
                             "aging_total": sum(aging.values())}
    return figures


def manifest_of(out: Path, seed: int, as_of: dt.date, inv: tables.InvoiceTable, cust: tables.CustomerTable,
                lines: bank.BankLines, xlsx_rows: int | None) -> dict:
    kinds = lines.counts()
    return {
        "seed": seed, "as_of": as_of.isoformat(), "invoices": len(inv), "customers": len(cust),
        "bank_lines": len(lines), "xlsx_rows": xlsx_rows,
        "currencies": _currency_figures(inv, as_of),
        "part_paid": int(inv.part_paid.sum()),
        "printed_references": {"ogm": int((inv.ref_kind == tables.OGM).sum()),
                               "rf": int((inv.ref_kind == tables.RF).sum())},
        "bank": {"kinds": kinds, "credits": int((lines.amount > 0).sum()), "debits": int((lines.amount < 0).sum()),
                 "reference_lines": sum(kinds[k] for k in bank.REFERENCE_KINDS),
                 "paid_invoices": lines.paid_invoices, "opening": lines.opening,
                 "closing": lines.opening + int(lines.amount.sum()),
                 "first_day": tables.day_of(int(lines.day.min())).isoformat(),
                 "last_day": tables.day_of(int(lines.day.max())).isoformat()},
        "files": {path.relative_to(out).as_posix(): path.stat().st_size
                  for path in sorted(out.rglob("*")) if path.is_file() and path.name != "manifest.json"},
    }


def generate(out: Path, *, invoices: int, seed: int = DEFAULT_SEED, xlsx_rows: int | None = None,
             as_of: dt.date | str = DEFAULT_AS_OF, log=None) -> dict:
    """Write every file into `out` and return the manifest (also written as out/manifest.json). `log`, when given,
    is called with a line of progress after each step (seconds since the start)."""
    if invoices < 1:
        raise ValueError("invoices must be at least 1")
    as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def step(what: str) -> None:
        if log is not None:
            log(f"{time.perf_counter() - started:7.2f} s  {what}")

    cust = tables.make_customers(seed, max(1, invoices // CUSTOMERS_PER_INVOICE))
    inv = tables.make_invoices(seed + 1, cust, invoices, as_of, demo.period_start(as_of))
    step(f"{len(cust):,} customers, {len(inv):,} invoices drawn")
    write_invoice_csvs(out, inv, cust)
    write_customers(out / "customers.csv", cust)
    step("invoice CSVs and customers.csv written")
    lines = bank.make_bank_lines(seed + 2, inv, cust, as_of)
    step(f"{len(lines):,} bank lines drawn")
    bank.write_camt(out / "bank.xml", lines, as_of)
    bank.write_kbc(out / "bank.csv", lines)
    bank.write_truth(out / "bank-truth.csv", lines, inv)
    step("bank.xml, bank.csv and bank-truth.csv written")
    if xlsx_rows:
        write_xlsx(out / f"invoices-{xlsx_rows}.xlsx", inv, cust, min(xlsx_rows, len(inv)), as_of)
        step(f"invoices-{xlsx_rows}.xlsx written")
    write_workspace(out / "workspace")
    manifest = manifest_of(out, seed, as_of, inv, cust, lines, xlsx_rows)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write arctl's benchmark data: invoices, customers, bank lines.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--invoices", type=int, required=True, help="number of invoices (customers: a twentieth)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--xlsx-rows", type=int, default=None, help="also write the first R invoices as XLSX")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF,
                        help=f"reference date, YYYY-MM-DD (default {DEFAULT_AS_OF.isoformat()})")
    args = parser.parse_args(argv)
    if args.invoices < 1:
        parser.error("--invoices must be at least 1")
    started = time.perf_counter()
    manifest = generate(args.outdir, invoices=args.invoices, seed=args.seed, xlsx_rows=args.xlsx_rows,
                        as_of=args.as_of, log=lambda text: print(text, file=sys.stderr))
    print(f"wrote {args.outdir}: {manifest['invoices']:,} invoices, {manifest['customers']:,} customers, "
          f"{manifest['bank_lines']:,} bank lines in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
