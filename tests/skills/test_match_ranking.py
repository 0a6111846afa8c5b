"""The staff's match ranking against a plain-Python statement of its rule (app.skills.matching's docstring), on
both databases: every page of a few hundred varied profiles, with and without a search, so a faster query plan
can never change what staff see or in which order."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert
from sqlmodel import Session, select

from app.models import Mission, Need, SkillProfile, User
from app.skills import fulltext, matching, tags
from tests.marketplace.helpers import person

SKILLS = ["anaesthesia", "surgery", "nursing", "public health", "accounting", "teaching", "agronomy", "logistics"]
LANGS = ["fr", "en", "wo", "ff", "ar"]
CODES = ["2212", "2211", "2221", "2222", "2240", "2261", "2411", "2330", "3221", "1342", "6111", "7411"]
WORDS = ["reanimation", "pediatrie", "bloc", "cooperative", "formation", "audit", "terrain", "kaolack"]


def _population(session: Session, engine: Any, count: int = 260) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    now = datetime.now(UTC)
    session.execute(insert(User), [{"email": f"rank{i}@example.org", "display_name": f"Membre {i}", "locale": "fr",
                                    "password_hash": "x", "role": "member", "created_at": now}
                                   for i in range(count)])
    users = session.exec(select(User.id).where(User.email.like("rank%@example.org"))  # type: ignore[attr-defined]
                         .order_by(User.id)).all()
    session.execute(insert(SkillProfile), [
        {"user_id": uid, "occupation": rng.choice(CODES), "job_title": f"Métier {rng.choice(WORDS)}",
         "skills": tags.stored(rng.sample(SKILLS, rng.randint(0, 4))),
         "languages": " ".join(rng.sample(LANGS, rng.randint(1, 3))), "origin_country": rng.choice(["SN", "ML"]),
         "residence_country": "FR", "mode": rng.choice(["on_site", "remote", "either"]),
         "days_per_year": rng.choice((0, 5, 10, 15, 30)), "qualifications": f"Diplôme C{rng.randrange(4)}",
         "summary": " ".join(rng.sample(WORDS, 2)), "active": rng.random() > 0.15, "created_at": now,
         "updated_at": now} for uid in users])
    fulltext.rebuild(session)
    session.commit()


def _expected(session: Session, need: Need, query: str) -> list[tuple[int, int, int]]:
    """(closeness, profile id, score) of every profile that fits, best first, computed row by row in Python."""
    words = fulltext.terms(query)
    if query.strip() and not words:
        return []  # a search with no letter or digit finds nothing
    need_skills, need_langs = set(tags.read(need.skills)), set(need.languages.split())
    modes = matching.COMPATIBLE_MODES.get(need.mode)
    found = []
    for p in session.exec(select(SkillProfile).where(SkillProfile.active == True)).all():  # noqa: E712
        closeness = next((d for d in (4, 3, 2, 1) if p.occupation[:d] == need.occupation[:d]), 0)
        if query.strip():
            document = fulltext.document(p).split()
            if not all(any(token.startswith(w) for token in document) for w in words):
                continue
        elif closeness == 0:
            continue
        score = matching.SKILL_POINTS * min(matching.MAX_SKILLS, len(set(tags.read(p.skills)) & need_skills)) \
            + matching.LANGUAGE_POINTS * min(matching.MAX_LANGUAGES, len(set(p.languages.split()) & need_langs)) \
            + (matching.MODE_POINTS if modes is None or p.mode in modes else 0) \
            + (matching.DAYS_POINTS if p.days_per_year >= need.days_wanted else 0) \
            + (matching.ORIGIN_POINTS if p.origin_country == need.country else 0)
        assert p.id is not None
        found.append((closeness, p.id, score))
    return sorted(found, key=lambda row: (-row[0], -row[2], row[1]))


@pytest.mark.parametrize(("broad", "counted", "scanned"),
                         [(1, 1000, 3000), (10**9, 1000, 3000), (1, 40, 3000), (10**9, 40, 3000), (1, 1000, 0)],
                         ids=["searches by tier", "searches at once", "by tier, counted to 40", "at once, to 40",
                              "by tier, every tier's hits hashed"])
def test_every_page_of_matches_is_the_rule_applied_row_by_row(session: Session, engine, monkeypatch,  # type: ignore[no-untyped-def]
                                                              broad: int, counted: int, scanned: int) -> None:
    monkeypatch.setattr(matching, "BROAD", broad)  # both ways of ranking a search, whatever its hits
    monkeypatch.setattr(matching, "COUNTED", counted)  # a count that stops before the last profile (whole pages)
    monkeypatch.setattr(matching, "SCANNED", scanned)  # PostgreSQL: a tier's hits looked up row by row, or hashed
    _population(session, engine)
    poster = person(session, engine, "poster@example.org", "host")
    assert poster.id is not None
    needs = [Need(title=f"Besoin {code}", occupation=code, skills=skills, languages=langs, country="SN", mode=mode,
                  days_wanted=days, posted_by=poster.id, state="published")
             for code, skills, langs, mode, days in [
                 ("2212", "anaesthesia\nsurgery", "fr wo", "on_site", 10), ("2221", "nursing", "en", "remote", 15),
                 ("2411", "", "fr", "either", 5), ("6111", "agronomy\nlogistics\nteaching", "ar ff", "remote", 30)]]
    session.add_all(needs)
    session.commit()
    profile = matching.matches(session, needs[0]).items[1].profile
    assert needs[0].id is not None and profile.id is not None
    for state in ("withdrawn", "offered"):  # the latest is shown
        session.add(Mission(need_id=needs[0].id, member_id=profile.user_id, profile_id=profile.id, state=state))
        session.commit()
    checked = 0
    for need in needs:
        for query in ("", "reanimation", "c1", "nursing", "metier bloc", "professionals", "zzz", "!!"):
            expected = _expected(session, need, query)
            total = min(len(expected), matching.COUNTED)
            pages = max(1, -(-total // matching.PAGE_SIZE))
            for number in range(1, pages + 2):  # and one past the last: the last page again
                result = matching.matches(session, need, query, number)
                shown = min(number, pages)
                want = expected[(shown - 1) * matching.PAGE_SIZE:shown * matching.PAGE_SIZE]
                assert (result.total, result.page, result.pages) == (total, shown, pages), (need.occupation, query)
                assert [(m.closeness, m.profile.id, m.score) for m in result.items] == want, \
                    (need.occupation, query, number)
                checked += len(want)
    assert checked > (1000 if counted == 1000 else 300)  # the population exercises every tier, page and search
    first = matching.matches(session, needs[0]).items
    assert [m.mission_state for m in first[:3]] == [None, "offered", None] and first[1].profile.id == profile.id
    for m in first:
        assert m.member.id == m.profile.user_id and m.member.display_name.startswith("Membre")
        assert m.shared_skills == [t for t in tags.read(m.profile.skills) if t in tags.read(needs[0].skills)]
