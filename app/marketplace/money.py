"""Listing currencies and the CFA franc equivalents shown beside euro amounts (at the fixed peg)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from basics.pegs import EUR_PEGS, convert_at_peg

# Goals are in euros by default; CFA francs are exact through the peg, so the two-approval threshold
# (in euros) applies to them without any market rate.
LISTING_CURRENCIES = ("EUR", "XOF", "XAF")
ZERO_DECIMAL = frozenset({"XOF", "XAF"})
CFA = ("XOF", "XAF")


def places(currency: str) -> Decimal:
    return Decimal(1) if currency in ZERO_DECIMAL else Decimal("0.01")


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(places(currency), rounding=ROUND_HALF_UP)


def is_exact(amount: Decimal, currency: str) -> bool:
    """No fractions of the currency's smallest unit (no centimes of a CFA franc)."""
    return amount == amount.quantize(places(currency))


def in_eur(amount: Decimal, currency: str) -> Decimal:
    if currency == "EUR":
        return amount
    converted = convert_at_peg(amount, currency, "EUR")
    if converted is None:
        raise KeyError(currency)
    return quantize(converted, "EUR")


def equivalent(amount: Decimal, currency: str, country_currency: str | None) -> tuple[Decimal, str] | None:
    """The amount in the other currency worth showing: CFA beside euros, euros beside CFA."""
    if currency == "EUR" and country_currency in CFA:
        assert country_currency is not None
        return quantize(amount * EUR_PEGS[country_currency], country_currency), country_currency  # exact
    if currency in CFA:
        return in_eur(amount, currency), "EUR"
    return None
