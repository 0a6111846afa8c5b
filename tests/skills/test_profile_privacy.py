"""A host never sees a profile not offered to them: every skills route the app has (GET, and POST with a
valid CSRF token), every role but staff, every id of the story. The only page showing a profile to a host
is /my/needs/{need}/offers/{mission} of an offer to that host's own need that staff put to them, while it
stands; nobody else's request changes a mission."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlmodel import Session

from app.models.skills import Mission, SkillProfile
from app.skills import missions
from tests.skills.mission_helpers import Cast, cast, person, profile
from tests.support import csrf_from, login

PREFIXES = ("/skills", "/my/needs", "/my/host", "/my/skills", "/my/missions", "/staff/skills", "/staff/hosts",
            "/staff/needs", "/staff/profiles", "/staff/missions", "/register/host", "/api/v1/needs")
ACTIONS = ("accept", "decline", "withdraw", "schedule", "complete", "broker", "offer", "invite", "edit", "submit")
FORM = {"message": "hello", "reason": "no", "note": "n", "days": "5", "starts_on": "2026-01-05",
        "ends_on": "2026-01-06"}


def _secret(profile: SkillProfile) -> list[str]:
    return [profile.job_title, profile.qualifications, profile.summary]


@pytest.fixture
def story(session: Session, engine) -> tuple[Cast, dict[str, Mission]]:  # type: ignore[no-untyped-def]
    c = cast(session, engine)
    for p, who in ((c.profile, "AISSATOU"), (c.other_profile, "KOFI")):
        p.job_title, p.qualifications, p.summary = f"JOB-{who}", f"QUAL-{who}", f"SUMMARY-{who}"
        session.add(p)
    session.commit()
    brokered = missions.offer(session, c.need, c.member, c.profile)
    missions.broker(session, brokered, c.staff)
    unbrokered = missions.offer(session, c.need, c.other_member, c.other_profile)
    invited = missions.invite(session, c.other_need, c.profile, c.staff)
    declined = missions.invite(session, c.promoter_need, c.other_profile, c.staff)
    missions.decline(session, declined, c.other_member)
    withdrawn = missions.offer(session, c.promoter_need, c.member, c.profile)
    missions.broker(session, withdrawn, c.staff)
    missions.withdraw(session, withdrawn, c.member)
    session.commit()
    bystander = person(session, engine, "bystander@example.org", "member", "Binta")
    profile(session, bystander)
    return c, {"brokered": brokered, "unbrokered": unbrokered, "invited": invited, "declined": declined,
               "withdrawn": withdrawn}


def _skills_routes(app) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    for route in app.routes:
        if not route.path.startswith(PREFIXES):
            continue
        for method in sorted(getattr(route, "methods", ())):
            if method in ("GET", "POST"):
                yield method, route.path


def _fillings(path: str, c: Cast, story: dict[str, Mission]) -> list[str]:
    needs = [str(n.id) for n in (c.need, c.other_need, c.promoter_need)]
    ids = [str(m.id) for m in story.values()]
    candidates = {"need_id": needs, "mission_id": ids, "profile_id": [str(c.profile.id), str(c.other_profile.id)],
                  "host_id": [str(c.host.id)], "action": list(ACTIONS), "code": ["AAAA-BBBB-CCCC"]}
    names = re.findall(r"\{(\w+)(?::(\w+))?\}", path)
    choices = [candidates.get(name, ids if kind == "int" else ["x"]) for name, kind in names]
    paths = []
    for combo in itertools.product(*choices):
        filled = path
        for (name, kind), value in zip(names, combo, strict=True):
            filled = filled.replace("{" + name + (f":{kind}" if kind else "") + "}", value, 1)
        paths.append(filled)
    return paths


def _client(app, email: str | None) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, base_url="http://testserver.local")
    client.__enter__()
    if email:
        assert login(client, email).status_code == 302
    return client


@pytest.mark.parametrize("role", ("anonymous", "member", "promoter", "host of another need", "host"))
def test_a_host_never_sees_a_profile_not_offered_to_them(app, session, story, role):
    c, kept = story
    email = {"anonymous": None, "member": "bystander@example.org", "promoter": c.promoter.email,
             "host of another need": c.other_host.email, "host": c.host_user.email}[role]
    client = _client(app, email)
    token = csrf_from(client.get("/login").text) if email is None else csrf_from(client.get("/my/missions").text)
    # The host may read the offer put to them: that page is tested on its own below.
    allowed_page = f"/my/needs/{c.need.id}/offers/{kept['brokered'].id}"
    states = {key: m.state for key, m in kept.items()}
    checked = 0
    for method, template in _skills_routes(app):
        for path in _fillings(template, c, kept):
            if role == "host" and path.startswith(allowed_page):
                continue  # the one legitimate view (and its actions) is tested on its own below
            if method == "GET":
                answer = client.get(path, follow_redirects=False)
            else:
                answer = client.post(path, data={**FORM, "_csrf_token": token}, follow_redirects=False)
            assert answer.status_code < 500, (method, path, answer.status_code)
            for secret in _secret(c.profile) + _secret(c.other_profile):
                assert secret not in answer.text, (role, method, path)
            checked += 1
    assert checked > 20
    session.expire_all()
    for key, mission in kept.items():
        fresh = session.get(Mission, mission.id)
        assert fresh is not None and fresh.state == states[key], (role, key)


def test_the_host_sees_the_offered_profile_and_only_while_the_offer_stands(app, session, story):
    c, kept = story
    host = _client(app, c.host_user.email)
    page = host.get(f"/my/needs/{c.need.id}/offers/{kept['brokered'].id}")
    assert page.status_code == 200 and "JOB-AISSATOU" in page.text and "QUAL-AISSATOU" in page.text
    assert "KOFI" not in page.text
    assert host.get(f"/my/needs/{c.need.id}/offers/{kept['unbrokered'].id}").status_code == 404
    # The same offer through another need's address is not found either.
    assert host.get(f"/my/needs/{c.other_need.id}/offers/{kept['brokered'].id}").status_code == 404
    promoter = _client(app, c.promoter.email)
    closed = promoter.get(f"/my/needs/{c.promoter_need.id}/offers/{kept['withdrawn'].id}")
    assert closed.status_code == 200 and "AISSATOU" not in closed.text  # withdrawn: the profile is gone
    assert promoter.get(f"/my/needs/{c.promoter_need.id}/offers/{kept['declined'].id}").status_code == 404
    staff = _client(app, c.staff.email)
    for mission in kept.values():
        assert staff.get(f"/staff/missions/{mission.id}").status_code == 200
    assert "SUMMARY-KOFI" in staff.get(f"/staff/missions/{kept['unbrokered'].id}").text
