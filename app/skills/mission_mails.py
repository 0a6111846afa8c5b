"""The mail at each step of an offer, to the people concerned, each in their own language (the outbox)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.marketplace.notify import N_, mail_user
from app.models import Listing, Role, User
from app.models.skills import Host, Mission, Need
from app.settings import get_settings


def _url(session: Session, path: str) -> str:
    """An absolute link: the serving app's SITE_URL (pages put it in `session.info`), else the settings'."""
    return f"{session.info.get('site_url') or get_settings().site_url}{path}"


def host_side(session: Session, need: Need) -> list[User]:
    """Who answers for the need: its poster, and the host institution's or listing's account if another."""
    ids = [need.posted_by]
    if need.host_id is not None and (host := session.get(Host, need.host_id)) is not None:
        ids.append(host.user_id)
    if need.listing_id is not None and (listing := session.get(Listing, need.listing_id)) is not None:
        ids.append(listing.promoter_id)
    people = [session.get(User, user_id) for user_id in dict.fromkeys(ids)]
    return [p for p in people if p is not None and p.deleted_at is None]


def _staff(session: Session, mission: Mission) -> list[User]:
    """The staff member who handles this offer, or every programme staff member while nobody does."""
    for user_id in (mission.brokered_by, mission.invited_by):
        if user_id is not None and (person := session.get(User, user_id)) is not None:
            return [person]
    return list(session.exec(select(User).where(User.role == Role.staff.value,
                                                col(User.deleted_at).is_(None))).all())


def _member(session: Session, mission: Mission) -> User | None:
    member = session.get(User, mission.member_id)
    return member if member is not None and member.deleted_at is None else None


def _send(session: Session, people: list[User], subject: str, body: str, **values: object) -> None:
    for person in people:
        mail_user(session, person, subject, body, **values)


def invited(session: Session, mission: Mission, need: Need, member: User) -> None:
    mail_user(session, member, N_("You are invited to share your skills — Passerelle"),
              N_("Hello,\n\nProgramme staff think your skills fit this need: “%(title)s”.\n\nRead it and "
                 "answer (yes or no) on this page:\n%(url)s\n\nNothing about you is shown to the host until you "
                 "say yes."), title=need.title, url=_url(session, f"/my/missions/{mission.id}"))


def offered(session: Session, mission: Mission, need: Need, member: User) -> None:
    values = {"title": need.title}
    mail_user(session, member, N_("Your offer for “%(title)s” — Passerelle"),
              N_("Hello,\n\nThank you for offering your skills to “%(title)s”. Programme staff read every offer "
                 "and put it to the host; you will hear from us at each step.\n\nYour offer:\n%(url)s"),
              url=_url(session, f"/my/missions/{mission.id}"), **values)
    _send(session, _staff(session, mission), N_("New offer for “%(title)s” — Passerelle"),
          N_("Hello,\n\nA member offers their skills to the need “%(title)s”. Read the offer and put it to the "
             "host:\n%(url)s"), url=_url(session, f"/staff/missions/{mission.id}"), **values)


def brokered(session: Session, mission: Mission, need: Need) -> None:
    values = {"title": need.title}
    _send(session, host_side(session, need), N_("A member offers their skills for “%(title)s” — Passerelle"),
          N_("Hello,\n\nProgramme staff put a member's offer to you for your need “%(title)s”. Read their "
             "profile and accept or decline:\n%(url)s"),
          url=_url(session, f"/my/needs/{need.id}/offers/{mission.id}"), **values)
    if (member := _member(session, mission)) is not None:
        mail_user(session, member, N_("Your offer is with the host — Passerelle"),
                  N_("Hello,\n\nYour offer for “%(title)s” is now with the host, who can read your skill "
                     "profile. We will write when they answer.\n\n%(url)s"),
                  url=_url(session, f"/my/missions/{mission.id}"), **values)


def accepted(session: Session, mission: Mission, need: Need) -> None:
    values = {"title": need.title}
    if (member := _member(session, mission)) is not None:
        mail_user(session, member, N_("The host accepted your offer — Passerelle"),
                  N_("Hello,\n\nGood news: the host accepted your offer for “%(title)s”. You can now see each "
                     "other's contact details and agree the dates:\n%(url)s"),
                  url=_url(session, f"/my/missions/{mission.id}"), **values)
    _send(session, _staff(session, mission), N_("Offer accepted for “%(title)s” — Passerelle"),
          N_("Hello,\n\nThe host accepted the offer for “%(title)s”.\n\n%(url)s"),
          url=_url(session, f"/staff/missions/{mission.id}"), **values)


def declined(session: Session, mission: Mission, need: Need, actor: User) -> None:
    values = {"title": need.title}
    if actor.id == mission.member_id:  # the member said no to an invitation
        _send(session, _staff(session, mission), N_("Invitation declined for “%(title)s” — Passerelle"),
              N_("Hello,\n\nThe member declined the invitation to “%(title)s”.\n\n%(url)s"),
              url=_url(session, f"/staff/missions/{mission.id}"), **values)
        return
    if (member := _member(session, mission)) is not None:
        mail_user(session, member, N_("About your offer for “%(title)s” — Passerelle"),
                  N_("Hello,\n\nThe host will not go ahead with your offer for “%(title)s”. Thank you for "
                     "offering: other needs may fit your skills.\n\n%(url)s"),
                  url=_url(session, f"/my/missions/{mission.id}"), **values)
    if not actor.is_staff:
        _send(session, _staff(session, mission), N_("Offer declined for “%(title)s” — Passerelle"),
              N_("Hello,\n\nThe host declined the offer for “%(title)s”.\n\n%(url)s"),
              url=_url(session, f"/staff/missions/{mission.id}"), **values)


def withdrawn(session: Session, mission: Mission, need: Need) -> None:
    values = {"title": need.title}
    if mission.brokered_at is not None:
        _send(session, host_side(session, need), N_("An offer for “%(title)s” was withdrawn — Passerelle"),
              N_("Hello,\n\nThe member withdrew their offer for your need “%(title)s”.\n\n%(url)s"),
              url=_url(session, f"/my/needs/{need.id}/offers/{mission.id}"), **values)
    _send(session, _staff(session, mission), N_("Offer withdrawn for “%(title)s” — Passerelle"),
          N_("Hello,\n\nThe member withdrew their offer for “%(title)s”.\n\n%(url)s"),
          url=_url(session, f"/staff/missions/{mission.id}"), **values)


def scheduled(session: Session, mission: Mission, need: Need) -> None:
    if (member := _member(session, mission)) is not None and mission.starts_on and mission.ends_on:
        mail_user(session, member, N_("Your mission for “%(title)s” is scheduled — Passerelle"),
                  N_("Hello,\n\nYour mission for “%(title)s” is planned from %(start)s to %(end)s.\n\n%(url)s"),
                  title=need.title, start=mission.starts_on.isoformat(), end=mission.ends_on.isoformat(),
                  url=_url(session, f"/my/missions/{mission.id}"))


def completed(session: Session, mission: Mission, need: Need) -> None:
    values = {"title": need.title, "days": mission.days_delivered}
    if (member := _member(session, mission)) is not None:
        mail_user(session, member, N_("Your mission for “%(title)s” is confirmed — Passerelle"),
                  N_("Hello,\n\nThe host confirmed the days of your mission for “%(title)s”: %(days)s. Thank "
                     "you for giving your time and skills.\n\nYour certificate (verification code "
                     "%(code)s):\n%(url)s"),
                  code=mission.certificate_code, url=_url(session, f"/my/missions/{mission.id}/certificate"), **values)
    _send(session, _staff(session, mission), N_("Mission completed for “%(title)s” — Passerelle"),
          N_("Hello,\n\nThe host confirmed the days delivered for “%(title)s”: %(days)s.\n\n%(url)s"),
          url=_url(session, f"/staff/missions/{mission.id}"), **values)
