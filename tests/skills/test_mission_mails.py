"""A mail at each step of a mission, to the people concerned, each in their own language, through the outbox
and delivered by a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date, timedelta
from email.header import decode_header, make_header

import pytest
from sqlmodel import select

from app.mail import deliver_pending
from app.models import OutboxMessage
from app.skills import missions
from tests.mail_server import smtp_server
from tests.skills.mission_helpers import Cast, cast, mails_to


@pytest.fixture
def people(session, engine) -> Cast:  # type: ignore[no-untyped-def]
    return cast(session, engine)


def _subjects(session, address: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.subject for m in mails_to(session, address)]


def test_each_step_writes_to_the_right_people_in_their_language(session, people):
    c = people  # the member reads English; the hospital and staff read French
    session.info["site_url"] = "https://passerelle.example.org"
    mission = missions.offer(session, c.need, c.member, c.profile, "Free in March")
    session.commit()
    assert _subjects(session, c.member.email) == ["Your offer for “Anaesthetist for the surgical unit” — Passerelle"]
    assert _subjects(session, c.staff.email) == [
        "Nouvelle proposition pour « Anaesthetist for the surgical unit » — Passerelle"]
    assert _subjects(session, c.host_user.email) == []  # nothing reaches the host before staff put it to them
    missions.broker(session, mission, c.staff)
    session.commit()
    to_host = mails_to(session, c.host_user.email)
    assert [m.subject for m in to_host] == [
        "Un membre propose ses compétences pour « Anaesthetist for the surgical unit » — Passerelle"]
    assert f"https://passerelle.example.org/my/needs/{c.need.id}/offers/{mission.id}" in to_host[0].body
    assert c.member.email not in to_host[0].body and "Aïssatou" not in to_host[0].body
    assert _subjects(session, c.member.email)[-1] == "Your offer is with the host — Passerelle"
    missions.host_accept(session, mission, c.host_user)
    session.commit()
    assert _subjects(session, c.member.email)[-1] == "The host accepted your offer — Passerelle"
    assert _subjects(session, c.staff.email)[-1].startswith("Proposition acceptée pour")
    today = date.today()
    missions.schedule(session, mission, c.host_user, today - timedelta(days=4), today)
    session.commit()
    scheduled = mails_to(session, c.member.email)[-1]
    assert scheduled.subject.endswith("is scheduled — Passerelle") and today.isoformat() in scheduled.body
    missions.complete(session, mission, c.host_user, 5)
    session.commit()
    done = mails_to(session, c.member.email)[-1]
    assert done.subject == "Your mission for “Anaesthetist for the surgical unit” is confirmed — Passerelle"
    assert mission.certificate_code and mission.certificate_code in done.body
    assert f"/my/missions/{mission.id}/certificate" in done.body
    assert _subjects(session, c.staff.email)[-1].startswith("Mission terminée pour")
    assert not _subjects(session, c.other_host.email) and not _subjects(session, c.promoter.email)
    assert not _subjects(session, c.other_member.email)


def test_invitations_declines_and_withdrawals_are_told(session, people):
    c = people
    invitation = missions.invite(session, c.need, c.profile, c.staff)
    session.commit()
    assert _subjects(session, c.member.email) == ["You are invited to share your skills — Passerelle"]
    assert _subjects(session, c.host_user.email) == []
    missions.decline(session, invitation, c.member)
    session.commit()
    assert _subjects(session, c.staff.email)[-1].startswith("Invitation déclinée pour")
    assert _subjects(session, c.host_user.email) == []  # the host never knew
    offer = missions.offer(session, c.promoter_need, c.member, c.profile)
    missions.broker(session, offer, c.staff)
    missions.withdraw(session, offer, c.member, "A family matter")
    session.commit()
    assert _subjects(session, c.promoter.email)[-1].startswith("Une proposition pour « Accountant")
    other = missions.offer(session, c.need, c.other_member, c.other_profile)
    missions.broker(session, other, c.staff)
    missions.decline(session, other, c.host_user, "We found someone")
    session.commit()
    assert _subjects(session, c.other_member.email)[-1] == (
        "À propos de votre proposition pour « Anaesthetist for the surgical unit » — Passerelle")


def test_the_mails_leave_through_smtp(session, engine, settings, people):
    c = people
    mission = missions.offer(session, c.need, c.member, c.profile)
    missions.broker(session, mission, c.staff)
    session.commit()
    queued = len(session.exec(select(OutboxMessage)).all())
    with smtp_server() as (box, port):
        settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", port, False
        report = deliver_pending(engine, settings)
        assert report.sent == queued >= 4
        box.wait_for(queued)
        to_host = box.to(c.host_user.email)
        assert len(to_host) == 1 and "propose ses compétences" in str(make_header(decode_header(to_host[0]["Subject"])))
