"""Every input the fuzzer ever crashed arctl with (fuzz/crashes/<target>/) and every seed it starts from is run
through its target's replay form again (the whole reader): each must be read, or refused as the target allows
(fuzz/targets.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
sys.path.insert(0, str(FUZZ))

from seeds import EXPORTS, write_seeds  # noqa: E402
from targets import TARGETS, RecordUnfitForFrame, check_records  # noqa: E402


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
        TARGETS[target].replay(path.read_bytes())


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
    for data in EXPORTS:
        copy = seeds / "open_invoices.csv"
        copy.write_bytes(data)
        assert len(read_export(copy, ReadOptions(kind="invoices")).frame) == 1


def test_the_fuzzing_process_reads_bank_files_up_to_their_records_and_checks_each(seeds):
    """fuzz/child.py runs the bank targets with stop_at_records(): every reader's path to its frame goes through
    check_records, and none builds the frame (run in a process of its own: the patch is for good)."""
    script = f"""
import sys
sys.path.insert(0, {str(FUZZ)!r})
from pathlib import Path
import targets
targets.stop_at_records()
checked = []
original = targets.check_records
targets.check_records = lambda records: checked.append(len(records)) or original(records)
from arctl.io.bank.read import read_bank
for target, name in (("camt", "statement.xml"), ("mt940", "statement.sta"), ("coda", "statement.cod")):
    for path in sorted(Path({str(seeds)!r}, target).iterdir()):
        copy = Path({str(seeds)!r}, name)
        copy.write_bytes(path.read_bytes())
        assert read_bank(copy).frame is None, (target, path.name)
print(sum(checked), len(checked))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    records, batches = map(int, done.stdout.split())
    assert records > 0 and batches >= 11


@pytest.mark.parametrize("change", [{"amount": 2**63}, {"remittance": "\udc80"}, {"booking_date": "2026-11-20"}])
def test_a_record_the_frame_cannot_hold_is_a_crash_for_the_fuzzer(change):
    import dataclasses
    import datetime as dt

    from arctl.io.bank.lines import BankRecord

    record = BankRecord(account="BE05068123456775", booking_date=dt.date(2026, 11, 20), value_date=None,
                        amount=121000, currency="EUR")
    check_records([record])
    with pytest.raises((RecordUnfitForFrame, UnicodeEncodeError)):
        check_records([dataclasses.replace(record, **change)])


def test_no_parser_asks_isdigit_before_int():
    """str.isdigit() is true for superscripts and circled digits that int() refuses (the fuzzer's CODA crash):
    arctl asks isdecimal(), whose every yes int() reads."""
    source = Path(__file__).resolve().parents[1] / "src" / "arctl"
    found = [f"{path.relative_to(source)}:{number}" for path in sorted(source.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ".isdigit()" in line]
    assert found == []
