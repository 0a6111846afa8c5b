"""Every skills route of the app against every role: who may see and do what. A route under one of the skills
prefixes that is not in MATRIX fails `test_every_skills_route_is_in_the_matrix`, so a new route must say here
who may use it.

Expected outcomes: LOGIN (sent to log in), 403 (a missing role), 404 (someone else's thing, or not public), OK
(the guard let the request through: the handler answered 2xx, a redirect elsewhere than the login page, or a
refusal of the form itself, 400/409). No answer is ever a 5xx.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.models import Mission, SkillProfile
from app.skills import missions, profiles
from tests.marketplace.helpers import person
from tests.skills.helpers import host_account, need_draft, published_need
from tests.support import csrf_from, login

ROLES = ("anonymous", "member", "promoter", "host", "other_host", "staff", "admin")
LOGIN, OK = "login", "ok"
PREFIXES = ("/skills", "/my/needs", "/my/host", "/my/skills", "/my/missions", "/staff/skills", "/staff/hosts",
            "/staff/needs", "/staff/profiles", "/staff/missions", "/register/host", "/api/v1/needs")
EVERYONE = (OK,) * 7
STAFF = (LOGIN, 403, 403, 403, 403, OK, OK)
# (method, route as the app declares it, path with the world's ids, expected per role in ROLES order)
MATRIX: list[tuple[str, str, str, tuple[object, ...]]] = [
    # public
    ("GET", "/skills", "/skills", EVERYONE),
    ("GET", "/skills/needs/{need_id:int}", "/skills/needs/{need}", EVERYONE),
    ("GET", "/skills/needs/{need_id:int}", "/skills/needs/{draft}", (404,) * 7),
    ("GET", "/skills/hosts/{host_id:int}", "/skills/hosts/{host}", EVERYONE),
    ("GET", "/skills/hosts/{host_id:int}", "/skills/hosts/{pending_host}", (404,) * 7),
    ("GET", "/skills/certificates", "/skills/certificates", EVERYONE),
    ("GET", "/skills/certificates/{code:str}", "/skills/certificates/NO-SUCH-CODE", (404,) * 7),
    ("GET", "/api/v1/needs", "/api/v1/needs", EVERYONE),
    ("GET", "/api/v1/needs/{need_id:int}", "/api/v1/needs/{need}", EVERYONE),
    ("GET", "/api/v1/needs/{need_id:int}", "/api/v1/needs/{draft}", (404,) * 7),
    ("GET", "/register/host", "/register/host", EVERYONE),
    ("POST", "/register/host", "/register/host", EVERYONE),
    # members
    ("POST", "/skills/needs/{need_id:int}/offer", "/skills/needs/{need}/offer", (LOGIN, OK, OK, OK, OK, OK, OK)),
    ("GET", "/my/skills", "/my/skills", (LOGIN, OK, OK, 403, 403, OK, OK)),
    ("POST", "/my/skills", "/my/skills", (LOGIN, OK, OK, 403, 403, OK, OK)),
    ("GET", "/my/missions", "/my/missions", (LOGIN, OK, OK, OK, OK, OK, OK)),
    ("GET", "/my/missions/{mission_id:int}", "/my/missions/{mission}", (LOGIN, OK, 404, 404, 404, 404, 404)),
    # A certificate exists only for a completed mission: this one is an offer still.
    ("GET", "/my/missions/{mission_id:int}/certificate", "/my/missions/{mission}/certificate",
     (LOGIN, 404, 404, 404, 404, 404, 404)),
    ("POST", "/my/missions/{mission_id:int}/{action:str}", "/my/missions/{mission}/withdraw",
     (LOGIN, OK, 404, 404, 404, 404, 404)),
    # hosts
    ("GET", "/my/host", "/my/host", (LOGIN, 403, 403, OK, OK, 403, 404)),
    ("POST", "/my/host", "/my/host", (LOGIN, 403, 403, OK, OK, 403, 404)),
    # posters: hosts and promoters
    ("GET", "/my/needs", "/my/needs", (LOGIN, 403, OK, OK, OK, 403, OK)),
    ("GET", "/my/needs/new", "/my/needs/new", (LOGIN, 403, OK, OK, OK, 403, OK)),
    ("POST", "/my/needs/new", "/my/needs/new", (LOGIN, 403, OK, OK, OK, 403, OK)),
    ("GET", "/my/needs/{need_id:int}", "/my/needs/{draft}", (LOGIN, 403, 404, OK, 404, 403, 404)),
    ("GET", "/my/needs/{need_id:int}/edit", "/my/needs/{draft}/edit", (LOGIN, 403, 404, OK, 404, 403, 404)),
    ("POST", "/my/needs/{need_id:int}/edit", "/my/needs/{draft}/edit", (LOGIN, 403, 404, OK, 404, 403, 404)),
    ("POST", "/my/needs/{need_id:int}/submit", "/my/needs/{draft}/submit", (LOGIN, 403, 404, OK, 404, 403, 404)),
    ("POST", "/my/needs/{need_id:int}/close", "/my/needs/{need}/close", (LOGIN, 403, 404, OK, 404, 403, 404)),
    ("GET", "/my/needs/{need_id:int}/offers", "/my/needs/{need}/offers", (LOGIN, 404, 404, OK, 404, 404, 404)),
    # An offer staff have not brokered yet is not shown even to the need's host.
    ("GET", "/my/needs/{need_id:int}/offers/{mission_id:int}", "/my/needs/{need}/offers/{mission}",
     (LOGIN, 404, 404, 404, 404, 404, 404)),
    ("POST", "/my/needs/{need_id:int}/offers/{mission_id:int}/{action:str}", "/my/needs/{need}/offers/{mission}/accept",
     (LOGIN, 404, 404, 404, 404, 404, 404)),
    # staff
    ("GET", "/staff/skills", "/staff/skills", STAFF),
    ("GET", "/staff/skills/mapping", "/staff/skills/mapping", STAFF),
    ("GET", "/staff/skills/mapping.csv", "/staff/skills/mapping.csv", STAFF),
    ("GET", "/staff/hosts", "/staff/hosts", STAFF),
    ("GET", "/staff/hosts/{host_id:int}", "/staff/hosts/{pending_host}", STAFF),
    ("POST", "/staff/hosts/{host_id:int}/approve", "/staff/hosts/{host}/approve", STAFF),
    ("POST", "/staff/hosts/{host_id:int}/reject", "/staff/hosts/{pending_host}/reject", STAFF),
    ("POST", "/staff/hosts/{host_id:int}/suspend", "/staff/hosts/{host}/suspend", STAFF),
    ("POST", "/staff/hosts/{host_id:int}/reinstate", "/staff/hosts/{host}/reinstate", STAFF),
    ("GET", "/staff/needs/{need_id:int}", "/staff/needs/{need}", STAFF),
    ("POST", "/staff/needs/{need_id:int}/checklist", "/staff/needs/{draft}/checklist", STAFF),
    ("POST", "/staff/needs/{need_id:int}/publish", "/staff/needs/{draft}/publish", STAFF),
    ("POST", "/staff/needs/{need_id:int}/request-changes", "/staff/needs/{draft}/request-changes", STAFF),
    ("POST", "/staff/needs/{need_id:int}/reject", "/staff/needs/{draft}/reject", STAFF),
    ("POST", "/staff/needs/{need_id:int}/suspend", "/staff/needs/{need}/suspend", STAFF),
    ("GET", "/staff/needs/{need_id:int}/matches", "/staff/needs/{need}/matches", STAFF),
    # Posted without a profile: staff pass the guard and are told there is no such profile.
    ("POST", "/staff/needs/{need_id:int}/invite", "/staff/needs/{need}/invite", (LOGIN, 403, 403, 403, 403, 404, 404)),
    ("GET", "/staff/profiles/{profile_id:int}", "/staff/profiles/{profile}", STAFF),
    ("GET", "/staff/missions", "/staff/missions", STAFF),
    ("GET", "/staff/missions/{mission_id:int}", "/staff/missions/{mission}", STAFF),
    ("POST", "/staff/missions/{mission_id:int}/{action:str}", "/staff/missions/{mission}/broker", STAFF),
]


def skills_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(method, route.path) for route in app.routes if route.path.startswith(PREFIXES)
            for handler in route.route_handlers for method in handler.http_methods if method != "OPTIONS"}


def test_every_skills_route_is_in_the_matrix(app):  # type: ignore[no-untyped-def]
    listed = {(method, route) for method, route, _path, _expected in MATRIX}
    unlisted = skills_routes(app) - listed
    assert not unlisted, f"skills routes missing from the authorisation matrix: {sorted(unlisted)}"
    assert not listed - skills_routes(app), "the matrix lists routes the app does not have"


@pytest.fixture
def world(session: Session, engine):  # type: ignore[no-untyped-def]
    staff = person(session, engine, "staff@example.org", "staff")
    person(session, engine, "admin@example.org", "admin")
    person(session, engine, "promoter@example.org", "promoter")
    member = person(session, engine, "member@example.org", "member")
    host_user, host = host_account(session, engine, "host@example.org", "approved", staff)
    host_account(session, engine, "other_host@example.org", "approved", staff, name="Autre hôpital")
    _pending_user, pending = host_account(session, engine, "pending@example.org", name="Hôpital en attente")
    need = published_need(session, host_user, staff, host)
    draft = need_draft(session, host_user, host, title="Brouillon")
    assert member.id is not None
    profile = profiles.save(session, SkillProfile(user_id=member.id, occupation="2212", skills="anaesthesia",
                                                  languages="fr", origin_country="SN", residence_country="FR"))
    mission: Mission = missions.offer(session, need, member, profile, "Disponible en mars.")
    session.commit()
    return {"need": need.id, "draft": draft.id, "host": host.id, "pending_host": pending.id,
            "profile": profile.id, "mission": mission.id}


@pytest.mark.parametrize("role", ROLES)
def test_skills_route_access_by_role(client, world, role):  # type: ignore[no-untyped-def]
    if role != "anonymous":
        assert login(client, f"{role}@example.org").status_code in (302, 303)
    failures = []
    for method, _route, template, expected_by_role in MATRIX:
        expected = expected_by_role[ROLES.index(role)]
        path = template.format(**world)
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        else:
            token = csrf_from(client.get("/login").text)
            response = client.post(path, data={"_csrf_token": token}, follow_redirects=False)
        status = response.status_code
        to_login = status in (302, 303) and response.headers["location"].startswith("/login")
        if expected == LOGIN:
            ok = to_login
        elif expected == OK:
            ok = status < 500 and status not in (401, 403, 404) and not to_login
        else:
            ok = status == expected
        if not ok or status >= 500:
            failures.append(f"{method} {path}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)
