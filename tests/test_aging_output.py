"""aging's writers: credits, --detail, --currency with --rates, the CSV's locale and formula-safe text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from arctl.cli import app
from arctl.model import formula_safe
from arctl.render.aging import print_aging
from arctl.reports.aging import aging

AS_OF = "2026-11-26"
HEADER = "Invoice No.,Customer ID,Customer,Invoice Date,Due Date,Currency,Amount,Amount Due"
# Two customers, a credit note and a second currency; days past due on 2026-11-26 in the comments.
ROWS = [
    "F-101,K1,Bakkerij Peeters,2026-10-01,2026-10-31,EUR,1210.00,1210.00",    # 26 days: 1-30
    "F-102,K1,Bakkerij Peeters,2026-08-01,2026-08-31,EUR,500.00,500.00",      # 87 days: 61-90
    "CN-7,K1,Bakkerij Peeters,2026-11-20,2026-11-20,EUR,-200.00,-200.00",     # 6 days: 1-30, a credit note
    "F-103,K2,Slagerij Janssens,2026-11-01,2026-12-01,EUR,99.95,99.95",      # not due yet: current
    "F-201,K3,Acme Inc.,2026-09-01,2026-10-01,USD,1000.00,1000.00",           # 56 days: 31-60
]


def export(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "open.csv"
    path.write_text("\n".join([HEADER, *(rows or ROWS)]) + "\n", encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_a_customer_named_like_a_formula_is_written_as_text_in_the_csv(tmp_path):
    path = export(tmp_path, 'F-1,K1,"=HYPERLINK(""http://x"",""y"")",2026-10-01,2026-10-31,EUR,10.00,10.00')

    result = run("aging", str(path), "--as-of", AS_OF, "--format", "csv")

    assert result.exit_code == 0, result.output
    [_, row, _] = list(csv.reader(io.StringIO(result.stdout)))
    assert row[1] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert not any(cell.startswith(("=", "+", "@")) for line in csv.reader(io.StringIO(result.stdout))
                   for cell in line)


@pytest.mark.parametrize(("text", "safe"), [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'), ("  =1+1", "'  =1+1"), ("+1-1", "'+1-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-12.50", "-12.50"), ("Peeters BV", "Peeters BV")])
def test_formula_safe_text_keeps_plain_text_and_numbers_and_neutralises_the_rest(text, safe):
    assert formula_safe(text) == safe


def test_aging_csv_follows_the_locale_delimiter_and_decimal_mark(tmp_path):
    dutch = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "csv", "--locale", "nl_BE")
    english = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "csv", "--locale", "en_GB")

    assert dutch.exit_code == english.exit_code == 0, dutch.output + english.output
    assert dutch.stdout.splitlines()[0] == "customer_id;name;currency;total;credits;current;1-30;31-60;61-90;90+"
    # K1: 1210.00 + 500.00 − 200.00 = 1510.00, of which −200.00 credits; 1-30 holds 1210.00 − 200.00
    assert dutch.stdout.splitlines()[1] == "K1;Bakkerij Peeters;EUR;1510,00;-200,00;0,00;1010,00;0,00;500,00;0,00"
    assert english.stdout.splitlines()[1] == "K1,Bakkerij Peeters,EUR,1510.00,-200.00,0.00,1010.00,0.00,500.00,0.00"


def test_aging_csv_without_locale_or_workspace_is_english_whatever_the_machine_says(tmp_path):
    result = CliRunner().invoke(app, ["aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "csv"],
                                env={"LANG": "nl_BE.UTF-8", "LC_ALL": "nl_BE.UTF-8"})

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("customer_id,name,currency,total,credits,")


def test_credit_notes_are_shown_as_credits_and_counted_in_the_net_total(tmp_path):
    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "json")

    document = json.loads(result.stdout)
    k1 = next(c for c in document["customers"] if c["customer_id"] == "K1")
    eur = next(t for t in document["totals"] if t["currency"] == "EUR")
    assert (k1["total"], k1["credits"]) == ("1510.00", "-200.00")
    # EUR: 1210.00 + 500.00 − 200.00 + 99.95 = 1609.95
    assert (eur["total"], eur["credits"], eur["invoices"]) == ("1609.95", "-200.00", 4)


def test_detail_lists_each_item_under_its_customer_in_json(tmp_path):
    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "json", "--detail")

    assert result.exit_code == 0, result.output
    k1 = next(c for c in json.loads(result.stdout)["customers"] if c["customer_id"] == "K1")
    assert k1["items"] == [
        {"kind": "invoice", "reference": "F-102", "issue_date": "2026-08-01", "due_date": "2026-08-31", "days": 87,
         "bucket": "61-90", "amount": "500.00"},
        {"kind": "invoice", "reference": "F-101", "issue_date": "2026-10-01", "due_date": "2026-10-31", "days": 26,
         "bucket": "1-30", "amount": "1210.00"},
        {"kind": "credit_note", "reference": "CN-7", "issue_date": "2026-11-20", "due_date": "2026-11-20",
         "days": 6, "bucket": "1-30", "amount": "-200.00"},
    ]


def test_without_detail_the_json_has_no_items(tmp_path):
    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "json")

    assert all("items" not in c for c in json.loads(result.stdout)["customers"])


def test_detail_csv_puts_the_item_rows_after_their_customer_row(tmp_path):
    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "csv", "--detail")

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["customer_id"], r["kind"], r["reference"]) for r in rows] == [
        ("K1", "customer", ""), ("K1", "invoice", "F-102"), ("K1", "invoice", "F-101"), ("K1", "credit_note", "CN-7"),
        ("K2", "customer", ""), ("K2", "invoice", "F-103"),
        ("K3", "customer", ""), ("K3", "invoice", "F-201"),
        ("TOTAL", "total", ""), ("TOTAL", "total", "")]
    credit = rows[3]
    assert (credit["total"], credit["credits"], credit["1-30"], credit["days"]) == \
        ("-200.00", "-200.00", "-200.00", "6")


def test_detail_on_the_terminal_shows_each_item_under_its_customer(tmp_path):
    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--detail")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    k1 = next(n for n, line in enumerate(lines) if "Bakkerij Peeters" in line)
    assert "invoice F-102 2026-08-31" in lines[k1 + 1]
    assert "credit note CN-7 2026-11-20" in result.stdout
    assert "credits" in result.stdout


RATES = "currency,rate\nUSD,0.9250\n"


def test_currency_with_rates_converts_every_amount_and_shows_the_rates(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES, encoding="utf-8")

    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "json", "--currency", "EUR",
                 "--rates", str(rates))

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["converted_to"] == "EUR"
    assert document["rates"] == [{"currency": "USD", "rate": "0.9250"}]
    k3 = next(c for c in document["customers"] if c["customer_id"] == "K3")
    # USD 1000.00 × 0.9250 = EUR 925.00, in the 31-60 bucket
    assert (k3["currency"], k3["total"], k3["buckets"]["31-60"]) == ("EUR", "925.00", "925.00")
    # one total: EUR 1609.95 + 925.00 = 2534.95
    assert [(t["currency"], t["total"]) for t in document["totals"]] == [("EUR", "2534.95")]


def test_conversion_rounds_half_even_once_per_item():
    import datetime as dt

    import pandas as pd

    from arctl.model import AgingRate

    frame = pd.DataFrame({
        "invoice_id": ["A", "B"], "customer_id": ["K", "K"], "customer_name": ["K", "K"], "currency": ["USD", "USD"],
        "issue_date": pd.to_datetime(["2026-11-01"] * 2), "due_date": pd.to_datetime(["2026-11-01"] * 2),
        "amount": [1, 5], "open_amount": [1, 5]})
    # 0.01 USD × 0.5 = 0.005 EUR → 0.00 and 0.05 × 0.5 = 0.025 → 0.02 (half to even, each item on its own):
    # 0.02 in all, where rounding half up would give 0.01 + 0.03 and converting the sum 0.06 × 0.5 = 0.03
    report = aging(frame, dt.date(2026, 11, 26), convert_to="EUR", rates=(AgingRate("USD", "0.5"),))
    assert report.totals[0].total == 2
    assert report.rates == (AgingRate("USD", "0.5"),)


def test_csv_and_terminal_show_the_rates_used(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES, encoding="utf-8")
    common = [str(export(tmp_path)), "--as-of", AS_OF, "--currency", "EUR", "--rates", str(rates)]

    table = run("aging", *common)
    sheet = run("aging", *common, "--format", "csv", "--locale", "nl_BE")

    assert table.exit_code == sheet.exit_code == 0, table.output + sheet.output
    assert "converted into EUR at 1 USD = 0.9250 EUR" in table.stdout
    assert sheet.stdout.splitlines()[-1] == "RATE;USD;EUR;0,9250"


def test_a_currency_without_a_rate_is_a_usage_error_naming_the_file_and_the_currency(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate\nGBP,1.15\n", encoding="utf-8")

    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--currency", "EUR", "--rates", str(rates))

    assert result.exit_code == 2, result.output
    assert f"--rates {rates}: no rate for USD" in result.stderr


def test_a_bad_rate_names_the_file_line_and_cell(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate\nUSD,zero\n", encoding="utf-8")

    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--currency", "EUR", "--rates", str(rates))

    assert result.exit_code != 0
    assert f"{rates}:2:rate: 'zero' is not a positive decimal number" in result.stderr


def test_rates_without_currency_is_refused(tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES, encoding="utf-8")

    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--rates", str(rates))

    assert result.exit_code == 2
    assert "needs --currency" in result.stderr


def test_without_rates_several_currencies_stay_apart(tmp_path):
    result = run("aging", str(export(tmp_path)), "--as-of", AS_OF, "--format", "json")

    document = json.loads(result.stdout)
    assert [t["currency"] for t in document["totals"]] == ["EUR", "USD"]
    assert "converted_to" not in document


def test_terminal_colours_the_overdue_buckets_and_bolds_the_totals(tmp_path):
    import datetime as dt

    import pandas as pd

    frame = pd.DataFrame({
        "invoice_id": ["A", "B"], "customer_id": ["K", "K"], "customer_name": ["Klant", "Klant"],
        "currency": ["EUR", "EUR"], "issue_date": pd.to_datetime(["2026-06-01", "2026-11-01"]),
        "due_date": pd.to_datetime(["2026-07-01", "2026-11-20"]), "amount": [700, 100], "open_amount": [700, 100]})
    report = aging(frame, dt.date(2026, 11, 26))
    coloured, plain = Console(force_terminal=True, width=160, color_system="standard"), Console(width=160)
    with coloured.capture() as shown:
        print_aging(coloured, report, "en_GB")
    with plain.capture() as piped:
        print_aging(plain, report, "en_GB")

    assert "\x1b[33m" in shown.get() and "\x1b[31m" in shown.get()   # 1-30 yellow, 90+ red
    assert "\x1b[1m" in shown.get()                                     # the totals row bold
    assert "\x1b[" not in piped.get()                                   # no colour when not a terminal
