"""Skill profiles: the member's form, the full-text index kept in step, ranking for staff, who sees what."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from app.models import Need, SkillProfile, User
from app.skills import fulltext, matching, profiles, tags
from tests.marketplace.helpers import person
from tests.support import login, make_user, post_form

FORM = {"occupation": "2212", "job_title": "Anesthésiste-réanimatrice", "skill_1": "Anaesthesia",
        "skill_2": " emergency  care ", "skill_3": "", "lang_fr": "on", "lang_wo": "on", "origin_country": "SN",
        "residence_country": "FR", "mode": "on_site", "days_per_year": "21",
        "qualifications": "DES d'anesthésie-réanimation", "summary": "Trois semaines par an à Kaolack."}


def _profile(session: Session, engine, email: str, occupation: str, *, skills=(), spoken="fr", origin="SN",  # type: ignore[no-untyped-def]
             mode="either", days=10, active=True, summary="") -> SkillProfile:
    user = person(session, engine, email)
    assert user.id is not None
    profile = profiles.save(session, SkillProfile(user_id=user.id, occupation=occupation,
                                                  skills=tags.stored(list(skills)), languages=spoken,
                                                  origin_country=origin, residence_country="FR", mode=mode,
                                                  days_per_year=days, active=active, summary=summary))
    session.commit()
    return profile


def _need(session: Session, engine, **values) -> Need:  # type: ignore[no-untyped-def]
    poster = session.exec(select(User).where(User.email == "host@example.org")).first() or \
        person(session, engine, "host@example.org", "host")
    assert poster.id is not None
    need = Need(**({"title": "Anesthésiste pour le bloc de Kaolack", "occupation": "2212",
                    "skills": "anaesthesia\nobstetrics", "languages": "fr wo", "country": "SN", "mode": "on_site",
                    "days_wanted": 15, "posted_by": poster.id, "state": "published"} | values))
    session.add(need)
    session.commit()
    return need


def test_a_member_writes_a_profile_that_is_indexed(client, session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, "aminata@example.org")
    login(client, "aminata@example.org")
    page = client.get("/my/skills")
    assert page.status_code == 200 and 'name="occupation"' in page.text and "<optgroup" in page.text
    assert 'list="skill-suggestions"' in page.text
    answer = post_form(client, "/my/skills", "/my/skills", FORM, follow_redirects=False)
    assert answer.status_code in (302, 303), answer.text
    profile = session.exec(select(SkillProfile)).one()
    assert profile.occupation == "2212" and profile.skills == "anaesthesia\nemergency care"
    assert profile.languages == "fr wo" and profile.days_per_year == 21 and profile.active
    assert fulltext.indexed_ids(session) == {profile.id}
    shown = client.get("/my/skills").text
    assert 'value="anaesthesia"' in shown and "Anesthésiste-réanimatrice" in shown
    # pausing keeps the profile and takes it out of matching
    post_form(client, "/my/skills", "/my/skills", FORM | {"paused": "on"})
    session.refresh(profile)
    assert not profile.active


def test_a_refused_profile_says_why_beside_each_field_and_keeps_what_was_typed(client, session: Session,  # type: ignore[no-untyped-def]
                                                                                 engine) -> None:
    make_user(engine, "aminata@example.org")
    login(client, "aminata@example.org")
    client.cookies.set("locale", "en")
    many = {f"skill_{n}": f"skill {n}" for n in range(1, 23)}
    bad = FORM | many | {"occupation": "221", "days_per_year": "lots", "origin_country": "ZZ",
                         "lang_fr": "", "lang_wo": "", "job_title": "Gardée"}
    answer = post_form(client, "/my/skills", "/my/skills", bad)
    assert answer.status_code == 400
    for field in ("occupation", "days_per_year", "origin_country", "skills", "languages"):
        assert f'id="f-{field}-error"' in answer.text, field
    assert 'value="Gardée"' in answer.text and 'value="lots"' in answer.text
    assert 'value="skill 22"' in answer.text
    assert session.exec(select(SkillProfile)).first() is None
    too_long = post_form(client, "/my/skills", "/my/skills", FORM | {"skill_1": "x" * 41})
    assert too_long.status_code == 400 and "41" in too_long.text


def test_the_occupation_search_narrows_the_list_without_saving(client, session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    make_user(engine, "aminata@example.org")
    login(client, "aminata@example.org")
    answer = post_form(client, "/my/skills", "/my/skills", FORM | {"action": "find", "find": "sage-femme"})
    assert answer.status_code == 200
    options = re.findall(r'<option value="(\d{4})"', answer.text)
    assert "2222" in options and "3222" in options and "2411" not in options
    assert 'value="Anesthésiste-réanimatrice"' in answer.text  # what was typed is kept
    more = post_form(client, "/my/skills", "/my/skills", FORM | {"action": "more"})
    assert 'name="skill_6"' in more.text
    assert session.exec(select(SkillProfile)).first() is None


def test_the_full_text_index_follows_insert_update_and_delete(session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    profile = _profile(session, engine, "a@example.org", "2212", skills=["anaesthesia"], summary="Réanimation")
    need = _need(session, engine)

    def found(q: str) -> list[int]:
        return [m.profile.id for m in matching.matches(session, need, q).items]  # type: ignore[misc]

    assert found("reanimation") == [profile.id] and found("Anaest") == [profile.id]  # accents folded, prefixes
    assert found("medecins specialistes") == [profile.id]  # the occupation's French label is indexed
    profile.summary = "Chirurgie pédiatrique"
    profiles.save(session, profile)
    session.commit()
    assert found("reanimation") == [] and found("pediatrique") == [profile.id]
    assert fulltext.indexed_ids(session) == {profile.id}
    profiles.delete(session, profile)
    session.commit()
    assert fulltext.indexed_ids(session) == set() and found("pediatrique") == []
    # a profile deleted by any other path (here plain SQL) leaves no row behind either
    other = _profile(session, engine, "b@example.org", "2212", summary="cardiologie")
    session.delete(other)
    session.commit()
    assert fulltext.indexed_ids(session) == set()


def test_matches_are_ranked_by_occupation_then_fit(session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    need = _need(session, engine)
    best = _profile(session, engine, "best@example.org", "2212", skills=["anaesthesia", "obstetrics"], spoken="fr wo",
                    origin="SN", mode="on_site", days=20)
    plain = _profile(session, engine, "plain@example.org", "2212", spoken="en", origin="CM", mode="remote", days=2)
    minor = _profile(session, engine, "minor@example.org", "2211", skills=["anaesthesia"])
    sub = _profile(session, engine, "sub@example.org", "2221", skills=["anaesthesia", "obstetrics"], origin="SN")
    major = _profile(session, engine, "major@example.org", "2411", skills=["anaesthesia"])
    _profile(session, engine, "far@example.org", "6111", skills=["anaesthesia"], summary="anaesthesia")
    _profile(session, engine, "paused@example.org", "2212", skills=["anaesthesia"], active=False)
    result = matching.matches(session, need)
    assert [m.profile.id for m in result.items] == [best.id, plain.id, minor.id, sub.id, major.id]
    assert result.total == 5
    top = result.items[0]
    assert top.closeness == 4 and top.shared_skills == ["anaesthesia", "obstetrics"] and top.origin_ok
    assert top.score == 2 * 10 + 2 * 4 + 6 + 5 + 8 and result.items[1].score == 0
    # a search looks through every occupation, the other major groups last
    searched = matching.matches(session, need, "anaesthesia")
    assert [m.profile.occupation for m in searched.items] == ["2212", "2211", "2221", "2411", "6111"]
    assert searched.items[-1].closeness == 0


def test_matches_page_through_the_tiers(session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    need = _need(session, engine)
    for n in range(matching.PAGE_SIZE + 3):
        _profile(session, engine, f"p{n}@example.org", "2212" if n < 15 else "2221", days=n)
    first, second = matching.matches(session, need, page=1), matching.matches(session, need, page=2)
    assert first.total == second.total == 23 and first.pages == 2
    assert len(first.items) == 20 and len(second.items) == 3
    ids = [m.profile.id for m in first.items + second.items]
    assert len(set(ids)) == 23
    assert [m.closeness for m in first.items[:15]] == [4] * 15 and {m.closeness for m in second.items} == {2}


def test_only_staff_see_a_profile_and_a_member_sees_only_their_own(client, session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    mine = _profile(session, engine, "me@example.org", "2212", summary="my own words")
    other = _profile(session, engine, "other@example.org", "2411", summary="someone else's words")
    need = _need(session, engine)
    login(client, "me@example.org")
    own = client.get("/my/skills").text
    assert "my own words" in own and "someone else" not in own
    for path in (f"/staff/profiles/{other.id}", f"/staff/profiles/{mine.id}", f"/staff/needs/{need.id}/matches"):
        assert client.get(path).status_code == 403, path
    make_user(engine, "host2@example.org", "host")
    client.cookies.clear()
    login(client, "host2@example.org")
    assert client.get("/my/skills").status_code == 403
    assert client.get(f"/staff/profiles/{other.id}").status_code == 403
    client.cookies.clear()
    assert client.get(f"/staff/profiles/{other.id}", follow_redirects=False).status_code in (302, 303)
    make_user(engine, "staff@example.org", "staff")
    login(client, "staff@example.org")
    shown = client.get(f"/staff/profiles/{other.id}")
    assert shown.status_code == 200 and "someone else&#39;s words" in shown.text
    matches = client.get(f"/staff/needs/{need.id}/matches")
    assert matches.status_code == 200 and f"/staff/profiles/{mine.id}" in matches.text
    # the missions work serves the invitation: one button per match, naming the profile it invites
    assert f'action="/staff/needs/{need.id}/invite"' in matches.text
    assert f'name="profile_id" value="{mine.id}"' in matches.text
    assert client.get("/staff/profiles/999999").status_code == 404
    searched = client.get(f"/staff/needs/{need.id}/matches?q=someone", headers={"HX-Request": "true",
                                                                                 "HX-Target": "matches"})
    assert searched.status_code == 200 and "<html" not in searched.text
    assert f"/staff/profiles/{other.id}" in searched.text and f"/staff/profiles/{mine.id}" not in searched.text
