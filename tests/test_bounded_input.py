"""Hostile or broken exports are refused or reported within bounded memory: workbooks that expand to gigabytes,
and thousands of rows repeating one invoice number."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.errors import InputError
from arctl.io.export import ReadOptions, read_export
from arctl.io.sheetsize import check_sheet_size

MB = 1_000_000

# --- a minimal XLSX written by hand from ECMA-376 part 1 (SpreadsheetML): the package parts a reader needs ----
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                        '<sheet name="Openstaande posten" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
}
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


def shared_strings(*texts: str) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">{items}</sst>'


def workbook(path: Path, rows: str | list[bytes], strings: str) -> Path:
    """An XLSX whose sheet holds `rows` (XML text, or blocks of bytes streamed in turn) and `strings`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/sharedStrings.xml", strings)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_HEAD.encode())
            for block in ([rows.encode()] if isinstance(rows, str) else rows):
                sheet.write(block)
            sheet.write(SHEET_TAIL.encode())
    return path


def header_row() -> str:
    cells = "".join(f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCD"))
    return f'<row r="1">{cells}</row>'


HEADERS = ("Factuurnummer", "Klant", "Vervaldatum", "Openstaand")


def repeated_blocks(total: int) -> list[bytes]:
    """`total` bytes of identical rows, as blocks (never the whole sheet in memory)."""
    row = '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="D2"><v>100</v></c></row>'
    block = (row * 2000).encode()
    return [block] * (total // len(block) + 1)


def read_in_child(path: Path) -> tuple[int, str, int]:
    """Read `path` in a child process capped at 2 GB of address space (so a failure cannot take the machine
    down): its exit code, its stderr and its peak resident memory in MB (VmHWM: ru_maxrss would count the
    memory of the test process the child was forked from)."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
        from arctl.errors import InputError
        from arctl.io.export import read_export

        def peak():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
            return 0

        try:
            read_export(__import__("pathlib").Path({str(path)!r}))
        except InputError as error:
            print(error.message, file=sys.stderr)
            print(peak())
            sys.exit(3)
        print(peak())
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    peak = int(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else -1
    return done.returncode, done.stderr, peak


# --- workbooks that expand -------------------------------------------------------------------------------------


def test_a_sheet_that_unpacks_to_300_mb_from_1_mb_is_refused_from_the_zip_directory(tmp_path):
    path = workbook(tmp_path / "openstaande_posten.xlsx", repeated_blocks(300 * MB), shared_strings(*HEADERS))
    assert path.stat().st_size < 3 * MB

    tracemalloc.start()
    with pytest.raises(InputError) as refused:
        read_export(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert refused.value.message.startswith(
        f"{path}: workbook too large to read safely: its sheets and shared strings unpack to 300.")
    assert refused.value.message.endswith("; the limit is 256 MB")
    assert peak < 5 * MB  # only the zip directory was read


def test_one_cell_at_the_last_row_and_column_is_refused_before_the_reader_builds_the_grid(tmp_path):
    # 1,048,576 rows x 16,384 columns: the reader would build a grid of 17 billion cells from a 2 KB file.
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>')
    path = workbook(tmp_path / "far.xlsx", rows, shared_strings(*HEADERS))

    code, stderr, peak = read_in_child(path)

    assert code == 3, stderr
    assert stderr.strip() == (f"{path}: workbook too large to read safely: xl/worksheets/sheet1.xml spans "
                              "1,048,576 rows x 16,384 columns (up to column XFD, row 1,048,576); "
                              "the limit is 10,000,000 cells")
    assert peak < 400, peak  # MB: the interpreter and pandas, nothing of the grid


def test_one_long_shared_string_repeated_in_every_cell_is_refused(tmp_path):
    # 30,000 characters (within Excel's 32,767) in 20,000 cells: 600 MB of text from a 100 KB file.
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>4</v></c></row>' for n in range(2, 20_002))
    path = workbook(tmp_path / "strings.xlsx", header_row() + rows, shared_strings(*HEADERS, "x" * 30_000))
    assert path.stat().st_size < 200_000

    code, stderr, peak = read_in_child(path)

    assert code == 3, stderr
    assert stderr.strip().endswith("xl/worksheets/sheet1.xml repeats its shared strings into at least 600.4 MB of "
                                   "text; the limit is 256 MB")
    assert peak < 400, peak


def test_a_shared_string_longer_than_a_cell_can_hold_is_refused(tmp_path):
    path = workbook(tmp_path / "string.xlsx", header_row(), shared_strings(*HEADERS, "x" * 2 * MB))

    with pytest.raises(InputError, match=r"a shared string of the workbook is 2\.0 MB long, more than a "
                                         r"spreadsheet cell can hold \(32,767 characters\)"):
        check_sheet_size(path)


def test_the_limits_can_be_lowered_and_raised_through_the_environment(tmp_path, monkeypatch):
    path = workbook(tmp_path / "posten.xlsx", repeated_blocks(3 * MB), shared_strings(*HEADERS))
    check_sheet_size(path)  # 3 MB is far below the default

    monkeypatch.setenv("ARCTL_SHEET_MAX_MB", "2")
    with pytest.raises(InputError, match="the limit is 2 MB"):
        check_sheet_size(path)
    monkeypatch.setenv("ARCTL_SHEET_MAX_MB", "two")
    with pytest.raises(InputError, match=r"ARCTL_SHEET_MAX_MB='two': expected a whole number above 0"):
        check_sheet_size(path)


def test_an_ordinary_workbook_passes_the_checks_and_is_read(tmp_path):
    path = tmp_path / "openstaande_posten.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Factuurnummer", "Klantnummer", "Klant", "Vervaldatum", "Openstaand"])
    for n in range(1, 501):
        sheet.append([f"2026-{n:04d}", f"K{n % 40:03d}", "Bakkerij Peeters BV", "2026-11-30", 125.5])
    book.save(path)

    read = read_export(path, ReadOptions(kind="invoices"))

    assert len(read.frame) == 500 and read.errors == []


def test_check_on_an_expanding_workbook_prints_one_error_line_and_exits_3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    path = workbook(tmp_path / "posten.xlsx", repeated_blocks(300 * MB), shared_strings(*HEADERS))

    result = CliRunner().invoke(app, ["check", str(path)])

    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("Error:")] == [lines[0]]
    assert "workbook too large to read safely" in lines[0]
    assert "Traceback" not in result.output


# --- many rows repeating one invoice number ---------------------------------------------------------------------


def test_20000_rows_repeating_one_invoice_number_make_one_finding_in_bounded_memory(tmp_path):
    lines = ["Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand"]
    lines += [f"2026-0042;K100;Bakkerij Peeters BV;01-10-2026;31-10-2026;EUR;{n},00;{n},00" for n in range(1, 20_001)]
    path = tmp_path / "openstaande_posten.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    tracemalloc.start()
    read = read_export(path, ReadOptions(kind="invoices"))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert [(f.row, f.message) for f in read.findings] == [
        (2, "invoice number appears on 20000 rows (rows 2, 3, 4, 5, 6 and 19995 more); none of them is used")]
    assert read.valid_rows == 0 and len(read.frame) == 0
    assert peak < 40 * MB, peak  # was 5 GB: each of the 20,000 messages listed all 20,000 rows


def test_each_repeated_invoice_number_is_one_finding_with_its_own_count(tmp_path):
    path = tmp_path / "posten.csv"
    path.write_text(textwrap.dedent("""\
        Invoice No.,Customer,Due Date,Amount
        INV-1,Acme Ltd,2026-11-30,100.00
        INV-2,Acme Ltd,2026-11-30,200.00
        INV-1,Acme Ltd,2026-11-30,100.00
        INV-3,Beta BV,2026-12-15,300.00
        INV-2,Acme Ltd,2026-11-30,200.00
        INV-1,Acme Ltd,2026-11-30,100.00
        """), encoding="utf-8")

    read = read_export(path, ReadOptions(kind="invoices"))

    assert [(f.row, f.message) for f in read.findings] == [
        (2, "invoice number appears on 3 rows (rows 2, 4, 7); none of them is used"),
        (3, "invoice number appears on 2 rows (rows 3, 6); none of them is used")]
    assert read.frame["invoice_id"].tolist() == ["INV-3"]


def test_20000_lines_of_one_invoice_that_disagree_make_one_finding_per_column(tmp_path):
    profile = tmp_path / "per-line.yaml"
    profile.write_text("extends: generic\nname: per-line\nrows: per_line\n", encoding="utf-8")
    lines = ["Invoice No.,Customer,Due Date,Amount"]
    lines += [f"INV-1,Acme Ltd,2026-11-{1 + n % 28:02d},{n}.00" for n in range(20_000)]
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    tracemalloc.start()
    read = read_export(path, ReadOptions(kind="invoices", profile=str(profile)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert [(f.row, f.column) for f in read.findings] == [(3, "Amount"), (3, "Due Date")]
    assert read.findings[1].message == ("19285 lines of invoice INV-1 (row 3, 4, 5, 6, 7 and 19280 more) disagree "
                                        "on due_date with its first line (row 2)")
    assert len(read.frame) == 0
    assert peak < 60 * MB, peak



def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCTL_MAX_FILE_MB", "1")
    path = tmp_path / "open_invoices.csv"
    path.write_text("Invoice No.,Customer ID,Due Date,Amount Due\n"
                    + "2026-0042,K001,2026-10-31,1210.00\n" * 40_000, encoding="utf-8")

    result = CliRunner().invoke(app, ["check", str(path)])

    assert result.exit_code == 3
    assert f"{path}: 1.4 MB, more than arctl reads from one file (1 MB)" in result.stderr
    assert "ARCTL_MAX_FILE_MB" in result.stderr


def test_a_bank_statement_larger_than_the_limit_is_refused_too(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCTL_MAX_FILE_MB", "1")
    path = tmp_path / "statement.xml"
    path.write_text("<?xml version=\"1.0\"?>" + "<!-- padding -->" * 100_000, encoding="utf-8")

    with pytest.raises(InputError, match="more than arctl reads from one file"):
        from arctl.io.bank.read import read_bank

        read_bank(path)


def test_a_file_size_limit_that_is_not_a_number_is_refused_with_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCTL_MAX_FILE_MB", "lots")
    path = tmp_path / "open_invoices.csv"
    path.write_text("Invoice No.,Customer ID,Due Date,Amount Due\n2026-0042,K001,2026-10-31,1210.00\n",
                    encoding="utf-8")

    result = CliRunner().invoke(app, ["check", str(path)])

    assert result.exit_code == 3
    assert "ARCTL_MAX_FILE_MB='lots': expected a whole number of MB above 0" in result.stderr


def test_a_csv_header_of_more_columns_than_a_spreadsheet_holds_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "open_invoices.csv"
    path.write_text("Invoice No.,Customer ID,Due Date,Amount Due" + ",extra" * 20_000 + "\n"
                    "2026-0042,K001,2026-10-31,1210.00\n", encoding="utf-8")

    with pytest.raises(InputError, match=r"open_invoices.csv: line 1: 20,004 columns, more than a spreadsheet"):
        read_export(path, ReadOptions(kind="invoices"))


def test_a_csv_line_of_megabytes_is_refused_naming_its_line_before_it_is_parsed(tmp_path):
    path = tmp_path / "open_invoices.csv"
    path.write_text("Invoice No.,Customer ID,Due Date,Amount Due\n2026-0042,K001,2026-10-31,1210.00\n"
                    "2026-0043,K002,2026-10-31," + "9" * 5_000_000 + "\n", encoding="utf-8")

    with pytest.raises(InputError, match=r"open_invoices.csv: line 3: a line of 5.0 MB, more than any export holds "
                                         r"\(4 MB at most\): not an export"):
        read_export(path, ReadOptions(kind="invoices"))


def test_a_camt_text_of_megabytes_between_two_tags_is_refused_naming_its_line(tmp_path):
    from arctl.io.bank.read import read_bank

    path = tmp_path / "statement.xml"
    path.write_text("<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n"
                    "<BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>" + "lorem ipsum " * 200_000
                    + "</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>\n", encoding="utf-8")

    with pytest.raises(InputError, match=r"statement.xml: line 3: a text between two tags of 2.4 MB, more than any "
                                         r"bank statement holds"):
        read_bank(path)


def test_an_mt940_line_of_megabytes_is_refused_naming_its_line(tmp_path):
    from arctl.io.bank.read import read_bank

    path = tmp_path / "statement.sta"
    path.write_text(":20:X\r\n:25:BE05068123456775\r\n:28C:1\r\n:60F:C261120EUR100,00\r\n"
                    ":61:2611201120C1,00NTRFNONREF\r\n:86:" + "betaling " * 200_000 + "\r\n:62F:C261120EUR101,00\r\n",
                    encoding="latin-1")

    with pytest.raises(InputError, match=r"statement.sta: line 6: a line of 1.8 MB, more than any bank statement"):
        read_bank(path)
