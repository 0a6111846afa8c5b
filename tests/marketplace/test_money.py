"""Money at the edges: the fast list formatter matches Babel's, and Stripe gets exact minor units."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from app.billing.gateway import from_minor, to_minor
from app.i18n import fmt_money, fmt_pct
from app.marketplace.format import money, pct
from app.marketplace.money import equivalent, in_eur


def test_fast_formatting_is_identical_to_babel():
    rng = random.Random(7)
    values = [Decimal(0), Decimal("0.5"), Decimal("999.995"), Decimal("1000"), Decimal("-12.5")] + [
        Decimal(rng.randrange(0, 10**10)) / rng.choice((1, 100, 1000)) for _ in range(500)]
    for locale in ("fr", "en"):
        for currency in ("EUR", "XOF", "XAF", "USD"):
            assert [money(v, currency, locale) for v in values] == [fmt_money(v, currency, locale) for v in values]
        assert [pct(v, locale) for v in values] == [fmt_pct(v, locale) for v in values]


def test_minor_units_at_the_stripe_boundary():
    assert to_minor(Decimal("12.34"), "EUR") == 1234
    assert to_minor(Decimal("65000"), "XOF") == 65000 and to_minor(Decimal("5000"), "XAF") == 5000
    assert from_minor(1234, "eur") == Decimal("12.34") and from_minor(65000, "xof") == Decimal(65000)
    with pytest.raises(ValueError):
        to_minor(Decimal("12.345"), "EUR")
    with pytest.raises(ValueError):
        to_minor(Decimal("100.5"), "XOF")


def test_cfa_equivalents_use_the_fixed_peg():
    assert equivalent(Decimal("1000"), "EUR", "XOF") == (Decimal("655957"), "XOF")
    assert equivalent(Decimal("655957"), "XAF", "XAF") == (Decimal("1000.00"), "EUR")
    assert equivalent(Decimal("1000"), "EUR", "GHS") is None
    assert in_eur(Decimal("10000000"), "XOF") == Decimal("15244.90")
