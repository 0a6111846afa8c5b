"""The needs' pages as people use them: a host registers and confirms its address, posts and submits a need;
a promoter posts one for a listing; staff vet host and need; only published needs and approved hosts are
public; every refused form keeps what was typed, with the error beside its field."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.models import Host, Need, OutboxMessage, User
from tests.marketplace.helpers import draft, person, published
from tests.skills.helpers import HOST_FORM, NEED_FORM, host_account, need_draft, published_need
from tests.support import csrf_from, login, post_form

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(session, engine):  # type: ignore[no-untyped-def]
    return person(session, engine, "moussa@example.org", "staff")


def test_a_host_registers_confirms_its_address_and_waits_for_vetting(client, session):
    form = HOST_FORM | {"email": "Direction@Hopital-Kaolack.sn", "password": PASSWORD, "display_name": "Dr Ndiaye"}
    answer = post_form(client, "/register/host", "/register/host", form, follow_redirects=False)
    assert answer.status_code in (302, 303) and answer.headers["location"] == "/login"
    user = session.exec(select(User).where(User.email == "direction@hopital-kaolack.sn")).one()
    host = session.exec(select(Host).where(Host.user_id == user.id)).one()
    assert user.role == "host" and user.email_verified_at is None
    assert (host.state, host.name, host.town, host.kind) == ("pending", HOST_FORM["name"], "Kaolack", "hospital")
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == user.email)).one()
    token = re.search(r"/verify\?token=(\S+)", mail.body)
    assert token
    assert client.get(f"/verify?token={token.group(1)}", follow_redirects=False).status_code in (302, 303)
    session.refresh(user)
    assert user.email_verified_at is not None
    login(client, user.email)
    space = client.get("/my/host")
    assert space.status_code == 200 and HOST_FORM["name"] in space.text and 'id="host-state"' in space.text


def test_a_refused_host_registration_keeps_what_was_typed(client, session):
    form = HOST_FORM | {"email": "not-an-address", "password": PASSWORD, "name": "", "town": "Ziguinchor",
                        "website": "hopital.sn"}
    answer = post_form(client, "/register/host", "/register/host", form)
    assert answer.status_code == 400
    assert 'value="Ziguinchor"' in answer.text and 'value="not-an-address"' in answer.text
    assert PASSWORD not in answer.text
    assert 'id="f-name-error"' in answer.text and 'id="f-email-error"' in answer.text
    assert 'id="f-website-error"' in answer.text
    french = client.post("/register/host", headers={"accept-language": "fr"},
                         data=form | {"_csrf_token": csrf_from(client.get("/register/host").text)})
    assert "Veuillez" in french.text or "Merci" in french.text
    assert session.exec(select(Host)).first() is None


def test_a_too_long_field_is_refused_beside_its_field(client):
    form = HOST_FORM | {"email": "a@example.org", "password": PASSWORD, "description": "x" * 4001}
    answer = post_form(client, "/register/host", "/register/host", form)
    assert answer.status_code == 400 and "4000" in answer.text.replace("\u202f", "").replace(" ", "")


def test_a_host_posts_edits_and_submits_a_need(client, session, engine):
    user, host = host_account(session, engine, "hopital@example.org")
    login(client, user.email)
    bad = NEED_FORM | {"days_wanted": "0", "languages": "fr xx"}
    refused = post_form(client, "/my/needs/new", "/my/needs/new", bad)
    assert refused.status_code == 400
    assert 'id="f-days_wanted-error"' in refused.text and 'id="f-languages-error"' in refused.text
    assert NEED_FORM["title"] in refused.text  # what was typed is kept
    made = post_form(client, "/my/needs/new", "/my/needs/new", NEED_FORM, follow_redirects=False)
    assert made.status_code in (302, 303)
    need = session.exec(select(Need)).one()
    assert (need.host_id, need.posted_by, need.state) == (host.id, user.id, "draft")
    assert need.skills == "paediatric anaesthesia\ntraining" and need.provides == "lodging"
    edited = post_form(client, f"/my/needs/{need.id}/edit", f"/my/needs/{need.id}/edit",
                       NEED_FORM | {"days_wanted": "14"}, follow_redirects=False)
    assert edited.status_code in (302, 303)
    submitted = post_form(client, f"/my/needs/{need.id}", f"/my/needs/{need.id}/submit", {})
    assert submitted.status_code == 200 and 'id="need-state"' in submitted.text
    session.refresh(need)
    assert (need.state, need.days_wanted) == ("submitted", 14)
    assert client.get(f"/my/needs/{need.id}/edit").status_code == 409


def test_a_promoter_posts_a_need_for_one_of_their_own_listings_only(client, session, engine, settings):
    promoter = person(session, engine, "awa@example.org", "promoter")
    other = person(session, engine, "other@example.org", "promoter")
    mine, theirs = draft(session, settings, promoter), draft(session, settings, other)
    login(client, promoter.email)
    refused = post_form(client, "/my/needs/new", "/my/needs/new", NEED_FORM | {"listing_id": str(theirs.id)})
    assert refused.status_code == 400 and 'id="f-listing_id-error"' in refused.text
    made = post_form(client, "/my/needs/new", "/my/needs/new", NEED_FORM | {"listing_id": str(mine.id)},
                     follow_redirects=False)
    assert made.status_code in (302, 303)
    need = session.exec(select(Need)).one()
    assert need.listing_id == mine.id and need.host_id is None


def test_a_poster_never_sees_anothers_need(client, session, engine):
    user, host = host_account(session, engine, "hopital@example.org")
    need = need_draft(session, user, host)
    other, _ = host_account(session, engine, "other@example.org", name="Autre hôpital")
    login(client, other.email)
    assert client.get(f"/my/needs/{need.id}").status_code == 404
    assert client.get(f"/my/needs/{need.id}/edit").status_code == 404
    token = csrf_from(client.get("/my/needs").text)
    assert client.post(f"/my/needs/{need.id}/submit", data={"_csrf_token": token}).status_code == 404


def test_staff_vet_a_host_then_its_need_and_the_public_sees_only_then(client, session, engine, staff):
    user, host = host_account(session, engine, "hopital@example.org")
    need = need_draft(session, user, host)
    from app.skills import need_vetting

    need_vetting.submit(session, need, user)
    session.commit()
    assert client.get(f"/skills/hosts/{host.id}").status_code == 404
    login(client, staff.email)
    desk = client.get("/staff/skills")
    assert desk.status_code == 200 and host.name in desk.text and need.title in desk.text
    # Publishing first is refused beside the decision: the host is not approved.
    page = f"/staff/needs/{need.id}"
    refused = post_form(client, page, f"{page}/publish", {})
    assert refused.status_code == 400 and 'id="decision-error"' in refused.text
    # Rejecting the host without a reason keeps the page, the error beside the reason.
    refused = post_form(client, f"/staff/hosts/{host.id}", f"/staff/hosts/{host.id}/reject", {"reason": " "})
    assert refused.status_code == 400 and 'id="f-reason-reject-error"' in refused.text
    assert post_form(client, f"/staff/hosts/{host.id}", f"/staff/hosts/{host.id}/approve", {},
                     follow_redirects=False).status_code in (302, 303)
    checklist = {f"status_{code}": "pass" for code in
                 ("poster_verified", "genuine_need", "occupation_matches", "conditions_safe",
                  "provisions_confirmed", "no_personal_data")}
    assert post_form(client, page, f"{page}/checklist", checklist, follow_redirects=False).status_code in (302, 303)
    assert post_form(client, page, f"{page}/publish", {}, follow_redirects=False).status_code in (302, 303)
    session.refresh(need)
    assert need.state == "published"
    client.cookies.clear()
    public = client.get(f"/skills/hosts/{host.id}")
    assert public.status_code == 200 and need.title in public.text
    assert host.phone not in public.text or not host.phone


def test_a_refused_checklist_keeps_the_notes_typed(client, session, engine, staff):
    user, host = host_account(session, engine, "hopital@example.org")
    need = need_draft(session, user, host)
    login(client, staff.email)
    page = f"/staff/needs/{need.id}"
    refused = post_form(client, page, f"{page}/checklist", {"status_genuine_need": "waived",
                                                             "note_conditions_safe": "Visited on 3 March"})
    assert refused.status_code == 400 and 'id="checklist-error"' in refused.text
    assert 'value="Visited on 3 March"' in refused.text


def test_the_project_page_shows_expertise_wanted_and_days_given(client, session, engine, settings, staff):
    promoter = person(session, engine, "awa@example.org", "promoter")
    listing = published(session, settings, promoter, staff)
    need = published_need(session, promoter, staff, listing_id=listing.id, title="Refrigeration technician")
    hidden = need_draft(session, promoter, listing_id=listing.id, title="A draft nobody sees")
    need.days_given = 7
    session.add(need)
    session.commit()
    page = client.get(f"/projects/{listing.slug}")
    assert page.status_code == 200
    assert 'id="expertise"' in page.text and "Refrigeration technician" in page.text
    assert hidden.title not in page.text
    assert re.search(r"7\s+(days of expertise given|jours d(&#39;|')expertise donnés)", page.text)


def test_a_need_period_is_read_as_people_write_it_and_a_wrong_day_is_told_beside_its_field(client, session, engine):
    user, _host = host_account(session, engine, "hopital@example.org")
    login(client, user.email)
    bad = NEED_FORM | {"starts_on": "31/02/2027", "ends_on": "2300-01-01"}
    refused = post_form(client, "/my/needs/new", "/my/needs/new", bad, headers={"accept-language": "fr"})
    assert refused.status_code == 400
    assert 'id="f-starts_on-error"' in refused.text and 'id="f-ends_on-error"' in refused.text
    assert "2027-03-01" in refused.text and "2100-12-31" in refused.text  # the example, and the bounds
    assert 'value="31/02/2027"' in refused.text  # what was typed is kept
    made = post_form(client, "/my/needs/new", "/my/needs/new", NEED_FORM | {"starts_on": "01/03/2027",
                                                                            "ends_on": "2027-3-21"},
                     follow_redirects=False)
    assert made.status_code in (302, 303)
    need = session.exec(select(Need)).one()
    assert (need.starts_on.isoformat(), need.ends_on.isoformat()) == ("2027-03-01", "2027-03-21")  # type: ignore[union-attr]
