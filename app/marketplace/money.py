"""Listing currencies and the CFA franc equivalents shown beside euro amounts (at the fixed peg)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app.numbers import parse_decimal
from basics.minor_units import ZERO_DECIMAL, is_exact, places
from basics.pegs import EUR_PEGS, convert_at_peg

__all__ = ["ZERO_DECIMAL", "is_exact", "places"]

# Goals are in euros by default; CFA francs are exact through the peg, so the two-approval threshold
# (in euros) applies to them without any market rate.
LISTING_CURRENCIES = ("EUR", "XOF", "XAF")
CFA = ("XOF", "XAF")
# The largest goal, pledge or payout a form takes: far above any project here, far below the columns' 10^18.
CEILING = {"EUR": Decimal(10_000_000), "XOF": Decimal(6_500_000_000), "XAF": Decimal(6_500_000_000)}



def read_amount(raw: object, currency: str, *, field: str, minimum: Decimal | None = None,
                maximum: Decimal | None = None, invalid: str | None = None, too_small: str | None = None,
                too_large: str | None = None) -> Decimal:
    """An amount of `currency` typed in a form: whole francs CFA, euro cents, from one unit (or `minimum`)
    to CEILING (or `maximum`)."""
    unit = places(currency)
    ceiling = CEILING.get(currency, CEILING["EUR"])
    return parse_decimal(raw, field=field, places=0 if unit == 1 else 2, minimum=max(minimum or unit, unit),
                         maximum=ceiling if maximum is None else min(maximum, ceiling), currency=currency,
                         invalid=invalid, too_small=too_small, too_large=too_large)


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(places(currency), rounding=ROUND_HALF_UP)



def in_eur(amount: Decimal, currency: str) -> Decimal:
    if currency == "EUR":
        return amount
    converted = convert_at_peg(amount, currency, "EUR")
    if converted is None:
        raise KeyError(currency)
    return quantize(converted, "EUR")


def from_eur(amount: Decimal, currency: str) -> Decimal:
    """Euros in a listing currency (CFA francs at the fixed peg), rounded to the currency's unit."""
    if currency == "EUR":
        return amount
    converted = convert_at_peg(amount, "EUR", currency)
    if converted is None:
        raise KeyError(currency)
    return quantize(converted, currency)


def equivalent(amount: Decimal, currency: str, country_currency: str | None) -> tuple[Decimal, str] | None:
    """The amount in the other currency worth showing: CFA beside euros, euros beside CFA."""
    if currency == "EUR" and country_currency in CFA:
        assert country_currency is not None
        return quantize(amount * EUR_PEGS[country_currency], country_currency), country_currency  # exact
    if currency in CFA:
        return in_eur(amount, currency), "EUR"
    return None
