"""The benchmarks run: their short modes are part of `make test`, their figures are measured by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_dunning_benchmark_smoke_mode_runs_a_10k_workspace():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "dunning_speed.py"), "--smoke"],
                          capture_output=True, text=True, check=False, timeout=600)

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["invoices"] == 10_000 and result["actions"] > 1_000


def test_the_xlsx_writers_benchmark_runs_on_a_small_report():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "xlsx_writers.py"), "--customers", "300",
                           "--rounds", "1"], capture_output=True, text=True, check=False, timeout=300)

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["customers"] == 300 and set(result["writers"]) == {"xlsxwriter", "openpyxl"}
    assert all(figures["median_seconds"] > 0 and figures["bytes"] > 10_000 for figures in result["writers"].values())
