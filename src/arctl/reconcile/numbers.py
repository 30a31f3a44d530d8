"""Invoice numbers quoted in remittance text: 'Factuur 2026/0042', 'INV-2026-0042', 'NR.201303-111/11.3.2013'."""

from __future__ import annotations

import re
from collections import defaultdict

_NOT_KEY = re.compile(r"[^0-9A-Z]")
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

    def __init__(self, invoice_ids: list[str]) -> None:
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.own_key = {}
        for invoice in invoice_ids:
            self.own_key[invoice] = number_key(invoice)
            for key in _keys(invoice):
                self.by_key[key].add(invoice)

    def distinctive(self, invoice: str) -> bool:
        """Long enough not to turn up by chance in a text (an amount, a date, a house number)."""
        key = self.own_key.get(invoice, "")
        return len(key) >= MIN_DISTINCTIVE and any(ch.isdigit() for ch in key)

    def find(self, text: str) -> list[str]:
        """Invoices quoted in `text`, in the order they appear; a number that names two invoices names none."""
        if not text or not any(ch.isdigit() for ch in text):
            return []
        tokens = _TOKEN.findall(text.upper())
        found: list[str] = []
        for start, token in enumerate(tokens):
            if not any(ch.isdigit() for ch in token):
                continue
            candidates = [token, *token.split("/")] if "/" in token else [token]
            # a number written with spaces, 'INV 2026 0042': join a short all-digit token with its neighbours
            if token.isdigit() and len(token) <= 6:
                candidates.extend("".join(tokens[a:b]) for a, b in ((start, start + 2), (start, start + 3),
                                                                    (start - 1, start + 1), (start - 1, start + 2))
                                  if a >= 0 and b <= len(tokens))
            for candidate in candidates:
                for key in _keys(candidate):
                    invoices = self.by_key.get(key)
                    if invoices and len(invoices) == 1:
                        invoice = next(iter(invoices))
                        if invoice not in found:
                            found.append(invoice)
        return found
