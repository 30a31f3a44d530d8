"""Reading the law's data files: statutory interest rates per period and the limits (the EUR 40, the WIK
scale, the Book XIX damages scale), shipped with arctl or overridden by a workspace's `law/` folder.

A workspace's `law/rates/NAME.csv` adds rows to the shipped table NAME, its rows winning over the shipped
rows they overlap, or provides a table arctl does not ship (`de-b2b`, `fr-legal`: a country's commercial or
legal rate); its `law/limits.yaml` replaces the shipped entries it names; its `law/exchange_rates.csv`
states the rates at which claims in other currencies are measured against the law's EUR scales. Reading is
done here; the limits are validated by `arctl.dunning.limits.parse_limits`, which gets the parsed documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from arctl.errors import ConfigError
from arctl.io.yamlfile import load_located
from arctl.model import Located, Rate

DATA_DIR = Path(__file__).resolve().parent.parent / "dunning" / "data"
RATES_DIR = DATA_DIR / "rates"
LIMITS_FILE = DATA_DIR / "limits.yaml"
RATE_COLUMNS = "valid_from,valid_to,percent,source,confidence"
EXCHANGE_COLUMNS = "currency,rate,day,source"
_PROVIDED_NAME = re.compile(r"[a-z]{2}-(b2b|legal)")   # a table a company of that country needs


@dataclass(frozen=True, slots=True)
class StatedRate:
    """One row of law/exchange_rates.csv: one unit of `currency` is worth `rate` EUR on `day` (`source`)."""

    currency: str
    rate: Decimal
    day: dt.date
    source: str


def shipped_rate_tables() -> list[str]:
    return sorted(p.stem for p in RATES_DIR.glob("*.csv"))


def provided_rate_tables(workspace_law_dir: Path) -> list[str]:
    """The tables a workspace's law/rates/ provides that arctl does not ship (e.g. `de-b2b`)."""
    folder = workspace_law_dir / "rates"
    if not folder.is_dir():
        return []
    shipped = shipped_rate_tables()
    return sorted(p.stem for p in folder.glob("*.csv") if p.stem not in shipped and _PROVIDED_NAME.fullmatch(p.stem))


def load_rates(name_or_path: str, workspace_law_dir: Path | None = None) -> tuple[Rate, ...]:
    """The rates of a shipped table (`be-b2b`, `nl-b2b`), of a table the workspace provides
    (law/rates/de-b2b.csv), or of a CSV file with the same columns.

    With `workspace_law_dir` (a workspace's `law/` folder), the rows of `law/rates/NAME.csv` are merged
    into the shipped table NAME: a shipped row that overlaps any of the workspace's rows is dropped, so the
    workspace's rows win; the workspace's own rows may not overlap each other."""
    path = Path(name_or_path)
    if path.suffix:
        if not path.is_file():
            raise ConfigError(f"no rate table {name_or_path!r}",
                              hint=f"shipped tables: {', '.join(shipped_rate_tables())}; or give a CSV path")
        return tuple(rate for _, rate in _in_order(_read_rates(path), path))
    shipped_path = RATES_DIR / f"{name_or_path}.csv"
    own_path = _workspace_rates(workspace_law_dir, name_or_path)
    if not shipped_path.is_file() and own_path is not None:
        return tuple(_without_overlap(_read_rates(own_path, workspace=True), own_path))
    if not shipped_path.is_file():
        raise ConfigError(f"no rate table {name_or_path!r}",
                          hint=f"shipped tables: {', '.join(shipped_rate_tables())}; or give a CSV path")
    shipped = [rate for _, rate in _in_order(_read_rates(shipped_path), shipped_path)]
    if own_path is None:
        return tuple(shipped)
    own = _without_overlap(_read_rates(own_path, workspace=True), own_path)
    kept = [rate for rate in shipped if not any(_overlap(rate, mine) for mine in own)]
    return tuple(sorted(kept + own, key=lambda rate: rate.valid_from))


def read_exchange_rates(workspace_law_dir: Path) -> list[StatedRate]:
    """The workspace's law/exchange_rates.csv (none: []), each row checked with its line."""
    path = workspace_law_dir / "exchange_rates.csv"
    if not path.is_file():
        return []
    found: dict[str, StatedRate] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(EXCHANGE_COLUMNS.split(",")) - set(reader.fieldnames or [])
        if missing:
            raise ConfigError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}",
                              hint=f"the first line names the columns: {EXCHANGE_COLUMNS}")
        for row in reader:
            line, currency = reader.line_num, (row["currency"] or "").strip().upper()
            try:
                stated = StatedRate(currency, Decimal((row["rate"] or "").strip()),
                                    dt.date.fromisoformat((row["day"] or "").strip()), (row["source"] or "").strip())
            except (ValueError, InvalidOperation) as exc:
                raise ConfigError(f"{path}:{line}: expected a currency code, a rate such as 0.9412, an ISO date and "
                                  f"a source ({exc})",
                                  hint="a row such as USD,0.9412,2026-11-30,\"ECB reference rate\"") from exc
            if not re.fullmatch(r"[A-Z]{3}", currency) or not stated.rate.is_finite() or stated.rate <= 0 \
                    or not stated.source:
                raise ConfigError(f"{path}:{line}: a rate needs a three-letter currency, a positive rate and the "
                                  "source it was published in",
                                  hint="a row such as USD,0.9412,2026-11-30,\"ECB reference rate\"")
            if currency in found:
                raise ConfigError(f"{path}:{line}: {currency} is given twice", hint="keep the rate the claims use")
            found[currency] = stated
    return list(found.values())


def read_limits(workspace_law_dir: Path | None = None) -> list[tuple[str, Located]]:
    """The limit documents to give `parse_limits`, each (file as messages name it, parsed YAML): the shipped
    dunning/data/limits.yaml, then the workspace's law/limits.yaml when there is one."""
    documents = [(str(LIMITS_FILE), _shipped(LIMITS_FILE))]
    if workspace_law_dir is not None:
        found = [p for p in (workspace_law_dir / "limits.yaml", workspace_law_dir / "limits.yml") if p.is_file()]
        if len(found) > 1:
            raise ConfigError(f"{found[0]} and {found[1]} both exist", hint="keep one of them: law/limits.yaml")
        documents += [(str(path), _load(path)) for path in found]
    return documents


@lru_cache(maxsize=4)
def _shipped(path: Path) -> Located:
    """A data file shipped with arctl does not change while it runs: read it once per process."""
    return _load(path)


def _load(path: Path) -> Located:
    try:
        return load_located(path)
    except ConfigError as exc:  # `line 5: 'x' appears twice` -> `law/limits.yaml:5: 'x' appears twice`
        found = re.match(r"line (\d+): (.*)", exc.message, re.DOTALL)
        if found:
            raise ConfigError(f"{path}:{found.group(1)}: {found.group(2)}", hint=exc.hint) from exc
        raise


def _workspace_rates(law_dir: Path | None, name: str) -> Path | None:
    """The workspace's law/rates/NAME.csv; a CSV file there that names neither a shipped table nor a table a
    country needs (CC-b2b, CC-legal) is refused, rather than left unread while its owner believes it is used."""
    folder = law_dir / "rates" if law_dir is not None else None
    if folder is None or not folder.is_dir():
        return None
    shipped = shipped_rate_tables()
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() == ".csv" and path.stem not in shipped and not _PROVIDED_NAME.fullmatch(path.stem):
            raise ConfigError(f"{path}: no rate table is called {path.stem!r}, so this file would never be read",
                              hint=f"name it after the table it adds rates to ({', '.join(shipped)}), or after the "
                                   "table it provides: the company's country code and b2b or legal, e.g. de-b2b.csv")
    own = folder / f"{name}.csv"
    return own if own.is_file() else None


def _read_rates(path: Path, *, workspace: bool = False) -> list[tuple[int, Rate]]:
    """Every row of a rate file with its line, each checked on its own. A workspace's file must also say
    where each rate was published (source) and how sure it is (confidence)."""
    rows: list[tuple[int, Rate]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        required = {"valid_from", "valid_to", "percent"} | ({"source", "confidence"} if workspace else set())
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise ConfigError(f"{path}:1: missing column(s) {', '.join(sorted(missing))}",
                              hint=f"the first line names the columns: {RATE_COLUMNS}")
        for row in reader:
            line = reader.line_num
            try:
                rate = Rate(dt.date.fromisoformat(row["valid_from"] or ""),
                            dt.date.fromisoformat(row["valid_to"] or ""), Decimal(row["percent"] or ""),
                            (row.get("source") or "").strip(), (row.get("confidence") or "").strip())
            except (ValueError, InvalidOperation) as exc:
                raise ConfigError(f"{path}:{line}: expected ISO dates and a percentage such as 10.5 ({exc})",
                                  hint=f"a row such as 2026-07-01,2026-12-31,10.5,\"Belgian Official Gazette "
                                       f"of <date>\",V (columns {RATE_COLUMNS})") from exc
            if rate.valid_to < rate.valid_from or not rate.percent.is_finite() or not 0 <= rate.percent <= 100:
                raise ConfigError(f"{path}:{line}: the period ends before it starts, or the percentage is not 0-100")
            if workspace and (not rate.source or rate.confidence not in ("V", "S", "U")):
                raise ConfigError(f"{path}:{line}: say where the rate was published (source) and how sure it is "
                                  f"(confidence V, S or U)",
                                  hint=f"a row such as 2026-07-01,2026-12-31,10.5,\"Belgian Official Gazette of "
                                       f"<date>\",V (columns {RATE_COLUMNS})")
            rows.append((line, rate))
    return rows


def _in_order(rows: list[tuple[int, Rate]], path: Path) -> list[tuple[int, Rate]]:
    """A shipped or given rate file lists its periods in order, each after the one before."""
    for (_, before), (line, rate) in pairwise(rows):
        if rate.valid_from <= before.valid_to:
            raise ConfigError(f"{path}:{line}: the period overlaps the one before; one rate per day")
    return rows


def _without_overlap(rows: list[tuple[int, Rate]], path: Path) -> list[Rate]:
    """A workspace's rates in date order (the file may list them in any order), no two on the same day."""
    ordered = sorted(rows, key=lambda row: row[1].valid_from)
    for (before_line, before), (line, rate) in pairwise(ordered):
        if rate.valid_from <= before.valid_to:
            first, second = sorted((before_line, line))
            raise ConfigError(f"{path}:{second}: the period {rate.valid_from} to {rate.valid_to} overlaps the period "
                              f"{before.valid_from} to {before.valid_to} of line {first}"
                              if second == line else
                              f"{path}:{second}: the period {before.valid_from} to {before.valid_to} overlaps the "
                              f"period {rate.valid_from} to {rate.valid_to} of line {first}",
                              hint="one rate per day: correct the dates or remove one of the rows")
    return [rate for _, rate in ordered]


def _overlap(one: Rate, other: Rate) -> bool:
    return one.valid_from <= other.valid_to and other.valid_from <= one.valid_to
