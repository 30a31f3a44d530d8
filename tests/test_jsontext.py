"""The fast indented JSON writer writes exactly what json.dumps(..., ensure_ascii=False, indent=2) writes."""

from __future__ import annotations

import json

import pytest

from arctl.render.jsontext import dumps_indented


@pytest.mark.parametrize("value", [
    {}, [], (), "x", 3, -7, None, True, False, [[[]]], {"a": {}, "b": [], "c": ()},
    {"customer_id": None, "name": "Café \"Dupont\"\n\u2028\x00 S.A.", "total": "1234.50", "invoices": 3,
     "buckets": {"current": "0.00", "90+": "-12.00"}, "items": [{"days": None, "paid": False}]},
    {"rate": 1.0825, "n": [1.5, 2]},     # floats: json.dumps' own text
    {1: "a", "b": 2},                    # a key that is not text
])
def test_the_text_is_json_dumps_own(value):
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)
