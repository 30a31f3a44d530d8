"""money: every usual spelling parses to minor units, and what we format parses back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arctl.money import (
    SUPPORTED_LOCALES,
    AmountError,
    Money,
    currency_decimals,
    decimal_symbol,
    format_money,
    parse_amount,
    plain_amount,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("1\u202f234,56", 123456),
        ("1 234,56", 123456),
        ("-12,50", -1250),
        ("(12.50)", -1250),
        ("12,50-", -1250),
        ("€ 1.234,56", 123456),
        ("EUR 12.50", 1250),
        ("12.50 EUR", 1250),
        ("$13.50", 1350),
        ("1234", 123400),
        ("0,5", 50),
        ("1.234.567,89", 123456789),
        ("−7,00", -700),
    ],
)
def test_usual_spellings_parse_to_cents(text, expected):
    assert parse_amount(text, "EUR") == expected


def test_a_single_mark_before_three_digits_is_a_thousands_separator_for_a_two_decimal_currency():
    assert parse_amount("1.500", "EUR") == 150000
    assert parse_amount("1,500", "EUR") == 150000


def test_the_columns_decimal_mark_decides_an_ambiguous_value():
    assert parse_amount("1,500", "EUR", decimal=",") == 150
    assert parse_amount("1.500", "EUR", decimal=".") == 150


def test_a_three_decimal_currency_reads_three_decimals():
    assert parse_amount("1,234", "BHD", decimal=",") == 1234
    assert currency_decimals("BHD") == 3


def test_yen_has_no_minor_unit():
    assert parse_amount("¥1,234,567", "JPY") == 1234567
    assert plain_amount(1234567, "JPY") == "1234567"


def test_trailing_zero_decimals_beyond_the_currency_are_accepted():
    assert parse_amount("12.500", "EUR", decimal=".") == 1250


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("abc", "not an amount"),
        ("12.345", "more decimals"),
        ("1.2.3,4,5", "more than once"),
        ("--5", "more than one sign"),
        ("12€34", "not an amount"),
        ("1,23.45", "groups of three"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_a_reason(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_amount(text, "EUR", decimal="." if text == "12.345" else None)


def test_unknown_currency_is_refused():
    with pytest.raises(AmountError, match="unknown currency code 'EURO'"):
        parse_amount("12,50", "EURO")


def test_money_holds_only_integers():
    with pytest.raises(TypeError):
        Money(12.5, "EUR")  # type: ignore[arg-type]


def test_plain_amounts_keep_the_currencys_decimals():
    assert plain_amount(123450, "EUR") == "1234.50"
    assert plain_amount(-5, "EUR") == "-0.05"
    assert plain_amount(0, "EUR") == "0.00"


def test_formatting_follows_the_locale():
    assert format_money(123456, "EUR", "nl_BE") == "€\xa01.234,56"
    assert format_money(123456, "EUR", "fr_BE") == "1\u202f234,56\xa0€"
    assert format_money(123456, "EUR", "en_GB") == "€1,234.56"


CURRENCIES = st.sampled_from(["EUR", "USD", "GBP", "CHF", "JPY", "SEK", "PLN", "BHD"])
MINOR = st.integers(min_value=-10**13, max_value=10**13)


@given(minor=MINOR, currency=CURRENCIES, locale=st.sampled_from(SUPPORTED_LOCALES))
def test_parse_of_format_is_identity_with_the_locales_decimal_mark(minor, currency, locale):
    text = format_money(minor, currency, locale)
    assert parse_amount(text, currency, decimal=decimal_symbol(locale)) == minor


@given(minor=MINOR, currency=st.sampled_from(["EUR", "USD", "GBP", "CHF", "JPY"]),
       locale=st.sampled_from(SUPPORTED_LOCALES))
def test_parse_of_format_is_identity_without_being_told_the_mark(minor, currency, locale):
    assert parse_amount(format_money(minor, currency, locale), currency) == minor


@given(minor=MINOR, currency=CURRENCIES)
def test_parse_of_plain_is_identity(minor, currency):
    assert parse_amount(plain_amount(minor, currency), currency, decimal=".") == minor


@settings(max_examples=400)
@given(st.integers(min_value=-10**14, max_value=10**14),
       st.sampled_from(["EUR", "USD", "JPY", "CHF", "GBP", "BHD"]),
       st.sampled_from(["nl_BE", "fr_BE", "de_BE", "en_BE", "nl_NL", "de_DE", "fr_FR", "en_GB", "es_ES", "de_CH",
                        "hi_IN", "ja_JP"]))
def test_amounts_are_written_exactly_as_babel_writes_them(minor, currency, locale):
    from babel.numbers import format_currency

    from arctl.money import format_money, to_decimal

    assert format_money(minor, currency, locale) == format_currency(to_decimal(minor, currency), currency,
                                                                    locale=locale)


def test_belgian_and_dutch_amounts_take_the_cached_shape_not_babel_each_time():
    from arctl.money import _money_shape

    assert _money_shape("EUR", "nl_BE") is not None and _money_shape("EUR", "fr_BE") is not None
    assert _money_shape("EUR", "hi_IN") is None  # lakhs: left to Babel
