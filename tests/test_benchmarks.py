"""The benchmarks run: their short modes are part of `make test`, their figures are measured by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """`benchmarks/harness.py --smoke`: every stage and anchor once at 10k invoices (what keeps the harness from
    rotting; its figures are not judged here, a shared test machine is too noisy)."""
    folder = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "harness.py"), "--smoke", "--keep", "--data",
                           str(folder / "data"), "--out", str(folder / "results.json")],
                          capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder, json.loads((folder / "results.json").read_text(encoding="utf-8")), done.stdout


def test_the_harness_smoke_run_measures_every_stage_beside_its_anchor(smoke):
    from benchmarks.harness import STAGES, XLSX_ROWS

    _, results, table = smoke
    measured = {r["stage"]: r for r in results["results"]}

    # the XLSX is 100k rows and the daily run all other stages again: `make bench` measures them
    assert set(measured) == {s.name for s in STAGES if s.name not in ("read-xlsx", "run")}
    assert all(r["size"] == 10_000 and r["seconds"] > 0 and r["peak_rss_mb"] > 10 for r in measured.values())
    assert all(r["ratio"] > 0 for r in measured.values() if r["anchor"])
    assert measured["letters"]["rows"] > 100                  # the documents the dunning run wrote
    assert results["machine"]["cpus"] >= 1 and "pandas" in results["machine"]["versions"]
    # a child's peak RSS starts at its parent's: the harness itself must stay far below the stages it measures
    assert results["machine"]["harness_peak_rss_mb"] < 100
    assert "stage" in table.splitlines()[0] and XLSX_ROWS == 100_000


def test_arctl_and_the_duckdb_peer_age_the_file_to_the_generators_totals(smoke):
    folder, results, _ = smoke
    manifest = json.loads((folder / "data" / "10000" / "manifest.json").read_text(encoding="utf-8"))
    kept = Path(results["kept"]["10000"])
    ours = json.loads((kept / "aging.json").read_text(encoding="utf-8"))
    peer: dict[str, int] = {}
    for line in (kept / "aging-duckdb.json").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        peer[row["currency"]] = peer.get(row["currency"], 0) + round(row["amount"] * 100)

    expected = {currency: figures["aging_total"] for currency, figures in manifest["currencies"].items()}
    assert {t["currency"]: int(t["total"].replace(".", "")) for t in ours["totals"]} == expected
    assert peer == expected     # the peer did the same work: its figures are comparable


def test_the_xlsx_writers_benchmark_runs_on_a_small_report():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "xlsx_writers.py"), "--customers", "300",
                           "--rounds", "1"], capture_output=True, text=True, check=False, timeout=300)

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["customers"] == 300 and set(result["writers"]) == {"xlsxwriter", "openpyxl"}
    assert all(figures["median_seconds"] > 0 and figures["bytes"] > 10_000 for figures in result["writers"].values())
