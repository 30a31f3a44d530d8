"""Payment references: Belgian OGM/VCS, ISO 11649 RF and the Dutch betalingskenmerk — read, check, find, make.

Check digits follow REFERENCE.md §6. A reference whose check fails is still returned, with
`valid=False`, so that it can be shown and suggested but never matched automatically. The old
Belgian account number (BBAN) carries the OGM's mod-97 check, so it is checked here as well, and
turned into its IBAN: one place for the Belgian mod 97 that the bank readers and the reconciler call.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum import iban, iso11649
from stdnum.be import ogm_vcs
from stdnum.iso7064 import mod_97_10

_OGM_BASE_LIMIT = 10**10
_RF_BODY_MAX = 21  # ISO 11649: RF + 2 check digits + at most 21 characters, 25 in all
_NL_LENGTHS = (7, 9, 10, 11, 12, 13, 14, 16)

# Betalingskenmerk check digit: weighted modulus 11, weights from the rightmost digit leftwards
# 2, 4, 8, 5, 10, 9, 7, 3, 6, 1, repeating; C = 11 - (sum mod 11), 10 -> 1, 11 -> 0; C is the first
# digit and the length code (second digit of the 9-14-digit forms) is part of the sum.
# Sources: Betaalvereniging Nederland, "Specificaties betalingskenmerk",
# https://www.betaalvereniging.nl/betalingsverkeer/giraal-betalingsverkeer/wijzigingen-verwerking-acceptgirobetalingen/specificaties-betalingskenmerk/
# (lengths, length codes, examples (5)000 0567 8901 2345 and 12 2345 3462 2567), and XMLdation,
# "Betalingskenmerk", https://wiki.xmldation.com/Support/RBS/CT_Rules/Access_Online/Betalinskenmerk
# (the same method worked through, issuer CUR). python-stdnum has no module for it.
_NL_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)

_SEPARATORS = re.compile(r"[\s/.\-]+")
_OGM_MARKED = re.compile(r"^(\+{3}|\*{3})([\d/]+)\1$")
_OGM_SLASHED = re.compile(r"^\d{3}/\d{4}/\d{5}$")
_RF_COMPACT = re.compile(r"^RF\d{2}[A-Z0-9]+$")

_FIND_OGM_MARKED = re.compile(r"(\+{3}|\*{3})\s*(\d{3})\s*/?\s*(\d{4})\s*/?\s*(\d{5})\s*\1")
_FIND_OGM_SLASHED = re.compile(r"(?<![\d/])(\d{3})\s*/\s*(\d{4})\s*/\s*(\d{5})(?![\d/])")
_FIND_OGM_BARE = re.compile(r"(?<!\d)\d{12}(?!\d)|(?<!\d)(?<!\d )\d{3} \d{4} \d{5}(?!\d)(?! \d)")
_FIND_RF = re.compile(r"\bRF(\d{2})", re.IGNORECASE)
_RF_BODY = re.compile(r"[ \u00a0]?([A-Z0-9]+)", re.IGNORECASE)
_RF_GROUP = re.compile(r"[ \u00a0]([A-Z0-9]{1,4})(?![A-Z0-9])", re.IGNORECASE)
_FIND_NL = re.compile(r"\b(?:betalings)?kenm(?:erk\b|\.)[\s:.]*(?=\d)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_NL_SPACED = re.compile(r"[ \u00a0](\d+)")

_INVOICE_PREFIX = re.compile(
    r"^(?:(?:factuurnummer|factuurnr|factuur|facture|fact|invoice|inv|vf|nr|no|n°|nº|f)[\s.:#/\-]*)+(?=\d)"
)
_INVOICE_SEPARATORS = re.compile(r"[\s\-–—/._#:]+")


@dataclass(frozen=True, slots=True)
class Reference:
    """One payment reference: its scheme, its compact value, whether its check passes, and how it was written.

    kind is "ogm" (value: the 12 digits), "rf" (value: compact, upper case, e.g. RF18539007547034)
    or "nl" (value: the digits of the betalingskenmerk).
    """

    kind: str
    value: str
    valid: bool
    text: str


def is_valid_ogm(digits: str) -> bool:
    """Whether 12 digits (no separators) are an OGM/VCS: the last two are the first ten mod 97, 97 for 0."""
    # ogm_vcs.is_valid would also take '+++…+++' and slashes, and costs twice as much: after the format
    # checks made here, what it does is compare the check digits (a bank line's reference, once per line)
    # (ogm_vcs.calc_check_digits, by arithmetic: its cleaning of separators costs more than the check)
    return (len(digits) == 12 and digits.isascii() and digits.isdecimal()
            and (int(digits[:10]) % 97 or 97) == int(digits[10:]))


def iban_of_bban(number: str) -> str | None:
    """The IBAN of an old Belgian account number ('539-0075470-34' -> 'BE68539007547034'), or None when
    it is not one: 12 digits whose last two are the mod-97 check of the first ten, as in an OGM.
    """
    bban = iban.compact(number)
    if not is_valid_ogm(bban):
        return None
    return f"BE{iban.calc_check_digits('BE00' + bban)}{bban}"


def _nl_check(body: str) -> int:
    """The check digit of a betalingskenmerk, computed over everything after it (length code included)."""
    total = sum(int(d) * _NL_WEIGHTS[i % 10] for i, d in enumerate(reversed(body)))
    check = 11 - total % 11
    return {10: 1, 11: 0}.get(check, check)


def _is_valid_nl(digits: str) -> bool:
    """A betalingskenmerk of an allowed length whose length code and check digit are right.

    7 digits carry no check at all, so they are valid by their length only.
    """
    n = len(digits)
    if not digits.isdecimal() or n not in _NL_LENGTHS:
        return False
    if n == 7:
        return True
    if n <= 14 and int(digits[1]) != (n - 2) % 10:
        return False
    return int(digits[0]) == _nl_check(digits[1:])


def _ogm(digits: str, text: str) -> Reference:
    return Reference("ogm", digits, is_valid_ogm(digits), text)


def _rf(value: str, text: str) -> Reference:
    return Reference("rf", value, _is_valid_rf(value), text)


_BASE36 = str.maketrans({letter: str(int(letter, 36)) for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


def _is_valid_rf(value: str) -> bool:
    """iso11649.is_valid, by arithmetic for the usual compact ASCII value (RF, check digits, body): mod 97-10
    of the body followed by the first four characters, letters as 10-35, must be 1."""
    if not (value.isascii() and value.isalnum()):
        return bool(iso11649.is_valid(value))
    upper = value.upper()
    if not 5 <= len(upper) <= 25 or not upper.startswith("RF"):
        return False
    return int((upper[4:] + upper[:4]).translate(_BASE36)) % 97 == 1


def _nl(digits: str, text: str) -> Reference:
    return Reference("nl", digits, _is_valid_nl(digits), text)


def parse_reference(text: str, *, assume_ogm: bool = False) -> Reference | None:
    """Read one reference written in any usual way, or None when the text is not one.

    OGM: '+++123/4567/89012+++', '***123/4567/89012***', '123/4567/89012', with spaces, or 12 bare
    digits. RF: 'RF18 5390 0754 7034', 'rf18539007547034'. Dutch: 16 digits with or without spaces,
    or the 9-14-digit forms when their check passes.

    The printed OGM and RF forms are returned even when their check fails (valid=False). Twelve bare
    digits that fail the OGM check are in free text as likely a phone or account number as a
    reference: they are an invalid "ogm" only with `assume_ogm=True` (a bank's structured-reference
    field), else None. Twelve digits that fail the OGM check but pass the Dutch one are "nl".
    """
    written = text.strip()
    squeezed = re.sub(r"\s+", "", written)
    if not squeezed:
        return None
    upper = squeezed.upper()
    if _RF_COMPACT.match(upper):
        return _rf(upper, written)
    marked = _OGM_MARKED.match(squeezed)
    if marked and any(ch.isdecimal() for ch in marked.group(2)):
        return _ogm(marked.group(2).replace("/", ""), written)
    if _OGM_SLASHED.match(squeezed):
        return _ogm(squeezed.replace("/", ""), written)
    digits = _SEPARATORS.sub("", written)
    if not digits.isdecimal():
        return None
    if len(digits) == 12:
        if is_valid_ogm(digits):
            return _ogm(digits, written)
        if _is_valid_nl(digits):
            return _nl(digits, written)
        return _ogm(digits, written) if assume_ogm else None
    if len(digits) == 16:
        return _nl(digits, written)
    # 7 digits have no check and the shorter forms one in eleven: only a passing one is a reference.
    if len(digits) != 7 and _is_valid_nl(digits):
        return _nl(digits, written)
    return None


def _found_rf(text: str, match: re.Match[str]) -> tuple[int, Reference] | None:
    """The RF reference that starts at `match`: compact, or printed in groups of four read as far as they make sense."""
    first = _RF_BODY.match(text, match.end())
    if first is None or len(first.group(1)) > _RF_BODY_MAX:
        return None
    tokens = [(first.group(1), first.end())]
    total = len(first.group(1))
    # Printed form (format_rf): after 'RF18', groups of four, only the last one shorter.
    while (
        len(tokens[-1][0]) == 4
        and (group := _RF_GROUP.match(text, tokens[-1][1]))
        and total + len(group.group(1)) <= _RF_BODY_MAX
    ):
        tokens.append((group.group(1), group.end()))
        total += len(group.group(1))
    prefix = "RF" + match.group(1)

    def candidate(count: int) -> tuple[int, Reference]:
        value = prefix + "".join(t for t, _ in tokens[:count]).upper()
        end = tokens[count - 1][1]
        return end, _rf(value, text[match.start():end])

    # The groups can run on into a short word after them ('RF18 5390 0754 7034 voor ...'): the natural
    # end is before the first group of letters only; when that does not check, the longest extent that
    # does. A wrong extent passes mod 97-10 by chance once in 97, so the choice is rarely ambiguous.
    natural = next((i for i, (t, _) in enumerate(tokens) if i and t.isalpha()), len(tokens))
    order = [natural, *range(len(tokens), 0, -1)]
    return next((found for count in order if (found := candidate(count))[1].valid), candidate(natural))


def _found_nl(text: str, match: re.Match[str]) -> tuple[int, Reference] | None:
    """The betalingskenmerk after the word 'betalingskenmerk', 'kenmerk' or 'BETALINGSKENM.'."""
    first = _DIGITS.match(text, match.end())
    if first is None:
        return None
    groups = [(first.group(), first.end())]
    pos, total = first.end(), len(first.group())
    # '5000 0567 8901 2345' is one reference; the digits after a 16-digit one are something else.
    while (spaced := _NL_SPACED.match(text, pos)) and total + len(spaced.group(1)) <= 16:
        groups.append((spaced.group(1), spaced.end()))
        total += len(spaced.group(1))
        pos = spaced.end()
    joined = "".join(g for g, _ in groups)
    options = [(joined, groups[-1][1]), (groups[0][0], groups[0][1])]
    # The standard's minimum is 7 digits ('BETALINGSKENM. 231732' is the payer's own number).
    options = [(d, end) for d, end in options if 7 <= len(d) <= 16]
    if not options:
        return None
    digits, end = next(((d, e) for d, e in options if _is_valid_nl(d)), options[0])
    written = text[first.start():end]
    if not _is_valid_nl(digits) and is_valid_ogm(digits):
        return end, _ogm(digits, written)
    return end, _nl(digits, written)


def find_references(text: str) -> list[Reference]:
    """Every payment reference in a free text (a remittance line), in text order, each once.

    Finds the printed OGM forms (+++…+++, ***…***, 123/4567/89012, spaces allowed inside), RF
    references, Dutch references after the word betalingskenmerk/kenmerk, and bare 12-digit numbers
    (also as 123 4567 89012) — the bare ones only when their OGM check passes.
    """
    if not text:
        return []
    claimed: list[tuple[int, int, Reference]] = []

    def claim(start: int, end: int, reference: Reference) -> None:
        if all(end <= s or start >= e for s, e, _ in claimed):
            claimed.append((start, end, reference))

    for m in _FIND_OGM_MARKED.finditer(text):
        claim(m.start(), m.end(), _ogm("".join(m.group(2, 3, 4)), m.group()))
    for m in _FIND_RF.finditer(text):
        if (found := _found_rf(text, m)) is not None:
            claim(m.start(), found[0], found[1])
    for m in _FIND_NL.finditer(text):
        if (found := _found_nl(text, m)) is not None:
            claim(m.start(), found[0], found[1])
    for m in _FIND_OGM_SLASHED.finditer(text):
        claim(m.start(), m.end(), _ogm("".join(m.group(1, 2, 3)), m.group()))
    for m in _FIND_OGM_BARE.finditer(text):
        digits = m.group().replace(" ", "")
        if is_valid_ogm(digits):
            claim(m.start(), m.end(), _ogm(digits, m.group()))

    result: list[Reference] = []
    seen: set[tuple[str, str]] = set()
    for _, _, reference in sorted(claimed, key=lambda c: c[0]):
        if (reference.kind, reference.value) not in seen:
            seen.add((reference.kind, reference.value))
            result.append(reference)
    return result


def corrections(reference: Reference) -> list[Reference]:
    """The valid references a mistyped one most likely stands for: one slip of the keyboard away.

    A slip is wrong check digits on the right digits (an OGM's first ten digits, an RF's body, a Dutch
    reference after its check digit), one character changed (a digit for a digit, a letter for a
    letter), or two neighbours swapped. Each scheme's check catches every such slip (mod 97 and mod 97-10
    catch all single substitutions and adjacent transpositions), so the candidates are few: only the
    variants whose check passes are returned. A valid reference has no corrections.
    """
    if reference.valid:
        return []
    value = reference.value
    if reference.kind == "ogm":
        if len(value) != 12 or not value.isdecimal():
            return []
        right = [value[:10] + ogm_vcs.calc_check_digits(value[:10])]
        return _valid_slips("ogm", value, right, is_valid_ogm)
    if reference.kind == "rf":
        body = value[4:]
        if not body or not body.isalnum() or len(body) > _RF_BODY_MAX:
            return []
        right = [generate_rf(body)]
        slipped = (_rf_slips(value) if _RF_PLAIN.fullmatch(value)
                   else [v for v in (value[:4] + variant for variant in _slips(body)) if _is_valid_rf(v)])
        return [Reference("rf", v, True, v) for v in dict.fromkeys(right + slipped)]
    if reference.kind == "nl" and len(value) in _NL_LENGTHS and len(value) > 7:
        right = [str(_nl_check(value[1:])) + value[1:]]
        return _valid_slips("nl", value, right, _is_valid_nl)
    return []


def _valid_slips(kind: str, value: str, right: list[str], valid: Callable[[str], bool]) -> list[Reference]:
    candidates = dict.fromkeys(right + _slips(value))
    return [Reference(kind, v, True, v) for v in candidates if v != value and valid(v)]


_RF_PLAIN = re.compile(r"RF[0-9]{2}[0-9A-Z]+")


def _rf_slips(value: str) -> list[str]:
    """The valid RF references one slip of the body away from `value` (compact, uppercase ASCII), as _slips
    and _is_valid_rf would find them, solved mod 97 instead of checking each of the ~750 variants.

    The check reads the body followed by 'RF' and the check digits as one number, letters as 10-35; changing
    a character changes that number by (new - old) * 10^(digits after it), so for each position at most one
    character of the same kind makes it 1 mod 97, and a swap of neighbours is checked by its difference."""
    chars = value[4:] + value[:4]
    numbers = [int(ch, 36) for ch in chars]
    widths = [1 if number < 10 else 2 for number in numbers]
    weights = [0] * len(chars)   # 10^(digits after the character) mod 97
    weight = 1
    for i in range(len(chars) - 1, -1, -1):
        weights[i], weight = weight, weight * 10 ** widths[i] % 97
    total = sum(n * w for n, w in zip(numbers, weights, strict=True)) % 97
    body = len(value) - 4
    found: list[str] = []
    for i in range(body):
        needed = (numbers[i] + (1 - total) * pow(weights[i], -1, 97)) % 97
        if needed != numbers[i] and (needed <= 9 if widths[i] == 1 else 10 <= needed <= 35):
            found.append(_rf_with(chars[:i] + _BASE36_DIGITS[needed] + chars[i + 1:], body))
        if i + 1 < body and chars[i + 1] != chars[i]:
            before = numbers[i] * 10 ** widths[i + 1] + numbers[i + 1]
            after = numbers[i + 1] * 10 ** widths[i] + numbers[i]
            if (total + (after - before) * weights[i + 1]) % 97 == 1:
                found.append(_rf_with(chars[:i] + chars[i + 1] + chars[i] + chars[i + 2:], body))
    return found


_BASE36_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _rf_with(chars: str, body: int) -> str:
    return chars[body:] + chars[:body]


def _slips(text: str) -> list[str]:
    """Every `text` with one character changed (digit for digit, letter for letter) or two neighbours swapped."""
    out: list[str] = []
    for i, ch in enumerate(text):
        pool = "0123456789" if ch.isdecimal() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        out.extend(text[:i] + other + text[i + 1:] for other in pool if other != ch)
        if i + 1 < len(text) and text[i + 1] != ch:
            out.append(text[:i] + text[i + 1] + ch + text[i + 2:])
    return out


def format_ogm(digits: str) -> str:
    """'123456789012' (or any spelling of it) -> '+++123/4567/89012+++'."""
    compact = re.sub(r"[\s+*/]", "", digits)
    if len(compact) != 12 or not compact.isdecimal():
        raise ValueError(f"{digits!r} is not an OGM: expected 12 digits such as 123/4567/89012")
    return f"+++{compact[:3]}/{compact[3:7]}/{compact[7:]}+++"


def format_rf(value: str) -> str:
    """'rf18539007547034' (or any spelling of it) -> 'RF18 5390 0754 7034', in groups of four."""
    compact = re.sub(r"\s+", "", value).upper()
    if not _RF_COMPACT.match(compact) or len(compact) > 4 + _RF_BODY_MAX:
        raise ValueError(f"{value!r} is not an RF reference: expected RF, 2 check digits and 1-21 letters or digits")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def generate_ogm(number: int) -> str:
    """The 12-digit OGM for a number of at most 10 digits (an invoice's sequence): the number, zero-padded, + check.

    A number outside 0 .. 9 999 999 999 raises ValueError rather than being cut down, which would
    silently give two invoices one reference; `ogm_for_invoice` handles arbitrary invoice numbers.
    """
    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError(f"generate_ogm needs an int, got {number!r}")
    if not 0 <= number < _OGM_BASE_LIMIT:
        raise ValueError(f"{number} does not fit the 10 digits of an OGM base (0 to 9999999999)")
    # the check digits are the number mod 97, 97 for 0 (REFERENCE.md §6), as ogm_vcs.calc_check_digits
    # computes them from the text, at a quarter of the cost: a run derives one per open invoice
    return f"{number:010d}{number % 97 or 97:02d}"


def generate_rf(reference: str) -> str:
    """'539007547034' -> 'RF18539007547034': RF, the ISO 7064 mod 97-10 check digits, then the reference.

    The reference is 1-21 letters or digits (spaces are dropped, letters upper-cased).
    """
    body = re.sub(r"\s+", "", reference).upper()
    if not re.fullmatch(r"[A-Z0-9]{1,21}", body):
        raise ValueError(f"{reference!r} cannot be an RF reference: expected 1-21 letters A-Z or digits")
    # stdnum.iso11649 only validates; the check digits are those that make body + 'RF' + check pass mod 97-10.
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def ogm_for_invoice(invoice_id: str) -> str:
    """A stable OGM for an invoice that has no reference of its own, derived from its number alone.

    The number is normalised first (`normalise_invoice_number`); when what is left is digits that fit
    10 digits, they are the OGM base, so a person can read the number back ('2026-0042' ->
    +++002/0260/04240+++). Anything else — letters, or more than 10 digits — is hashed (SHA-256, so
    the same on every machine and every run) and reduced to 10 digits.

    Collision risk: numbers that normalise equally share their OGM by design ('INV-0042', 'F 42');
    hashed numbers share one by chance like any 10-digit hash — for n hashed invoices the chance that
    some two collide is about 1 - exp(-n² / 2·10¹⁰) (0.5 % for 10 000, 39 % for 100 000), and a hash
    can also land on a number used as a base. Store the generated reference with the invoice and
    check that it is unique in the ledger rather than relying on this function alone.
    """
    key = normalise_invoice_number(invoice_id)
    if not key:
        raise ValueError(f"{invoice_id!r} is not an invoice number: nothing left to derive a reference from")
    if key.isdecimal() and len(key) <= 10:
        return generate_ogm(int(key))
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return generate_ogm(int.from_bytes(digest[:8], "big") % _OGM_BASE_LIMIT)


def normalise_invoice_number(text: str) -> str:
    """One spelling per invoice number: case-folded, prefixes and separators gone, leading zeros dropped.

    'INV 2026 0042', '2026-0042', '2026/0042', 'Factuur nr. 2026.0042' -> '20260042'; '42' stays '42'.
    A prefix (INV, INVOICE, FACT, FACTUUR, FACTUURNR, FACTURE, VF, F, NR, NO, N°) is dropped only when
    digits follow it, so 'NORD-12' stays 'nord12'. Leading zeros of the whole number are dropped
    ('F0042' == '42'): once separators are gone, zeros inside are kept, because '2026-0042' and
    '2026-42' cannot be told from '20260042' and '202642' otherwise.
    """
    folded = text.strip().casefold()
    unprefixed = _INVOICE_PREFIX.sub("", folded)
    compact = _INVOICE_SEPARATORS.sub("", unprefixed)
    stripped = compact.lstrip("0")
    return stripped or ("0" if compact else "")


def rf_for_invoice(invoice_id: str) -> str:
    """A stable ISO 11649 RF reference for an invoice that has no reference of its own (outside Belgium).

    The number is normalised first (`normalise_invoice_number`); when what is left is 1-21 letters or
    digits, it is the RF's body, so a person can read the number back ('2026-0042' -> RF88 2026 0042).
    Anything else is hashed like `ogm_for_invoice` and the body is those 10 digits. The same collision
    caveats apply.
    """
    key = normalise_invoice_number(invoice_id)
    if not key:
        raise ValueError(f"{invoice_id!r} is not an invoice number: nothing left to derive a reference from")
    body = key.upper()
    if re.fullmatch(r"[A-Z0-9]{1,21}", body):
        return generate_rf(body)
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return generate_rf(f"{int.from_bytes(digest[:8], 'big') % _OGM_BASE_LIMIT:010d}")
