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


def test_the_aging_report_written_row_by_row_is_json_dumps_own():
    import datetime as dt

    from arctl.model import AgingRate, AgingReport, AgingRow
    from arctl.render.aging import aging_json, aging_json_text

    labels = ("current", "1-30", "31-60", "61-90", "90+")
    customers = (
        AgingRow("K1", 'Café "Dupont"\n S.A.', "EUR", 123456, (100000, 23456, 0, 0, 0), 3, -500),
        AgingRow(None, "unidentified payments", "EUR", -1250, (-1250, 0, 0, 0, 0), 0, -1250),
        AgingRow("K2", "Yamada", "JPY", 1500, (0, 0, 0, 0, 1500), 1, 0),
    )
    totals = (AgingRow(None, None, "EUR", 122206, (98750, 23456, 0, 0, 0), 3, -1750),
              AgingRow(None, None, "JPY", 1500, (0, 0, 0, 0, 1500), 1, 0))
    for report in (
        AgingReport(dt.date(2026, 11, 26), "due", labels, customers, totals),
        AgingReport(dt.date(2026, 11, 26), "issue", labels, (), ()),
        AgingReport(dt.date(2026, 11, 26), "due", labels, customers, totals, converted_to="EUR",
                    rates=(AgingRate("JPY", "0.0062"),)),
    ):
        assert aging_json_text(report) == json.dumps(aging_json(report), ensure_ascii=False, indent=2)


def test_a_long_list_of_flat_records_laid_out_record_by_record_is_json_dumps_own():
    from arctl.render.jsontext import dumps_with_records

    invoices = [{"invoice": f"2026-{n:04d}", "customer": "Bakkerij Peeters", "open": "1.210,00", "days": n,
                 "paused": None if n % 3 else "disputed", "reviewed": n % 2 == 0} for n in range(50)]
    document = {"as_of": "2026-11-26", "invoices": invoices, "warnings": ["consumers not dunned — C-0042"]}

    assert dumps_with_records(document, "invoices") == json.dumps(document, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("rows", [[], [{"a": 1}, {"b": 2}], [{"a": [1, 2]}, {"a": {"b": "é"}}], [{}], [{"a": 1.5}]])
def test_records_of_another_shape_are_written_as_json_dumps_writes_them(rows):
    from arctl.render.jsontext import dumps_with_records

    document = {"rows": rows, "as_of": "2026-11-26"}
    assert dumps_with_records(document, "rows") == json.dumps(document, ensure_ascii=False, indent=2)
