"""Missions under real concurrency (threads released together, each in its own session): two accepts of
one offer give one acceptance and a 409; two confirmations count the days once; a double-clicked offer
makes one mission."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from app.errors import Conflict
from app.models import User
from app.models.skills import Mission, MissionEvent, Need, SkillProfile
from app.skills import missions
from tests.skills.mission_helpers import Cast, cast


@pytest.fixture
def people(session, engine) -> Cast:  # type: ignore[no-untyped-def]
    return cast(session, engine)


def _at_once(*calls: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _in_own_session(engine, act: Callable[[Session, Mission, User], object], mission_id: int,  # type: ignore[no-untyped-def]
                    user_id: int) -> Callable[[], str]:
    def call() -> str:
        with Session(engine, expire_on_commit=False) as db:
            mission, user = db.get(Mission, mission_id), db.get(User, user_id)
            assert mission is not None and user is not None
            act(db, mission, user)
            db.commit()
            return mission.state
    return call


def _brokered(session: Session, c: Cast) -> Mission:
    mission = missions.offer(session, c.need, c.member, c.profile)
    missions.broker(session, mission, c.staff)
    session.commit()
    return mission


def _events(session: Session, mission: Mission, to: str) -> int:
    return len(session.exec(select(MissionEvent).where(MissionEvent.mission_id == mission.id,
                                                       MissionEvent.to_state == to)).all())


def test_two_accepts_at_the_same_moment_one_wins(session, engine, people):
    c = people
    for _round in range(3):  # a race won once by luck would not prove much
        session.exec(select(Mission)).all()
        mission = _brokered(session, c)
        assert mission.id is not None and c.host_user.id is not None
        accept = _in_own_session(engine, lambda db, m, u: missions.host_accept(db, m, u), mission.id, c.host_user.id)
        results = _at_once(accept, accept)
        assert sorted(map(type, results), key=str) == sorted([str, Conflict], key=str), results
        session.expire_all()
        assert session.get(Mission, mission.id).state == "accepted"  # type: ignore[union-attr]
        assert _events(session, mission, "accepted") == 1
        missions.withdraw(session, session.get(Mission, mission.id), c.member)  # type: ignore[arg-type]
        session.commit()


def test_accept_and_withdraw_at_the_same_moment_leave_one_outcome(session, engine, people):
    c = people
    mission = _brokered(session, c)
    assert mission.id and c.host_user.id and c.member.id
    results = _at_once(
        _in_own_session(engine, lambda db, m, u: missions.host_accept(db, m, u), mission.id, c.host_user.id),
        _in_own_session(engine, lambda db, m, u: missions.withdraw(db, m, u), mission.id, c.member.id))
    outcomes = [r for r in results if isinstance(r, str)]
    session.expire_all()
    final = session.get(Mission, mission.id)
    assert final is not None
    # Either both happened in turn (accepted, then withdrawn) or one lost with a 409: never an accepted
    # mission whose member had withdrawn, never two events from the same state.
    assert final.state in ("accepted", "withdrawn")
    assert all(isinstance(r, (str, Conflict)) for r in results), results
    trail = [(e.from_state, e.to_state) for e in session.exec(
        select(MissionEvent).where(MissionEvent.mission_id == mission.id).order_by(MissionEvent.id)).all()]  # type: ignore[arg-type]
    froms = [f for f, t in trail if f != t]
    assert len(froms) == len(set(froms)), trail
    assert outcomes


def test_two_confirmations_count_the_days_once(session, engine, people):
    c = people
    mission = _brokered(session, c)
    missions.host_accept(session, mission, c.host_user)
    missions.schedule(session, mission, c.host_user, date.today() - timedelta(days=5), date.today())
    session.commit()
    assert mission.id and c.host_user.id
    confirm = _in_own_session(engine, lambda db, m, u: missions.complete(db, m, u, 5), mission.id, c.host_user.id)
    results = _at_once(confirm, confirm)
    assert sorted(map(type, results), key=str) == sorted([str, Conflict], key=str), results
    session.expire_all()
    assert session.get(Need, c.need.id).days_given == 5  # type: ignore[union-attr]


def test_a_double_clicked_offer_makes_one_mission(session, engine, people):
    c = people
    assert c.need.id and c.member.id and c.profile.id

    def offer() -> str:
        with Session(engine, expire_on_commit=False) as db:
            need, member = db.get(Need, c.need.id), db.get(User, c.member.id)
            profile = db.get(SkillProfile, c.profile.id)
            assert need is not None and member is not None and profile is not None
            mission = missions.offer(db, need, member, profile)
            db.commit()
            return mission.state

    results = _at_once(offer, offer, offer)
    assert sorted(map(type, results), key=str) == sorted([str, Conflict, Conflict], key=str), results
    session.expire_all()
    assert len(session.exec(select(Mission).where(Mission.need_id == c.need.id)).all()) == 1
