"""The SEPA payment QR code of a letter (EPC069-12, "GiroCode"): the payload text and its SVG.

The payload follows the European Payments Council's "Quick Response Code: guidelines to enable data
capture for the initiation of a SEPA credit transfer" (EPC069-12, version 002): one field a line, in this
order: service tag BCD, version 002, character set 1 (UTF-8), identification SCT, the BIC (optional in
version 002), the beneficiary's name (at most 70 characters), the IBAN, the amount as EUR followed by the
amount with a decimal point (0.01 to 999999999.99), a purpose code (empty), the structured creditor
reference (at most 35 characters) or else the unstructured remittance text (at most 140), and a note to the
payer (empty). The whole payload is at most 331 bytes; the code uses error correction level M.
"""

from __future__ import annotations

import re

from arctl.money import plain_amount

MAX_NAME = 70
MAX_REFERENCE = 35
MAX_TEXT = 140
MAX_PAYLOAD = 331
MAX_AMOUNT = 99_999_999_999     # EUR 999,999,999.99 in cents
TITLE = "SEPA payment QR code (EPC069-12)"


def epc_payload(name: str, iban: str, bic: str, amount: int, currency: str, reference: str = "",
                text: str = "") -> str | None:
    """The EPC069-12 payload for a transfer of `amount` (minor units) to this account, or None where the
    standard has no code for it (not EUR, no IBAN, no amount, an amount above its maximum)."""
    iban = re.sub(r"\s+", "", iban).upper()
    if currency != "EUR" or not iban or amount <= 0 or amount > MAX_AMOUNT:
        return None
    structured = re.sub(r"[\s+*/]", "", reference).upper()[:MAX_REFERENCE] if reference else ""
    fields = ["BCD", "002", "1", "SCT", re.sub(r"\s+", "", bic).upper(), _one_line(name)[:MAX_NAME], iban,
              f"EUR{plain_amount(amount, 'EUR')}", "", structured, "" if structured else _one_line(text)[:MAX_TEXT]]
    payload = "\n".join(fields).rstrip("\n")
    return payload if len(payload.encode("utf-8")) <= MAX_PAYLOAD else None


def qr_svg(payload: str, *, scale: int = 3) -> str:
    """The payload as a QR code (error correction M, as EPC069-12 asks) in an inline <svg> element: segno's
    code and SVG, made by render/qr_code.py where the payload is in byte mode (every EPC payload is: its
    lines are apart by line breaks)."""
    from arctl.render import qr_code

    made = qr_code.modules(payload.encode("utf-8"), "m")
    if made is not None:
        return qr_code.svg_inline(made[0], scale=scale, title=TITLE)
    import segno

    code = segno.make(payload, error="m", micro=False, encoding="utf-8", boost_error=False)
    return str(code.svg_inline(scale=scale, title=TITLE))


def _one_line(text: str) -> str:
    return " ".join(text.split())
