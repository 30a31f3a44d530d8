"""Every input the fuzzer ever crashed arctl with (fuzz/crashes/<target>/) and every seed it starts from is run
through its target again: each must be read, or refused as the target allows (fuzz/targets.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
sys.path.insert(0, str(FUZZ))

from seeds import write_seeds  # noqa: E402
from targets import TARGETS  # noqa: E402


def kept_crashes(target: str) -> list[Path]:
    folder = FUZZ / "crashes" / target
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    write_seeds(folder)
    return folder


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_target_takes_its_seeds_and_each_input_that_once_crashed_it(target, seeds):
    seeded = sorted((seeds / target).iterdir())
    assert seeded, f"no seed for {target}"
    for path in seeded + kept_crashes(target):
        TARGETS[target](path.read_bytes())


def test_the_seeds_of_the_readers_are_read_without_a_refusal(seeds):
    """The seeds are valid files: a reader that refused one would start the fuzzer from nothing."""
    from arctl.io.bank.read import read_bank
    from arctl.io.export import ReadOptions, read_export

    for target, name in (("camt", "statement.xml"), ("mt940", "statement.sta"), ("coda", "statement.cod")):
        for path in sorted((seeds / target).iterdir()):
            copy = seeds / name
            copy.write_bytes(path.read_bytes())
            read = read_bank(copy)
            assert len(read.frame) > 0 or read.balances, (target, path.name)
    for path in sorted((seeds / "export-csv").iterdir()):
        copy = seeds / "open_invoices.csv"
        copy.write_bytes(path.read_bytes())
        assert len(read_export(copy, ReadOptions(kind="invoices")).frame) == 1
