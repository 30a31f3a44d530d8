"""Profiles: an export's column names and conventions declared as data (YAML), and matching them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from arctl.errors import ConfigError
from arctl.io.yamlfile import load_located
from arctl.model import DATE_FORMATS, Located, canonical_columns

BUILTIN_DIR = Path(__file__).parent / "profiles"
KINDS = ("invoices", "customers", "bank")
DEFAULT_PROFILE = {"invoices": "generic", "customers": "customers", "bank": "bank-generic"}
# Keys that only bank profiles use (the rules of bank exports); a rule's `column:` lists headers exactly
# as `columns.<canonical column>` would (sign -> direction, reversal -> reversal, status -> status).
BANK_KEYS = {"sign", "join", "headerless", "comment_prefix", "reversal", "text_quote"}
_KEYS = {"name", "kind", "title", "rows", "amounts", "signature", "columns", "status", "credit_note",
         "ignore_types", "defaults", "date_format", "decimal", "extends", "customer_headings"} | BANK_KEYS
# The column a report grouped by customer gets for the name in each group's heading row (customer_headings).
HEADING_COLUMN = "customer (group heading)"
_RULE_COLUMN = {"sign": "direction", "reversal": "reversal", "status": "status"}
# Where a node is, as "file:line", for problem messages.
Where = Callable[[Located | None], str]


def fold(text: str) -> str:
    """A header or status value for comparison: no case, accents, spaces or punctuation."""
    text = str(text)
    return _fold_short(text) if len(text) <= _SHORT else _fold(text)


_SHORT = 80   # headers and status values: remembered, as a file's headers are folded against every profile's


@lru_cache(maxsize=4096)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^0-9a-z]", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold())


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    kind: str
    title: str
    rows: str = "per_invoice"
    amounts: str = "repeated"
    signature: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    draft: frozenset[str] = frozenset()
    cancelled: frozenset[str] = frozenset()
    paid: frozenset[str] = frozenset()              # status values of a fully paid invoice (open amount 0)
    customer_headings: bool = False                 # the customer's name stands in a heading row above its rows
    payment_terms_days: int | None = None           # no due-date column: due this many days after the issue date
    credit_note: frozenset[str] = frozenset()
    ignore_types: frozenset[str] = frozenset()
    default_currency: str | None = None
    date_format: str | None = None
    decimal: str | None = None
    origin: str = ""
    # bank profiles
    credit_values: tuple[str, ...] = ()             # sign: values of `direction` meaning credit (as written)
    debit_values: tuple[str, ...] = ()              # ... and meaning debit (the amount is then unsigned)
    join: frozenset[str] = frozenset()              # canonical columns that take every matching header, joined
    headerless: tuple[str, ...] = ()                # the file has no header row: its columns, in order
    comment_prefix: str | None = None               # lines starting with it are comments
    reversal_values: frozenset[str] = frozenset()   # folded values of `reversal` meaning one (empty: any value)
    reversal_words: tuple[str, ...] = ()            # words in the remittance that mark a reversal
    not_booked: frozenset[str] = frozenset()        # folded values of `status`: rejected or pending, left out
    text_quote: str | None = None                   # a quote the bank puts around text values ('text')

    def aliases(self) -> dict[str, tuple[str, ...]]:
        return {column: tuple(fold(name) for name in names) for column, names in self.columns.items()}

    def header_score(self, cells: list[str]) -> int:
        known = {alias for names in self.aliases().values() for alias in names}
        return sum(1 for cell in cells if cell and fold(cell) in known)

    def matches(self, headers: list[str]) -> bool:
        folded = {fold(h) for h in headers}
        return bool(self.signature) and all(fold(name) in folded for name in self.signature)

    def with_columns(self, overrides: dict[str, str]) -> Profile:
        merged = dict(self.columns)
        merged.update({column: (header,) for column, header in overrides.items()})
        return Profile(**{**_fields(self), "columns": merged})


def _fields(profile: Profile) -> dict:
    return {name: getattr(profile, name) for name in Profile.__slots__}


def match_columns(headers: list[str], profile: Profile) -> dict[str, str]:
    """Canonical column -> header in the file; each header serves one column, the first alias wins."""
    return {column: found[0] for column, found in match_all_columns(headers, profile).items()}


def match_all_columns(headers: list[str], profile: Profile) -> dict[str, tuple[str, ...]]:
    """Canonical column -> its headers in the file: one, or for a `join` column every alias present
    (in the profile's order). Each header serves one column, except that a `join` column also reads
    headers another column takes (a bank reference made of a date and a sequence number)."""
    by_fold: dict[str, str] = {}
    for header in headers:
        by_fold.setdefault(fold(header), header)
    used: set[str] = set()
    mapping: dict[str, tuple[str, ...]] = {}
    for column, aliases in profile.aliases().items():
        joined = column in profile.join
        found: list[str] = []
        for alias in aliases:
            match = by_fold.get(alias)
            if match is not None and (joined or match not in used) and match not in found:
                found.append(match)
                if not joined:
                    break
        if found:
            mapping[column] = tuple(found)
            if not joined:
                used.update(found)
    return mapping


# --- loading ------------------------------------------------------------------------------------


def builtin_names(kind: str | None = None) -> list[str]:
    names = sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))
    return [n for n in names if kind is None or load_profile(n).kind == kind]


def load_profile(name_or_path: str, search: tuple[Path, ...] = ()) -> Profile:
    """A profile by name (workspace folders first, then the built-in ones) or by a path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return _load_file(candidate.resolve(), search)
    for folder in (*search, BUILTIN_DIR):
        path = folder / f"{name_or_path}.yaml"
        if path.exists():
            return _load_file(path.resolve(), search)
    available = sorted({p.stem for folder in (*search, BUILTIN_DIR) for p in folder.glob("*.yaml")})
    raise ConfigError(f"unknown profile {name_or_path!r}",
                      hint=f"choose one of: {', '.join(available)}, or give the path to a profile .yaml file")


@lru_cache(maxsize=64)
def _load_cached(path: Path, mtime: float, search: tuple[Path, ...]) -> Profile:
    return _parse(path, load_located(path), search)


def _load_file(path: Path, search: tuple[Path, ...]) -> Profile:
    return _load_cached(path, path.stat().st_mtime, search)


def _parse(path: Path, doc: Located, search: tuple[Path, ...]) -> Profile:
    if not isinstance(doc.value, dict):
        raise ConfigError(f"{path}:{doc.line}: a profile is a mapping of keys such as name, kind, columns")
    data = doc.value
    problems: list[str] = []

    def where(node: Located | None) -> str:
        return f"{path}:{node.line if node else doc.line}"

    for key, node in data.items():
        if key not in _KEYS:
            problems.append(f"{where(node)}: unknown key {key!r} (expected one of: {', '.join(sorted(_KEYS))})")
    base: dict[str, Any] = {}
    if "extends" in data:
        parent_name = _text(data["extends"])
        if parent_name is not None:
            base = _fields(load_profile(parent_name, search))
        else:
            problems.append(f"{where(data['extends'])}: extends: expected the name or file of a profile")
    name = _text(data.get("name")) or base.get("name") or path.stem
    kind = _text(data.get("kind")) or base.get("kind") or "invoices"
    if kind not in KINDS:
        problems.append(f"{where(data.get('kind'))}: kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        kind = "invoices"
    result = {**base, "name": name, "kind": kind, "origin": str(path)}
    result["title"] = _text(data.get("title")) or base.get("title") or name
    _choice_keys(data, result, where, problems)
    if "signature" in data:
        result["signature"] = tuple(_texts(data["signature"], where, "signature", problems))
    columns = _columns(data, kind, dict(base.get("columns", {})), where, problems)
    _status(data, kind, columns, result, where, problems)
    _bank_keys(data, kind, columns, result, where, problems)
    _value_keys(data, result, where, problems)
    result["columns"] = columns
    if problems:
        raise ConfigError("profile has problems:\n  " + "\n  ".join(problems))
    return Profile(**result)


def _choice_keys(data: dict[str, Located], result: dict[str, Any], where: Where, problems: list[str]) -> None:
    """The keys that name one of a few layouts: rows and amounts."""
    for key, allowed in (("rows", ("per_invoice", "per_line")), ("amounts", ("repeated", "per_line"))):
        if key in data:
            value = _text(data[key])
            if value not in allowed:
                problems.append(f"{where(data[key])}: {key}: expected {' or '.join(allowed)}, got {value!r}")
            else:
                result[key] = value


def _columns(data: dict[str, Located], kind: str, columns: dict[str, tuple[str, ...]], where: Where,
             problems: list[str]) -> dict[str, tuple[str, ...]]:
    """`columns`: canonical column -> header names, over those of the profile it extends."""
    if "columns" in data:
        node = data["columns"]
        if not isinstance(node.value, dict):
            problems.append(f"{where(node)}: columns: expected a mapping of column name to header names")
        else:
            allowed_columns = canonical_columns(kind)
            for column, names in node.value.items():
                if column not in allowed_columns:
                    problems.append(f"{where(names)}: columns: unknown column {column!r} "
                                    f"(expected one of: {', '.join(allowed_columns)})")
                    continue
                columns[column] = tuple(_texts(names, where, f"columns.{column}", problems))
    return columns


def _status(data: dict[str, Located], kind: str, columns: dict[str, tuple[str, ...]], result: dict[str, Any],
            where: Where, problems: list[str]) -> None:
    """`status`: draft and cancelled values of an invoice export, or the not-booked rule of a bank export."""
    status = data.get("status")
    if status is not None and kind == "bank":
        _bank_rule(status, "status", ("column", "not_booked"), ("not_booked",), columns, result, where, problems)
    elif status is not None:
        if not isinstance(status.value, dict):
            problems.append(f"{where(status)}: status: expected a mapping with draft and cancelled lists")
        else:
            for key, node in status.value.items():
                if key not in ("draft", "cancelled", "paid"):
                    problems.append(f"{where(node)}: status: unknown key {key!r} (expected draft, cancelled, paid)")
                    continue
                result[key] = frozenset(fold(v) for v in _texts(node, where, f"status.{key}", problems))


def _value_keys(data: dict[str, Located], result: dict[str, Any], where: Where, problems: list[str]) -> None:
    """The keys that set values: credit_note, ignore_types, defaults, date_format, decimal."""
    credit = data.get("credit_note")
    if credit is not None:
        values = credit.value.get("values") if isinstance(credit.value, dict) else None
        if values is None:
            problems.append(f"{where(credit)}: credit_note: expected a mapping with a 'values' list")
        else:
            result["credit_note"] = frozenset(fold(v) for v in _texts(values, where, "credit_note.values", problems))
    if "ignore_types" in data:
        result["ignore_types"] = frozenset(fold(v) for v in _texts(data["ignore_types"], where, "ignore_types",
                                                                    problems))
    if "customer_headings" in data:
        flag = str(data["customer_headings"].value).strip().lower()
        if flag not in ("true", "false"):
            problems.append(f"{where(data['customer_headings'])}: customer_headings: expected true or false")
        result["customer_headings"] = flag == "true"
    defaults = data.get("defaults")
    if defaults is not None:
        _payment_terms(defaults, result, where, problems)
        currency = defaults.value.get("currency") if isinstance(defaults.value, dict) else None
        code = _text(currency)
        if code is not None:
            result["default_currency"] = code.upper()
        elif currency is not None:
            problems.append(f"{where(currency)}: defaults.currency: expected a currency code such as EUR")
    if "date_format" in data:
        value = _text(data["date_format"])
        if value not in DATE_FORMATS:
            problems.append(f"{where(data['date_format'])}: date_format: expected one of "
                            f"{', '.join(DATE_FORMATS)}, got {value!r}")
        result["date_format"] = value
    if "decimal" in data:
        value = _text(data["decimal"])
        if value not in (".", ","):
            problems.append(f"{where(data['decimal'])}: decimal: expected \".\" or \",\", got {value!r}")
        result["decimal"] = value


def _payment_terms(defaults: Located, result: dict[str, Any], where: Where, problems: list[str]) -> None:
    """`defaults.payment_terms_days`: the due date of an export that has none, in days after the issue date."""
    node = defaults.value.get("payment_terms_days") if isinstance(defaults.value, dict) else None
    if node is None:
        return
    text = _text(node) or ""
    if not text.isdecimal():
        problems.append(f"{where(node)}: defaults.payment_terms_days: expected a whole number of days, got {text!r}")
        return
    result["payment_terms_days"] = int(text)


def _bank_keys(data: dict, kind: str, columns: dict, result: dict, where, problems: list[str]) -> None:
    """The keys of bank profiles: sign, reversal, join, headerless, comment_prefix, text_quote."""
    present = [key for key in BANK_KEYS if key in data]
    if kind != "bank":
        for key in sorted(present):
            problems.append(f"{where(data[key])}: {key}: only bank profiles (kind: bank) use this key")
        return
    if "sign" in data:
        _bank_rule(data["sign"], "sign", ("column", "credit", "debit"), ("credit", "debit"), columns, result,
                   where, problems)
        both = ({fold(v) for v in result.get("credit_values", ())}
                & {fold(v) for v in result.get("debit_values", ())})
        if both:
            problems.append(f"{where(data['sign'])}: sign: {', '.join(sorted(both))} is both credit and debit")
    if "reversal" in data:
        _bank_rule(data["reversal"], "reversal", ("column", "values", "words"), (), columns, result, where,
                   problems)
    if "join" in data:
        joined = _texts(data["join"], where, "join", problems)
        unknown = [c for c in joined if c not in canonical_columns(kind)]
        if unknown:
            problems.append(f"{where(data['join'])}: join: unknown column {unknown[0]!r} "
                            f"(expected some of: {', '.join(canonical_columns(kind))})")
        result["join"] = frozenset(joined)
    if "headerless" in data:
        names = [name.strip() for name in _texts(data["headerless"], where, "headerless", problems)]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            problems.append(f"{where(data['headerless'])}: headerless: {repeated[0]!r} appears twice")
        result["headerless"] = tuple(names)
        for name in names:  # a column named after a canonical column is that column
            if name in canonical_columns(kind) and name not in columns:
                columns[name] = (name,)
    for key in ("comment_prefix", "text_quote"):
        if key in data:
            value = _text(data[key])
            if not value or (key == "text_quote" and len(value) != 1):
                expected = "one character such as \"'\"" if key == "text_quote" else "a text such as \"#\""
                problems.append(f"{where(data[key])}: {key}: expected {expected}, got {value!r}")
            result[key] = value or None


_RULE_FIELDS = {("sign", "credit"): "credit_values", ("sign", "debit"): "debit_values",
                ("reversal", "values"): "reversal_values", ("reversal", "words"): "reversal_words",
                ("status", "not_booked"): "not_booked"}


def _bank_rule(node: Located, key: str, allowed: tuple[str, ...], required: tuple[str, ...], columns: dict,
               result: dict, where, problems: list[str]) -> None:
    """A rule such as `sign: {column: [...], credit: [...], debit: [...]}` into columns and value sets."""
    if not isinstance(node.value, dict):
        problems.append(f"{where(node)}: {key}: expected a mapping with keys {', '.join(allowed)}")
        return
    for name, item in node.value.items():
        if name not in allowed:
            problems.append(f"{where(item)}: {key}: unknown key {name!r} (expected {', '.join(allowed)})")
        elif name == "column":
            columns[_RULE_COLUMN[key]] = tuple(_texts(item, where, f"{key}.column", problems))
        elif key == "sign" or (key, name) == ("reversal", "words"):  # kept as written: shown in messages
            result[_RULE_FIELDS[(key, name)]] = tuple(w.strip() for w in _texts(item, where, f"{key}.{name}",
                                                                                problems) if w.strip())
        else:
            result[_RULE_FIELDS[(key, name)]] = frozenset(fold(v) for v in _texts(item, where, f"{key}.{name}",
                                                                                  problems))
    for name in required:
        if not node.value.get(name) or not _texts(node.value[name], where, f"{key}.{name}", []):
            problems.append(f"{where(node)}: {key}: {name}: expected a list of values")
    needs_column = key != "reversal" or "values" in node.value  # reversal words are looked for in the text
    if needs_column and _RULE_COLUMN[key] not in columns:
        problems.append(f"{where(node)}: {key}: no column: give column: [header names] "
                        f"(or columns.{_RULE_COLUMN[key]})")


def _text(node: Located | None) -> str | None:
    if node is None or node.value is None:
        return None
    return str(node.value).strip() if not isinstance(node.value, (dict, list)) else None


def _texts(node: Located, where, key: str, problems: list[str]) -> list[str]:
    if node.value is None:
        return []
    if isinstance(node.value, list):
        return [str(item.value) for item in node.value if item.value is not None]
    if isinstance(node.value, str):
        return [node.value]
    problems.append(f"{where(node)}: {key}: expected a list of names")
    return []


def profile_kind(name: str, search: tuple[Path, ...] = ()) -> str:
    """The kind a profile reads; a ConfigError when there is no such profile or it is broken."""
    return load_profile(name, search).kind


def all_profiles(kind: str | None, search: tuple[Path, ...] = ()) -> list[Profile]:
    """Every profile of `kind` (workspace folders first; a name there hides the built-in one)."""
    found: dict[str, Profile] = {}
    for profile in _every_profile(search):
        if (kind is None or profile.kind == kind) and profile.name not in found:
            found[profile.name] = profile
    return list(found.values())


def _every_profile(search: tuple[Path, ...]) -> list[Profile]:
    """The profiles of every folder (workspace folders first, then the built-in ones), names not deduplicated."""
    return [_load_file(path.absolute(), search)
            for folder in (*search, BUILTIN_DIR) for path in sorted(folder.glob("*.yaml"))]


def detect_profile(headers: list[str], kind: str | None, search: tuple[Path, ...] = ()) -> Profile:
    """The named profile whose signature the headers carry (the most specific), else the generic one."""
    candidates = [profile for profile in _every_profile(search)
                  if (kind is None or profile.kind == kind) and profile.matches(headers)]
    if candidates:
        return max(candidates, key=lambda p: len(p.signature))
    if kind is None:
        invoices = load_profile(DEFAULT_PROFILE["invoices"])
        customers = load_profile(DEFAULT_PROFILE["customers"])
        inv_map = match_columns(headers, invoices)
        # an invoice number with an amount or a date of its own: no customer list has those
        looks_like_invoices = "invoice_id" in inv_map and (
            {"amount", "open_amount", "due_date", "issue_date"} & inv_map.keys())
        return invoices if looks_like_invoices or customers.header_score(headers) < 2 else customers
    return load_profile(DEFAULT_PROFILE[kind], search)


def all_header_score(kind: str | None, search: tuple[Path, ...] = ()) -> Callable[[list[str]], int]:
    """A header scorer that knows the names of every profile of `kind` (for finding the header row)."""
    known = {alias for p in _every_profile(search) if kind is None or p.kind == kind for names in p.aliases().values()
             for alias in names}

    def score(cells: list[str]) -> int:
        return sum(1 for cell in cells if cell and fold(cell) in known)

    return score
