"""Reading the law's data files: statutory interest rates per period, shipped or a workspace's own."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from arctl.errors import ConfigError
from arctl.model import Rate

RATES_DIR = Path(__file__).resolve().parent.parent / "dunning" / "data" / "rates"


def load_rates(name_or_path: str) -> tuple[Rate, ...]:
    """The rates of a shipped table (`be-b2b`, `nl-b2b`) or of a CSV file with the same columns."""
    path = Path(name_or_path)
    if not path.suffix:
        path = RATES_DIR / f"{name_or_path}.csv"
    if not path.is_file():
        shipped = ", ".join(sorted(p.stem for p in RATES_DIR.glob("*.csv")))
        raise ConfigError(f"no rate table {name_or_path!r}", hint=f"shipped tables: {shipped}; or give a CSV path")
    rates: list[Rate] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"valid_from", "valid_to", "percent"} - set(reader.fieldnames or [])
        if missing:
            raise ConfigError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}",
                              hint="columns: valid_from,valid_to,percent,source,confidence")
        for row in reader:
            line = reader.line_num
            try:
                rate = Rate(dt.date.fromisoformat(row["valid_from"]), dt.date.fromisoformat(row["valid_to"]),
                            Decimal(row["percent"]), row.get("source") or "", row.get("confidence") or "")
            except (ValueError, InvalidOperation) as exc:
                raise ConfigError(f"{path}:{line}: expected ISO dates and a percentage such as 10.5 ({exc})") from exc
            if rate.valid_to < rate.valid_from or not 0 <= rate.percent <= 100:
                raise ConfigError(f"{path}:{line}: the period ends before it starts, or the percentage is not 0-100")
            if rates and rate.valid_from <= rates[-1].valid_to:
                raise ConfigError(f"{path}:{line}: the period overlaps the one before; one rate per day")
            rates.append(rate)
    return tuple(rates)
