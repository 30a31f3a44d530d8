"""render/qr_code.py makes the same QR codes as segno, module for module, and the same SVG, byte for byte."""

from __future__ import annotations

import random

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from arctl.render import qr_code
from arctl.render.epc_qr import TITLE, epc_payload, qr_svg


def _segno(text: str, error: str = "m"):
    return segno.make(text, error=error, micro=False, encoding="utf-8", boost_error=False)


def _assert_same(text: str, error: str = "m", scale: int = 3, title: str | None = TITLE) -> None:
    made = qr_code.modules(text.encode("utf-8"), error)
    assert made is not None
    rows, version, mask = made
    code = _segno(text, error)
    assert (version, mask) == (code.version, code.mask)
    assert [bytes(row) for row in rows] == [bytes(row) for row in code.matrix]
    assert qr_code.svg_inline(rows, scale=scale, title=title) == code.svg_inline(scale=scale, title=title)


def test_letters_payment_codes_are_segnos():
    rng = random.Random(19)
    for _ in range(150):
        name = "".join(rng.choice("abcdefghij KLMNé&<>'\"") for _ in range(rng.randint(1, 70)))
        payload = epc_payload(name, "BE05068123456775", rng.choice(["GKCCBEBB", ""]), rng.randint(1, 10**11), "EUR",
                              rng.choice(["", "+++090/9337/55493+++", "RF18539007547034"]),
                              "x" * rng.randint(0, 140))
        assert payload is not None
        _assert_same(payload)
        assert qr_svg(payload) == str(_segno(payload).svg_inline(scale=3, title=TITLE))


@pytest.mark.parametrize("length", [1, 7, 13, 14, 15, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 400])
@pytest.mark.parametrize("error", ["l", "m", "q", "h"])
def test_every_version_a_payload_can_need_at_every_error_level(length: int, error: str) -> None:
    """Lengths at and around the capacity of versions 1-13 (the byte that makes segno add a zero byte
    before the pad codewords included), a version with version information (7+), and more blocks."""
    _assert_same(("ab\n" * length)[:length], error, scale=1, title=None)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=120).filter(lambda text: "\x00" not in text))
def test_any_text_in_byte_mode_is_segnos(text: str) -> None:
    if qr_code.modules(text.encode("utf-8"), "m") is None:   # digits, alphanumerics: left to segno
        assert segno.make(text, error="m", micro=False, encoding="utf-8").mode != "byte"
        return
    _assert_same(text, scale=2)


def test_numeric_and_alphanumeric_data_are_left_to_segno():
    assert qr_code.modules(b"0123456789", "m") is None
    assert qr_code.modules(b"HELLO WORLD", "m") is None
