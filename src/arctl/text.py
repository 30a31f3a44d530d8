"""Text made safe for where it goes: file names, spreadsheet cells, the terminal, document names. Apart from the
canonical records (arctl.model) so that the CLI's start-up, which escapes data for the terminal, does not build
them."""

from __future__ import annotations

import re

_UNSAFE_IN_NAMES = re.compile(r"[^A-Za-z0-9._-]+")


# Names Windows keeps for devices, also with an extension after them (`LPT9.txt` is the printer port)
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}


def safe_name(text: str) -> str:
    """A file-name or message-id part from a customer id or step: nothing that can reach outside a folder, no
    Windows device name before a dot."""
    cleaned = (_UNSAFE_IN_NAMES.sub("_", text).strip("._") or "x")[:80]
    return "_" + cleaned[:79] if cleaned.split(".")[0].upper() in _WINDOWS_DEVICES and "." in cleaned else cleaned


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?\Z")
# the explicit bidirectional embeddings, overrides and isolates (Unicode UAX #9): a name holding U+202E shows the
# text after it reversed ("Trojan Source"); right-to-left names themselves need none of them
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f"
                      + _BIDI + "]")
_IN_DOCUMENTS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + "]")


def formula_safe(text: str) -> str:
    """Text that no spreadsheet runs as a formula: text starting with =, +, -, @, a tab or a carriage return
    (also after leading spaces, which some spreadsheets drop) gets a leading apostrophe (OWASP, CSV injection);
    a plain number ("-50.00", "+32") stays as it is. For CSV and XLSX text cells alike."""
    if text.lstrip(" ").startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def csv_cell(value: object) -> object:
    """A cell as a CSV output writes it: text through `formula_safe`; numbers stay numbers."""
    return formula_safe(value) if isinstance(value, str) else value


def document_text(text: str) -> str:
    """Data as a letter, an e-mail or a report prints it: control characters and bidirectional overrides removed
    (line breaks and tabs kept), so that no value reorders or hides the text around it."""
    return _IN_DOCUMENTS.sub("", text)


def terminal_text(text: str, *, one_line: bool = False) -> str:
    """Data as a terminal may show it: escape sequences and control characters other than line breaks and tabs
    removed, so that no value can move the cursor, recolour or retitle the terminal; `one_line` makes line
    breaks and tabs spaces too (a table cell)."""
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


_PLAIN_CUSTOMER = re.compile(r"[A-Z0-9_][A-Z0-9._]{0,63}\Z")
_PLAIN_STEP = re.compile(r"[a-z0-9_][a-z0-9._-]{0,63}\Z")


def action_name(customer_id: str, step: str, currency: str, separator: str = "-") -> str:
    """The name of one action's document (file stem, message-id part): unique per customer, step and currency
    whatever the ids sanitise to. An id that `safe_name` would change, or that differs from another only in
    case (a case-insensitive file system), gets a short hash of the exact ids after it (`~` never occurs in a
    sanitised part), so that `K/1`, `K_1` and `K 1`, or `MÜLLER` and `MÖLLER`, never share a document."""
    import hashlib

    readable = separator.join((safe_name(customer_id), safe_name(step), safe_name(currency)))
    if _PLAIN_CUSTOMER.match(customer_id) and _PLAIN_STEP.match(step) and _PLAIN_CUSTOMER.match(currency) \
            and all(safe_name(part) == part for part in (customer_id, step, currency)):
        return readable
    digest = hashlib.sha256("\0".join((customer_id, step, currency)).encode("utf-8")).hexdigest()[:10]
    return f"{readable}~{digest}"
