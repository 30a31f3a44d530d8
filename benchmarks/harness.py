"""The benchmark harness: every stage of arctl at 10k, 100k and 1M invoices beside its anchor, in fresh processes.

    .venv/bin/python benchmarks/harness.py                      # make bench: 100k, 3 rounds (a few minutes)
    .venv/bin/python benchmarks/harness.py --sizes 100000,1000000  # make bench-full
    .venv/bin/python benchmarks/harness.py --smoke              # what `make test` runs: 10k, one round, no targets,
                                                                # every stage but the daily run (the others again)

The data comes from benchmarks/data.py (generated once per size and seed into --data, reused after). Each stage
is one process, started fresh, timed from start to exit; its peak memory is the process's own maximum resident
set (`os.wait4`'s rusage). The anchors are measured in the same rounds, interleaved with the stages, on the same
files: a minimal Typer app's --help (start-up), pyarrow's CSV read with the dialect given (read floor), python-
calamine's raw read (XLSX floor) and a DuckDB process doing the same work (the peer). The medians are compared
as ratios, which hold on a shared, noisy machine where seconds do not. A stage that modifies its workspace gets
a fresh copy before each round (not timed).

Output: a table on the terminal and benchmarks/results/<date>_<sizes>.json (per stage and size: wall seconds, peak RSS,
rows/s, the anchor's seconds and the ratio, the target and whether it held), plus the growth from the smallest
to the largest size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"
PYTHON = sys.executable
ARCTL = [PYTHON, "-m", "arctl"]
AS_OF = "2026-11-26"
XLSX_ROWS = 100_000
MAX_GROWTH = 12.0          # from 100k to 1M no stage grows by more than this, in time or in memory


@dataclass(frozen=True, slots=True)
class Run:
    """One process: wall seconds, peak RSS in MB, and the JSON line it printed last (if any)."""

    seconds: float
    peak_mb: float
    output: dict
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class Target:
    """What a stage must hold: a ratio to its anchor, seconds at a size, peak memory at a size."""

    ratio: float | None = None
    seconds: dict[int, float] = field(default_factory=dict)
    memory_mb: dict[int, float] = field(default_factory=dict)
    rate: float | None = None          # rows (documents) per second at least

    def text(self, size: int) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}× anchor")
        if size in self.seconds:
            parts.append(f"≤ {self.seconds[size]:g} s")
        if size in self.memory_mb:
            parts.append(f"< {self.memory_mb[size] / 1024:g} GB")
        if self.rate is not None:
            parts.append(f"≥ {self.rate:,.0f}/s")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    what: str
    command: Callable[[Context, int, Path], list[str]]      # (context, size, prepared folder) -> argv
    prepare: str = ""            # "", "fresh", "imported", "reconciled": the workspace state it needs
    copy: bool = False           # the stage changes its workspace: a fresh copy each round
    anchor: Callable[[Context, int, Path], list[str]] | None = None
    anchor_name: str = ""
    target: Target = Target()
    only: Callable[[int], bool] = lambda size: True
    inner: bool = False          # the stage prints its own "seconds" (the engine without the state read)
    rows: str = "invoices"       # what rows/s counts: invoices, or the "rows" the stage printed
    smoke: bool = True           # part of --smoke (the daily run is every other stage again: left out there)
    min_rounds: int = 1          # a stage of a fraction of a second is measured more often than --rounds asks


@dataclass(slots=True)
class Context:
    data: Path                   # folder of the generated data, one subfolder per size
    manifests: dict[int, dict] = field(default_factory=dict)
    smoke: bool = False          # --smoke: the PDF stage prints 10 letters instead of 100 (it only has to run)

    def folder(self, size: int) -> Path:
        return self.data / f"{size}"

    def file(self, size: int, name: str) -> Path:
        return self.folder(size) / name

    def scratch(self, size: int) -> Path:
        """This harness run's own folder beside the data: its workspaces and the stages' output files."""
        folder = self.folder(size) / "runs" / str(os.getpid())
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def arctl(*args: str) -> list[str]:
    return [*ARCTL, *args]


def anchor(*args: str) -> list[str]:
    return [PYTHON, str(BENCH / "anchors.py"), *args]


def stage_script(*args: str) -> list[str]:
    return [PYTHON, str(BENCH / "stages.py"), *args]


def _ws(folder: Path, *args: str) -> list[str]:
    return arctl("-w", str(folder), *args)


STAGES: list[Stage] = [
    Stage("help", "arctl --help", lambda c, s, w: arctl("--help"), anchor=lambda c, s, w: anchor("typer-help"),
          anchor_name="Typer app --help", target=Target(ratio=1.5), only=lambda size: size == min(SIZES),
          min_rounds=9),
    Stage("help-aging", "arctl aging --help", lambda c, s, w: arctl("aging", "--help"),
          anchor=lambda c, s, w: anchor("typer-help"), anchor_name="Typer app --help", target=Target(ratio=1.5),
          only=lambda size: size == min(SIZES), min_rounds=9),
    Stage("read-iso", "read + validate ISO CSV",
          lambda c, s, w: stage_script("read", str(c.file(s, "invoices-iso.csv"))),
          anchor=lambda c, s, w: anchor("pyarrow-read", str(c.file(s, "invoices-iso.csv"))),
          anchor_name="pyarrow read", target=Target(ratio=2.0)),
    Stage("read-eu", "read + validate European CSV",
          lambda c, s, w: stage_script("read", str(c.file(s, "invoices-eu.csv"))),
          anchor=lambda c, s, w: anchor("pyarrow-read", str(c.file(s, "invoices-eu.csv"))),
          anchor_name="pyarrow read", target=Target(ratio=2.0)),
    Stage("read-xlsx", f"read + validate {XLSX_ROWS // 1000}k-row XLSX",
          lambda c, s, w: stage_script("read", str(c.file(s, f"invoices-{XLSX_ROWS}.xlsx"))),
          anchor=lambda c, s, w: anchor("calamine-read", str(c.file(s, f"invoices-{XLSX_ROWS}.xlsx"))),
          anchor_name="calamine raw read", target=Target(ratio=1.5),
          only=lambda size: size >= XLSX_ROWS),
    Stage("aging-file", "arctl aging FILE --format json",
          lambda c, s, w: arctl("aging", str(c.file(s, "invoices-eu.csv")), "--as-of", AS_OF, "--format", "json",
                                "-o", str(w / "aging.json")),
          anchor=lambda c, s, w: anchor("duckdb-aging", str(c.file(s, "invoices-eu.csv")), AS_OF,
                                        str(w / "aging-duckdb.json")),
          anchor_name="DuckDB process", target=Target(ratio=1.5)),
    Stage("import", "arctl import (empty state)", lambda c, s, w: _ws(w, "import", "--as-of", AS_OF),
          prepare="fresh", copy=True, target=Target(seconds={1_000_000: 15.0})),
    Stage("reimport", "arctl import (unchanged files)", lambda c, s, w: _ws(w, "import", "--as-of", AS_OF),
          prepare="imported", copy=True, target=Target(seconds={1_000_000: 2.0})),
    Stage("reconcile", "arctl reconcile (workspace)", lambda c, s, w: _ws(w, "reconcile", "--json"),
          prepare="imported", copy=True,
          anchor=lambda c, s, w: anchor("duckdb-match", str(c.file(s, "invoices-iso.csv")), str(c.file(s, "bank.csv")),
                                        str(w / "match-duckdb.csv")),
          anchor_name="DuckDB exact joins",
          target=Target(seconds={100_000: 5.0, 1_000_000: 30.0}, memory_mb={1_000_000: 2048})),
    Stage("status", "arctl dunning status --json", lambda c, s, w: _ws(w, "dunning", "status", "--as-of", AS_OF,
                                                                      "--json"),
          prepare="reconciled", target=Target(seconds={1_000_000: 3.0})),
    Stage("engine", "dunning engine (no rendering)", lambda c, s, w: stage_script("engine", str(w), AS_OF),
          prepare="reconciled", inner=True, target=Target(seconds={1_000_000: 2.0})),
    Stage("letters", "arctl dunning run (documents written)",
          lambda c, s, w: _ws(w, "dunning", "run", "--as-of", AS_OF, "--json"), prepare="reconciled", copy=True,
          rows="documents", target=Target(rate=10_000 / 8)),
    Stage("pdf", "letters as one batch PDF (WeasyPrint)",
          lambda c, s, w: stage_script("pdf", str(w), AS_OF, "10" if c.smoke else "100"), prepare="reconciled",
          inner=True, rows="pages", target=Target(rate=10.0)),
    Stage("aging-xlsx", "arctl aging -o aging.xlsx (workspace)",
          lambda c, s, w: _ws(w, "aging", "--as-of", AS_OF, "-o", str(w / "aging.xlsx")), prepare="reconciled",
          target=Target(seconds={1_000_000: 6.0})),
    Stage("run", "arctl run (daily job)", lambda c, s, w: _ws(w, "run", "--as-of", AS_OF, "--json"),
          prepare="fresh", copy=True, smoke=False,
          target=Target(seconds={100_000: 20.0, 1_000_000: 90.0}, memory_mb={1_000_000: 3072})),
]
SIZES: list[int] = [100_000]


def measure(argv: list[str], cwd: Path | None = None, timeout: float | None = None) -> Run:
    """Run `argv` as a fresh process; its wall time, its own peak RSS and a summary of the last JSON line it
    printed. The process is reaped with os.wait4, whose rusage is that process's alone, but Linux starts a child's
    peak RSS at its parent's (exec keeps the forked image's high-water mark): so the harness never holds a stage's
    output itself. The output goes to a file that a short-lived child summarises (`stages.py summary`), and the
    harness stays at a few tens of MB. A process still running after `timeout` seconds is killed (with its
    children) and its run marked timed out."""
    import signal
    import tempfile
    import threading

    env = dict(os.environ)
    env.pop("ARCTL_WORKSPACE", None)
    killed = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env, start_new_session=True)

        def kill() -> None:
            killed.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer is not None:
            timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            if timer is not None:
                timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(max(0, err.seek(0, os.SEEK_END) - 4000))
        said = err.read()
        if killed.is_set():
            return Run(seconds, usage.ru_maxrss / 1024, {}, timed_out=True)
        if code not in (0, 1):   # 1: findings, or a client that failed: still a complete run
            raise RuntimeError(f"{' '.join(argv)} exited {code}: {said.decode(errors='replace')[-2000:]}")
        out.seek(0)
        summarised = subprocess.run(stage_script("summary"), stdin=out, capture_output=True, check=False)
        if summarised.returncode != 0:
            raise RuntimeError(f"summarising {' '.join(argv)}: {summarised.stderr.decode(errors='replace')[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, json.loads(summarised.stdout or b"{}"))


# --- data and workspaces --------------------------------------------------------------------------------------


def generate(context: Context, size: int, seed: int) -> dict:
    """The data of one size, generated unless the folder already holds it for this seed (the manifest says)."""
    folder = context.folder(size)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    if not (manifest.get("seed") == seed and manifest.get("invoices") == size and (
            size < XLSX_ROWS or (folder / f"invoices-{XLSX_ROWS}.xlsx").is_file())):
        shutil.rmtree(folder, ignore_errors=True)
        # in a child process: a harness that held a million drawn invoices would lend its size to every stage's
        # peak RSS (see measure)
        subprocess.run([PYTHON, str(BENCH / "data.py"), str(folder), "--invoices", str(size), "--seed", str(seed),
                        *(["--xlsx-rows", str(XLSX_ROWS)] if size >= XLSX_ROWS else [])],
                       cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    config = folder / "workspace" / "arctl.yaml"
    if "\ndunning:" not in config.read_text(encoding="utf-8"):
        # the letters stage measures the documents as HTML and e-mails (target: 10,000 in 8 s); an e-mail's PDF
        # copy costs WeasyPrint about 0.1 s each and is the PDF target's business
        with config.open("a", encoding="utf-8") as handle:
            handle.write("\ndunning:\n  email_pdf: false\n")
    return manifest


def prepare_workspaces(context: Context, size: int) -> None:
    """ws-imported (the sources imported) and ws-reconciled (then reconciled), made once per harness run from the
    generated workspace."""
    for name, source, command in (("ws-imported", "workspace", ("import", "--as-of", AS_OF)),
                                  ("ws-reconciled", "ws-imported", ("reconcile",))):
        target = context.scratch(size) / name
        _copy_workspace(context, size, source, target)
        measure(_ws(target, *command))


def _copy_workspace(context: Context, size: int, source: str, target: Path) -> None:
    """A copy of a workspace in this harness run's own folder (so that two runs on the same data never touch
    each other's), its sources' relative paths made absolute."""
    shutil.rmtree(target, ignore_errors=True)
    if source == "workspace":
        shutil.copytree(context.folder(size) / source, target)
        config = target / "arctl.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("path: ../", f"path: {context.folder(size).resolve()}/"), encoding="utf-8")
    else:
        shutil.copytree(context.scratch(size) / source, target)


def workspace_for(context: Context, stage: Stage, size: int) -> Path:
    """The folder a stage runs in this round: a scratch folder, a prepared workspace, or a fresh copy of one."""
    if not stage.prepare:
        return context.scratch(size)
    source = {"fresh": "workspace", "imported": "ws-imported", "reconciled": "ws-reconciled"}[stage.prepare]
    if not stage.copy:
        return context.scratch(size) / source
    copy = context.scratch(size) / f"ws-{stage.name}"
    _copy_workspace(context, size, source, copy)
    return copy


# --- measuring ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Samples:
    stage: Stage
    size: int
    runs: list[Run] = field(default_factory=list)
    anchors: list[Run] = field(default_factory=list)


def measure_all(context: Context, sizes: list[int], rounds: int, stages: list[Stage],
                say: Callable[[str], None], timeout: float | None = None) -> list[Samples]:
    """Every stage at every size, `rounds` times; within a round the anchor runs before the stage in even rounds
    and after it in odd ones, so that neither always meets a warm or a cold file cache. A stage that did not
    finish within `timeout` is not run again at that size: its one run says it missed."""
    samples = {(s.name, size): Samples(s, size) for size in sizes for s in stages if s.only(size)}
    wanted = {s.name: max(rounds, s.min_rounds) if rounds > 1 else rounds for s in stages}
    for round_ in range(max(wanted.values(), default=0)):
        for size in sizes:
            for stage in stages:
                found = samples.get((stage.name, size))
                if found is None or round_ >= wanted[stage.name] or any(r.timed_out for r in found.runs):
                    continue
                folder = workspace_for(context, stage, size)
                order = ["anchor", "stage"] if round_ % 2 == 0 else ["stage", "anchor"]
                for part in order:
                    if part == "anchor" and stage.anchor is not None:
                        found.anchors.append(measure(stage.anchor(context, size, folder), cwd=folder))
                    elif part == "stage":
                        found.runs.append(measure(stage.command(context, size, folder), cwd=folder, timeout=timeout))
                last = found.runs[-1]
                say(f"round {round_ + 1}/{wanted[stage.name]}  {size:>9,}  {stage.name:<11} "
                    f"{last.seconds:7.2f} s  {last.peak_mb:7.0f} MB{'  (killed: too slow)' if last.timed_out else ''}")
    return list(samples.values())


def rows_of(samples: Samples, manifest: dict) -> int:
    if samples.stage.rows == "documents":
        return int(samples.runs[-1].output.get("documents", 0))
    if samples.stage.rows == "pages":
        return int(samples.runs[-1].output["rows"])
    return int(manifest.get("invoices", samples.size))


def summary(samples: Samples, manifest: dict, check_targets: bool) -> dict:
    stage, size = samples.stage, samples.size
    walls = [r.seconds for r in samples.runs]
    seconds = statistics.median([r.output.get("seconds", r.seconds) for r in samples.runs] if stage.inner
                                else walls)
    peak = statistics.median(r.peak_mb for r in samples.runs)
    anchor_seconds = statistics.median(r.seconds for r in samples.anchors) if samples.anchors else None
    ratio = statistics.median(walls) / anchor_seconds if anchor_seconds else None
    rows = rows_of(samples, manifest)
    target = stage.target
    misses = [f"did not finish in {max(walls):.0f} s"] if any(r.timed_out for r in samples.runs) else []
    if target.ratio is not None and ratio is not None and ratio > target.ratio:
        misses.append(f"ratio {ratio:.2f} > {target.ratio:g}")
    if size in target.seconds and seconds > target.seconds[size]:
        misses.append(f"{seconds:.2f} s > {target.seconds[size]:g} s")
    if size in target.memory_mb and peak >= target.memory_mb[size]:
        misses.append(f"{peak:.0f} MB ≥ {target.memory_mb[size]:g} MB")
    if target.rate is not None and rows and rows / seconds < target.rate:
        misses.append(f"{rows / seconds:,.0f}/s < {target.rate:,.0f}/s")
    return {"stage": stage.name, "what": stage.what, "size": size, "rounds": len(walls),
            "seconds": round(seconds, 3), "seconds_all": [round(w, 3) for w in walls],
            "peak_rss_mb": round(peak, 1), "rows": rows, "rows_per_s": round(rows / seconds) if seconds else None,
            "anchor": stage.anchor_name or None,
            "anchor_seconds": round(anchor_seconds, 3) if anchor_seconds else None,
            "ratio": round(ratio, 2) if ratio else None, "target": target.text(size) or None,
            "timed_out": any(r.timed_out for r in samples.runs),
            "met": (not misses) if check_targets and (target.text(size) or misses) else None, "misses": misses}


def growth(results: list[dict]) -> list[dict]:
    """Per stage, from each size to the next one measured (10k → 100k, 100k → 1M): how much time and memory grew.
    The limit is MAX_GROWTH for a tenfold size, scaled linearly for other spans."""
    found = []
    for name in dict.fromkeys(r["stage"] for r in results):
        mine = sorted((r for r in results if r["stage"] == name), key=lambda r: r["size"])
        for small, large in zip(mine, mine[1:], strict=False):
            limit = MAX_GROWTH * (large["size"] / small["size"]) / 10
            time_growth = large["seconds"] / small["seconds"] if small["seconds"] else None
            memory_growth = large["peak_rss_mb"] / small["peak_rss_mb"] if small["peak_rss_mb"] else None
            found.append({"stage": name, "from": small["size"], "to": large["size"],
                          "time": round(time_growth, 2) if time_growth else None,
                          "memory": round(memory_growth, 2) if memory_growth else None, "limit": round(limit, 1),
                          "met": (time_growth or 0) <= limit and (memory_growth or 0) <= limit})
    return found


# --- output ---------------------------------------------------------------------------------------------------


def _short(size: int) -> str:
    """10000 -> 10k, 1000000 -> 1M: the sizes in a results file's name."""
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def machine() -> dict:
    import importlib.metadata as metadata

    versions = {}
    for name in ("arctl", "pandas", "pyarrow", "duckdb", "python-calamine", "xlsxwriter", "openpyxl", "rapidfuzz",
                 "sqlalchemy", "jinja2", "weasyprint", "typer"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    revision = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.strip()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    # VmHWM, the high-water mark of this process's own memory (getrusage would add its parent's: see measure)
    status = Path("/proc/self/status")
    found = [line.split()[1] for line in (status.read_text().splitlines() if status.is_file() else [])
             if line.startswith("VmHWM:")]
    harness_mb = int(found[0]) / 1024 if found else 0.0
    return {"cpus": os.cpu_count(), "memory_gb": round(memory, 1), "python": platform.python_version(),
            "platform": platform.platform(), "commit": revision or None, "versions": versions,
            "harness_peak_rss_mb": round(harness_mb)}


def table(results: list[dict], growths: list[dict]) -> str:
    lines = [f"{'stage':<11} {'size':>9} {'seconds':>8} {'peak MB':>8} {'rows/s':>10} {'anchor':<18} "
             f"{'anchor s':>8} {'ratio':>6}  {'target':<26} result"]
    for r in results:
        met = {True: "ok", False: "MISS: " + "; ".join(r["misses"]), None: ""}[r["met"]]
        lines.append(f"{r['stage']:<11} {r['size']:>9,} {r['seconds']:>8.2f} {r['peak_rss_mb']:>8.0f} "
                     f"{r['rows_per_s'] or 0:>10,} {r['anchor'] or '':<18} "
                     f"{r['anchor_seconds'] if r['anchor_seconds'] is not None else '':>8} "
                     f"{r['ratio'] if r['ratio'] is not None else '':>6}  {r['target'] or '':<26} {met}")
    for g in growths:
        lines.append(f"growth {g['stage']:<11} {g['from']:,} → {g['to']:,}: time ×{g['time']}, memory ×{g['memory']}"
                     f" (limit ×{g['limit']}) {'ok' if g['met'] else 'MISS'}")
    return "\n".join(lines)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    global SIZES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="invoice counts, comma-separated (default 100000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per stage; the median is reported")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "arctl-bench",
                        help="where the generated data is kept between runs")
    parser.add_argument("--out", type=Path,
                        help="results file (default benchmarks/results/<date>_<sizes>.json, e.g. 2026-12-06_100k.json)")
    parser.add_argument("--stages", help="only these stages, comma-separated")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--smoke", action="store_true", help="10k invoices, one round, targets not judged")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true",
                        help="keep this run's workspaces and output files (the results name the folder)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds after which a stage's process is killed and counted as a miss (default 900)")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.smoke else sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    rounds = 1 if args.smoke else args.rounds
    SIZES = sizes
    chosen = args.stages.split(",") if args.stages else [s.name for s in STAGES]
    stages = [s for s in STAGES if s.name in chosen and (s.smoke or not args.smoke)]
    context = Context(args.data, smoke=args.smoke)
    for size in sizes:
        say(f"data {size:,} invoices into {context.folder(size)}")
        context.manifests[size] = generate(context, size, args.seed)
        if any(s.prepare in ("imported", "reconciled") for s in stages):
            prepare_workspaces(context, size)
    samples = measure_all(context, sizes, rounds, stages, say, args.timeout)
    results = [summary(s, context.manifests[s.size], not args.smoke) for s in samples]
    growths = growth(results) if not args.smoke else []
    document = {"date": dt.date.today().isoformat(), "smoke": args.smoke, "rounds": rounds, "sizes": sizes,
                "machine": machine(), "results": results, "growth": growths}
    for size in sizes:
        if args.keep:
            document.setdefault("kept", {})[str(size)] = str(context.scratch(size))
        else:
            shutil.rmtree(context.scratch(size), ignore_errors=True)
    out = args.out or BENCH / "results" / f"{document['date']}_{'-'.join(_short(size) for size in sizes)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results, growths))
    print(f"results: {out}")
    missed = [r for r in results if r["met"] is False] + [g for g in growths if not g["met"]]
    if missed:
        print(f"{len(missed)} target(s) missed")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
