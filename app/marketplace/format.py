"""Fast money and percentage formatting for lists of projects.

Babel formats a number in about 0.1 ms; a page of twelve project cards needs some fifty of them. The
locale's shape (prefix, group and decimal separators, suffix) is learnt once from Babel's own rendering
of a probe number, then applied with plain string operations. The output is identical to
`app.i18n.fmt_money` / `fmt_pct` (a test compares them); negative amounts simply go to Babel.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import NamedTuple

from app.i18n import current_locale, fmt_money, fmt_pct

PROBE = Decimal("1234567.89")


class Shape(NamedTuple):
    prefix: str
    group: str
    decimal: str
    digits: int
    suffix: str


def _learn(rendered: str) -> Shape:
    first = rendered.index("1")
    last = max(rendered.rfind(d) for d in "0123456789")
    core = rendered[first:last + 1]
    digits = 2 if core.endswith("89") else 0
    return Shape(rendered[:first], core[1], core[-3] if digits else "", digits, rendered[last + 1:])


@lru_cache(maxsize=64)
def _money_shape(currency: str, locale: str) -> Shape:
    return _learn(fmt_money(PROBE, currency, locale))


@lru_cache(maxsize=4)
def _pct_shape(locale: str) -> Shape:
    return _learn(fmt_pct(Decimal("1234.89"), locale))


def _apply(value: Decimal, shape: Shape) -> str:
    exponent = Decimal(1).scaleb(-shape.digits)
    text = f"{value.quantize(exponent, rounding=ROUND_HALF_EVEN):f}"
    whole, _sep, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", shape.group)
    return f"{shape.prefix}{grouped}{shape.decimal}{fraction}{shape.suffix}"


def money(amount: Decimal | int | None, currency: str, locale: str | None = None) -> str:
    if amount is None or amount < 0:
        return fmt_money(amount, currency, locale)
    return _apply(Decimal(amount), _money_shape(currency, locale or current_locale.get()))


def pct(value: Decimal | None, locale: str | None = None) -> str:
    if value is None or value < 0:
        return fmt_pct(value, locale)
    return _apply(Decimal(value), _pct_shape(locale or current_locale.get()))


FILTERS = {"fast_money": money, "fast_pct": pct}
