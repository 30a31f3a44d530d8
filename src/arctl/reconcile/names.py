"""Who paid: counterparty names and IBANs turned into customers."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

LEGAL_FORMS = frozenset("""
bv nv srl sprl bvba sa sas sarl scrl sc scs comm commv cv cvba vof vzw asbl gmbh ag kg ohg ug ev ltd limited
inc llc plc corp co lp llp bv ba spa srl sl sau ab as oy aps
""".split())
_PUNCTUATION = re.compile(r"[^0-9a-z]+")


def normalise_name(name: str) -> str:
    """'Bakkerij Peeters B.V.' and 'BAKKERIJ PEETERS BV' -> 'bakkerij peeters'."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    # "B.V." and "S.R.L." become one token before legal forms are removed
    plain = re.sub(r"\b((?:[a-z]\.){1,3}[a-z])\.?(?=\s|$)", lambda m: m.group(1).replace(".", ""), plain)
    words = [w for w in _PUNCTUATION.sub(" ", plain).split() if w not in LEGAL_FORMS]
    return " ".join(words)


def name_score(written: str, name: str) -> int:
    """How well a bank's payer name fits a customer's name, 0-100, as the matcher scores names: 100 when
    they normalise alike ('BAKKERIJ PEETERS' and 'Bakkerij Peeters BV'), else rapidfuzz's token sort ratio."""
    from rapidfuzz import fuzz

    left, right = normalise_name(written), normalise_name(name)
    if not left or not right:
        return 0
    return 100 if left == right else int(fuzz.token_sort_ratio(left, right))


def compact_iban(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


@dataclass(frozen=True, slots=True)
class Payer:
    customer_id: str
    by: str          # "iban" or "name"
    score: int


class PayerIndex:
    """Customers by IBAN (master data and confirmed matches) and by normalised name (exact, then fuzzy)."""

    def __init__(self, names: dict[str, str], ibans: dict[str, str], score: int) -> None:
        self.ibans = {compact_iban(iban): customer for iban, customer in ibans.items() if iban}
        self.score = score
        self._memo: dict[tuple[str, str], Payer | None] = {}
        self._fuzzy_found: dict[str, Payer | None] = {}  # prefetch(): normalised name -> its fuzzy payer
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.blocks: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for customer, name in names.items():
            key = normalise_name(name)
            if not key:
                continue
            self.by_name[key].add(customer)
            for prefix in {word[:2] for word in key.split()}:
                # every word blocks: a typo in one word ('BKAKERIJ MAES') still meets 'maes'
                self.blocks[prefix].append((key, customer))

    def identify(self, iban: str, name: str) -> Payer | None:
        """The customer behind a counterparty: by IBAN, else one customer whose name scores high enough."""
        key = (iban, name)
        if key not in self._memo:
            if len(self._memo) >= 200_000:  # payers repeat; a statement of unique lines must not fill memory
                self._memo.clear()
            self._memo[key] = self._identify(iban, name)
        return self._memo[key]

    def identify_all(self, payers: list[tuple[str, str]]) -> list[Payer | None]:
        """`identify` of each (iban, name), the fuzzy names scored in bulk first (as reconcile does)."""
        self.prefetch(payers)
        return [self.identify(iban, name) for iban, name in payers]

    def _identify(self, iban: str, name: str) -> Payer | None:
        customer = self.ibans.get(compact_iban(iban)) if iban else None
        if customer:
            return Payer(customer, "iban", 100)
        key = normalise_name(name)
        if not key:
            return None
        exact = self.by_name.get(key)
        if exact:
            return Payer(next(iter(exact)), "name", 100) if len(exact) == 1 else None
        return self._fuzzy(key)

    def prefetch(self, payers: list[tuple[str, str]]) -> None:
        """Score in bulk the names of these (iban, name) payers that only a fuzzy match can identify: what
        `identify` then finds for them is what it would find scoring each name on its own."""
        keys: dict[str, None] = {}
        for iban, name in dict.fromkeys(payers):
            if (iban, name) in self._memo or (iban and self.ibans.get(compact_iban(iban))):
                continue
            key = normalise_name(name)
            if key and key not in self.by_name and key not in self._fuzzy_found:
                keys[key] = None
        self._fuzzy_found.update(self._fuzzy_many(list(keys)))

    def _fuzzy_many(self, keys: list[str]) -> dict[str, Payer | None]:
        """_fuzzy of each key, with rapidfuzz's cdist per block: the keys sharing a word's first two letters
        against the customers' names in that block, a thousand keys at a time."""
        from rapidfuzz import fuzz, process

        asking: dict[str, list[int]] = defaultdict(list)
        for index, key in enumerate(keys):
            for prefix in dict.fromkeys(word[:2] for word in key.split()):
                if prefix in self.blocks:
                    asking[prefix].append(index)
        best = [0.0] * len(keys)
        who: list[str | None] = [None] * len(keys)
        tied = [False] * len(keys)
        for prefix, indexes in asking.items():
            block = self.blocks[prefix]
            names = [name for name, _ in block]
            for start in range(0, len(indexes), 1000):
                chunk = indexes[start:start + 1000]
                scores = process.cdist([keys[i] for i in chunk], names, scorer=fuzz.token_sort_ratio,
                                       score_cutoff=self.score, dtype="float64", workers=-1)
                rows, columns = scores.nonzero()
                for row, column, score in zip(rows.tolist(), columns.tolist(), scores[rows, columns].tolist(),
                                              strict=True):
                    index, customer = chunk[row], block[column][1]
                    if score > best[index]:
                        best[index], who[index], tied[index] = score, customer, False
                    elif score == best[index] and customer != who[index]:
                        tied[index] = True  # two customers fit equally well: the name decides nothing
        return {key: Payer(customer, "name", int(score)) if customer is not None and not tie else None
                for key, customer, score, tie in zip(keys, who, best, tied, strict=True)}

    def _fuzzy(self, key: str) -> Payer | None:
        from rapidfuzz import fuzz, process

        if key in self._fuzzy_found:
            return self._fuzzy_found[key]
        candidates = list(dict.fromkeys(c for prefix in dict.fromkeys(word[:2] for word in key.split())
                                        for c in self.blocks.get(prefix, [])))
        if not candidates:
            return None
        found = process.extract(key, [c[0] for c in candidates], scorer=fuzz.token_sort_ratio,
                                score_cutoff=self.score, limit=2)
        if not found:
            return None
        if len(found) == 2 and found[1][1] == found[0][1] and candidates[found[1][2]][1] != candidates[found[0][2]][1]:
            return None  # two customers fit equally well: the name decides nothing
        _, score, index = found[0]
        return Payer(candidates[index][1], "name", int(score))
