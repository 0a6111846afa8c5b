"""The mission pages through HTTP, as each person uses them: the member offers, staff put it to the host,
the host accepts, schedules and confirms the days, the member prints the certificate anyone can check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from litestar.testing import TestClient
from sqlmodel import select

from app.models.skills import Mission, Need
from tests.skills.mission_helpers import Cast, cast, mails_to
from tests.support import csrf_from, login


@pytest.fixture
def people(session, engine) -> Cast:  # type: ignore[no-untyped-def]
    return cast(session, engine)


def _client(app, email: str | None, lang: str = "en") -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, base_url="http://testserver.local")
    client.__enter__()
    client.get(f"/lang/{lang}?next=/")
    if email:
        assert login(client, email).status_code == 302
    return client


def _post(client: TestClient, page: str, action: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**(data or {}), "_csrf_token": token}, follow_redirects=False)


def _mission(session) -> Mission:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.exec(select(Mission)).one()


def test_offer_broker_accept_schedule_complete_and_certificate(app, session, people):
    c = people
    member, staff, host = _client(app, c.member.email), _client(app, c.staff.email), _client(app, c.host_user.email)
    need_page = "/my/missions"  # any page of the member's with a form token
    answer = _post(member, need_page, f"/skills/needs/{c.need.id}/offer", {"message": "Free in March"})
    assert answer.status_code == 302 and answer.headers["location"].startswith("/my/missions/")
    mission = _mission(session)
    page = member.get(f"/my/missions/{mission.id}")
    assert page.status_code == 200 and "Programme staff are reading your offer" in page.text
    assert c.host_user.email not in page.text  # no contact details yet
    # Before staff put it to them, the host cannot open the offer.
    assert host.get(f"/my/needs/{c.need.id}/offers/{mission.id}").status_code == 404
    assert staff.get("/staff/missions").status_code == 200
    assert _post(staff, f"/staff/missions/{mission.id}", f"/staff/missions/{mission.id}/broker").status_code == 302
    offer_page = f"/my/needs/{c.need.id}/offers/{mission.id}"
    shown = host.get(offer_page)
    assert shown.status_code == 200 and "Médecin anesthésiste" in shown.text and "DES anesthésie" in shown.text
    assert c.member.email not in shown.text  # the profile, not yet the address
    assert host.get(f"/my/needs/{c.need.id}/offers").status_code == 200
    assert _post(host, offer_page, f"{offer_page}/accept").status_code == 302
    shown = host.get(offer_page)
    assert c.member.email in shown.text
    mine = member.get(f"/my/missions/{mission.id}").text
    assert c.host_user.email in mine and "+221 33 941 10 10" in mine
    start = (date.today() - timedelta(days=5)).strftime("%d/%m/%Y")
    assert _post(host, offer_page, f"{offer_page}/schedule",
                 {"starts_on": start, "ends_on": date.today().isoformat()}).status_code == 302
    assert _post(host, offer_page, f"{offer_page}/complete", {"days": "5"}).status_code == 302
    mission = _mission(session)
    assert mission.state == "completed" and mission.days_delivered == 5
    assert session.get(Need, c.need.id).days_given == 5  # type: ignore[union-attr]
    certificate = member.get(f"/my/missions/{mission.id}/certificate")
    assert certificate.status_code == 200 and "Aïssatou Sow" in certificate.text
    assert mission.certificate_code and mission.certificate_code in certificate.text
    download = member.get(f"/my/missions/{mission.id}/certificate?download=1")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert '<base href="http://testserver.local/">' in download.text
    # The public check shows the name, the need, the host and the days: nothing else of the member.
    anonymous = _client(app, None)
    check = anonymous.get(f"/skills/certificates/{mission.certificate_code.lower().replace('-', '')}",
                          follow_redirects=True)
    assert check.status_code == 200 and "Aïssatou Sow" in check.text and "Hôpital régional de Kaolack" in check.text
    for private in (c.member.email, "Médecin anesthésiste", "Lyon", "DES anesthésie"):
        assert private not in check.text
    assert anonymous.get("/skills/certificates/AAAA-BBBB-CCCC").status_code == 404
    assert anonymous.get("/skills/certificates?code=AAAA-BBBB-CCC2", follow_redirects=True).status_code == 404
    assert anonymous.get("/skills/certificates").status_code == 200
    # Another member has no certificate to see.
    assert _client(app, c.other_member.email).get(f"/my/missions/{mission.id}/certificate").status_code == 404


def test_refused_forms_say_why_beside_the_field_and_keep_what_was_typed(app, session, people):
    c = people
    member, staff, host = _client(app, c.member.email), _client(app, c.staff.email), _client(app, c.host_user.email)
    assert _post(member, "/my/missions", f"/skills/needs/{c.need.id}/offer", {"message": "Hello"}).status_code == 302
    again = _post(member, "/my/missions", f"/skills/needs/{c.need.id}/offer", {"message": "Second try"})
    assert again.status_code == 409 and "already offered" in again.text and "Second try" in again.text
    mission = _mission(session)
    _post(staff, f"/staff/missions/{mission.id}", f"/staff/missions/{mission.id}/broker")
    offer_page = f"/my/needs/{c.need.id}/offers/{mission.id}"
    _post(host, offer_page, f"{offer_page}/accept")
    bad = _post(host, offer_page, f"{offer_page}/schedule", {"starts_on": "31/02/2027", "ends_on": "2027-03-01"})
    assert bad.status_code == 400 and 'id="f-starts_on-error"' in bad.text and "31/02/2027" in bad.text
    backwards = _post(host, offer_page, f"{offer_page}/schedule", {"starts_on": "2027-03-05", "ends_on": "2027-03-01"})
    assert backwards.status_code == 400 and 'id="f-ends_on-error"' in backwards.text
    for days in ("cinq", "0", "1e3", "400"):
        refused = _post(host, offer_page, f"{offer_page}/complete", {"days": days})
        assert refused.status_code == 400 and 'id="f-days-error"' in refused.text, days
        assert f'value="{days}"' in refused.text
    too_long = _post(host, offer_page, f"{offer_page}/decline", {"reason": "x" * 3000})
    assert too_long.status_code == 400
    assert _mission(session).state == "accepted"
    # In French for a French reader.
    french = _client(app, c.other_member.email, "fr")
    _post(french, "/my/missions", f"/skills/needs/{c.need.id}/offer")
    refused = _post(french, "/my/missions", f"/skills/needs/{c.need.id}/offer")
    assert refused.status_code == 409 and "Vous avez déjà fait une proposition pour ce besoin" in refused.text


def test_without_a_profile_the_offer_leads_to_the_profile_form(app, session, people, engine):
    from tests.skills.mission_helpers import person

    newcomer = person(session, engine, "nouveau@example.org")
    client = _client(app, newcomer.email)
    answer = _post(client, "/my/missions", f"/skills/needs/{people.need.id}/offer")
    assert answer.status_code == 302 and answer.headers["location"] == "/my/skills"
    assert session.exec(select(Mission)).first() is None
    anonymous = _client(app, None)
    refused = anonymous.post(f"/skills/needs/{people.need.id}/offer", follow_redirects=False)
    assert refused.status_code in (302, 401, 403)


def test_staff_invite_from_the_match_list_and_the_member_answers(app, session, people):
    c = people
    staff, member = _client(app, c.staff.email), _client(app, c.member.email)
    answer = _post(staff, "/staff/missions", f"/staff/needs/{c.need.id}/invite", {"profile_id": str(c.profile.id)})
    assert answer.status_code == 302
    mission = _mission(session)
    assert mission.state == "invited"
    invitation = mails_to(session, c.member.email)[-1]
    assert invitation.subject.startswith("You are invited")  # the member reads English
    twice = _post(staff, "/staff/missions", f"/staff/needs/{c.need.id}/invite", {"profile_id": str(c.profile.id)})
    assert twice.status_code == 302 and twice.headers["location"].endswith("/matches")
    assert _post(staff, "/staff/missions", f"/staff/needs/{c.need.id}/invite",
                 {"profile_id": "999999"}).status_code == 404
    page = f"/my/missions/{mission.id}"
    assert _post(member, page, f"{page}/accept", {"message": "With pleasure"}).status_code == 302
    assert _mission(session).state == "offered"
    host = _client(app, c.host_user.email)
    assert host.get(f"/my/needs/{c.need.id}/offers/{mission.id}").status_code == 200
