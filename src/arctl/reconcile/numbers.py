"""Invoice numbers quoted in remittance text: 'Factuur 2026/0042', 'INV-2026-0042', 'NR.201303-111/11.3.2013'."""

from __future__ import annotations

import re

import pandas as pd

_NOT_KEY = re.compile(r"[^0-9A-Z]")
_DIGIT = re.compile(r"\d")
_TOKEN = re.compile(r"[^\s,;:()\[\]]+")
MIN_DISTINCTIVE = 5


def number_key(text: str) -> str:
    """Upper case, letters and digits only: '2026/0042', '2026-0042' and '2026 0042' are one key."""
    return _NOT_KEY.sub("", text.upper())


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _keys(text: str) -> tuple[str, ...]:
    key = number_key(text)
    if not key:
        return ()
    stripped = key.lstrip(_LETTERS)
    if stripped != key and len(stripped) >= 3:
        return key, stripped  # 'INV20260042' is also quoted as '2026-0042'
    return (key,)


class InvoiceNumberIndex:
    """Finds the invoices whose numbers a text quotes, whole tokens only (never a part of a longer number)."""

    def __init__(self, invoice_ids: pd.Series) -> None:
        """`invoice_ids`: a pandas Series of invoice numbers (keys are computed for all at once)."""
        ids = invoice_ids.astype(str)
        keys = ids.str.upper().str.replace(r"[^0-9A-Z]", "", regex=True)
        stripped = keys.str.lstrip(_LETTERS)
        # key -> the one invoice it names, or None when two invoices share the key (it names neither)
        self.by_key: dict[str, str | None] = {}
        use_stripped = (stripped.ne(keys) & stripped.str.len().ge(3)).tolist()
        for invoice, key, bare, both in zip(ids.tolist(), keys.tolist(), stripped.tolist(), use_stripped,
                                            strict=True):
            for each in ((key, bare) if both else (key,)):
                if each:
                    self.by_key[each] = invoice if self.by_key.get(each, invoice) == invoice else None

    def distinctive(self, invoice: str) -> bool:
        """Long enough not to turn up by chance in a text (an amount, a date, a house number)."""
        key = number_key(invoice)
        return len(key) >= MIN_DISTINCTIVE and any(ch.isdecimal() for ch in key)

    def find(self, text: str) -> list[str]:
        """Invoices quoted in `text`, in the order they appear; a number that names two invoices names none."""
        if not text or not _DIGIT.search(text):
            return []
        tokens = _TOKEN.findall(text.upper())
        found: list[str] = []
        for start, token in enumerate(tokens):
            if not _DIGIT.search(token):
                continue
            candidates = [token, *token.split("/")] if "/" in token else [token]
            # a number written with spaces, 'INV 2026 0042': join a short all-digit token with its neighbours
            if token.isdecimal() and len(token) <= 6:
                candidates.extend("".join(tokens[a:b]) for a, b in ((start, start + 2), (start, start + 3),
                                                                    (start - 1, start + 1), (start - 1, start + 2))
                                  if a >= 0 and b <= len(tokens))
            for candidate in candidates:
                for key in _keys(candidate):
                    invoice = self.by_key.get(key)
                    if invoice is not None and invoice not in found:
                        found.append(invoice)
        return found
