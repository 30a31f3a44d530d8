"""Reading speed of a large export: a 50 MB open-items CSV (420,000 invoices) through read_export.

    .venv/bin/python benchmarks/read_speed.py            # 420,000 rows (about 50 MB)
    .venv/bin/python benchmarks/read_speed.py 100000     # another number of rows

The target: the 50 MB file read and validated in at most 20 s on the 2-core machine (about 5 s measured).
The file is the one tests/test_bad_input.py reads for its counts and sums, written to a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HEADER = "Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand;Mededeling;E-mail"
COMPANIES = ["Bakkerij Peeters BV", "Garage Janssens BVBA", "Slagerij Vermeulen", "Brouwerij Het Anker NV",
             "Boulangerie Dupont SRL", "Installatietechniek Brouwer B.V.", "Menuiserie Lambert SA",
             "Bouwbedrijf Hoekstra B.V.", "Crêperie Hélène", "Drukkerij De Smet & Zonen"]
ROWS = 420_000
TARGET_SECONDS = 20.0


def _amount_text(minor: int) -> str:
    """1234567 -> '12.345,67' (Belgian spelling with thousands separators)."""
    return f"{minor // 100:,}".replace(",", ".") + f",{minor % 100:02d}"


def amounts_of(rows: int) -> tuple[list[int], list[int]]:
    """Each row's amount and open amount (minor units): a third of the invoices half paid."""
    amounts = [(i * 7919) % 2_500_000 + 100 for i in range(rows)]
    return amounts, [a if i % 3 else a // 2 for i, a in enumerate(amounts)]


def write(path: Path, rows: int) -> None:
    amounts, opens = amounts_of(rows)
    lines = [
        f"2026-{i:06d};K{i % 5000:05d};{COMPANIES[i % 10]};{1 + i % 28:02d}-{1 + i % 12:02d}-2026;"
        f"{1 + i % 28:02d}-{1 + (i + 1) % 12:02d}-{2026 + (i % 12 == 11)};EUR;"
        f"{_amount_text(amounts[i])};{_amount_text(opens[i])};+++{i % 1000:03d}/{i % 10000:04d}/{i % 100000:05d}+++;"
        f"boekhouding@klant-{i % 5000:05d}.be"
        for i in range(rows)
    ]
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    from arctl.io.export import ReadOptions, read_export

    rows = int(argv[1]) if len(argv) > 1 else ROWS
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "openstaande_posten_groot.csv"
        write(path, rows)
        size_mb = path.stat().st_size / 1e6
        started = time.perf_counter()
        result = read_export(path, ReadOptions())
        seconds = time.perf_counter() - started
    verdict = ""
    if rows == ROWS:
        verdict = "meets the target" if seconds <= TARGET_SECONDS else "MISSES the target"
    print(f"{rows:,} rows, {size_mb:.1f} MB: read and validated in {seconds:.2f} s "
          f"({result.valid_rows:,} valid, {len(result.findings)} finding(s)) {verdict}")
    return 0 if seconds <= TARGET_SECONDS or rows != ROWS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
