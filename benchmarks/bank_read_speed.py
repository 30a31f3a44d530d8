"""Reading bank statements at scale, against their floors, each in its own fresh process:

    .venv/bin/python benchmarks/bank_read_speed.py /tmp/arctl-bench/100000      # bank.xml and bank.csv there
    .venv/bin/python benchmarks/bank_read_speed.py DIR --only camt               # or --only csv

- camt.053 (bank.xml): arctl's `read_bank` against a plain ElementTree iterparse pass over the same file that
  pulls the same fields of every entry (amount, currency, indicator, dates, references, parties, remittance)
  into lists and clears each entry: the floor of any reader built on the standard library's parser.
- bank CSV (bank.csv, the KBC account history): `read_bank` against `pyarrow.csv.read_csv` with the
  delimiter given.

Each prints CPU seconds (user + sys of the child, what a busy machine distorts least), wall seconds and peak
RSS, and the ratio of arctl to its floor. The issue's targets: within about 3x of the floor, peak RSS well
under 2 GB at a million lines.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CAMT_FIELDS = ("Amt", "CdtDbtInd", "Sts", "BookgDt/Dt", "ValDt/Dt", "AcctSvcrRef", "AddtlNtryInf")
TX_FIELDS = ("Refs/AcctSvcrRef", "Refs/EndToEndId", "RltdPties/Dbtr/Nm", "RltdPties/DbtrAcct/Id/IBAN",
             "RltdPties/Cdtr/Nm", "RltdPties/CdtrAcct/Id/IBAN", "RmtInf/Ustrd", "RmtInf/Strd/CdtrRefInf/Ref")


def camt_floor(path: Path) -> int:
    """iterparse over the file: each entry's fields (and its transactions') into columns, entry cleared."""
    import xml.etree.ElementTree as ET

    namespace = ""
    columns: dict[str, list] = {name: [] for name in (*CAMT_FIELDS, "Ccy", *TX_FIELDS)}
    paths: dict[str, str] = {}
    for event, element in ET.iterparse(str(path), events=("start-ns", "end")):
        if event == "start-ns":
            namespace = namespace or element[1]
            paths = {name: "/".join(f"{{{namespace}}}{step}" for step in name.split("/"))
                     for name in (*CAMT_FIELDS, *TX_FIELDS, "NtryDtls/TxDtls")}
            continue
        if not element.tag.endswith("}Ntry") and element.tag != "Ntry":
            continue
        for name in CAMT_FIELDS:
            columns[name].append(element.findtext(paths[name], ""))
        amount = element.find(paths["Amt"])
        columns["Ccy"].append(amount.get("Ccy") if amount is not None else "")
        for transaction in element.findall(paths["NtryDtls/TxDtls"]) or [element]:
            for name in TX_FIELDS:
                columns[name].append(transaction.findtext(paths[name], ""))
        element.clear()
    return len(columns["Amt"])


def csv_floor(path: Path) -> int:
    import pyarrow.csv as pacsv

    return pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";")).num_rows


def arctl_read(path: Path) -> int:
    from arctl.io.bank.read import read_bank

    return len(read_bank(path).frame)


RUNNERS = {"camt-floor": camt_floor, "csv-floor": csv_floor, "arctl": arctl_read}


def child(runner: str, path: Path) -> None:
    """In the fresh process: run one reader and print rows, CPU, wall and peak RSS as JSON."""
    started, cpu = time.perf_counter(), time.process_time()
    rows = RUNNERS[runner](path)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"rows": rows, "cpu": round(time.process_time() - cpu, 2),
                      "wall": round(time.perf_counter() - started, 2), "rss_mb": usage.ru_maxrss // 1024}))


def measure(runner: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", runner, str(path)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    if argv[1:2] == ["--child"]:
        child(argv[2], Path(argv[3]))
        return 0
    folder = Path(argv[1]) if len(argv) > 1 else Path("/tmp/arctl-bench/100000")
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    for kind, name, floor in (("camt", "bank.xml", "camt-floor"), ("csv", "bank.csv", "csv-floor")):
        if only not in (None, kind):
            continue
        path = folder / name
        base, ours = measure(floor, path), measure("arctl", path)
        print(f"{kind:5} {path}: floor {base['rows']} rows {base['cpu']:.2f} s CPU {base['wall']:.2f} s wall "
              f"{base['rss_mb']} MB; arctl {ours['rows']} lines {ours['cpu']:.2f} s CPU {ours['wall']:.2f} s wall "
              f"{ours['rss_mb']} MB; ratio {ours['cpu'] / max(base['cpu'], 0.01):.2f} (CPU), "
              f"{ours['wall'] / max(base['wall'], 0.01):.2f} (wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
