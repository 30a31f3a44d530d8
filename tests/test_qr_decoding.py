"""The QR decoding check itself, on a SEPA payment QR code made here with segno from a payload written by hand
per EPC069-12 (see tests/qr_check.py for the elements): what a payer's banking app would read back."""

from __future__ import annotations

import pytest

from qr_check import assert_epc, decode_qr, epc_fields, raster_of_matrix, raster_of_svg

segno = pytest.importorskip("segno", reason="segno is not installed: pip install -e '.[test]'")
pytest.importorskip("zxingcpp", reason="zxing-cpp (the QR reader) is not installed: pip install -e '.[test]'")

# Voorbeeld BV's account: IBAN BE05 0681 2345 6775 (ISO 13616: 068123456775 + "BE" as 1114 + check 05 =
# 068123456775111405, mod 97 = 1); a reminder of 1 815,00 EUR with the document's OGM +++991/1037/39726+++
# (9911037397 = 97 × 102175643 + 26: check digits 26). Belgian banks take its 12 digits as the structured reference.
PAYLOAD = "\n".join(["BCD", "002", "1", "SCT", "GKCCBEBB", "Voorbeeld BV", "BE05068123456775", "EUR1815.00", "",
                     "991103739726"])


def qr_of(payload: str):
    # EPC069-12: error correction level M, at most version 13 (331 bytes)
    return segno.make(payload, error="m", micro=False, boost_error=False)


def test_every_field_of_a_payment_qr_code_reads_back_as_written():
    text, level = decode_qr(raster_of_matrix(qr_of(PAYLOAD).matrix))

    assert level == "M"
    assert_epc(text, bic="GKCCBEBB", name="Voorbeeld BV", iban="BE05068123456775", amount_cents=181500,
               reference="991103739726")


def test_segnos_svg_reads_back_the_same_as_its_matrix():
    svg = qr_of(PAYLOAD).svg_inline(scale=3, border=4)

    text, _ = decode_qr(raster_of_svg(f"<html><body><p>Pay with your banking app</p>{svg}</body></html>"))

    assert text == PAYLOAD


def test_a_different_amount_is_caught():
    text, _ = decode_qr(raster_of_matrix(qr_of(PAYLOAD).matrix))

    with pytest.raises(AssertionError, match="amount 'EUR1815.00', expected 181400 cents"):
        assert_epc(text, bic="GKCCBEBB", name="Voorbeeld BV", iban="BE05068123456775", amount_cents=181400,
                   reference="991103739726")


def test_a_payload_with_both_a_reference_and_a_free_text_breaks_the_guidelines():
    with pytest.raises(AssertionError, match="exclusive"):
        epc_fields(PAYLOAD + "\nInvoice 2026-0042")


def test_a_name_longer_than_70_characters_breaks_the_guidelines():
    with pytest.raises(AssertionError, match="1 to 70"):
        epc_fields(PAYLOAD.replace("Voorbeeld BV", "V" * 71))
