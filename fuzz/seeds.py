"""The fuzzer's starting inputs, one small valid input of each kind per target, written from the formats' own
descriptions by the tests' builders (tests/camt_samples.py, tests/test_bank_coda.py) or here; never the real
fixtures, whose licences keep them out of this repository. `write_seeds(folder)` writes fuzz/seeds/<target>/."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"

MT940 = (":20:STARTUMS\r\n:25:BE05068123456775\r\n:28C:00015/001\r\n:60F:C261119EUR1250,00\r\n"
         ":61:2611201120CR1210,00NTRFNONREF//B6K20\r\n:86:/EREF/2026-0042/REMI/+++090/9337/55493+++\r\n"
         "/NAME/BAKKERIJ PEETERS BV/IBAN/BE71096123456769\r\n"
         ":61:2611201120D302,50NDDTNONREF\r\n:86:Incasso huur november\r\n:62F:C261120EUR2157,50\r\n-\r\n")

EXPORTS = [b"Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due\n"
           b"2026-0042,K001,Bakkerij Peeters BV,2026-10-01,2026-10-31,EUR,1210.00,1210.00\n",
           "Factuurnummer;Klantnummer;Naam;Factuurdatum;Vervaldatum;Bedrag;Openstaand\n"
           "2026-0042;K001;Bakkerij Peeters BV;01/10/2026;31/10/2026;1.210,00;1.210,00\n".encode("cp1252")]

SEEDS: dict[str, list[bytes]] = {
    "money": [b"\x001.234,56", b"\x01\xe2\x82\xac 1.234,56", b"\x02(12.50)", b"\x0012,50-", b"\x00EUR 12.50",
              b"\x001\xe2\x80\xaf234,56", b"\x00-0,01"],
    "references": [b"+++090/9337/55493+++", b"***090/9337/55493***", b"RF18 5390 0754 7034",
                   b"1234 5678 9012 3456", b"factuur 2026-0042 ref 090933755493", b"rf18539007547034"],
    "dates": [b"31/12/2026\n01/02/2026", b"2026-11-20\n2026-11-21", b"11/20/2026", b"20.11.2026 00:00",
              b"20-11-26\n01-12-26", b"45981"],
    # the dialect detection's kept inputs are replayed as open-items exports: complete ones among them
    "sniff": ["Factuur;Klant;Bedrag\n2026-0042;Bakkerij Peeters;1.210,00\n".encode("cp1252"),
              b"\xef\xbb\xbfInvoice,Customer,Amount\n2026-0042,\"Peeters, J.\",1210.00\n",
              "Rechnung\tKunde\tBetrag\n1\tM\xfcller\t12,50\n".encode("utf-16"), *EXPORTS],
    "mt940": [MT940.encode("latin-1")],
}


def _camt_seeds() -> list[bytes]:
    sys.path.insert(0, str(TESTS))
    import camt_samples

    return [value.encode("utf-8") for name, value in sorted(vars(camt_samples).items())
            if isinstance(value, str) and value.lstrip().startswith("<?xml")]


def _coda_seeds() -> list[bytes]:
    sys.path.insert(0, str(TESTS))
    from test_bank_coda import simple_statement

    return ["\n".join(simple_statement()).encode("cp1252") + b"\n"]


def write_seeds(folder: Path) -> None:
    seeds = {**SEEDS, "camt": _camt_seeds(), "coda": _coda_seeds()}
    for target, inputs in seeds.items():
        (folder / target).mkdir(parents=True, exist_ok=True)
        for number, data in enumerate(inputs, 1):
            (folder / target / f"seed-{number}").write_bytes(data)
