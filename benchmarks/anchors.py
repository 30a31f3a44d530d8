"""The anchors the harness measures arctl against, each run as its own process on the same files:

    python benchmarks/anchors.py typer-help                     # start-up floor: a minimal Typer app's --help
    python benchmarks/anchors.py pyarrow-read FILE              # read floor: pyarrow.csv.read_csv, dialect given
    python benchmarks/anchors.py calamine-read FILE.xlsx        # XLSX floor: python-calamine's raw read
    python benchmarks/anchors.py duckdb-aging FILE AS_OF OUT    # the peer: read + aging buckets, JSON written
    python benchmarks/anchors.py duckdb-match INVOICES BANK OUT # the peer: normalise + two joins (exact matching)

The peer is what a technical user would write for a one-off: DuckDB's CSV reader with the dialect given, the
amounts cleaned with string functions where a thousands separator may occur, one GROUP BY. Each prints one JSON
line (rows seen) so that the harness can check it did the work.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def dialect(path: Path) -> dict:
    """Delimiter, decimal mark, date format and encoding of a generated invoice file (benchmarks/data.py): the
    harness gives the anchors the dialect, as the issue's floor is defined ("the dialect given")."""
    head = path.read_bytes()[:65536]
    try:
        text, encoding = head.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = head.decode("cp1252"), "cp1252"
    first = text.splitlines()[0]
    european = first.count(";") > first.count(",")
    return {"delimiter": ";" if european else ",", "decimal": "," if european else ".",
            "date_format": "%d-%m-%Y" if european else "%Y-%m-%d", "encoding": encoding}


def typer_help() -> None:
    import typer

    app = typer.Typer(add_completion=False)

    @app.command()
    def hello(name: str = typer.Option("world", help="Who to greet.")) -> None:
        """Say hello."""
        typer.echo(f"hello {name}")

    @app.command()
    def bye() -> None:
        """Say goodbye."""

    app()


def pyarrow_read(path: Path) -> None:
    import pyarrow.csv as pacsv

    found = dialect(path)
    table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=found["encoding"]),
                           parse_options=pacsv.ParseOptions(delimiter=found["delimiter"]))
    print(json.dumps({"rows": table.num_rows}))


def calamine_read(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    print(json.dumps({"rows": len(rows)}))


def _columns(path: Path) -> tuple[str, ...]:
    """Invoice number, customer, due date, currency and open amount: the header names of the generated files."""
    header = path.read_bytes()[:4096].decode(dialect(path)["encoding"]).splitlines()[0]
    names = [n.strip().strip('"') for n in header.split(dialect(path)["delimiter"])]
    wanted = {"invoice": ("Invoice No.", "Factuurnummer"), "customer": ("Customer ID", "Klantnummer"),
              "due": ("Due Date", "Vervaldatum"), "currency": ("Currency", "Valuta"),
              "open": ("Amount Due", "Openstaand"), "reference": ("Reference", "Mededeling")}
    return tuple(next((n for n in names if n in options), options[0]) for options in wanted.values())


def _amount(column: str, decimal: str) -> str:
    if decimal == ",":
        return f"CAST(replace(replace(\"{column}\", '.', ''), ',', '.') AS DECIMAL(18, 2))"
    return f"CAST(replace(\"{column}\", ',', '') AS DECIMAL(18, 2))"


def duckdb_aging(path: Path, as_of: str, out: Path) -> None:
    import duckdb

    found = dialect(path)
    invoice, customer, due, currency, open_, _ = _columns(path)
    source = (f"read_csv('{path}', delim='{found['delimiter']}', header=true, all_varchar=true, "
              f"encoding='{'latin-1' if found['encoding'] == 'cp1252' else 'utf-8'}')")
    days = f"(DATE '{as_of}' - strptime(\"{due}\", '{found['date_format']}')::DATE)"
    buckets = (f"CASE WHEN {days} <= 0 THEN 'current' WHEN {days} <= 30 THEN '1-30' WHEN {days} <= 60 THEN '31-60' "
               f"WHEN {days} <= 90 THEN '61-90' ELSE '90+' END")
    query = (f"SELECT \"{customer}\" AS customer_id, \"{currency}\" AS currency, {buckets} AS bucket, "
             f"sum({_amount(open_, found['decimal'])}) AS amount, count(*) AS invoices FROM {source} "
             f"GROUP BY ALL ORDER BY ALL")
    connection = duckdb.connect()
    connection.execute(f"COPY ({query}) TO '{out}' (FORMAT json)")
    rows = connection.execute(f"SELECT sum(invoices) FROM read_json('{out}')").fetchone()
    print(json.dumps({"rows": int(rows[0] or 0)}))


def duckdb_match(invoices: Path, bank: Path, out: Path) -> None:
    """The two exact passes: the structured reference found in a bank line's text (digits only) joined to the
    invoices' references, and the invoice numbers found in it joined to the invoice numbers."""
    import duckdb

    found = dialect(invoices)
    invoice, _, _, _, _, reference = _columns(invoices)
    bank_dialect = dialect(bank)

    def source(path: Path, given: dict) -> str:
        return (f"read_csv('{path}', delim='{given['delimiter']}', header=true, all_varchar=true, "
                f"encoding='{'latin-1' if given['encoding'] == 'cp1252' else 'utf-8'}')")

    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE items AS SELECT \"{invoice}\" AS invoice_id, "
                       f"regexp_replace(coalesce(\"{reference}\", ''), '[^0-9]', '', 'g') AS ref "
                       f"FROM {source(invoices, found)}")
    columns = connection.execute(f"SELECT * FROM {source(bank, bank_dialect)} LIMIT 0").columns
    text = " || ' ' || ".join(f"coalesce(\"{c}\", '')" for c in columns)
    connection.execute(f"CREATE TABLE texts AS SELECT row_number() OVER () AS line, {text} AS text "
                       f"FROM {source(bank, bank_dialect)}")
    connection.execute(
        "COPY (SELECT t.line, i.invoice_id, 'reference' AS rule FROM "
        "(SELECT line, regexp_replace(regexp_extract(text, '[+*]{3}([0-9]{3}/[0-9]{4}/[0-9]{5})[+*]{3}', 1), "
        "'[^0-9]', '', 'g') AS ref FROM texts) t JOIN items i ON t.ref <> '' AND i.ref = t.ref "
        "UNION ALL SELECT t.line, i.invoice_id, 'invoice_number' FROM "
        "(SELECT line, unnest(regexp_extract_all(text, '[0-9]{4}-[0-9]{4,}')) AS number FROM texts) t "
        f"JOIN items i ON i.invoice_id = t.number) TO '{out}' (FORMAT csv)")
    rows = connection.execute(f"SELECT count(*) FROM read_csv('{out}')").fetchone()
    print(json.dumps({"rows": int(rows[0] or 0)}))


def main(argv: list[str]) -> int:
    name, *args = argv
    if name == "typer-help":
        sys.argv = [sys.argv[0], "--help"]
        typer_help()
    elif name == "pyarrow-read":
        pyarrow_read(Path(args[0]))
    elif name == "calamine-read":
        calamine_read(Path(args[0]))
    elif name == "duckdb-aging":
        duckdb_aging(Path(args[0]), args[1], Path(args[2]))
    elif name == "duckdb-match":
        duckdb_match(Path(args[0]), Path(args[1]), Path(args[2]))
    else:
        print(f"unknown anchor {name}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
