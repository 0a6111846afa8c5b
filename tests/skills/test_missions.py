"""The offer -> mission state machine on both databases: every allowed move, every refused one, who may
make it, one event per change, days given counted with the completion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from app.errors import BadInput, Conflict, DomainError, Forbidden
from app.models.skills import Mission, MissionEvent, Need
from app.skills import missions
from app.skills.missions import M
from tests.skills.mission_helpers import Cast, cast


@pytest.fixture
def people(session, engine) -> Cast:  # type: ignore[no-untyped-def]
    return cast(session, engine)


def _trail(session: Session, mission: Mission) -> list[tuple[str, str]]:
    return [(e.from_state, e.to_state) for e in session.exec(
        select(MissionEvent).where(MissionEvent.mission_id == mission.id).order_by(col(MissionEvent.id))).all()]


def _offered(session: Session, c: Cast, brokered: bool = True) -> Mission:
    mission = missions.offer(session, c.need, c.member, c.profile, "Free in March.")
    if brokered:
        missions.broker(session, mission, c.staff)
    session.commit()
    return mission


def _at(session: Session, c: Cast, state: M) -> Mission:
    """A mission brought to `state` through the services."""
    if state == M.invited:
        mission = missions.invite(session, c.need, c.profile, c.staff)
    else:
        mission = _offered(session, c)
        if state in (M.accepted, M.scheduled, M.completed):
            missions.host_accept(session, mission, c.host_user)
        if state in (M.scheduled, M.completed):
            today = date.today()
            missions.schedule(session, mission, c.host_user, today - timedelta(days=6), today - timedelta(days=1))
        if state == M.completed:
            missions.complete(session, mission, c.host_user, 5)
        if state == M.declined:
            missions.decline(session, mission, c.host_user, "Not this year")
        if state == M.withdrawn:
            missions.withdraw(session, mission, c.member)
    session.commit()
    assert mission.state == state.value
    return mission


def test_the_whole_way_from_offer_to_completion(session, people):
    c = people
    mission = _offered(session, c, brokered=False)
    assert mission.state == "offered" and not missions.host_sees(mission)
    missions.broker(session, mission, c.staff)
    assert missions.host_sees(mission)
    missions.host_accept(session, mission, c.host_user)
    today = date.today()
    missions.schedule(session, mission, c.host_user, today - timedelta(days=4), today)
    missions.complete(session, mission, c.host_user, 5)
    session.commit()
    session.expire_all()
    done = session.get(Mission, mission.id)
    need = session.get(Need, c.need.id)
    assert done is not None and need is not None
    assert done.state == "completed" and done.days_delivered == 5 and done.confirmed_by == c.host_user.id
    assert done.certificate_code and len(done.certificate_code) == 14
    assert need.days_given == 5
    assert _trail(session, done) == [("", "offered"), ("offered", "offered"), ("offered", "accepted"),
                                     ("accepted", "scheduled"), ("scheduled", "completed")]


def test_an_invitation_the_member_accepts_goes_straight_to_the_host(session, people):
    c = people
    mission = missions.invite(session, c.need, c.profile, c.staff)
    assert mission.state == "invited" and not missions.host_sees(mission)
    missions.accept_invitation(session, mission, c.member, "Happy to help")
    session.commit()
    assert mission.state == "offered" and missions.host_sees(mission) and mission.brokered_by == c.staff.id
    assert _trail(session, mission) == [("", "invited"), ("invited", "offered")]


def test_days_given_add_up_over_two_missions(session, people):
    c = people
    first = _at(session, c, M.completed)
    second = missions.offer(session, c.need, c.other_member, c.other_profile)
    missions.broker(session, second, c.staff)
    missions.host_accept(session, second, c.host_user)
    missions.complete(session, second, c.host_user, 3)  # a remote mission: no dates needed
    session.commit()
    session.expire_all()
    assert session.get(Need, c.need.id).days_given == 8  # type: ignore[union-attr]
    assert first.certificate_code != second.certificate_code


ALLOWED = {(s, t) for s, targets in missions.TRANSITIONS.items() for t in targets}


def _mover(c: Cast, to: M) -> Callable[[Session, Mission], object]:
    """The natural actor's call to move a mission to `to`."""
    today = date.today()
    return {
        M.offered: lambda s, m: missions.accept_invitation(s, m, c.member),
        M.accepted: lambda s, m: missions.host_accept(s, m, c.host_user),
        M.scheduled: lambda s, m: missions.schedule(s, m, c.host_user, today - timedelta(days=2), today),
        M.completed: lambda s, m: missions.complete(s, m, c.host_user, 2),
        M.declined: lambda s, m: missions.decline(s, m, c.member if m.state == "invited" else c.host_user),
        M.withdrawn: lambda s, m: missions.withdraw(s, m, c.member),
    }[to]


TARGETS = (M.offered, M.accepted, M.scheduled, M.completed, M.declined, M.withdrawn)


@pytest.mark.parametrize("start", list(M), ids=str)
def test_every_move_from_every_state_is_allowed_or_refused_as_the_table_says(session, people, start):
    c = people
    for to in TARGETS:
        _clear(session)
        mission = _at(session, c, start)
        call = _mover(c, to)
        if (start, to) in ALLOWED:
            call(session, mission)
            session.commit()
            assert mission.state == to.value, (start, to)
            assert _trail(session, mission)[-1] == (start.value, to.value)
        else:
            with pytest.raises(DomainError):
                call(session, mission)
            session.rollback()
            session.expire_all()
            assert session.get(Mission, mission.id).state == start.value, (start, to)  # type: ignore[union-attr]


def _clear(session: Session) -> None:
    session.rollback()
    for event in session.exec(select(MissionEvent)).all():
        session.delete(event)
    session.flush()
    for mission in session.exec(select(Mission)).all():
        session.delete(mission)
    session.commit()


def test_only_the_right_people_make_each_move(session, people):
    c = people
    mission = _offered(session, c, brokered=False)
    with pytest.raises(Forbidden):
        missions.broker(session, mission, c.host_user)  # staff only
    with pytest.raises(Forbidden):
        missions.host_accept(session, mission, c.host_user)  # not yet put to the host
    missions.broker(session, mission, c.staff)
    for stranger in (c.other_host, c.promoter, c.other_member, c.member, c.staff):
        with pytest.raises(Forbidden):
            missions.host_accept(session, mission, stranger)
    with pytest.raises(Forbidden):
        missions.withdraw(session, mission, c.other_member)
    with pytest.raises(Conflict):
        missions.broker(session, mission, c.staff)  # already with the host
    missions.host_accept(session, mission, c.host_user)
    for stranger in (c.other_host, c.promoter, c.member, c.staff):
        with pytest.raises(Forbidden):
            missions.complete(session, mission, stranger, 3)
    session.rollback()


def test_offers_are_refused_when_they_make_no_sense(session, people):
    c = people
    with pytest.raises(Forbidden):
        missions.offer(session, c.need, c.other_member, c.profile)  # someone else's profile
    session.rollback()
    missions.offer(session, c.need, c.member, c.profile)
    session.commit()
    with pytest.raises(Conflict):
        missions.offer(session, c.need, c.member, c.profile)  # one open offer per member and need
    session.rollback()
    with pytest.raises(Conflict):
        missions.invite(session, c.need, c.profile, c.staff)
    session.rollback()
    with pytest.raises(Forbidden):
        missions.invite(session, c.other_need, c.other_profile, c.member)  # staff only
    session.rollback()
    c.other_need.state = "submitted"
    session.add(c.other_need)
    session.commit()
    with pytest.raises(Conflict):
        missions.offer(session, c.other_need, c.member, c.profile)  # not published
    session.rollback()
    c.profile.active = False
    session.add(c.profile)
    session.commit()
    with pytest.raises(BadInput):
        missions.offer(session, c.promoter_need, c.member, c.profile)  # paused profile
    session.rollback()


def test_a_withdrawn_offer_can_be_made_again(session, people):
    c = people
    mission = _at(session, c, M.withdrawn)
    again = missions.offer(session, c.need, c.member, c.profile)
    session.commit()
    assert again.id != mission.id and again.state == "offered"


def test_schedule_and_days_are_checked(session, people):
    c = people
    mission = _at(session, c, M.accepted)
    today = date.today()
    with pytest.raises(BadInput):
        missions.schedule(session, mission, c.host_user, today, today - timedelta(days=1))
    session.rollback()
    for days in (0, -1, missions.MAX_DAYS + 1):
        with pytest.raises(BadInput):
            missions.complete(session, mission, c.host_user, days)
        session.rollback()
    missions.schedule(session, mission, c.host_user, today + timedelta(days=10), today + timedelta(days=20))
    session.commit()
    with pytest.raises(BadInput):
        missions.complete(session, mission, c.host_user, 5)  # not started yet
    session.rollback()
    missions.complete(session, mission, c.host_user, 5, today=today + timedelta(days=21))
    session.commit()
    assert mission.state == "completed"


def test_a_promoter_answers_for_the_need_of_their_listing(session, people):
    c = people
    mission = missions.offer(session, c.promoter_need, c.member, c.profile)
    missions.broker(session, mission, c.staff)
    with pytest.raises(Forbidden):
        missions.host_accept(session, mission, c.host_user)
    missions.host_accept(session, mission, c.promoter)
    session.commit()
    assert mission.state == "accepted"
