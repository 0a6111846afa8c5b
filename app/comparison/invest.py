"""Save -> invest: what a year of savings on transfers would fund in the receiving country."""

from __future__ import annotations

from collections.abc import Sequence
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


@dataclass(frozen=True)
class Fundable:
    """A published project of the receiving country, as the suggestions show it."""

    slug: str
    title: str
    goal: Decimal
    currency: str


def fundable(session: Session, country: str, limit: int = 3) -> tuple[Fundable, ...]:
    """The published projects of ``country`` that end soonest (what the suggestions may name)."""
    listings = session.exec(select(Listing).where(Listing.country == country,
                                                  Listing.state == ListingState.published.value)
                            .order_by(col(Listing.deadline)).limit(limit)).all()
    return tuple(Fundable(listing.slug, listing.title, listing.goal, listing.currency) for listing in listings)


def suggestions(projects: Sequence[Fundable], yearly_saving: Decimal, currency: str) -> list[Suggestion]:
    """What ``yearly_saving`` (in ``currency``) is as a share of each project's goal."""
    found = []
    for project in projects:
        saving = convert_at_peg(yearly_saving, currency, project.currency)
        if saving is None or not project.goal:
            continue
        found.append(Suggestion(project.slug, project.title, project.goal, project.currency,
                                (saving / project.goal * 100).quantize(Decimal("0.1"))))
    return found


def projects_to_fund(session: Session, country: str, yearly_saving: Decimal, currency: str,
                     limit: int = 3) -> list[Suggestion]:
    return suggestions(fundable(session, country, limit), yearly_saving, currency)
