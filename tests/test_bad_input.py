"""`arctl check` on inputs that are wrong in the ways real files are wrong: each gets one clear message
and the exit code of CLI.md (0 every row usable, 1 some rows unusable, 3 unreadable), never a traceback.
And a large valid export is read whole (how fast is measured by benchmarks/read_speed.py, not here).
"""

from __future__ import annotations

import json
import random
import re
import textwrap
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from arctl.cli import app
from arctl.io.export import ReadOptions, read_export

HEADER = "Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand"


@pytest.fixture()
def runner(tmp_path, monkeypatch):
    """A CLI runner outside any workspace (so no arctl.yaml of the repository is picked up)."""
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def check(runner: CliRunner, path: Path, *options: str):
    result = runner.invoke(app, ["check", str(path), *options])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def write_text(tmp_path: Path, text: str, name: str = "openstaande_posten.csv") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# --- files that cannot be read (exit 3) ------------------------------------------------------------


def test_empty_file_is_unreadable(tmp_path, runner):
    path = tmp_path / "openstaande_posten.csv"
    path.write_bytes(b"")

    result = check(runner, path)

    assert result.exit_code == 3, result.output
    assert "empty" in result.stderr
    assert str(path) in result.stderr


def test_header_only_file_is_valid_with_zero_rows(tmp_path, runner):
    path = write_text(tmp_path, HEADER + "\n")

    result = check(runner, path, "--json")

    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert (entry["rows"], entry["valid_rows"], entry["invoices"]) == (0, 0, 0)
    assert entry["problems"] == []


def test_binary_garbage_is_refused_as_binary(tmp_path, runner):
    garbage = b"\x13\x00\x9f\xc4" + random.Random(20261122).randbytes(4096) + b"\x00\x00\x07"
    path = tmp_path / "openstaande_posten.csv"
    path.write_bytes(garbage)

    result = check(runner, path)

    assert result.exit_code == 3, result.output
    assert "binary" in result.stderr


def test_pdf_renamed_to_csv_is_refused_as_a_pdf(tmp_path, runner):
    path = tmp_path / "openstaande_posten.csv"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                     b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")

    result = check(runner, path)

    assert result.exit_code == 3, result.output
    assert "PDF" in result.stderr


def test_missing_required_column_is_named_with_the_headers_found(tmp_path, runner):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Valuta;Bedrag;Openstaand
        2026-0042;K100;Bakkerij Peeters BV;01-10-2026;EUR;1.234,56;1.234,56
    """)

    result = check(runner, path)

    assert result.exit_code == 3, result.output
    assert "due date" in result.stderr
    assert "Factuurnummer, Klantnummer, Klant, Factuurdatum, Valuta, Bedrag, Openstaand" in result.stderr


BROKEN_QUOTE = """
    Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
    2026-0041;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
    2026-0042;K100;"Bakkerij Peeters;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
    2026-0043;K102;Slagerij Vermeulen;03-10-2026;02-11-2026;EUR;99,95;99,95
    2026-0044;K103;Brouwerij Het Anker NV;04-10-2026;03-11-2026;EUR;2.000,00;500,00
"""


def test_broken_quote_is_refused_as_broken_quoting_with_a_line_number(tmp_path, runner):
    path = write_text(tmp_path, BROKEN_QUOTE)

    result = check(runner, path)

    assert result.exit_code == 3, result.output
    assert "broken quoting" in result.stderr
    assert re.search(r"line \d+", result.stderr), result.stderr


def test_broken_quote_names_the_line_where_the_quote_opens(tmp_path, runner):
    path = write_text(tmp_path, BROKEN_QUOTE)

    result = check(runner, path, "--delimiter", ";")  # the delimiter given: only the line number is tested

    assert result.exit_code == 3, result.output
    assert "broken quoting" in result.stderr
    assert "line 3:" in result.stderr


def test_broken_quote_far_below_the_header_names_the_line_where_the_quote_opens(tmp_path, runner):
    names = ["Garage Janssens BVBA"] * 60
    names[49] = '"Bakkerij Peeters'
    lines = [HEADER] + [f"2026-{i:04d};K{100 + i};{name};02-10-2026;01-11-2026;EUR;450,00;450,00"
                        for i, name in enumerate(names)]
    path = write_text(tmp_path, "\n".join(lines) + "\n")  # the stray quote is on line 51

    result = check(runner, path, "--delimiter", ";")  # the delimiter given: only the line number is tested

    assert result.exit_code == 3, result.output
    assert "broken quoting" in result.stderr
    assert "line 51:" in result.stderr


def test_xlsx_without_a_data_sheet_is_refused(tmp_path, runner):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Blad1"
    workbook.create_sheet("Blad2")
    path = tmp_path / "openstaande_posten.xlsx"
    workbook.save(path)

    result = check(runner, path)

    assert result.exit_code == 3, result.output
    assert "no data sheet" in result.stderr


def test_folder_instead_of_a_file_is_refused(tmp_path, runner):
    folder = tmp_path / "exports"
    folder.mkdir()

    result = check(runner, folder)

    assert result.exit_code == 3, result.output
    assert "folder" in result.stderr


def test_file_that_does_not_exist_is_refused(tmp_path, runner):
    path = tmp_path / "openstaande_posten_2026.csv"

    result = check(runner, path)

    assert result.exit_code == 3, result.output
    assert "no such file" in result.stderr
    assert str(path) in result.stderr


# --- files with bad rows (exit 1) ---------------------------------------------------------------------


def test_row_with_too_many_fields_is_a_finding_naming_its_line(tmp_path, runner):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0041;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
        2026-0042;K100;Peeters; Bakkerij;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
        2026-0043;K102;Slagerij Vermeulen;03-10-2026;02-11-2026;EUR;99,95;99,95
    """)

    result = check(runner, path, "--json")

    assert result.exit_code == 1, result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert (entry["rows"], entry["valid_rows"], entry["invoices"]) == (3, 2, 2)
    assert [(p["row"], "9 fields" in p["message"]) for p in entry["problems"]] == [(3, True)]


def test_row_with_too_many_fields_is_shown_with_its_line_on_screen(tmp_path, runner):
    path = write_text(tmp_path, """
        Factuurnummer;Klantnummer;Klant;Factuurdatum;Vervaldatum;Valuta;Bedrag;Openstaand
        2026-0041;K101;Garage Janssens BVBA;02-10-2026;01-11-2026;EUR;450,00;450,00
        2026-0042;K100;Peeters; Bakkerij;01-10-2026;31-10-2026;EUR;1.234,56;1.234,56
    """)

    result = check(runner, path)

    assert result.exit_code == 1, result.output
    assert "row 3" in result.stdout
    assert "fields" in result.stdout


# --- a large valid export --------------------------------------------------------------------------------


def large_export_writer():
    """benchmarks/read_speed.py: the one generator of the 50 MB export, read here for counts and sums."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("read_speed", Path(__file__).parents[1] / "benchmarks"
                                                  / "read_speed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_valid_50_mb_export_is_read_whole(tmp_path):
    rows = 420_000
    generator = large_export_writer()
    amounts, opens = generator.amounts_of(rows)
    path = tmp_path / "openstaande_posten_groot.csv"
    generator.write(path, rows)
    assert path.stat().st_size / 1e6 >= 45

    result = read_export(path, ReadOptions())

    assert result.rows == rows
    assert result.valid_rows == rows
    assert result.findings == []
    eur = result.frame[result.frame["currency"] == "EUR"]
    assert len(eur) == rows
    assert int(eur["amount"].sum()) == sum(amounts)
    assert int(eur["open_amount"].sum()) == sum(opens)
