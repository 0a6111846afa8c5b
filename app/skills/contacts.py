"""Contact details of the other side of a mission, and only once both sides have said yes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.models import Listing, User
from app.models.skills import Host, Mission, Need
from app.skills.mission_mails import host_side
from app.skills.missions import AGREED


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str = ""
    organisation: str = ""


def exchanged(mission: Mission) -> bool:
    return mission.state in AGREED


def of_host(session: Session, mission: Mission, need: Need) -> list[Contact]:
    """What the member sees of the host once the mission is agreed: the people answering for the need, the
    institution's name and phone (or the project's organisation)."""
    if not exchanged(mission):
        return []
    organisation, phone = "", ""
    if need.host_id is not None and (host := session.get(Host, need.host_id)) is not None:
        organisation, phone = host.name, host.phone
    elif need.listing_id is not None and (listing := session.get(Listing, need.listing_id)) is not None:
        organisation = listing.org_name or listing.title
    return [Contact(name=person.display_name, email=person.email, phone=phone, organisation=organisation)
            for person in host_side(session, need)]


def of_member(session: Session, mission: Mission) -> Contact | None:
    """What the host sees of the member once the mission is agreed."""
    if not exchanged(mission):
        return None
    member = session.get(User, mission.member_id)
    if member is None or member.deleted_at is not None:
        return None
    return Contact(name=member.display_name, email=member.email)
