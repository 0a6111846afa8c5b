"""Minor units of the currencies money is counted in: the CFA francs have none (no centimes), the euro has cents."""

from __future__ import annotations

from decimal import Decimal

ZERO_DECIMAL = frozenset({"XOF", "XAF"})


def places(currency: str) -> Decimal:
    return Decimal(1) if currency.upper() in ZERO_DECIMAL else Decimal("0.01")


def is_exact(amount: Decimal, currency: str) -> bool:
    """No fractions of the currency's smallest unit (no centimes of a CFA franc)."""
    return amount == amount.quantize(places(currency))
