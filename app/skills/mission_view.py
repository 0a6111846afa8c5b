"""What mission pages say about a need (who hosts it, where) and about the member's profile (to the host
of an offer and to staff only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.models import Listing
from app.models.skills import Host, Need, SkillProfile


@dataclass(frozen=True)
class NeedAbout:
    host: str  # the institution, or the project's organisation
    town: str
    country: str
    listing_slug: str = ""
    host_id: int | None = None


def describe_need(db: Session, need: Need) -> NeedAbout:
    if need.host_id is not None and (host := db.get(Host, need.host_id)) is not None:
        return NeedAbout(host=host.name, town=need.town or host.town, country=need.country, host_id=host.id)
    if need.listing_id is not None and (listing := db.get(Listing, need.listing_id)) is not None:
        return NeedAbout(host=listing.org_name or listing.title, town=need.town or listing.town,
                         country=need.country, listing_slug=listing.slug)
    return NeedAbout(host="", town=need.town, country=need.country)


def tags(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def profile_facts(profile: SkillProfile) -> dict[str, object]:
    """The profile as the host of an offer (or staff) reads it: occupation, skills, languages, availability."""
    return {"occupation": profile.occupation, "job_title": profile.job_title, "skills": tags(profile.skills),
            "languages": profile.languages.split(), "origin": profile.origin_country,
            "residence": profile.residence_country, "mode": profile.mode, "days_per_year": profile.days_per_year,
            "qualifications": profile.qualifications, "summary": profile.summary}
