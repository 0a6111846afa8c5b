"""Matching for staff: the active profiles that fit a need, best first.

Occupation comes first, through the ISCO-08 hierarchy: the same unit group, then the same minor, sub-major and
major group (a nurse is a better answer to a call for an anaesthetist than an accountant who ticked "anaesthesia").
Within each of these tiers profiles are ordered by a score: skills shared with the need (10 each, five at most),
languages shared (4 each, three at most), a compatible way of working (remote / on site, 6), enough days a year
(5), and origin in the need's country (8). Without a search, only the need's major group is considered; a search
(the database's full-text index, app.skills.fulltext) looks through every active profile, and the profiles of
other major groups come last.

Everything is selected and scored in SQL, one tier at a time, with the (active, occupation) index: a page reads a
few hundred rows, never the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, literal, not_
from sqlmodel import Session, col, select

from app.models import Mission, Need, SkillProfile, User, WorkMode
from app.skills import fulltext, tags
from basics import occupations

PAGE_SIZE = 20
SKILL_POINTS, MAX_SKILLS = 10, 5
LANGUAGE_POINTS, MAX_LANGUAGES = 4, 3
MODE_POINTS, DAYS_POINTS, ORIGIN_POINTS = 6, 5, 8
COMPATIBLE_MODES = {WorkMode.remote.value: (WorkMode.remote.value, WorkMode.either.value),
                    WorkMode.on_site.value: (WorkMode.on_site.value, WorkMode.either.value)}


@dataclass
class Match:
    profile: SkillProfile
    member: User
    closeness: int  # shared leading ISCO digits: 4 same unit ... 1 same major group, 0 none
    score: int
    shared_skills: list[str]
    shared_languages: list[str]
    mode_ok: bool
    days_ok: bool
    origin_ok: bool
    mission_state: str | None  # this member's offer or invitation for the need, if any


@dataclass
class MatchPage:
    items: list[Match]
    total: int
    page: int
    pages: int


def _prefix_range(prefix: str) -> Any:
    """occupation starts with `prefix` (codes are digits: a range the index serves, unlike LIKE)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(col(SkillProfile.occupation) >= prefix, col(SkillProfile.occupation) < upper)


def _tiers(need: Need, searching: bool) -> list[tuple[int, Any]]:
    code = need.occupation
    tiers: list[tuple[int, Any]] = [(4, col(SkillProfile.occupation) == code)]
    for digits in (3, 2, 1):
        tiers.append((digits, and_(_prefix_range(code[:digits]), not_(_prefix_range(code[:digits + 1])))))
    if searching:
        tiers.append((0, not_(_prefix_range(code[:1]))))
    return tiers


def _contains(haystack: Any, needle: str, separator: str) -> Any:
    return (literal(separator) + haystack + literal(separator)).contains(separator + needle + separator,
                                                                         autoescape=True)


def score_expression(need: Need) -> Any:
    need_skills = tags.read(need.skills)[:MAX_SKILLS * 2]
    need_languages = need.languages.split()[:MAX_LANGUAGES * 2]
    skill_terms = [case((_contains(col(SkillProfile.skills), tag, "\n"), 1), else_=0) for tag in need_skills]
    language_terms = [case((_contains(col(SkillProfile.languages), code, " "), 1), else_=0)
                      for code in need_languages]
    score: Any = literal(0)
    if skill_terms:
        score = score + SKILL_POINTS * _least(sum(skill_terms[1:], skill_terms[0]), MAX_SKILLS)
    if language_terms:
        score = score + LANGUAGE_POINTS * _least(sum(language_terms[1:], language_terms[0]), MAX_LANGUAGES)
    modes = COMPATIBLE_MODES.get(need.mode)
    score = score + (case((col(SkillProfile.mode).in_(modes), MODE_POINTS), else_=0) if modes else MODE_POINTS)
    score = score + case((col(SkillProfile.days_per_year) >= need.days_wanted, DAYS_POINTS), else_=0)
    score = score + case((col(SkillProfile.origin_country) == need.country, ORIGIN_POINTS), else_=0)
    return score


def _least(value: Any, cap: int) -> Any:
    # MIN(a, b) on SQLite and LEAST(a, b) on PostgreSQL differ; a CASE is the same on both.
    return case((value > cap, cap), else_=value)


def matches(session: Session, need: Need, query: str = "", page: int = 1) -> MatchPage:
    """One page of the profiles that fit `need`, best first (see the module's docstring)."""
    base: list[Any] = [col(SkillProfile.active).is_(True), col(SkillProfile.user_id) != need.posted_by]
    searched = fulltext.matching(session, query) if query.strip() else None
    if query.strip() and searched is None:
        return MatchPage([], 0, 1, 1)  # words with no letter or digit find nothing
    if searched is not None:
        base.append(searched)
    tiers = _tiers(need, searched is not None)
    counts = [session.exec(select(func.count()).select_from(SkillProfile).where(*base, cond)).one()
              for _digits, cond in tiers]
    total = sum(counts)
    pages = max(1, -(-total // PAGE_SIZE))
    page = max(1, min(page, pages))
    skip, wanted = (page - 1) * PAGE_SIZE, PAGE_SIZE
    score = score_expression(need).label("score")
    rows: list[tuple[int, SkillProfile, int]] = []
    for (digits, cond), count in zip(tiers, counts, strict=True):
        if wanted <= 0:
            break
        if skip >= count:
            skip -= count
            continue
        found = session.exec(select(SkillProfile, score).where(*base, cond)
                             .order_by(score.desc(), col(SkillProfile.id)).offset(skip).limit(wanted)).all()
        rows += [(digits, profile, int(points)) for profile, points in found]
        wanted -= len(found)
        skip = 0
    return MatchPage(_explain(session, need, rows), total, page, pages)


def _explain(session: Session, need: Need, rows: list[tuple[int, SkillProfile, int]]) -> list[Match]:
    if not rows:
        return []
    members = {u.id: u for u in session.exec(select(User).where(col(User.id).in_([p.user_id for _d, p, _s in rows])))}
    states = {m.profile_id: m.state for m in session.exec(
        select(Mission).where(Mission.need_id == need.id, col(Mission.profile_id).in_([p.id for _d, p, _s in rows]))
        .order_by(col(Mission.id)))}
    need_skills, need_languages = set(tags.read(need.skills)), set(need.languages.split())
    modes = COMPATIBLE_MODES.get(need.mode)
    return [Match(profile=p, member=members[p.user_id], closeness=digits, score=points,
                  shared_skills=[t for t in tags.read(p.skills) if t in need_skills],
                  shared_languages=[c for c in p.languages.split() if c in need_languages],
                  mode_ok=modes is None or p.mode in modes, days_ok=p.days_per_year >= need.days_wanted,
                  origin_ok=p.origin_country == need.country, mission_state=states.get(p.id or 0))
            for digits, p, points in rows]


def closeness_label(match: Match, locale: str | None = None) -> str:
    """Which ISCO group the profile shares with the need, in words."""
    code = match.profile.occupation[:match.closeness]
    return occupations.label(code, locale) if code else ""
