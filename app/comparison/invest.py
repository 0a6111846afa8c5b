"""Save -> invest: what a year of savings on transfers would fund in the receiving country."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from app.models.marketplace import Listing, ListingState
from basics.pegs import convert_at_peg


@dataclass(frozen=True)
class Suggestion:
    slug: str
    title: str
    goal: Decimal
    currency: str
    share_pct: Decimal  # the yearly saving as a share of the project's goal


def projects_to_fund(session: Session, country: str, yearly_saving: Decimal, currency: str,
                     limit: int = 3) -> list[Suggestion]:
    listings = session.exec(select(Listing).where(Listing.country == country,
                                                  Listing.state == ListingState.published.value)
                            .order_by(col(Listing.deadline)).limit(limit)).all()
    found = []
    for listing in listings:
        saving = convert_at_peg(yearly_saving, currency, listing.currency)
        if saving is None or not listing.goal:
            continue
        found.append(Suggestion(listing.slug, listing.title, listing.goal, listing.currency,
                                (saving / listing.goal * 100).quantize(Decimal("0.1"))))
    return found
