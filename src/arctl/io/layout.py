"""An export no profile reads: guess which header holds each canonical column, and write the `columns:` block
that makes arctl read it (the `check` answer for an unknown layout)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pandas as pd

from arctl.io.profile import Profile, all_profiles, fold
from arctl.model import ColumnGuess, LayoutAnswer

# Which canonical columns every export of a kind needs (each tuple: one of them), as frames.REQUIRED says.
SHOWN = {
    "invoices": ("invoice_id", "customer_id", "customer_name", "issue_date", "due_date", "currency", "amount",
                 "open_amount", "reference", "status"),
    "customers": ("customer_id", "name", "email", "language", "country", "vat_number", "iban"),
}
_DOC = {"invoice", "inv", "factuur", "fact", "facture", "rechnung", "bill", "doc", "document", "boekstuk",
        "beleg", "voucher", "piece", "nota"}
_ID = {"no", "nr", "num", "number", "nummer", "numero", "id", "ref", "code", "n"}
_CUSTOMER = {"customer", "cust", "client", "klant", "debtor", "debiteur", "relatie", "relation", "kunde", "debitor",
             "account", "acct", "buyer", "party", "company", "bedrijf", "societe"}
_NAME = {"name", "naam", "nom", "bezeichnung", "company"}
_DATE = {"date", "datum", "dt", "dated"}
_DUE = {"due", "verval", "vervaldatum", "vervaldag", "vervalt", "echeance", "faellig", "fallig", "faelligkeit",
        "falligkeit", "expiry", "deadline", "uiterste", "payby"}
_AMOUNT = {"amount", "amt", "total", "gross", "bedrag", "montant", "betrag", "sum", "value", "brutto", "ttc",
           "totaal", "som"}
_OPEN = {"open", "outstanding", "balance", "remaining", "unpaid", "saldo", "solde", "restant", "offen",
         "openstaand", "uitstaand", "rest", "residual"}
_CURRENCY = {"currency", "cur", "ccy", "curr", "valuta", "munt", "devise", "wahrung", "waehrung", "iso"}
_REFERENCE = {"mededeling", "kenmerk", "communication", "verwendungszweck", "ogm", "structured", "betalingskenmerk"}
_DATE_VALUE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}( \d{1,2}:\d{2}(:\d{2})?)?$")
_MONEY_VALUE = re.compile(r"^[-+(]?\s*[€$£]?\s*-?\d[\d.,' ]*\)?\s*[€$£]?$")


def words(header: str) -> set[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", header) if not unicodedata.combining(c)).casefold()
    found = set(re.findall(r"[a-z]+|#", plain))
    if "pay" in found and "by" in found:
        found.add("payby")
    return found


def _score(column: str, w: set[str]) -> int:
    """How strongly a header's words point at a canonical column (0: not at all)."""
    amountish = bool(w & _AMOUNT)
    rules = {
        "invoice_id": 3 if w & _DOC and (w & _ID or "#" in w) else 2 if w & _DOC and not w & (_DATE | _AMOUNT)
        else 1 if w <= {"ref", "reference", "number", "no", "nr", "#"} and w else 0,
        "customer_id": 3 if w & _CUSTOMER and (w & _ID or "#" in w) else 0,
        "customer_name": 3 if w & _CUSTOMER and w & _NAME else 2 if w & _CUSTOMER and not w & (_ID | _DATE) else
        1 if w & _NAME else 0,
        "name": 3 if w & _NAME else 2 if w & _CUSTOMER and not w & _ID else 0,
        "due_date": 3 if w & _DUE and not amountish and not w & _OPEN else 0,
        "issue_date": 3 if w & _DATE and w & _DOC else 2 if w & _DATE and not w & _DUE else 0,
        "open_amount": 3 if w & _OPEN or (amountish and "due" in w) else 0,
        "amount": 2 if amountish and not w & _OPEN and "due" not in w else 0,
        "currency": 3 if w & _CURRENCY else 0,
        "reference": 2 if w & _REFERENCE or {"payment", "reference"} <= w else 0,
        "email": 2 if w & {"email", "mail", "courriel"} else 0,
        "vat_number": 2 if w & {"vat", "btw", "tva", "ust", "uid"} else 0,
        "country": 2 if w & {"country", "land", "pays"} else 0,
        "language": 2 if w & {"language", "taal", "langue", "sprache"} else 0,
        "iban": 2 if "iban" in w else 0,
        "status": 2 if w & {"status", "state", "statut"} else 0,
    }
    return rules.get(column, 0)


def _looks(values: pd.Series, pattern: re.Pattern[str]) -> bool:
    sample = values[values.str.strip().ne("")].head(200).str.strip()
    return bool(len(sample)) and sample.str.match(pattern).mean() >= 0.8


def suggest_layout(path: Path, frame: pd.DataFrame, kind: str, mapping: dict[str, str], required,
                   search: tuple[Path, ...] = ()) -> LayoutAnswer:
    """The best guess of each canonical column's header, from the names every profile of `kind` knows, then the
    header's words, then the values; `mapping` holds what the chosen profile already found."""
    headers = [str(h) for h in frame.columns]
    guesses: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    scored = sorted(((_score(c, words(h)), -SHOWN[kind].index(c), c, h) for c in SHOWN[kind] for h in headers),
                    reverse=True)

    def take(column: str, header: str, how: str) -> None:
        if column not in guesses and header not in used:
            guesses[column] = (header, how)
            used.add(header)

    for score, _order, column, header in scored:  # headers whose words say it plainly ("Debtor Code")
        if score >= 3 and _fits(column, frame[header]):
            take(column, header, "known name" if mapping.get(column) == header else "header words")
    known = _known_names(kind, search)
    for column, header in mapping.items():  # what the profile found, then every profile's names
        take(column, header, "known name")
    for column in SHOWN[kind]:
        for header in headers:
            if fold(header) in known.get(column, ()):
                take(column, header, "known name")
    for score, _order, column, header in scored:
        if score and _fits(column, frame[header]):
            take(column, header, "header words")
    _guess_from_values(frame, kind, guesses, used)
    needed = {group[0] for group in required if len(group) == 1}  # needed on its own, not as one of two
    rows = tuple(ColumnGuess(c, guesses.get(c, ("", ""))[0], guesses.get(c, ("", ""))[1], c in needed)
                 for c in SHOWN[kind])
    missing = tuple(" or ".join(group) for group in required if not any(c in guesses for c in group))
    return LayoutAnswer(str(path), kind, tuple(headers), rows, missing, _block(path, kind, rows, required, guesses))


def _known_names(kind: str, search: tuple[Path, ...]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    profiles: list[Profile] = all_profiles(kind, search)
    for profile in profiles:
        for column, aliases in profile.aliases().items():
            names.setdefault(column, set()).update(aliases)
    return names


def _fits(column: str, values: pd.Series) -> bool:
    """A guess from the header's words must not contradict the values (a date column holds dates)."""
    if column.endswith("_date"):
        return _looks(values, _DATE_VALUE)
    if column in ("amount", "open_amount"):
        return _looks(values, _MONEY_VALUE)
    return True


def _guess_from_values(frame: pd.DataFrame, kind: str, guesses: dict[str, tuple[str, str]], used: set[str]) -> None:
    """Required columns still missing, told by their values: the latest dates are the due dates, the first
    column of amounts the amount, a column of distinct codes with digits the invoice number."""
    if kind != "invoices":
        return
    free = [h for h in frame.columns if h not in used]
    if "due_date" not in guesses:
        dated = [h for h in free if _looks(frame[h], _DATE_VALUE)]
        if dated:
            def latest(h: str) -> str:
                parsed = pd.to_datetime(frame[h], errors="coerce", dayfirst=True, format="mixed")
                return str(parsed.max())
            header = max(dated, key=latest)
            guesses["due_date"] = (header, "values")
            free.remove(header)
    if "amount" not in guesses and "open_amount" not in guesses:
        money = [h for h in free if _looks(frame[h], _MONEY_VALUE) and not _looks(frame[h], _DATE_VALUE)]
        if money:
            guesses["amount"] = (money[0], "values")
            free.remove(money[0])
    if "invoice_id" not in guesses:
        for header in free:
            values = frame[header].str.strip()
            filled = values[values.ne("")]
            if len(filled) and filled.is_unique and filled.str.contains(r"\d").mean() >= 0.9 \
                    and not _looks(values, _MONEY_VALUE) and not _looks(values, _DATE_VALUE):
                guesses["invoice_id"] = (header, "values")
                break


def _block(path: Path, kind: str, rows: tuple[ColumnGuess, ...], required, guesses) -> str:
    """The `sources:` entry to paste: found and guessed columns as lines, missing ones as marked comments."""
    lines = [f"  - path: {json.dumps(str(path), ensure_ascii=False)}", f"    kind: {kind}", "    columns:"]
    wanted = {c for group in required for c in group}
    for row in rows:
        if row.header:
            note = {"known name": "", "header words": "  # guessed from the header",
                    "values": "  # guessed from the values: check it"}[row.how]
            lines.append(f"      {row.column}: {json.dumps(row.header, ensure_ascii=False)}{note}")
    for group in required:
        if not any(c in guesses for c in group):
            lines.append(f"      # {group[0]}: \"...\"  # MISSING (required): write the header that holds the "
                         f"{' or '.join(c.replace('_', ' ') for c in group)}")
    optional = [r.column for r in rows if not r.header and r.column not in wanted]
    if optional:
        lines.append(f"      # not found (optional): {', '.join(optional)}")
    return "\n".join(lines) + "\n"
