"""Currencies fixed to the euro by treaty: their rate is law, not a market observation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import NamedTuple

# Units of currency per 1 EUR, fixed since the euro replaced the French franc (1999-01-01).
EUR_PEGS: dict[str, Decimal] = {
    "XOF": Decimal("655.957"),  # CFA franc BCEAO (West Africa)
    "XAF": Decimal("655.957"),  # CFA franc BEAC (Central Africa)
    "KMF": Decimal("491.96775"),  # Comorian franc
    "CVE": Decimal("110.265"),  # Cape Verdean escudo
}


def convert_at_peg(amount: Decimal, source: str, target: str) -> Decimal | None:
    """Exact conversion between the euro and the currencies pegged to it (unrounded); None otherwise."""
    per_eur = {"EUR": Decimal(1), **EUR_PEGS}
    if source not in per_eur or target not in per_eur:
        return None
    return amount if source == target else amount / per_eur[source] * per_eur[target]


class PegRow(NamedTuple):
    date: date
    currency: str
    per_eur: Decimal
    source: str


def peg_rows(dates: Iterable[date]) -> Iterator[PegRow]:
    """One row per pegged currency and date, shaped like the ECB rows (source "peg")."""
    for day in dates:
        for currency, per_eur in EUR_PEGS.items():
            yield PegRow(day, currency, per_eur, "peg")
