"""Reconciliation speed and memory: N bank lines against N open invoices, each size in a fresh process.

    .venv/bin/python benchmarks/reconcile_speed.py            # 100k and 1M (about two minutes)
    .venv/bin/python benchmarks/reconcile_speed.py 100000     # one size

The targets (bank issue): 100,000 × 100,000 in at most 5 s; 1,000,000 × 1,000,000 in at most 30 s with
less than 2 GB peak memory, on the 2-core machine. The data is built as frames (no file parsing: that is
measured by the readers' own tests); the case mix mirrors real statements: half the credits carry a
structured reference, a fifth quote invoice numbers, a sixth come from a payer known by IBAN with an
exact amount, a few pay combinations, and the rest are unrelated credits and debits.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time

import pandas as pd

TARGETS = {100_000: 5.0, 1_000_000: 30.0}
MEMORY_TARGET_MB = 2048


def _ogm(base: int) -> str:
    digits = f"{base:010d}"
    check = base % 97 or 97
    return f"{digits}{check:02d}"


def build(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = random.Random(seed)
    customers_n = max(n // 10, 10)
    customer_of = [f"K{rng.randrange(customers_n):07d}" for _ in range(n)]
    amounts = [rng.randrange(1_000, 2_000_000) for _ in range(n)]
    invoice_ids = [f"2026-{i:07d}" for i in range(n)]
    references = [f"+++{o[:3]}/{o[3:7]}/{o[7:]}+++" if i % 2 == 0 else ""
                  for i, o in enumerate(_ogm(i + 1) for i in range(n))]
    due = pd.Timestamp("2026-01-01") + pd.to_timedelta([rng.randrange(0, 330) for _ in range(n)], unit="D")
    invoices = pd.DataFrame({"invoice_id": invoice_ids, "customer_id": customer_of,
                             "customer_name": [f"Klant {c[1:]} BV" for c in customer_of], "currency": "EUR",
                             "amount": amounts, "open_amount": amounts, "reference": references,
                             "due_date": due.astype("datetime64[s]")})
    ibans = {f"K{c:07d}": f"BE{c % 89 + 10:02d}{c:012d}" for c in range(customers_n)}
    customers = pd.DataFrame({"customer_id": list(ibans), "name": [f"Klant {c[1:]} BV" for c in ibans],
                              "iban": list(ibans.values())})
    paid = list(range(n))
    rng.shuffle(paid)  # each invoice is paid at most once, as in a real month of statements
    columns: dict[str, list] = {name: [] for name in ("amount", "counterparty_name", "counterparty_iban",
                                                      "structured_ref", "remittance")}
    for line in range(n):
        invoice = paid[line]
        kind = rng.random()
        amount, name, iban, ref, text = amounts[invoice], "", "", "", ""
        if kind < 0.5:
            if invoice % 2 == 0:
                ref = _ogm(invoice + 1)
            else:
                text = f"Factuur {invoice_ids[invoice]}"
        elif kind < 0.7:
            text = f"Betaling factuur {invoice_ids[invoice].replace('-', '/')}"
        elif kind < 0.87:
            iban, name = ibans[customer_of[invoice]], f"KLANT {customer_of[invoice][1:]}"
        elif kind < 0.9:
            iban, amount = ibans[customer_of[invoice]], amounts[invoice] + rng.randrange(1_000, 50_000)
        elif kind < 0.95:
            amount, name, text = rng.randrange(100, 100_000), "FOD FINANCIEN", "Terugbetaling belasting"
        else:
            amount, name = -rng.randrange(100, 100_000), "Leverancier NV"
        for column, value in zip(columns, (amount, name, iban, ref, text), strict=True):
            columns[column].append(value)
    booking = pd.Timestamp("2026-11-01") + pd.to_timedelta([rng.randrange(0, 25) for _ in range(n)], unit="D")
    bank = pd.DataFrame({
        "txn_id": [f"BE05068123456775:B{line:08d}" for line in range(n)], "account_iban": "BE05068123456775",
        "booking_date": booking.astype("datetime64[s]"), "value_date": booking.astype("datetime64[s]"),
        "amount": pd.Series(columns.pop("amount"), dtype="int64"), "currency": "EUR",
        **{name: pd.Series(values, dtype=str) for name, values in columns.items()},
        "reversal": False, "bank_ref": "", "source": "benchmark",
    })
    return bank, invoices, customers


def measure(n: int) -> dict:
    from arctl.reconcile.engine import reconcile
    from arctl.workflows.reconciling import collector_paused

    bank, invoices, customers = build(n)
    started = time.perf_counter()
    with collector_paused():  # as `arctl reconcile` runs it
        result = reconcile(bank, invoices, customers)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "seconds": round(seconds, 2), "peak_mb": round(peak_mb), **result.summary()}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[1] == "--one":
        return 0
    if len(argv) == 3 and argv[1] == "--one":
        print(json.dumps(measure(int(argv[2]))))
        return 0
    sizes = [int(a) for a in argv[1:]] or list(TARGETS)
    failed = False
    for n in sizes:
        output = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True, capture_output=True,
                                text=True).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        target = TARGETS.get(n)
        verdict = ""
        if target is not None:
            ok = figures["seconds"] <= target and (n < 1_000_000 or figures["peak_mb"] < MEMORY_TARGET_MB)
            failed |= not ok
            verdict = "meets the target" if ok else "MISSES the target"
        print(f"{n:>9,} lines × {n:,} invoices: {figures['seconds']:6.2f} s, peak {figures['peak_mb']} MB "
              f"(auto {figures['auto']}, suggested {figures['suggested']}, unmatched {figures['unmatched']}, "
              f"ignored {figures['ignored']}) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
