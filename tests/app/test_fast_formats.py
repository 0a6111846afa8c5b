"""Money, numbers and percentages come out exactly as Babel writes them, through the learnt shapes."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal

from app import i18n

EDGES = ["0", "0.005", "0.015", "2.675", "1.005", "999999.995", "0.5", "1.5", "2.5", "1234567.891", "1E+3", "7E-9"]


def samples(seed: int, count: int = 300) -> list[Decimal]:
    rng = random.Random(seed)
    values = [Decimal(e) for e in EDGES]
    for _ in range(count):
        raw = Decimal(rng.randint(0, 10 ** rng.randint(0, 13))).scaleb(-rng.randint(0, 9))
        values.append(raw)
    return values


@pytest.mark.parametrize("locale", ["fr", "en", "en-GB"])
@pytest.mark.parametrize("currency", ["EUR", "USD", "GBP", "MAD", "JPY", "NGN", "KWD", "XOF"])
def test_money_is_written_as_babel_writes_it(locale: str, currency: str) -> None:
    babel_locale = i18n._babel_locale(locale)
    for value in [*samples(len(currency) + len(locale)), *(-v for v in samples(7, 60)), Decimal("-0.001")]:
        expected = (f"{format_decimal(value, format='#,##0', locale=babel_locale)}\u00a0FCFA" if currency in i18n.CFA
                    else format_currency(value, currency, locale=babel_locale))
        assert i18n.fmt_money(value, currency, locale) == expected, (value, currency, locale)


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("digits", [0, 2, 4])
def test_numbers_and_percentages_are_written_as_babel_writes_them(locale: str, digits: int) -> None:
    babel_locale = i18n._babel_locale(locale)
    pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
    for value in [*samples(digits), *(-v for v in samples(9, 60)), Decimal("-0.00001")]:
        assert i18n.fmt_number(value, digits, locale) == format_decimal(value, format=pattern, locale=babel_locale)
    assert i18n.fmt_pct(Decimal("2.405"), "fr") == "2,40\u00a0%" and i18n.fmt_pct(Decimal("2.415"), "en") == "2.42%"
