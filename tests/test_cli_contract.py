"""The public command-line contract of CLI.md: help without pandas, JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import arctl
from arctl.cli import app
from arctl.errors import ArctlError

REPO = Path(__file__).resolve().parents[1]
PLAIN_AMOUNT = re.compile(r"-?\d+\.\d{2}")

INVOICES = """\
    Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due
    F2026-001,C001,Bakkerij Peeters,2026-09-01,2026-10-01,EUR,1234.50,1234.50
    F2026-002,C001,Bakkerij Peeters,2026-10-15,2026-11-14,EUR,200.00,150.00
    F2026-003,C002,Slagerij Janssens,2026-11-01,2026-12-01,EUR,99.95,99.95
    """
BAD_DUE_DATE_ROW = "F2026-004,C002,Slagerij Janssens,2026-11-01,2026-02-31,EUR,10.00,10.00\n"


@pytest.fixture(autouse=True)
def no_workspace(tmp_path, monkeypatch):
    """Every test runs in an empty folder with no workspace around it."""
    monkeypatch.delenv("ARCTL_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def invoices(tmp_path) -> Path:
    path = tmp_path / "open_invoices.csv"
    path.write_text(textwrap.dedent(INVOICES), encoding="utf-8")
    return path


@pytest.fixture
def invoices_with_a_bad_row(invoices) -> Path:
    with invoices.open("a", encoding="utf-8") as file:
        file.write(BAD_DUE_DATE_ROW)
    return invoices


def command_names() -> list[str]:
    return sorted(typer.main.get_command(app).commands)


# --- start-up: no pandas for --version and --help ------------------------------------------------------

PROBE = """\
import runpy, sys
sys.argv = ["arctl", *sys.argv[1:]]
try:
    runpy.run_module("arctl", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    code = exit.code
else:
    code = 0
print(f"PROBE exit={code} pandas={'pandas' in sys.modules}", file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"], ["aging", "--help"]],
                         ids=" ".join)
def test_version_and_help_do_not_import_pandas(args):
    # what keeps --help fast; how fast is the benchmarks' business, not an assertion here
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)

    assert "PROBE exit=0 pandas=False" in done.stderr, done.stderr


def test_python_dash_m_arctl_prints_the_version():
    done = subprocess.run([sys.executable, "-m", "arctl", "--version"], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"arctl {arctl.__version__}\n"


# --- help and documentation ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_text(name):
    command = typer.main.get_command(app).commands[name]

    result = run(name, "--help")

    assert result.exit_code == 0, result.output
    assert command.help and command.help.strip(), f"arctl {name} has no help text"


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = command_names()
    if not any(f"arctl {name}" in readme for name in names):
        pytest.skip("README.md does not describe the commands yet (no `arctl COMMAND` in it)")

    missing = [name for name in names if f"arctl {name}" not in readme]

    assert not missing, f"commands not in README.md: {', '.join(missing)}"


# --- check --json --------------------------------------------------------------------------------------


def test_check_json_is_one_document_on_stdout_with_the_contract_fields(invoices_with_a_bad_row):
    result = run("check", str(invoices_with_a_bad_row), "--json")

    assert result.exit_code == 1, result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["path"] == str(invoices_with_a_bad_row)
    assert entry["kind"] == "invoices"
    assert entry["profile"] == "generic"
    assert (entry["rows"], entry["valid_rows"], entry["invoices"]) == (4, 3, 3)
    assert [{k: t[k] for k in ("currency", "amount", "open_amount")} for t in entry["totals"]] == [
        {"currency": "EUR", "amount": "1534.45", "open_amount": "1484.45"}]
    (problem,) = entry["problems"]
    assert problem["row"] == 5
    assert problem["value"] == "2026-02-31"
    # CLI.md's example names the canonical column (due_date); the file's own header also locates it.
    assert problem["column"] in ("due_date", "Due Date")
    assert problem["message"]


def test_check_json_amounts_are_strings_with_two_decimals(invoices):
    result = run("check", str(invoices), "--json")

    assert result.exit_code == 0, result.output
    (total,) = json.loads(result.stdout)["files"][0]["totals"]
    for key in ("amount", "open_amount"):
        assert isinstance(total[key], str) and PLAIN_AMOUNT.fullmatch(total[key]), total


def test_check_json_of_a_header_only_file_has_zero_rows_and_no_totals(tmp_path):
    path = tmp_path / "open_invoices.csv"
    path.write_text(textwrap.dedent(INVOICES).splitlines(keepends=True)[0], encoding="utf-8")

    result = run("check", str(path), "--json")

    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert (entry["rows"], entry["valid_rows"], entry["totals"], entry["problems"]) == (0, 0, [], [])


# --- aging ---------------------------------------------------------------------------------------------


def test_aging_json_has_the_contract_shape_with_amounts_as_strings(invoices):
    result = run("aging", str(invoices), "--as-of", "2026-11-22", "--format", "json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["as_of"] == "2026-11-22"
    assert report["by"] == "due"
    assert report["buckets"] == ["current", "1-30", "31-60", "61-90", "90+"]
    assert [{k: c[k] for k in ("customer_id", "name", "currency", "total", "buckets")}
            for c in report["customers"]] == [
        {"customer_id": "C001", "name": "Bakkerij Peeters", "currency": "EUR", "total": "1384.50",
         "buckets": {"current": "0.00", "1-30": "150.00", "31-60": "1234.50", "61-90": "0.00", "90+": "0.00"}},
        {"customer_id": "C002", "name": "Slagerij Janssens", "currency": "EUR", "total": "99.95",
         "buckets": {"current": "99.95", "1-30": "0.00", "31-60": "0.00", "61-90": "0.00", "90+": "0.00"}},
    ]
    assert [{k: t[k] for k in ("currency", "total", "buckets")} for t in report["totals"]] == [
        {"currency": "EUR", "total": "1484.45",
         "buckets": {"current": "99.95", "1-30": "150.00", "31-60": "1234.50", "61-90": "0.00", "90+": "0.00"}},
    ]


def test_aging_json_keeps_warnings_off_stdout(invoices_with_a_bad_row):
    result = run("aging", str(invoices_with_a_bad_row), "--as-of", "2026-11-22", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"][0]["total"] == "1484.45"
    assert "1 unusable row(s) left out of the report" in result.stderr


def test_aging_csv_has_a_header_row_with_the_bucket_labels(invoices):
    result = run("aging", str(invoices), "--as-of", "2026-11-22", "--format", "csv")

    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[-5:] == ["current", "1-30", "31-60", "61-90", "90+"]


def test_aging_buckets_option_sets_the_bucket_labels(invoices):
    result = run("aging", str(invoices), "--as-of", "2026-11-22", "--format", "json", "--buckets", "15,45")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["buckets"] == ["current", "1-15", "16-45", "45+"]


@pytest.mark.parametrize("buckets", ["30,x", "60,30"])
def test_aging_refuses_bad_buckets(invoices, buckets):
    result = run("aging", str(invoices), "--as-of", "2026-11-22", "--buckets", buckets)

    assert result.exit_code == 2, result.output
    assert f"Error: --buckets {buckets}: expected" in result.stderr


def test_aging_refuses_an_as_of_date_that_is_not_iso(invoices):
    result = run("aging", str(invoices), "--as-of", "22-11-2026")

    assert result.exit_code == 2, result.output
    assert "Error: --as-of 22-11-2026: expected an ISO date such as 2026-11-22, or today" in result.stderr


def test_aging_output_option_writes_the_report_to_the_file(invoices, tmp_path):
    target = tmp_path / "aging.json"

    result = run("aging", str(invoices), "--as-of", "2026-11-22", "--format", "json", "-o", str(target))

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["totals"][0]["total"] == "1484.45"


# --- errors and exit codes -----------------------------------------------------------------------------


def test_a_user_error_is_one_error_line_on_stderr_without_traceback(tmp_path):
    missing = tmp_path / "openstaande_posten.csv"

    result = run("aging", str(missing), "--as-of", "2026-11-22")

    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error_lines == [f"Error: {missing}: no such file"]
    assert "Traceback" not in result.output


def test_a_user_error_message_is_printed_verbatim_even_with_square_brackets(tmp_path):
    missing = tmp_path / "[oud]" / "openstaande_posten.csv"

    result = run("aging", str(missing), "--as-of", "2026-11-22")

    assert result.exit_code == 3, result.output
    assert f"Error: {missing}: no such file" in result.stderr


def test_debug_lets_the_error_propagate_with_its_traceback(tmp_path):
    result = run("--debug", "aging", str(tmp_path / "openstaande_posten.csv"), "--as-of", "2026-11-22")

    assert isinstance(result.exception, ArctlError), result.output
    assert result.exit_code != 0


def test_debug_shows_the_traceback_for_a_file_check_cannot_read(tmp_path):
    result = run("--debug", "check", str(tmp_path / "openstaande_posten.csv"))

    assert isinstance(result.exception, ArctlError), result.output


def test_an_unknown_kind_is_a_usage_error(invoices):
    result = run("check", str(invoices), "--kind", "receipts")

    assert result.exit_code == 2, result.output
