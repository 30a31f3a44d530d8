"""The public command-line contract of CLI.md: help without pandas, JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import arctl
from arctl.cli import app
from arctl.errors import ArctlError, ConfigError, DeliveryError, InputError, StateError, UsageError

REPO = Path(__file__).resolve().parents[1]
CLI_SOURCES = sorted((REPO / "src" / "arctl" / "cli").glob("*.py"))
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


# --- start-up: no heavy module for --version and --help -------------------------------------------------

HEAVY = ("pandas", "numpy", "openpyxl", "pyarrow", "weasyprint", "rapidfuzz", "sqlalchemy", "xlsxwriter", "duckdb",
         "python_calamine", "jinja2",
         "pydantic",        # Typer converts option values with it: 0.1 s of start-up that --help does not need
         "arctl.model")     # the canonical records: 0.06 s of dataclasses

PROBE = """\
import json, runpy, sys
codes = []
for line in sys.argv[1:]:
    sys.argv = ["arctl", *json.loads(line)]
    try:
        runpy.run_module("arctl", run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        codes.append(exit.code or 0)
    else:
        codes.append(0)
heavy = sorted(name for name in HEAVY if name in sys.modules)
print(f"PROBE codes={sorted(set(codes))} heavy={heavy}", file=sys.stderr)
"""


def test_version_and_every_help_import_no_heavy_module():
    # what keeps --help as fast as a bare Typer app (benchmarks/harness.py measures the ratio): pandas alone costs
    # 0.6-0.85 s to import, WeasyPrint more than a second
    cli = typer.main.get_command(app)
    calls = [["--version"], ["--help"]]
    for name in command_names():
        command = cli.commands[name]
        calls.append([name, "--help"])
        calls += [[name, sub, "--help"] for sub in sorted(getattr(command, "commands", {}))]
    probe = PROBE.replace("HEAVY", repr(HEAVY))
    done = subprocess.run([sys.executable, "-c", probe, *(json.dumps(c) for c in calls)], capture_output=True,
                          text=True, timeout=120)

    assert "PROBE codes=[0] heavy=[]" in done.stderr, done.stderr[-3000:]
    assert len(calls) > 30


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


def test_aging_refuses_an_as_of_that_is_not_a_date(invoices):
    result = run("aging", str(invoices), "--as-of", "31-11-2026")   # November has 30 days

    assert result.exit_code == 2, result.output
    assert "Error: --as-of 31-11-2026: not a date; write 2026-12-15 (ISO)" in result.stderr
    assert "15 December 2026 or today" in result.stderr


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
    missing = tmp_path / "openstaande_posten.csv"

    result = run("--debug", "aging", str(missing), "--as-of", "2026-11-22")

    assert isinstance(result.exception, ArctlError), result.output
    assert result.exception.message == f"{missing}: no such file"
    assert result.exit_code != 0
    assert "Error:" not in result.stderr


def test_debug_shows_the_traceback_for_a_file_check_cannot_read(tmp_path):
    missing = tmp_path / "openstaande_posten.csv"

    result = run("--debug", "check", str(missing))

    assert isinstance(result.exception, ArctlError), result.output
    assert result.exception.message == f"{missing}: no such file"
    assert "Error:" not in result.stderr


# --- the one error path: any command's ArctlError is its exit code and one `Error:` line ---------------

REFUSALS = [pytest.param(error_class, exit_code, id=error_class.__name__) for error_class, exit_code in
            [(UsageError, 2), (ConfigError, 2), (InputError, 3), (StateError, 4), (DeliveryError, 5)]]
# a top-level command and a subcommand; each fails where its workflow would
FAILING_STEPS = [pytest.param("arctl.cli.check.read_options", ["check"], id="check"),
                 pytest.param("arctl.cli.plan._load", ["plan", "show", "standard"], id="plan show")]


def refuse_with(monkeypatch, target: str, error: Exception) -> None:
    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(target, refuse)


@pytest.mark.parametrize(("target", "args"), FAILING_STEPS)
@pytest.mark.parametrize(("error_class", "exit_code"), REFUSALS)
def test_a_commands_arctl_error_becomes_its_exit_code_and_one_error_line_with_its_hint(
        monkeypatch, target, args, error_class, exit_code):
    refuse_with(monkeypatch, target, error_class("the [state] is in use by another run",
                                                 hint="wait for it, or remove .arctl/lock"))

    result = run(*args)

    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    assert result.stderr == "Error: the [state] is in use by another run\n  hint: wait for it, or remove .arctl/lock\n"


def test_warnings_printed_before_an_error_stay_before_its_error_line(invoices_with_a_bad_row, tmp_path):
    (tmp_path / "reports").mkdir()
    result = run("aging", str(invoices_with_a_bad_row), "--as-of", "2026-11-22", "-o", str(tmp_path / "reports"),
                 "--format", "csv")

    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"warning: {invoices_with_a_bad_row}: 1 unusable row(s) left out of the report")
    assert lines[1:] == [f"Error: -o {tmp_path / 'reports'}: is a folder",
                         "  hint: name a file, e.g. reports/aging.csv"]
    assert result.stdout == ""


def test_with_debug_a_commands_arctl_error_propagates_with_its_traceback(monkeypatch):
    error = StateError("the state is in use by another run", hint="wait for it")
    refuse_with(monkeypatch, "arctl.cli.plan._load", error)

    result = run("--debug", "plan", "show", "standard")

    assert result.exception is error
    assert result.exit_code == 1
    assert "Error:" not in result.stderr
    trace = "".join(traceback.format_exception(*result.exc_info))
    assert trace.startswith("Traceback (most recent call last):")
    assert "in refuse" in trace


def test_an_exception_that_is_not_an_arctl_error_is_a_bug_and_keeps_its_traceback(monkeypatch):
    refuse_with(monkeypatch, "arctl.cli.plan._load", KeyError("steps"))

    result = run("plan", "show", "standard")

    assert isinstance(result.exception, KeyError), result.output
    assert "Error:" not in result.stderr


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_the_installed_command_shows_a_traceback_only_with_debug(tmp_path, debug):
    done = subprocess.run([sys.executable, "-m", "arctl", *(["--debug"] if debug else []), "plan", "check",
                           "nothere.yaml"], capture_output=True, text=True, timeout=60, cwd=tmp_path)

    assert done.stdout == ""
    if debug:
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("Traceback (most recent call last):"), done.stderr
        assert re.search(r"^arctl\.errors\.\w+Error: plan file nothere\.yaml: no such file$", done.stderr,
                         re.MULTILINE), done.stderr
    else:
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("Error: plan file nothere.yaml: no such file\n"), done.stderr
        assert "Traceback" not in done.stderr


def test_only_the_root_group_catches_arctl_errors():
    catching = [f"{path.name}:{node.lineno}" for path in CLI_SOURCES
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ExceptHandler) and node.type is not None
                and "ArctlError" in ast.unparse(node.type)]

    assert len(catching) == 1 and catching[0].startswith("__init__.py:"), catching


def test_no_function_in_the_cli_is_longer_than_80_lines():
    long = [f"{path.name}: {node.name} ({length} lines)" for path in CLI_SOURCES
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (length := node.end_lineno - min([node.lineno, *(d.lineno for d in node.decorator_list)]) + 1) > 80]

    assert not long, long


def test_an_unknown_kind_is_a_usage_error(invoices):
    result = CliRunner().invoke(app, ["check", str(invoices), "--kind", "receipts"],
                                env={"COLUMNS": "200"})  # Typer's error box on one line

    assert result.exit_code == 2, result.output
    # Typer's own usage error (the option's choices), before any file is read
    assert "Invalid value for '--kind': Value error, 'receipts' is not one of 'invoices', 'customers', 'bank'" \
        in result.stderr
    assert result.stdout == ""


def test_the_command_line_builds_only_the_command_it_names():
    from arctl.cli import _app_for

    alone = _app_for(["-w", "some/workspace", "--debug", "dunning", "status", "--json"])

    assert [g.name for g in alone.registered_groups] == ["dunning"] and alone.registered_commands == []
    assert len(app.registered_commands) > 10          # the whole app, which tests and --help use, is untouched


def test_a_misspelt_command_is_still_suggested_from_every_command():
    done = subprocess.run([sys.executable, "-m", "arctl", "agin"], capture_output=True, text=True, timeout=60)

    assert done.returncode == 2
    assert "Did you mean 'aging'?" in done.stderr
