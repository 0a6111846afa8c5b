"""The staff's match page is cached on the skills data version: a change shows at the very next request, from
whatever worker it was made; the cached page is the page, with each staff member's own CSRF token."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from app.models import Mission, SkillProfile, User, versions
from app.skills import missions, profiles
from tests.skills.mission_helpers import Cast, cast
from tests.skills.test_profiles import FORM as PROFILE_FORM
from tests.support import csrf_from, login, make_user, post_form

BASE = "http://testserver.local"


@pytest.fixture
def story(session: Session, engine) -> Cast:  # type: ignore[no-untyped-def]
    found = cast(session, engine)
    make_user(engine, "desk@example.org", "staff")
    return found


def _matches(client: TestClient, story: Cast, query: str = "") -> str:  # type: ignore[type-arg]
    answer = client.get(f"/staff/needs/{story.need.id}/matches{query}")
    assert answer.status_code == 200
    return answer.text


def _behind_the_cache(engine, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    """A write on a bare connection: no data version moves (what the cache cannot know about)."""
    with engine.begin() as conn:
        conn.execute(text(sql), params)


def test_the_page_is_served_from_the_cache_until_a_saved_profile_changes_it(client, session, engine, story):  # type: ignore[no-untyped-def]
    login(client, "desk@example.org")
    assert "Médecin anesthésiste" in _matches(client, story)
    # proof the page comes from the cache: a change the version does not know of is not shown...
    _behind_the_cache(engine, "UPDATE skill_profile SET job_title = 'Invisible' WHERE id = :id", id=story.profile.id)
    assert "Invisible" not in _matches(client, story)
    # ...while a save through the profiles service shows at the very next request
    profile = session.get(SkillProfile, story.profile.id)
    session.refresh(profile)
    profile.job_title = "Anesthésiste-réanimatrice pédiatrique"
    profiles.save(session, profile)
    session.commit()
    assert "Anesthésiste-réanimatrice pédiatrique" in _matches(client, story)


def test_a_profile_paused_on_its_page_leaves_the_match_list_at_once(client, session, engine, story):  # type: ignore[no-untyped-def]
    login(client, "desk@example.org")
    first = _matches(client, story)
    assert f'/staff/profiles/{story.profile.id}"' in first and f'/staff/profiles/{story.other_profile.id}"' in first
    # the member pauses their profile through /my/skills, in another browser on the same worker
    with TestClient(client.app, base_url=BASE) as member:
        assert login(member, story.member.email).status_code in (302, 303)
        saved = post_form(member, "/my/skills", "/my/skills", PROFILE_FORM | {"paused": "on"},
                          follow_redirects=False)
        assert saved.status_code in (302, 303)
    session.expire_all()
    assert session.get(SkillProfile, story.profile.id).active is False  # type: ignore[union-attr]
    after = _matches(client, story)
    assert f'/staff/profiles/{story.profile.id}"' not in after
    assert f'/staff/profiles/{story.other_profile.id}"' in after


def test_a_new_offer_shows_on_the_match_list_at_the_very_next_request(client, session, engine, story):  # type: ignore[no-untyped-def]
    login(client, "desk@example.org")
    assert "Already in touch" not in _matches(client, story) and "Déjà en contact" not in _matches(client, story)
    missions.offer(session, story.need, story.member, story.profile, "Available in March.")
    session.commit()
    assert "Déjà en contact pour ce besoin" in _matches(client, story)


def test_an_invitation_moved_on_another_worker_shows_here_at_once(client, settings, session, engine, story):  # type: ignore[no-untyped-def]
    from app.main import create_app

    login(client, "desk@example.org")
    assert "Déjà en contact" not in _matches(client, story)
    with TestClient(create_app(settings), base_url=BASE) as other_worker:
        login(other_worker, "desk@example.org")
        page = f"/staff/needs/{story.need.id}/matches"
        invited = post_form(other_worker, page, f"/staff/needs/{story.need.id}/invite",
                            {"profile_id": str(story.profile.id)}, follow_redirects=False)
        assert invited.status_code in (302, 303)
    assert session.exec(select(Mission).where(Mission.profile_id == story.profile.id)).first() is not None
    assert "Déjà en contact pour ce besoin" in _matches(client, story)


def test_a_need_edited_and_a_member_renamed_show_at_once(client, session, engine, story):  # type: ignore[no-untyped-def]
    login(client, "desk@example.org")
    assert "Aïssatou Sow" in _matches(client, story)
    member = session.get(User, story.member.id)
    member.display_name = "Aïssatou Sow-Diallo"
    session.add(member)
    session.commit()
    assert "Aïssatou Sow-Diallo" in _matches(client, story)
    need = story.need
    session.refresh(need)
    need.title = "Anaesthetist for the new theatre"
    session.add(need)
    session.commit()
    assert "Anaesthetist for the new theatre" in _matches(client, story)


def test_the_cached_page_is_the_page_with_each_staff_members_own_csrf_token(client, session, engine, story):  # type: ignore[no-untyped-def]
    make_user(engine, "desk2@example.org", "staff")
    login(client, "desk@example.org")
    built, served = _matches(client, story), _matches(client, story)
    assert built == served
    tokens = set(re.findall(r'name="_csrf_token" value="([^"]+)"', served))
    header = re.search(r'"x-csrftoken": "([^"]+)"', served)
    assert len(tokens) == 1 and header and tokens == {header.group(1)}
    assert served.count('name="_csrf_token"') == 3  # log out, and one invitation per match
    with TestClient(client.app, base_url=BASE) as colleague:
        login(colleague, "desk2@example.org")
        theirs = _matches(colleague, story)
        their_tokens = set(re.findall(r'name="_csrf_token" value="([^"]+)"', theirs))
        assert len(their_tokens) == 1 and their_tokens != tokens
        assert theirs.replace(their_tokens.pop(), "T") == served.replace(tokens.pop(), "T")
        # the colleague's token is theirs: their invitation goes through
        invited = colleague.post(f"/staff/needs/{story.need.id}/invite",
                                 data={"profile_id": str(story.profile.id),
                                       "_csrf_token": csrf_from(theirs)}, follow_redirects=False)
        assert invited.status_code in (302, 303)
    # a search, a page and the htmx fragment are pages of their own
    fragment = client.get(f"/staff/needs/{story.need.id}/matches?q=anaesthesia",
                          headers={"HX-Request": "true", "HX-Target": "matches"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "« anaesthesia »" in fragment.text
    assert "<html" in _matches(client, story, "?q=anaesthesia")
    assert "Kofi" in _matches(client, story) and "Kofi" not in _matches(client, story, "?q=zzzz")


def test_a_flash_message_is_shown_once_and_never_cached(client, session, engine, story):  # type: ignore[no-untyped-def]
    login(client, "desk@example.org")
    page = f"/staff/needs/{story.need.id}/matches"
    invited = post_form(client, page, f"/staff/needs/{story.need.id}/invite",
                        {"profile_id": str(story.profile.id)}, follow_redirects=False)
    assert invited.status_code in (302, 303)
    shown = client.get(invited.headers["location"]).text
    flashes = re.findall(r'<p class="flash', shown)
    assert flashes, "the invitation's message"
    assert not re.findall(r'<p class="flash', _matches(client, story))


def test_only_a_commit_moves_the_version_and_only_for_what_a_match_list_shows(session, engine, story):  # type: ignore[no-untyped-def]
    def token() -> str:
        with engine.connect() as conn:
            return versions.read(conn, versions.SKILLS)

    before = token()
    profile = session.get(SkillProfile, story.profile.id)
    profile.summary = "Rolled back."
    session.add(profile)
    session.flush()
    session.rollback()
    assert token() == before, "a rolled-back write"
    staff = session.get(User, story.staff.id)
    staff.session_epoch += 1
    session.add(staff)
    session.commit()
    assert token() == before, "a session epoch is not on a match list"
    mission = missions.invite(session, story.need, story.other_profile, story.staff)
    session.commit()
    after_invite = token()
    assert after_invite != before
    from sqlalchemy import update

    session.execute(update(Mission).where(Mission.id == mission.id).values(reason="moved by a bulk update"))  # type: ignore[arg-type]
    session.commit()
    assert token() != after_invite, "an ORM bulk update of a watched table"
