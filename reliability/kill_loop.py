"""Kill arctl at random moments and prove that nothing is lost or doubled.

Two copies of one workspace (reliability/workspace.py) go through the same dunning days. In the reference copy
each day's `arctl import`, `arctl reconcile` and `arctl run --send` run once. In the other, each of those commands
is started and killed with SIGKILL at a random moment, again and again, and then run to the end; an e-mail a kill
left `unknown` is then settled as the bookkeeper does (reliability/mail.py). Each copy sends its e-mails to an
SMTP server of its own on this machine. Afterwards the two must agree: the same state (every table,
tests/state_check.comparable_state; of a delivery all but the server's answer and the number of attempts), the
same documents byte for byte in outbox/, the same report files, every recorded step with its document and every
document with its step (tests/outbox_check.py), on SQLite `PRAGMA integrity_check` ok, and in each copy every
e-mail reached its server exactly once and is recorded sent.

    python reliability/kill_loop.py --backend sqlite --kills 24
    python reliability/kill_loop.py --backend postgresql --kills 500 --json results.json

The PostgreSQL back end uses $ARCTL_TEST_POSTGRES_URL or a throwaway cluster (tests/postgres_server.py). Exit 0
when the two copies agree, 1 when they do not (each difference printed)."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import mail  # noqa: E402
import workspace as generated  # noqa: E402

COMMANDS = (("import",), ("reconcile",), ("run", "--send"))
SETTLED_BY_A_PERSON = ("answer", "attempts")   # of a delivery: how its fate was learnt, not what it is
CUSTOMERS = 60


def arctl(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "arctl", "-w", str(root), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def finish(root: Path, args: tuple[str, ...]) -> tuple[int, float, str]:
    started = time.monotonic()
    process = arctl(root, *args)
    _, stderr = process.communicate()
    return process.returncode, time.monotonic() - started, stderr


def command_for(day, args: tuple[str, ...]) -> tuple[str, ...]:
    """The command as the day's cron job gives it: the accounting export closes many paid invoices at once."""
    if args[0] in ("import", "run"):
        return (*args, "--as-of", day.isoformat(), "--accept-closures")
    return args


def run_days(root: Path, kills_per_command: int, rng: random.Random, durations: dict, tally: dict,
             server) -> list[str]:
    """Go through every day; with kills_per_command > 0 kill each command that often first (a kill counts when
    it met a running process: one that was done before it is started again), then settle the e-mails left
    unknown. Problems found."""
    problems = []
    for day in generated.DAYS:
        generated.write(root, day, CUSTOMERS, seed=7)
        for args in COMMANDS:
            command = command_for(day, args)
            estimate = durations.get((day, args), 3.0)
            killed, attempts = 0, 0
            while killed < kills_per_command and attempts < 4 * kills_per_command:
                attempts += 1
                started = time.monotonic()
                process = arctl(root, *command)
                time.sleep(rng.uniform(0, estimate))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    killed += 1
                else:   # done before the kill: the next tries aim within the time a run now takes
                    estimate = time.monotonic() - started
                    tally["finished_before_the_kill"] += 1
                process.wait()
            tally["kills"] += killed
            code, took, stderr = finish(root, command)
            durations.setdefault((day, args), took)
            if code not in (0, 1, 5):   # 1: done, with what needs a person; 5: an e-mail's fate is unknown
                problems.append(f"{day} arctl {' '.join(command)} exited {code}: {stderr.strip()[-500:]}")
        settled, trouble = mail.settle_unknown(root, day, server)
        tally["unknown_settled"] = tally.get("unknown_settled", 0) + settled
        problems += trouble
    return problems


def differences(reference: Path, killed: Path, servers: dict) -> list[str]:
    from outbox_check import disagreements
    from state_check import comparable_state, state_rows, state_url

    found = [f"{copy.name}: {problem}" for copy in (reference, killed)
             for problem in mail.mail_differences(copy, servers[copy])]
    expected, got = (_without_how_settled(comparable_state(copy)) for copy in (reference, killed))
    for table in expected:
        if expected[table] != got[table]:
            missing = [r for r in expected[table] if r not in got[table]][:3]
            extra = [r for r in got[table] if r not in expected[table]][:3]
            found.append(f"table {table}: {len(expected[table])} row(s) expected, {len(got[table])} found; "
                         f"missing {str(missing)[:600]}, extra {str(extra)[:600]}")
    found += [f"outbox: {problem}" for problem in disagreements(killed)]
    for folder in ("outbox", "reports"):
        left, right = _files(reference / folder), _files(killed / folder)
        if sorted(left) != sorted(right):
            found.append(f"{folder}: files differ: only in the reference {sorted(set(left) - set(right))[:5]}, "
                         f"only after kills {sorted(set(right) - set(left))[:5]}")
        elif folder == "outbox":
            found += [f"outbox/{name}: different bytes" for name in left if left[name] != right[name]]
    if state_url(killed).startswith("sqlite"):
        check = state_rows(killed, "PRAGMA integrity_check")
        if check != [("ok",)]:
            found.append(f"PRAGMA integrity_check: {check}")
    return found


def _without_how_settled(state: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {**state, "deliveries": sorted((tuple(pair for pair in row if pair[0] not in SETTLED_BY_A_PERSON)
                                           for row in state["deliveries"]), key=repr)}


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--kills", type=int, default=24, help="kills of a running arctl in all, spread evenly over "
                                                              "the days' commands (rounded up)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--folder", type=Path, help="where the two workspaces go (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the summary to this file")
    options = parser.parse_args(argv)
    per_command = max(1, -(-options.kills // (len(generated.DAYS) * len(COMMANDS))))
    rng = random.Random(options.seed)
    with ExitStack() as stack:
        folder = options.folder or Path(stack.enter_context(_temporary()))
        reference, killed = folder / "reference", folder / "killed"
        servers = {root: mail.start_server(folder / f"smtp-{root.name}") for root in (reference, killed)}
        for server in servers.values():
            stack.callback(server.controller.stop)
        database = stack.enter_context(_postgres_database()) if options.backend == "postgresql" else None
        for root in (reference, killed):
            config = servers[root].config()
            if database:
                import postgres_server

                config += f"state:\n  url: {postgres_server.ensure_schema(database, root.name)}\n"
            root.mkdir(parents=True)
            generated.write(root, generated.DAYS[0], CUSTOMERS, seed=7, extra_config=config)
        started = time.monotonic()
        durations: dict = {}
        tally = {"kills": 0, "finished_before_the_kill": 0, "unknown_settled": 0}
        problems = run_days(reference, 0, rng, durations, {"kills": 0}, servers[reference])
        problems += run_days(killed, per_command, rng, durations, tally, servers[killed])
        if not problems:
            problems = differences(reference, killed, servers)
        summary = {"backend": options.backend, "seed": options.seed, **tally,
                   "days": len(generated.DAYS), "commands": [" ".join(c) for c in COMMANDS],
                   "documents": len(_files(reference / "outbox")),
                   "emails_sent": {root.name: sum(mail.arrivals(servers[root]).values()) for root in servers},
                   "seconds": round(time.monotonic() - started, 1), "differences": problems}
    print(json.dumps(summary, indent=2))
    if options.json:
        options.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 1 if problems else 0


def _temporary():
    import tempfile

    return tempfile.TemporaryDirectory(prefix="arctl-kill-")


def _postgres_database():
    from contextlib import contextmanager

    import postgres_server

    @contextmanager
    def database():
        problem = postgres_server.unavailable()
        if problem:
            raise SystemExit(f"kill loop on PostgreSQL: {problem}")
        with postgres_server.server() as admin, postgres_server.session_database(admin) as url:
            yield url

    return database()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
