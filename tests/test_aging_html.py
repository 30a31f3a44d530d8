"""`arctl aging -o aging.html`: one self-contained page — valid HTML, nothing loaded from the network, names shown
as written (never run), amounts in the workspace's locale, charts as inline SVG, KPIs only when given."""

from __future__ import annotations

import datetime as dt
import re

import html5lib
import pytest

from arctl.model import AgingRate, AgingReport, AgingRow
from arctl.render.aging_html import aging_html, bar_chart, top_overdue

AS_OF = dt.date(2026, 11, 26)
LABELS = ("current", "1-30", "31-60", "61-90", "90+")
SCRIPT_NAME = "<script>alert('x')</script> Peeters & Zn"
JINJA_NAME = "{{ 7*7 }}{% raw %} BV"
URL = re.compile(r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""",
                 re.IGNORECASE)


def row(customer_id, name, currency, buckets, invoices=1, credits=0):
    return AgingRow(customer_id, name, currency, sum(buckets), tuple(buckets), invoices, credits)


def report(customers=None, **extra) -> AgingReport:
    customers = customers or (
        row("K0001", "Bakkerij Peeters BV", "EUR", (-12100, 121000, 0, 48400, 0), invoices=3, credits=-12100),
        row("K0002", "Garage Janssens BVBA", "EUR", (0, 0, 30250, 0, 99999), invoices=2),
        row("K0003", "Slagerij Vermeulen", "EUR", (50000, 0, 0, 0, 0)),
        row("X0004", "Hollin Tooling Ltd", "USD", (0, 0, 0, 0, 1553634)),
    )
    totals = []
    for currency in dict.fromkeys(line.currency for line in customers):
        mine = [line for line in customers if line.currency == currency]
        totals.append(row(None, None, currency, [sum(line.buckets[i] for line in mine) for i in range(5)],
                          sum(line.invoices for line in mine), sum(line.credits for line in mine)))
    return AgingReport(AS_OF, "due", LABELS, tuple(customers), tuple(totals), **extra)


def strict_parse(page: str):
    """html5lib in strict mode raises on the first parse error of the WHATWG algorithm."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)


def test_the_page_is_valid_html5():
    document = strict_parse(aging_html(report(), "nl_BE"))

    assert document.find("head/title").text == "Aging report – 2026-11-26"


def test_the_page_loads_nothing_from_anywhere_else():
    page = aging_html(report(), "nl_BE", kpis={"DSO": "41 days"}, company="Voorbeeld BV")

    assert not URL.search(page)
    assert "http" not in page and "<script" not in page and "<link" not in page and "@import" not in page


def test_a_customer_name_with_html_or_jinja_in_it_is_shown_as_written():
    hostile = report(customers=(row("K<1>", SCRIPT_NAME, "EUR", (0, 5000, 0, 0, 0)),
                                row("K0002", JINJA_NAME, "EUR", (0, 0, 7000, 0, 0))))
    page = aging_html(hostile, "nl_BE", company="<b>Voorbeeld</b>")
    document = strict_parse(page)

    assert document.find(".//script") is None and document.find(".//body//b") is None
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Peeters &amp; Zn" in page
    assert "{{ 7*7 }}{% raw %} BV" in page and ">49" not in page
    cells = [cell.text for cell in document.iter("td")]
    assert SCRIPT_NAME in cells and JINJA_NAME in cells and "K<1>" in cells


def test_amounts_are_written_for_the_workspaces_locale():
    page = aging_html(report(), "nl_BE")
    english = aging_html(report(), "en_GB")

    # K0001: -121,00 + 1.210,00 + 484,00 = € 1.573,00 (nl_BE writes the euro sign and a no-break space first,
    # a comma for decimals; CLDR)
    assert "€\u00a01.573,00" in page and "€\u00a0-121,00" in page
    assert "€1,573.00" in english


def test_the_aging_table_has_a_total_row_per_currency():
    document = strict_parse(aging_html(report(), "nl_BE"))

    totals = [[cell.text for cell in line.iter("td")] for line in document.iter("tr") if line.get("class") == "total"]
    # EUR: -121,00 + 1.210,00 + 302,50 + 484,00 + 999,99 + 500,00 = 3.375,49 over 6 open items
    assert totals[0][:3] == ["TOTAL", "6 open items", "EUR"] and totals[0][8] == "€\u00a03.375,49"
    assert totals[1][:3] == ["TOTAL", "1 open items", "USD"]


def test_the_charts_are_inline_svg_with_a_part_per_bucket_holding_an_amount():
    document = strict_parse(aging_html(report(), "nl_BE"))

    charts = document.findall(".//{http://www.w3.org/2000/svg}svg")
    # one chart over the currencies, and one of the top overdue customers per currency
    assert len(charts) == 3
    parts = [rect.find("{http://www.w3.org/2000/svg}title").text
             for rect in charts[0].iter("{http://www.w3.org/2000/svg}rect")]
    # EUR current: -121,00 (K0001's credit) + 500,00 (K0003) = 379,00
    assert [part.replace("\u00a0", " ") for part in parts[:5]] == [
        "current: € 379,00", "1-30: € 1.210,00", "31-60: € 302,50", "61-90: € 484,00", "90+: € 999,99"]


def test_the_top_overdue_customers_are_those_with_the_most_past_due():
    # overdue = every bucket but current: K0001 1.210,00 + 484,00 = 1.694,00; K0002 302,50 + 999,99 = 1.302,49;
    # K0003 has only current amounts and is not overdue
    assert [line.customer_id for line in top_overdue(report(), "EUR")] == ["K0001", "K0002"]


def test_credits_are_drawn_left_of_the_axis_and_each_currency_on_its_own_scale():
    chart = bar_chart("t", [("EUR", row(None, None, "EUR", (-100, 300, 100, 0, 0)))], LABELS, "nl_BE",
                      shared_scale=False)

    # bar area 900 - 230 (labels) - 150 (values) = 520 px for 100 left + 400 right: 1.04 px a cent;
    # the axis at 230 + 100 × 1.04 = 334
    parts = [(part.x, part.width) for part in chart.bars[0].segments]
    assert parts == [(230.0, 104.0), (334.0, 312.0), (646.0, 104.0)]


def test_customers_of_one_currency_share_one_scale():
    rows = [("A", row("A", "A", "EUR", (0, 400, 0, 0, 0))), ("B", row("B", "B", "EUR", (0, 0, 100, 0, 0)))]
    chart = bar_chart("t", rows, LABELS, "nl_BE", shared_scale=True)

    # 520 px for the widest bar (400): B's 100 is a quarter of it
    assert [bar.segments[0].width for bar in chart.bars] == [520.0, 130.0]


def test_the_kpi_section_appears_only_when_kpis_are_given():
    without = strict_parse(aging_html(report(), "nl_BE"))
    page = aging_html(report(), "nl_BE", kpis={"DSO (standard)": "41 days", "<i>overdue</i> share": "38,2 %"})
    document = strict_parse(page)

    assert without.find(".//dl") is None
    assert [(dt_.text) for dt_ in document.iter("dt")] == ["DSO (standard)", "<i>overdue</i> share"]
    assert [dd.text for dd in document.iter("dd")] == ["41 days", "38,2 %"]


def test_a_converted_report_shows_its_rates():
    page = aging_html(report(converted_to="EUR", rates=(AgingRate("USD", "0.9215"),)), "nl_BE")

    assert "every amount converted to EUR" in page and "<td>USD</td><td class=\"amount\">0.9215</td>" in page


def test_a_workspace_template_replaces_the_shipped_one(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "aging.html.j2").write_text(
        "<!DOCTYPE html><title>Ouderdom</title><p>{% for row in customers %}{{ row.name }};{% endfor %}</p>\n",
        encoding="utf-8")

    page = aging_html(report(customers=(row("K1", SCRIPT_NAME, "EUR", (0, 1, 0, 0, 0)),)), "nl_BE",
                      templates=tmp_path)

    assert page.startswith("<!DOCTYPE html><title>Ouderdom</title><p>&lt;script&gt;")


@pytest.mark.parametrize("locale", ["nl_BE", "fr_BE", "de_DE", "en_US"])
def test_every_locale_gives_valid_html(locale):
    strict_parse(aging_html(report(), locale))


def test_a_report_with_nothing_open_is_a_valid_page_without_charts():
    document = strict_parse(aging_html(AgingReport(AS_OF, "due", LABELS, (), ()), "nl_BE"))

    assert document.find(".//{http://www.w3.org/2000/svg}svg") is None
