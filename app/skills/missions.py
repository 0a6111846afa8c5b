"""Offers that become missions: who may move a mission where, each move a compare-and-set with its event.

    invited -> offered | declined                  (the member answers staff's invitation)
    offered -> accepted | declined | withdrawn     (staff put the offer to the host, who answers)
    accepted -> scheduled | completed | declined | withdrawn
    scheduled -> scheduled | completed | declined | withdrawn   (dates changed; days delivered)

An offer reaches the host only once staff broker it (`brokered_at`); an invitation the member accepts is
brokered by the staff member who sent it. The host's decision and the days delivered come from the host;
`Need.days_given` grows in the transaction that completes the mission.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.errors import BadInput, Conflict, Forbidden, NotFound
from app.i18n import _
from app.models import Listing, User
from app.models.base import utcnow
from app.models.skills import Host, Mission, MissionEvent, MissionState, Need, NeedState, SkillProfile
from app.skills import mission_mails

M = MissionState
TRANSITIONS: dict[M, frozenset[M]] = {
    M.invited: frozenset({M.offered, M.declined}),
    M.offered: frozenset({M.accepted, M.declined, M.withdrawn}),
    M.accepted: frozenset({M.scheduled, M.completed, M.declined, M.withdrawn}),
    M.scheduled: frozenset({M.scheduled, M.completed, M.declined, M.withdrawn}),
}
OPEN = frozenset({M.invited.value, M.offered.value, M.accepted.value, M.scheduled.value})
AGREED = frozenset({M.accepted.value, M.scheduled.value, M.completed.value})  # both sides said yes
MAX_DAYS = 366
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed from paper


def is_poster(session: Session, need: Need, user: User | None) -> bool:
    """The need's own side: whoever posted it, the host institution's account, the listing's promoter."""
    if user is None or user.id is None:
        return False
    if need.posted_by == user.id:
        return True
    if need.host_id is not None:
        host = session.get(Host, need.host_id)
        if host is not None and host.user_id == user.id:
            return True
    if need.listing_id is not None:
        listing = session.get(Listing, need.listing_id)
        if listing is not None and listing.promoter_id == user.id:
            return True
    return False


def host_sees(mission: Mission) -> bool:
    """The host sees an offer (and its profile) only once the member offered and staff put it to them."""
    return mission.brokered_at is not None and mission.state != M.invited.value


def _lock_need(session: Session, need_id: int) -> Need:
    """The need, locked for the transaction (a row lock on PostgreSQL, the write lock on SQLite), so two
    offers of one member to one need at the same moment make one mission."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Need).where(col(Need.id) == need_id).values(id=col(Need.id)))
    need = session.exec(select(Need).where(Need.id == need_id).with_for_update()
                        .execution_options(populate_existing=True)).first()
    if need is None:
        raise NotFound(_("This need no longer exists."))
    return need


def open_mission(session: Session, need_id: int, member_id: int) -> Mission | None:
    return session.exec(select(Mission).where(Mission.need_id == need_id, Mission.member_id == member_id,
                                              col(Mission.state).in_(OPEN))).first()


def _require_published(need: Need) -> None:
    if need.state != NeedState.published.value:
        raise Conflict(_("This need is not open to offers any more."))


def _event(session: Session, mission: Mission, actor: User | None, from_state: str, to_state: str,
           note: str = "") -> MissionEvent:
    assert mission.id is not None
    event = MissionEvent(mission_id=mission.id, actor_id=actor.id if actor else None, from_state=from_state,
                         to_state=to_state, note=note.strip())
    session.add(event)
    session.flush()
    return event


def offer(session: Session, need: Need, member: User, profile: SkillProfile, message: str = "") -> Mission:
    """The member offers their skills to a published need; staff see it first."""
    assert need.id is not None and member.id is not None and profile.id is not None
    if profile.user_id != member.id:
        raise Forbidden(_("This skill profile is not yours."))
    need_id = need.id
    need = _lock_need(session, need_id)
    _require_published(need)
    if is_poster(session, need, member):
        raise Forbidden(_("You cannot offer to your own need."))
    if not profile.active:
        raise BadInput(_("Your skill profile is paused: switch it on again before offering."), field="form")
    found = open_mission(session, need_id, member.id)
    if found is not None:
        raise Conflict(_("You have already offered to this need: see it in your missions."))
    mission = Mission(need_id=need_id, member_id=member.id, profile_id=profile.id, state=M.offered.value,
                      message=message.strip(), member_accepted_at=utcnow())
    session.add(mission)
    session.flush()
    _event(session, mission, member, "", M.offered.value, message)
    mission_mails.offered(session, mission, need, member)
    return mission


def invite(session: Session, need: Need, profile: SkillProfile, staff: User, note: str = "") -> Mission:
    """Staff invite the member behind `profile` to a published need (from the match list)."""
    _require_staff(staff)
    assert need.id is not None and profile.id is not None
    need_id = need.id
    need = _lock_need(session, need_id)
    _require_published(need)
    if not profile.active:
        raise Conflict(_("This member has paused their skill profile."))
    member = session.get(User, profile.user_id)
    if member is None or member.deleted_at is not None:
        raise NotFound(_("This member no longer has an account."))
    if is_poster(session, need, member):
        raise Conflict(_("This member posted the need."))
    if open_mission(session, need_id, profile.user_id) is not None:
        raise Conflict(_("This member already has an offer or invitation for this need."))
    mission = Mission(need_id=need_id, member_id=profile.user_id, profile_id=profile.id, state=M.invited.value,
                      invited_by=staff.id, message=note.strip())
    session.add(mission)
    session.flush()
    _event(session, mission, staff, "", M.invited.value, note)
    mission_mails.invited(session, mission, need, member)
    return mission


def _move(session: Session, mission: Mission, actor: User | None, to: M, note: str = "",
          **values: object) -> Mission:
    """Compare-and-set from the state the mission was read in: a request that lost a race gets a 409."""
    current = M(mission.state)
    if to not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(_("This offer is “%(state)s”: it cannot become “%(to)s”.",
                         state=state_label(current.value), to=state_label(to.value)))
    now = utcnow()
    moved = session.execute(update(Mission).where(col(Mission.id) == mission.id,
                                                  col(Mission.state) == current.value)
                            .values(state=to.value, updated_at=now, **values))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("Someone else changed this offer a moment ago. Please reload the page."))
    session.refresh(mission)
    _event(session, mission, actor, current.value, to.value, note)
    return mission


def _need_of(session: Session, mission: Mission) -> Need:
    need = session.get(Need, mission.need_id)
    assert need is not None
    return need


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Only programme staff can do this."))


def _require_member(mission: Mission, actor: User) -> None:
    if mission.member_id != actor.id:
        raise Forbidden(_("Only the member who offered can do this."))


def _require_host(session: Session, mission: Mission, actor: User) -> Need:
    need = _need_of(session, mission)
    if not is_poster(session, need, actor) or not host_sees(mission):
        raise Forbidden(_("Only the host of this need can do this."))
    return need


def accept_invitation(session: Session, mission: Mission, member: User, message: str = "") -> Mission:
    """The member says yes to staff's invitation: it becomes an offer, put to the host by that staff member."""
    _require_member(mission, member)
    need = _need_of(session, mission)
    _require_published(need)
    now = utcnow()
    _move(session, mission, member, M.offered, message, member_accepted_at=now, brokered_at=now,
          brokered_by=mission.invited_by, **({"message": message.strip()} if message.strip() else {}))
    mission_mails.brokered(session, mission, need)
    return mission


def broker(session: Session, mission: Mission, staff: User, note: str = "") -> Mission:
    """Staff put a member's offer to the host (the host sees the profile from now on)."""
    _require_staff(staff)
    if mission.state != M.offered.value:
        raise Conflict(_("Only an offer waiting for the host can be put to the host."))
    if mission.brokered_at is not None:
        raise Conflict(_("This offer is already with the host."))
    moved = session.execute(update(Mission).where(col(Mission.id) == mission.id,
                                                  col(Mission.state) == M.offered.value,
                                                  col(Mission.brokered_at).is_(None))
                            .values(brokered_at=utcnow(), brokered_by=staff.id, updated_at=utcnow()))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("Someone else changed this offer a moment ago. Please reload the page."))
    session.refresh(mission)
    _event(session, mission, staff, M.offered.value, M.offered.value, note or "brokered")
    mission_mails.brokered(session, mission, _need_of(session, mission))
    return mission


def host_accept(session: Session, mission: Mission, host: User, note: str = "") -> Mission:
    """The host accepts the offer: both sides have said yes, contact details are exchanged."""
    need = _require_host(session, mission, host)
    _require_published(need)
    _move(session, mission, host, M.accepted, note, host_accepted_at=utcnow())
    mission_mails.accepted(session, mission, need)
    return mission


def decline(session: Session, mission: Mission, actor: User, reason: str = "") -> Mission:
    """No: the member to an invitation; the host (or staff for them) to an offer or an agreed mission."""
    need = _need_of(session, mission)
    if mission.state == M.invited.value:
        if mission.member_id != actor.id and not actor.is_staff:
            raise Forbidden(_("Only the member invited can answer this invitation."))
    elif not actor.is_staff:
        _require_host(session, mission, actor)
    _move(session, mission, actor, M.declined, reason, reason=reason.strip())
    mission_mails.declined(session, mission, need, actor)
    return mission


def withdraw(session: Session, mission: Mission, member: User, reason: str = "") -> Mission:
    """The member takes back an offer or leaves an agreed mission before it is completed."""
    _require_member(mission, member)
    if mission.state == M.invited.value:
        raise Conflict(_("Decline the invitation instead."))
    _move(session, mission, member, M.withdrawn, reason, reason=reason.strip())
    mission_mails.withdrawn(session, mission, _need_of(session, mission))
    return mission


def schedule(session: Session, mission: Mission, actor: User, starts_on: date, ends_on: date) -> Mission:
    """The dates both sides agreed, recorded by the host (or staff); again to change them."""
    if not actor.is_staff:
        _require_host(session, mission, actor)
    if ends_on < starts_on:
        raise BadInput(_("The last day comes before the first day."), field="ends_on")
    _move(session, mission, actor, M.scheduled, f"{starts_on.isoformat()} – {ends_on.isoformat()}",
          starts_on=starts_on, ends_on=ends_on)
    mission_mails.scheduled(session, mission, _need_of(session, mission))
    return mission


def complete(session: Session, mission: Mission, host: User, days: int, today: date | None = None) -> Mission:
    """The host confirms the days delivered; the need's count of days given grows in the same transaction."""
    need = _require_host(session, mission, host)
    if not 1 <= days <= MAX_DAYS:
        raise BadInput(_("Days delivered must be between 1 and %(n)s.", n=MAX_DAYS), field="days")
    if mission.starts_on is not None and mission.starts_on > (today or utcnow().date()):
        raise BadInput(_("The mission has not started yet: confirm the days once they are delivered."),
                       field="days")
    _move(session, mission, host, M.completed, str(days), days_delivered=days, confirmed_by=host.id,
          completed_at=utcnow(), certificate_code=new_code())
    session.execute(update(Need).where(col(Need.id) == need.id)
                    .values(days_given=col(Need.days_given) + days))
    session.refresh(need)
    mission_mails.completed(session, mission, need)
    return mission


def new_code() -> str:
    """A certificate's verification code, such as `K7QD-M2XA-9PRT` (60 bits: never guessed)."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())[:12]
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}" if len(cleaned) == 12 else ""


def events(session: Session, mission: Mission) -> list[tuple[MissionEvent, User | None]]:
    rows = session.exec(select(MissionEvent, User).outerjoin(User, col(User.id) == col(MissionEvent.actor_id))
                        .where(MissionEvent.mission_id == mission.id).order_by(col(MissionEvent.id))).all()
    return [(event, actor) for event, actor in rows]


def state_label(state: str) -> str:
    return {
        M.invited.value: _("invited"), M.offered.value: _("offered"), M.accepted.value: _("accepted"),
        M.scheduled.value: _("scheduled"), M.completed.value: _("completed"), M.declined.value: _("declined"),
        M.withdrawn.value: _("withdrawn"),
    }.get(state, state)
