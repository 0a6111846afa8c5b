"""The project page's "Expertise wanted" section and its days of expertise given, registered into the
marketplace's section registry (the marketplace never imports skills)."""

from __future__ import annotations

from sqlmodel import Session

from app.marketplace.sections import Section, register
from app.models import Listing, User
from app.skills import needs


def expertise(session: Session, listing: Listing, _viewer: User | None) -> Section | None:
    assert listing.id is not None
    wanted = needs.published_for_listing(session, listing.id)
    days = needs.days_given(session, listing_id=listing.id)
    if not wanted and not days:
        return None
    return Section("partials/_project_expertise.html", {"needs": wanted, "days": days})


def install() -> None:
    register(expertise)
