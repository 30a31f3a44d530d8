"""Hostile files of a given size, each read by `arctl check` or `arctl import` in a process of its own, whose peak
memory (the kernel's maximum resident set, from wait4) and time are measured: every one must end with an answer
(read, or refused with a message naming the file) within the time limit and below the memory limit.

    python reliability/hostile_files.py --mb 100              # the figures in README "Reliability"
    python reliability/hostile_files.py --mb 10 --json out.json

The files, written here from the formats' descriptions: a CSV line of the whole size without a line break, a
quoted CSV field that never closes, a CSV of a million columns in its header, an XML statement whose DOCTYPE
declares nested entities (billion laughs) or an external entity, a camt statement holding one text node of the
whole size, an MT940 statement of one endless :86: line, a CODA file of one endless record, and an XLSX of a
few MB that expands to gigabytes (a zip bomb)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MEMORY_LIMIT_MB = 1024
TIME_LIMIT_S = 60.0
_CHUNK = 1 << 20


def _stream(path: Path, head: bytes, body: bytes, tail: bytes, size: int) -> None:
    with path.open("wb") as out:
        out.write(head)
        left = size - len(head) - len(tail)
        block = body * (_CHUNK // len(body) + 1)
        while left > 0:
            out.write(block[:min(left, len(block))])
            left -= len(block)
        out.write(tail)


def csv_one_line(path: Path, size: int) -> None:
    _stream(path, b"Invoice No.,Customer ID,Due Date,Amount Due\n2026-0042,K001,2026-10-31,", b"9", b"\n", size)


def csv_open_quote(path: Path, size: int) -> None:
    _stream(path, b"Invoice No.,Customer ID,Due Date,Amount Due\n2026-0042,\"K001", b"x,y\n", b"", size)


def csv_wide_header(path: Path, size: int) -> None:
    _stream(path, b"Invoice No.,Customer ID,Due Date,Amount Due", b",c", b"\n2026-0042,K001,2026-10-31,1.00\n", size)


def xml_laughs(path: Path, size: int) -> None:
    entities = "<!ENTITY l0 \"lol\">" + "".join(f"<!ENTITY l{n} \"{f'&l{n - 1};' * 10}\">" for n in range(1, 10))
    head = (f"<?xml version=\"1.0\"?><!DOCTYPE Document [{entities}]><Document xmlns=\"urn:iso:std:iso:20022:"
            "tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&l9;").encode()
    _stream(path, head, b" ", b"</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>", size)


def xml_external(path: Path, size: int) -> None:
    head = (b"<?xml version=\"1.0\"?><!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Document "
            b"xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&x;"
            )
    _stream(path, head, b" ", b"</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>", size)


def camt_giant_text(path: Path, size: int) -> None:
    head = (b"<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"
            b"<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-21T08:00:00</CreDtTm></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>"
            b"BE05068123456775</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK"
            b"</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>R</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>"
            )
    _stream(path, head, b"lorem ipsum ", b"</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt>"
            b"</Document>", size)


def mt940_endless_86(path: Path, size: int) -> None:
    head = (b":20:X\r\n:25:BE05068123456775\r\n:28C:1\r\n:60F:C261120EUR100,00\r\n:61:2611201120C1,00NTRFNONREF\r\n"
            b":86:")
    _stream(path, head, b"betaling ", b"\r\n:62F:C261120EUR101,00\r\n-\r\n", size)


def coda_endless_record(path: Path, size: int) -> None:
    head = b"0000001112620005        00000000  ACME" + b" " * 89 + b"2\n"
    _stream(path, head, b"2", b"\n", size)


def xlsx_bomb(path: Path, size: int) -> None:
    """A workbook whose one sheet, a few MB deflated, expands to `size` x 40 bytes of rows."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats"
                         ".org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd"
                         ".openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\""
                         "application/xml\"/></Types>")
        archive.writestr("_rels/.rels", f"<Relationships xmlns=\"{pkg}\"><Relationship Id=\"r1\" Type=\"{rel}/"
                         "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")
        archive.writestr("xl/workbook.xml", f"<workbook xmlns=\"{main}\" xmlns:r=\"{rel}\"><sheets><sheet name=\"S\" "
                         "sheetId=\"1\" r:id=\"r1\"/></sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f"<Relationships xmlns=\"{pkg}\"><Relationship Id=\"r1\" "
                         f"Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f"<worksheet xmlns=\"{main}\"><sheetData>".encode())
            row = b"<row><c t=\"inlineStr\"><is><t>2026-0042</t></is></c><c><v>1210</v></c></row>"
            block = row * (_CHUNK // len(row))
            for _ in range(max(1, size * 40 // len(block))):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")


FILES: dict[str, tuple[str, Callable[[Path, int], None]]] = {
    "csv-one-line": ("open_invoices.csv", csv_one_line),
    "csv-open-quote": ("open_invoices.csv", csv_open_quote),
    "csv-wide-header": ("open_invoices.csv", csv_wide_header),
    "xml-billion-laughs": ("statement.xml", xml_laughs),
    "xml-external-entity": ("statement.xml", xml_external),
    "camt-giant-text": ("statement.xml", camt_giant_text),
    "mt940-endless-86": ("statement.sta", mt940_endless_86),
    "coda-endless-record": ("statement.cod", coda_endless_record),
    "xlsx-zip-bomb": ("open_invoices.xlsx", xlsx_bomb),
}


def measure(name: str, size: int, folder: Path) -> dict:
    file_name, write = FILES[name]
    path = folder / name / file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path, size)
    kind = "bank" if file_name.startswith("statement") else "invoices"
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "arctl", "check", "--kind", kind, str(path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    try:
        _, stderr = process.communicate(timeout=TIME_LIMIT_S * 2)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    took = time.monotonic() - started
    peak_mb = _peak_of_children_mb()
    answer = " ".join(stderr.split())[:300]
    ok = (process.returncode in (0, 1, 3) and took <= TIME_LIMIT_S and peak_mb <= MEMORY_LIMIT_MB
          and "Traceback" not in stderr and (process.returncode != 3 or path.name in stderr))
    written_mb = round(path.stat().st_size / 1e6, 1)
    path.unlink()
    return {"file": name, "mb": written_mb, "exit_code": process.returncode, "seconds": round(took, 1),
            "peak_rss_mb": peak_mb, "answer": answer, "ok": ok}


def _peak_of_children_mb() -> int:
    """The largest resident set of the children waited for so far (kB on Linux): measure one file per process."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=100, help="size of each hostile file (default 100)")
    parser.add_argument("--only", choices=sorted(FILES), action="append", help="these files alone")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--one", choices=sorted(FILES), help=argparse.SUPPRESS)   # the child that measures one
    options = parser.parse_args(argv)
    if options.one:
        with tempfile.TemporaryDirectory(prefix="arctl-hostile-") as folder:
            print(json.dumps(measure(options.one, options.mb * 1_000_000, Path(folder))))
        return 0
    results = []
    for name in options.only or sorted(FILES):
        # one process per file, so that each peak is that file's own (RUSAGE_CHILDREN only ever grows)
        child = subprocess.run([sys.executable, __file__, "--one", name, "--mb", str(options.mb)],
                               capture_output=True, text=True, check=True)
        results.append(json.loads(child.stdout))
        result = results[-1]
        print(f"{result['file']:<22} {options.mb:>5} MB  exit {result['exit_code']}  {result['seconds']:>6.1f} s  "
              f"peak {result['peak_rss_mb']:>5} MB  {'ok' if result['ok'] else 'FAILED'}  {result['answer'][:90]}")
    if options.json:
        options.json.write_text(json.dumps({"mb": options.mb, "memory_limit_mb": MEMORY_LIMIT_MB,
                                            "time_limit_s": TIME_LIMIT_S, "files": results}, indent=2) + "\n",
                                encoding="utf-8")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
