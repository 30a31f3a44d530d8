"""Coverage-guided fuzzing of arctl's parsers with atheris (libFuzzer for Python).

    python fuzz/run.py --target camt --runs 1000000        # one target, a million inputs
    python fuzz/run.py --all --runs 2000 --json out.json    # every target, a short run each (make reliability)
    python fuzz/run.py --target dates --runs 1000000 --processes 2   # a million, on two cores side by side

Each target (fuzz/targets.py) runs in a process of its own, its code instrumented for coverage, starting from
the seeds of fuzz/seeds.py (small valid files written from each format's description) and what earlier runs
kept in the corpus folder; then every input it kept (the seeds and each that reached new code) is replayed once
through the target's replay form, the whole reader (fuzz/targets.py says why the two differ). An input that
takes longer than 5 s, makes the process grow past 1 GB, or raises anything but the refusals the target allows
is a crash: libFuzzer stops and writes it to fuzz/crashes/<target>/, where tests/test_fuzz_regressions.py
replays it in every `make test` from then on.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_SECONDS = 5
RSS_LIMIT_MB = 1024
# Inputs one fuzzing process tries before the next takes over from the corpus it kept. The instrumented process
# grows by one to three megabytes per thousand inputs (the instrumentation's, not arctl's: the same inputs run
# uninstrumented under tracemalloc grow by no more than arctl's bounded caches), so a process of a million inputs
# would cross the 1 GB bound that is there to catch an input that takes too much memory.
CHUNK_RUNS = 100_000


def fuzz_one(target: str, runs: int, seconds: int | None, corpus: Path | None, processes: int = 1) -> dict:
    """Fuzz one target in child processes (`processes` side by side, sharing the corpus, the runs split between
    them), then replay every input they kept through the whole reader in another: the executions of each, the
    time, and the crash found (or None)."""
    from seeds import write_seeds

    crashes = HERE / "crashes" / target
    crashes.mkdir(parents=True, exist_ok=True)
    limits = [f"-timeout={TIMEOUT_SECONDS}", f"-rss_limit_mb={RSS_LIMIT_MB}", f"-artifact_prefix={crashes}/",
              "-print_final_stats=1", "-max_len=65536"]
    with tempfile.TemporaryDirectory(prefix=f"arctl-fuzz-{target}-") as scratch:
        working = corpus.resolve() / target if corpus else Path(scratch) / "corpus"
        working.mkdir(parents=True, exist_ok=True)
        write_seeds(Path(scratch) / "seeds")
        folders = [str(working), str(Path(scratch) / "seeds" / target)]
        started = time.monotonic()
        shares = [runs // processes + (1 if i < runs % processes else 0) for i in range(processes)]
        with ThreadPoolExecutor(processes) as pool:
            outcomes = list(pool.map(
                lambda share: _fuzz_in_chunks(target, share, seconds, [*limits, *folders], scratch), shares))
        fuzzed = next((run for run, _, _ in outcomes if run.returncode), outcomes[0][0])
        executions, peak_rss = sum(done for _, done, _ in outcomes), max(peak for _, _, peak in outcomes)
        took = time.monotonic() - started
        replayed = _child(target, "replay", ["-runs=0", *limits, *folders], scratch) if fuzzed.returncode == 0 \
            else None
        replay_took = time.monotonic() - started - took
    failed = fuzzed if fuzzed.returncode else replayed if replayed and replayed.returncode else None
    return {"target": target, "executions": executions, "seconds": round(took, 1),
            "executions_per_second": round(executions / took) if took else 0,
            "peak_rss_mb": peak_rss,
            "replayed": _stat(replayed.output, "stat::number_of_executed_units") if replayed else 0,
            "replay_seconds": round(replay_took, 1),
            "replay_peak_rss_mb": _stat(replayed.output, "stat::peak_rss_mb") if replayed else 0,
            "exit_code": failed.returncode if failed else 0, "crash": failed.output[-3000:] if failed else None,
            "crash_files": sorted(p.name for p in crashes.iterdir()) if failed else []}


def _fuzz_in_chunks(target: str, runs: int, seconds: int | None, arguments: list[str],
                    cwd: str) -> tuple[_Run, int, int]:
    """Fuzz `runs` inputs, at most CHUNK_RUNS in one process, each next process starting from the corpus the
    previous one kept: the last process's run, the inputs tried in all, and the highest peak memory of any."""
    executed, peak_rss = 0, 0
    deadline = time.monotonic() + seconds if seconds else None
    while True:
        left = int(deadline - time.monotonic()) if deadline else None
        chunk = min(CHUNK_RUNS, runs - executed)
        run = _child(target, "fuzz", [*([f"-max_total_time={max(left, 1)}"] if left is not None else []),
                                      f"-runs={chunk}", *arguments], cwd)
        done = _stat(run.output, "stat::number_of_executed_units")
        executed, peak_rss = executed + done, max(peak_rss, _stat(run.output, "stat::peak_rss_mb"))
        if run.returncode or done == 0 or executed >= runs or (deadline and time.monotonic() >= deadline):
            return run, executed, peak_rss


@dataclass(frozen=True)
class _Run:
    returncode: int
    output: str


def _child(target: str, mode: str, arguments: list[str], cwd: str) -> _Run:
    child = subprocess.run([sys.executable, str(HERE / "child.py"), target, mode, *arguments],
                           capture_output=True, text=True, errors="replace", cwd=cwd)
    return _Run(child.returncode, child.stdout + child.stderr)


def _stat(output: str, name: str) -> int:
    found = re.findall(rf"{re.escape(name)}:\s*(\d+)", output)
    return int(found[-1]) if found else 0


def main(argv: list[str] | None = None) -> int:
    from targets import TARGETS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--target", choices=sorted(TARGETS))
    chosen.add_argument("--all", action="store_true", help="every target, one after the other")
    parser.add_argument("--runs", type=int, default=2000, help="inputs per target (default 2000)")
    parser.add_argument("--seconds", type=int, help="stop each target after this long, whatever --runs says")
    parser.add_argument("--corpus", type=Path, help="keep the inputs that found new code here, between runs")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--processes", type=int, default=1,
                        help="fuzzing processes side by side per target, sharing its corpus (one per core; default 1)")
    options = parser.parse_args(argv)
    if options.processes < 1:
        parser.error("--processes: at least 1")
    results = [fuzz_one(target, options.runs, options.seconds, options.corpus, options.processes)
               for target in (sorted(TARGETS) if options.all else [options.target])]
    for result in results:
        status = "ok" if result["exit_code"] == 0 else f"CRASH ({', '.join(result['crash_files'])})"
        print(f"{result['target']:<12} {result['executions']:>10,} inputs {result['seconds']:>8.1f} s "
              f"{result['executions_per_second']:>7,}/s  peak {result['peak_rss_mb']} MB; "
              f"{result['replayed']:,} kept inputs replayed whole in {result['replay_seconds']:.1f} s  {status}")
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    failed = [r for r in results if r["exit_code"] != 0]
    for result in failed:
        print(f"\n--- {result['target']} ---\n{result['crash']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
