"""Reading a SEPA payment QR code back, as a payer's banking app does, and checking every EPC069-12 field.

`decode_qr(image)` reads the one QR code in a grey image (a numpy array, 0 = black) with zxing-cpp, the
open-source reader many banking apps build on. `raster_of_matrix` and `raster_of_svg` turn what segno makes
(its module matrix, or the SVG it writes: one `<path>` of horizontal strokes, in module units under a
`scale(n)` transform) into such an image, with no system package; a PDF letter must be rasterised first
(e.g. pdftoppm) and the pixels handed to `decode_qr`. `epc_fields(text)` splits a payload and checks its
structure; `assert_epc(text, ...)` checks each field against what the letter asks for.

EPC069-12 ("Quick Response Code: guidelines to enable data capture for the initiation of a SEPA credit
transfer", European Payments Council, version 2.1 and later), the data elements in order, one per line
(LF or CR LF), nothing after the last element used:
  1 service tag "BCD"; 2 version "001" or "002" (002: the BIC may be left out inside the EEA);
  3 character set "1" (UTF-8) .. "8"; 4 identification "SCT"; 5 BIC of the beneficiary's bank (8 or 11);
  6 beneficiary name (max. 70); 7 beneficiary IBAN (max. 34); 8 amount: "EUR" and 0.01 .. 999999999.99 with
  at most two decimals after a point (optional); 9 purpose code (max. 4, optional); 10 structured creditor
  reference (max. 35, e.g. ISO 11649 RF) or 11 unstructured remittance (max. 140) — never both;
  12 beneficiary-to-originator information (max. 70). At most 331 bytes, QR error correction level M.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

MAX_PAYLOAD_BYTES = 331
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL | re.IGNORECASE)
_PATH_D = re.compile(r"<path\b[^>]*?\sd=\"([^\"]+)\"", re.DOTALL)
_SCALE = re.compile(r"transform=\"scale\(([\d.]+)\)\"")
_SIZE = re.compile(r"<svg\b[^>]*?\swidth=\"([\d.]+)\"")
_COMMAND = re.compile(r"([MmHhVvZz])\s*([-\d.]+)?(?:[\s,]+([-\d.]+))?")
_AMOUNT = re.compile(r"EUR(\d{1,9}(?:\.\d{1,2})?)\Z")


def decode_qr(image: np.ndarray) -> tuple[str, str]:
    """The text of the one QR code in `image` and its error correction level ("L", "M", "Q" or "H")."""
    import zxingcpp

    found = [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, f"expected one QR code in the image, found {len(found)}"
    return found[0].text, found[0].ec_level


def raster_of_matrix(matrix, *, module: int = 4, border: int = 4) -> np.ndarray:
    """A grey image of a QR matrix (rows of truthy = dark modules): `module` pixels a module, a white quiet zone
    of `border` modules (ISO/IEC 18004 asks for 4)."""
    grid = np.array([[0 if dark else 255 for dark in row] for row in matrix], dtype=np.uint8)
    return np.pad(grid.repeat(module, 0).repeat(module, 1), border * module, constant_values=255)


def raster_of_svg(svg: str, *, module: int = 4) -> np.ndarray:
    """A grey image of the QR code segno wrote as SVG (the first `<svg>` of a page, such as a letter's HTML)."""
    found = _SVG.search(svg)
    assert found, "no <svg> element found"
    element = found.group()
    path = _PATH_D.search(element)
    assert path, "the <svg> has no <path d=...> (not segno's drawing)"
    scale = float(_SCALE.search(element).group(1)) if _SCALE.search(element) else 1.0
    size_match = _SIZE.search(element)
    x = y = 0.0
    strokes: list[tuple[int, int, int]] = []   # (row, first column, columns)
    for command, first, second in _COMMAND.findall(path.group(1)):
        a = float(first) if first else 0.0
        if command == "M":
            x, y = a, float(second)
        elif command == "m":
            x, y = x + a, y + float(second)
        elif command in "hH":
            end = x + a if command == "h" else a
            strokes.append((int(y), int(min(x, end)), int(abs(end - x))))
            x = end
        elif command in "vV":
            raise AssertionError("vertical strokes: not segno's usual drawing")
    side = int(float(size_match.group(1)) / scale) if size_match else max(r for r, _, _ in strokes) + 5
    grid = np.zeros((side, side), dtype=bool)
    for row, column, count in strokes:
        grid[row, column:column + count] = True
    return raster_of_matrix(grid, module=module, border=0)


@dataclass(frozen=True, slots=True)
class EpcFields:
    """The data elements of an EPC069-12 payload, as text ("" for one left out)."""

    service_tag: str
    version: str
    charset: str
    identification: str
    bic: str
    name: str
    iban: str
    amount: str
    purpose: str
    reference: str
    text: str
    information: str


def epc_fields(payload: str) -> EpcFields:
    """Split a payload into its elements, checking the structure EPC069-12 prescribes."""
    assert len(payload.encode("utf-8")) <= MAX_PAYLOAD_BYTES, "longer than the 331 bytes EPC069-12 allows"
    lines = payload.replace("\r\n", "\n").split("\n")
    assert 7 <= len(lines) <= 12, f"expected 7 to 12 elements, got {len(lines)}"
    assert lines[-1] != "", "nothing may follow the last element used"
    values = EpcFields(*(lines + [""] * (12 - len(lines))))
    assert values.service_tag == "BCD", f"service tag {values.service_tag!r}"
    assert values.version in ("001", "002"), f"version {values.version!r}"
    assert values.charset in tuple("12345678"), f"character set {values.charset!r}"
    assert values.identification == "SCT", f"identification {values.identification!r}"
    assert values.version == "002" or values.bic, "version 001 needs the BIC"
    assert len(values.bic) in (0, 8, 11), f"BIC {values.bic!r}"
    assert 1 <= len(values.name) <= 70, "the name is 1 to 70 characters"
    assert 1 <= len(values.iban) <= 34, "the IBAN is 1 to 34 characters"
    if values.amount:
        matched = _AMOUNT.match(values.amount)
        assert matched, f"amount {values.amount!r}: EUR and at most two decimals after a point"
        assert Decimal("0.01") <= Decimal(matched.group(1)) <= Decimal("999999999.99"), "amount out of range"
    assert len(values.purpose) <= 4 and len(values.reference) <= 35 and len(values.text) <= 140
    assert not (values.reference and values.text), "a structured reference and a free text are exclusive"
    assert len(values.information) <= 70
    return values


def assert_epc(payload: str, *, bic: str, name: str, iban: str, amount_cents: int, reference: str,
               version: str = "002") -> EpcFields:
    """Every field of the payload is what the letter asks for: service tag, version, UTF-8, SCT, BIC, name,
    IBAN, the amount in EUR (from integer cents) and the structured reference."""
    fields = epc_fields(payload)
    # EUR1815, EUR1815.0 and EUR1815.00 are the same amount: compared as cents
    assert fields.amount and Decimal(fields.amount[3:]) * 100 == amount_cents, (
        f"amount {fields.amount!r}, expected {amount_cents} cents")
    expected = EpcFields("BCD", version, "1", "SCT", bic, name, iban, fields.amount, fields.purpose, reference, "",
                         fields.information)
    assert fields == expected, f"EPC fields differ:\n got      {fields}\n expected {expected}"
    return fields
