"""Amounts shown to members in their own currency as well: exact at a treaty peg, otherwise approximate at
the latest ECB reference rate stored, and labelled so ("≈ US$7,050, ECB rate of 2026-04-13").

The member's currency is the one of the country their browser names first (`Accept-Language: en-US` →
USD); a language without a country says nothing, and nothing is added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from litestar import Request
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import ReferenceRate
from basics.corridors import country_currency
from basics.pegs import EUR_PEGS


@dataclass(frozen=True)
class Approximate:
    amount: Decimal
    currency: str
    rate_date: dt.date


def from_request(request: Request[Any, Any, Any]) -> str | None:
    """The currency of the first country named in the browser's languages, if any."""
    for part in request.headers.get("accept-language", "").split(",")[:6]:
        tag = part.split(";")[0].strip().replace("_", "-")
        pieces = tag.split("-")
        if len(pieces) >= 2 and len(pieces[-1]) == 2 and pieces[-1].isalpha():
            return country_currency(pieces[-1].upper())
    return None


def _latest_per_eur(session: Session, currencies: set[str]) -> dict[str, tuple[Decimal, dt.date]]:
    """The newest ECB rate of each currency asked, in one query (its newest day among those currencies)."""
    newest = (select(ReferenceRate.currency, func.max(ReferenceRate.date).label("day"))
              .where(col(ReferenceRate.currency).in_(currencies), ReferenceRate.source == "ecb",
                     col(ReferenceRate.per_eur).is_not(None))
              .group_by(col(ReferenceRate.currency)).subquery())
    rows = session.exec(select(ReferenceRate).join(newest, (col(ReferenceRate.currency) == newest.c.currency)
                                                   & (col(ReferenceRate.date) == newest.c.day))
                        .where(ReferenceRate.source == "ecb", col(ReferenceRate.per_eur).is_not(None)))
    return {row.currency: (row.per_eur, row.date) for row in rows if row.per_eur}


def approximate(session: Session, amount: Decimal, currency: str, target: str | None) -> Approximate | None:
    """`amount` in the member's `target` currency at the latest ECB rate; None when it would add nothing
    (the same currency, a CFA franc or euro already shown exactly at the peg) or no rate is known."""
    if not target or {target, currency} <= {"EUR", *EUR_PEGS}:
        return None
    known: dict[str, tuple[Decimal, dt.date]] = {"EUR": (Decimal(1), dt.date.max)}
    known.update((code, (per_eur, dt.date.max)) for code, per_eur in EUR_PEGS.items())
    if not {currency, target} <= known.keys():
        known.update(_latest_per_eur(session, {currency, target} - known.keys()))
    source, wanted = known.get(currency), known.get(target)
    if source is None or wanted is None:
        return None
    converted = amount / source[0] * wanted[0]
    # Whole units: an approximation shown to the cent would look exact.
    return Approximate(converted.quantize(Decimal(1), rounding=ROUND_HALF_UP), target, min(source[1], wanted[1]))
