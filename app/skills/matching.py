"""Matching for staff: the active profiles that fit a need, best first.

Occupation comes first, through the ISCO-08 hierarchy: the same unit group, then the same minor, sub-major and
major group (a nurse is a better answer to a call for an anaesthetist than an accountant who ticked "anaesthesia").
Within each of these tiers profiles are ordered by a score: skills shared with the need (10 each, five at most),
languages shared (4 each, three at most), a compatible way of working (remote / on site, 6), enough days a year
(5), and origin in the need's country (8). Without a search, only the need's major group is considered; a search
(the database's full-text index, app.skills.fulltext) looks through every active profile, and the profiles of
other major groups come last.

Everything is selected and scored in SQL, one tier at a time, with the (active, occupation) index: a page reads a
few hundred rows, never the whole table. The steps are written once, as a generator of statements (`page_steps`):
`matches` runs them on a session or connection (a worker thread, the tests), `app.skills.match_page` on the
event loop's own PostgreSQL connections (`app.loop_reads`: no thread, no pre-ping, no BEGIN / ROLLBACK).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, TextClause, bindparam, text
from sqlmodel import Session

from app.models import Need, WorkMode
from app.skills import fulltext, tags
from basics import occupations

PAGE_SIZE = 20
COUNTED = 1000  # profiles counted at most: "1000 or more", 50 pages
SKILL_POINTS, MAX_SKILLS = 10, 5
LANGUAGE_POINTS, MAX_LANGUAGES = 4, 3
MODE_POINTS, DAYS_POINTS, ORIGIN_POINTS = 6, 5, 8
COMPATIBLE_MODES = {WorkMode.remote.value: (WorkMode.remote.value, WorkMode.either.value),
                    WorkMode.on_site.value: (WorkMode.on_site.value, WorkMode.either.value)}


@dataclass(frozen=True)
class MatchedProfile:
    """What a match shows of a profile (read as plain rows: a page of matches builds no ORM object)."""
    id: int
    user_id: int
    occupation: str
    job_title: str
    skills: str
    languages: str
    mode: str
    days_per_year: int
    origin_country: str
    residence_country: str


@dataclass(frozen=True)
class MatchedNeed:
    """What matching and the match page read of a need (a plain row: a miss builds no ORM object)."""
    id: int
    title: str
    occupation: str
    skills: str
    languages: str
    mode: str
    days_wanted: int
    country: str
    town: str


NeedLike = Need | MatchedNeed


@dataclass(frozen=True)
class MatchedMember:
    id: int
    display_name: str
    email: str


# The page's profiles, their members and this need's latest offer or invitation of each, in one statement.
PAGE_ROWS = text(
    "SELECT p.id, p.user_id, p.occupation, p.job_title, p.skills, p.languages, p.mode, p.days_per_year,"
    " p.origin_country, p.residence_country, u.display_name, u.email,"
    " (SELECT m.state FROM mission m WHERE m.need_id = :need AND m.profile_id = p.id ORDER BY m.id DESC LIMIT 1)"
    ' FROM skill_profile p JOIN "user" u ON u.id = p.user_id WHERE p.id IN :ids'
).bindparams(bindparam("ids", expanding=True))
PAGE_ROWS_PG = PAGE_ROWS.text.replace("p.id IN :ids", "p.id = ANY(:ids)")  # one array parameter, on either driver
Statement = tuple[str | TextClause, dict[str, Any]]
Rows = list[tuple[Any, ...]]
Steps = Generator[Statement, Rows, Any]  # yields each statement, is sent its rows, returns what it worked out


@dataclass
class Match:
    profile: MatchedProfile
    member: MatchedMember
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


def _starts(prefix: str, name: str) -> tuple[str, dict[str, Any]]:
    """SQL for "the occupation starts with `prefix`". Codes are digits, so it is a range the index serves,
    unlike LIKE."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return f"(occupation >= :{name}_lo AND occupation < :{name}_hi)", {f"{name}_lo": prefix, f"{name}_hi": upper}


def _tiers(need: NeedLike, everyone: bool = False) -> list[tuple[int, str, dict[str, Any]]]:
    """(closeness, SQL condition, parameters) from the same unit group out to the major group, then (`everyone`,
    for a search) the other major groups."""
    code = need.occupation
    tiers: list[tuple[int, str, dict[str, Any]]] = [(4, "occupation = :unit", {"unit": code})]
    for digits in (3, 2, 1):
        inner, inner_params = _starts(code[:digits + 1], f"p{digits + 1}") if digits < 3 else \
            ("occupation = :unit", {"unit": code})
        outer, outer_params = _starts(code[:digits], f"p{digits}")
        tiers.append((digits, f"{outer} AND NOT {inner}", outer_params | inner_params))
    if everyone:
        _major, major_params = _starts(code[:1], "p1")
        tiers.append((0, "(occupation < :p1_lo OR occupation >= :p1_hi)", major_params))
    return tiers


def score_sql(need: NeedLike, postgres: bool = False) -> tuple[str, dict[str, Any]]:
    """The score of the module's docstring as one SQL expression over a profile's columns, and its parameters.

    Tags and codes are compared whole inside their separated lists with a plain substring search (strpos / instr),
    far cheaper per row than LIKE; every column it reads is in the (active, occupation, ...) covering index, so
    a tier is scored from the index alone."""
    find = "strpos" if postgres else "instr"
    params: dict[str, Any] = {}
    skill_terms, language_terms = [], []
    # the plain substring first: most profiles lack a given tag, and then the list is never copied with its
    # separators around it (SQLite, 1 500 profiles scored: 4.5 -> 3.1 ms)
    for n, tag in enumerate(tags.read(need.skills)[:MAX_SKILLS * 2]):
        params |= {f"t{n}": tag, f"s{n}": f"\n{tag}\n"}
        skill_terms.append(f"CASE WHEN {find}(skills, :t{n}) > 0 AND {find}(:nl || skills || :nl, :s{n}) > 0"
                           " THEN 1 ELSE 0 END")
    for n, code in enumerate(need.languages.split()[:MAX_LANGUAGES * 2]):
        params |= {f"k{n}": code, f"l{n}": f" {code} "}
        language_terms.append(f"CASE WHEN {find}(languages, :k{n}) > 0 AND {find}(:sp || languages || :sp, :l{n}) > 0"
                              " THEN 1 ELSE 0 END")
    parts = []
    least = "least" if postgres else "min"  # each sum computed once (a CASE capping it would compute it twice)
    if skill_terms:
        parts.append(f"{SKILL_POINTS} * {least}({' + '.join(skill_terms)}, {MAX_SKILLS})")
    if language_terms:
        parts.append(f"{LANGUAGE_POINTS} * {least}({' + '.join(language_terms)}, {MAX_LANGUAGES})")
    modes = COMPATIBLE_MODES.get(need.mode)
    if modes:
        parts.append(f"CASE WHEN mode IN (:m0, :m1) THEN {MODE_POINTS} ELSE 0 END")
        params |= {"m0": modes[0], "m1": modes[1]}
    else:
        parts.append(str(MODE_POINTS))
    parts.append(f"CASE WHEN days_per_year >= :days THEN {DAYS_POINTS} ELSE 0 END")
    parts.append(f"CASE WHEN origin_country = :country THEN {ORIGIN_POINTS} ELSE 0 END")
    params |= {"nl": "\n", "sp": " ", "days": need.days_wanted, "country": need.country}
    return " + ".join(parts), params


def matches(session: Session | Connection, need: NeedLike, query: str = "", page: int = 1) -> MatchPage:
    """One page of the profiles that fit `need`, best first (see the module's docstring)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    return run(session, page_steps(need, query, page, bind.dialect.name == "postgresql"))


def run(session: Session | Connection, steps: Steps) -> Any:
    """Drive `steps` on `session`: each statement it yields is executed and its rows sent back."""
    try:
        sql, params = next(steps)
        while True:
            found = session.execute(text(sql) if isinstance(sql, str) else sql, params)
            sql, params = steps.send([tuple(row) for row in found])
    except StopIteration as done:
        return done.value


def page_steps(need: NeedLike, query: str, page: int, postgres: bool) -> Steps:
    """The statements of one page of matches (see `run`); returns the MatchPage."""
    score, score_params = score_sql(need, postgres)
    if query.strip():
        ranked, total = yield from _searched(need, query, page, postgres, (score, score_params))
    else:
        ranked, total = yield from _tiered(_tiers(need), "active = :active", {"active": True}, page,
                                           (score, score_params))
    pages = max(1, -(-total // PAGE_SIZE))
    items = yield from _explain(need, ranked, postgres)
    return MatchPage(items, total, max(1, min(page, pages)), pages)


Ranked = list[tuple[int, int, int]]  # (closeness, profile id, score), best first


def _scalar(rows: Rows) -> int:
    return int(rows[0][0])


def _counts(tiers: list[tuple[int, str, dict[str, Any]]], where: str, params: dict[str, Any]) -> Steps:
    """How many profiles each tier holds, closest first, COUNTED at most in all, in one statement: each tier is
    counted only up to the room the closer ones left (none when they filled it)."""
    ctes: list[str] = []
    names: list[str] = []
    merged = params | {"room": COUNTED}
    for n, (_digits, cond, cond_params) in enumerate(tiers):
        room = f"(SELECT :room - {' - '.join(f'c{i}.n' for i in range(n))} FROM {', '.join(names)})" if n else \
            ":room"  # noqa: S608 - our own SQL
        ctes.append(f"c{n} AS (SELECT count(*) AS n FROM (SELECT id FROM skill_profile WHERE {where} AND {cond}"  # noqa: S608
                    f" LIMIT {room}) AS tier)")
        names.append(f"c{n}")
        merged |= cond_params
    rows = yield (f"WITH {', '.join(ctes)} SELECT {', '.join(f'{c}.n' for c in names)}"  # noqa: S608
                  f" FROM {', '.join(names)}"), merged
    return [int(n) for n in rows[0]]


def _tiered(tiers: list[tuple[int, str, dict[str, Any]]], where: str, params: dict[str, Any], page: int,
            score: tuple[str, dict[str, Any]]) -> Steps:
    """Tier by tier (closest first) through the covering index, counting (index only, stopped at COUNTED in all:
    beyond that nobody pages further) and scoring only the tiers the page needs."""
    counts = yield from _counts(tiers, where, params)
    total = sum(counts)
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    skip, wanted = (page - 1) * PAGE_SIZE, PAGE_SIZE
    ranked: Ranked = []
    for (digits, cond, cond_params), count in zip(tiers, counts, strict=True):
        if wanted <= 0:
            break
        if skip >= count:
            skip -= count
            continue
        # Only the id and the score go through the sort; the page's rows are read afterwards, by id.
        found = yield (f"SELECT id, {score[0]} AS score FROM skill_profile WHERE {where} AND {cond}"  # noqa: S608
                       " ORDER BY score DESC, id LIMIT :wanted OFFSET :skip",
                       params | cond_params | score[1] | {"wanted": wanted, "skip": skip})
        ranked += [(digits, int(profile_id), int(points)) for profile_id, points in found]
        wanted -= len(found)
        skip = 0
    return ranked, total


BROAD = 2000  # full-text hits from which a search is ranked tier by tier (see `_searched`)
SCANNED = 3000  # PostgreSQL, a broad search: a tier of fewer profiles is read row by row (see `_hit_condition`)
CLOSENESS = ("CASE WHEN occupation = :unit THEN 4 WHEN substr(occupation, 1, 3) = :p3 THEN 3"
             " WHEN substr(occupation, 1, 2) = :p2 THEN 2 WHEN substr(occupation, 1, 1) = :p1 THEN 1 ELSE 0 END")


def _searched(need: NeedLike, query: str, page: int, postgres: bool, score: tuple[str, dict[str, Any]]) -> Steps:
    """With a search: the full-text hits, every occupation, closeness then score.

    The hits are counted first, stopped at BROAD (a millisecond for a narrow search). A narrow search is ranked
    from its hits: on PostgreSQL counted and ranked in one statement, the hits read once (a materialised CTE)
    and their profiles looked up by key; on SQLite counted, then ranked. A broad one (a word such as "nursing"
    finds a fifth of all profiles) has its active hits counted up to COUNTED (each hit's profile looked up by
    key, stopping there) and its page taken tier by tier, closest first, through the (active, occupation) index
    as without a search, a tier read only when the page reaches it: the first page costs the need's own unit
    group, not every hit (on PostgreSQL, joining every hit to the active profiles took 40-50 ms). On SQLite the hits
    lead: `+active` keeps the planner from walking every active profile through the (active, ...) index to test
    each against the hit list (16 ms for 500 hits, 1.4 ms by key)."""
    searched = fulltext.condition(postgres, query)
    if searched is None:
        return [], 0  # words with no letter or digit find nothing
    hits, fts_params = searched
    code = need.occupation
    params: dict[str, Any] = fts_params | score[1] | {"active": True, "room": COUNTED, "unit": code, "p3": code[:3],
                                                      "p2": code[:2], "p1": code[:1], "wanted": PAGE_SIZE}
    if postgres:
        # the active hits counted (each one's profile by key, stopping at COUNTED: `id IN (hits)` is planned as a
        # hash of every active profile) decide: a narrow search is ranked at once, a broad one tier by tier; the
        # raw hits are not counted first (a sequential scan of the index table, 4.7 ms for "nursing")
        total = _scalar((yield f"SELECT count(*) FROM ({hits} AND (SELECT p.active FROM skill_profile p"  # noqa: S608
                         " WHERE p.id = skill_profile_fts.profile_id) = :active LIMIT :room) AS counted", params))
        if total < min(BROAD, COUNTED):
            return (yield from _searched_at_once(hits, params, page, score[0]))
        page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
        ranked = yield from _by_tier(_tiers(need, everyone=True), hits, fts_params, page, postgres, score)
        return ranked, total
    many = _scalar((yield f"SELECT count(*) FROM ({hits} LIMIT :broad) AS hit",  # noqa: S608
                    fts_params | {"broad": BROAD}))
    # Each hit's profile by key, stopping at COUNTED (it lists every hit first, 4.6 ms for "nursing", 1.6 ms joined)
    counted = ("SELECT count(*) FROM (SELECT 1 FROM skill_profile_fts JOIN skill_profile p ON p.id ="
               " skill_profile_fts.rowid WHERE skill_profile_fts MATCH :fts AND +p.active = :active"
               " LIMIT :room) AS counted")  # fulltext.condition's hits, joined
    total = _scalar((yield counted, params))
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    if many >= BROAD:
        ranked = yield from _by_tier(_tiers(need, everyone=True), hits, fts_params, page, postgres, score)
        return ranked, total
    found = yield (f"SELECT id, {CLOSENESS} AS closeness, {score[0]} AS score FROM skill_profile"  # noqa: S608
                   f" WHERE +active = :active AND id IN ({hits}) ORDER BY closeness DESC, score DESC, id"
                   " LIMIT :wanted OFFSET :skip", params | {"skip": (page - 1) * PAGE_SIZE})
    return [(int(c), int(i), int(s)) for i, c, s in found], total


def _searched_at_once(hits: str, params: dict[str, Any], page: int, score: str) -> Steps:
    """PostgreSQL's narrow search: the count (at most COUNTED) and the page in one statement."""
    page = min(page, -(-COUNTED // PAGE_SIZE))  # never a page past what is counted
    statement = (
        f"WITH hit AS MATERIALIZED ({hits}), found AS (SELECT id, {CLOSENESS} AS closeness, {score} AS score"  # noqa: S608
        " FROM skill_profile JOIN hit ON hit.profile_id = skill_profile.id WHERE active = :active)"
        " SELECT id, closeness, score, (SELECT count(*) FROM (SELECT 1 FROM found LIMIT :room) AS counted)"
        " FROM found ORDER BY closeness DESC, score DESC, id LIMIT :wanted OFFSET :skip")
    found = yield statement, params | {"skip": (page - 1) * PAGE_SIZE}
    if not found and page > 1:  # past the last page (an edited address): the last page
        total = _scalar((yield (
            f"WITH hit AS MATERIALIZED ({hits}) SELECT count(*) FROM (SELECT 1 FROM skill_profile"  # noqa: S608
            " JOIN hit ON hit.profile_id = skill_profile.id WHERE active = :active LIMIT :room) AS counted"),
            params))
        last = max(1, -(-total // PAGE_SIZE))
        found = (yield statement, params | {"skip": (last - 1) * PAGE_SIZE}) if total else []
    return [(int(c), int(i), int(s)) for i, c, s, _n in found], int(found[0][3]) if found else 0


LOOKED_UP = ("(SELECT f.document FROM skill_profile_fts f WHERE f.profile_id = {}.id)"
             " @@ to_tsquery('simple', :fts)")  # one profile's own index row, by key, matched


def _hit_condition(hits: str, cond: str, params: dict[str, Any], postgres: bool) -> Steps:
    """SQL for "this profile is a hit" within one tier of a broad search, and whether each profile is looked up.

    SQLite: `+id IN (hits)` (FTS5 lists thousands of hits in a millisecond or two; the `+` keeps the planner on
    the (active, occupation) index). PostgreSQL: a tier of fewer than SCANNED active profiles (a unit or minor
    group) looks each one's own index row up by key and matches it, never reading the other hits (a hash of
    every hit costs 10-25 ms for "nursing"); a larger tier is left to the planner, which then hashes the hits."""
    if not postgres:
        return f"+id IN ({hits})", False
    size = _scalar((yield (
        f"SELECT count(*) FROM (SELECT id FROM skill_profile WHERE active = :active AND {cond}"  # noqa: S608
        " LIMIT :scanned) AS tier"), params | {"scanned": SCANNED}))
    if size < SCANNED:
        return LOOKED_UP.format("skill_profile"), True
    return f"id IN ({hits})", False


def _by_tier(tiers: list[tuple[int, str, dict[str, Any]]], hits: str, fts_params: dict[str, Any], page: int,
             postgres: bool, score: tuple[str, dict[str, Any]]) -> Steps:
    """A page of a broad search, tier by tier, closest first: a tier is read only when the page reaches it, and
    counted only when the page lies wholly past it.

    A tier whose profiles are looked up one by one (PostgreSQL) is sorted by score first, from the covering index
    alone, and looked up in that order until the page is full: a fifth of a unit group's nurses are hits for
    "nursing", so page 1 looks up about a hundred profiles, not all 1 300 (9 -> ~1.5 ms)."""
    skip, wanted = (page - 1) * PAGE_SIZE, PAGE_SIZE
    ranked: Ranked = []
    for digits, cond, cond_params in tiers:
        if wanted <= 0:
            break
        params = fts_params | cond_params | {"active": True}
        hit, looked_up = yield from _hit_condition(hits, cond, params, postgres)
        where = f"active = :active AND {cond} AND {hit}"
        if looked_up:  # OFFSET 0 keeps the lookup out of the sorted subquery; its order carries to the LIMIT
            statement = (f"SELECT id, score FROM (SELECT id, {score[0]} AS score FROM skill_profile"  # noqa: S608
                         f" WHERE active = :active AND {cond} ORDER BY score DESC, id OFFSET 0) AS ranked"
                         f" WHERE {LOOKED_UP.format('ranked')} ORDER BY score DESC, id LIMIT :wanted OFFSET :skip")
        else:
            statement = (f"SELECT id, {score[0]} AS score FROM skill_profile WHERE {where}"  # noqa: S608
                         " ORDER BY score DESC, id LIMIT :wanted OFFSET :skip")
        found = yield statement, params | score[1] | {"wanted": wanted, "skip": skip}
        if found:
            ranked += [(digits, int(profile_id), int(points)) for profile_id, points in found]
            wanted -= len(found)
            skip = 0
        elif skip:  # the page starts past this tier: how many it holds (no more than skip)
            skip -= _scalar((yield (
                f"SELECT count(*) FROM (SELECT id FROM skill_profile WHERE {where} LIMIT :skip) AS tier"),  # noqa: S608
                params | {"skip": skip}))
    return ranked


def _explain(need: NeedLike, ranked: Ranked, postgres: bool) -> Steps:
    if not ranked:
        return []
    found_rows = yield (PAGE_ROWS_PG if postgres else PAGE_ROWS), {"need": need.id, "ids": [i for _d, i, _s in ranked]}
    rows = {int(row[0]): row for row in found_rows}
    need_skills, need_languages = set(tags.read(need.skills)), set(need.languages.split())
    modes = COMPATIBLE_MODES.get(need.mode)
    found = []
    for digits, profile_id, points in ranked:
        row = rows[profile_id]
        p = MatchedProfile(*row[:10])
        found.append(Match(profile=p, member=MatchedMember(p.user_id, row[10], row[11]), closeness=digits,
                           score=points, shared_skills=[t for t in tags.read(p.skills) if t in need_skills],
                           shared_languages=[c for c in p.languages.split() if c in need_languages],
                           mode_ok=modes is None or p.mode in modes, days_ok=p.days_per_year >= need.days_wanted,
                           origin_ok=p.origin_country == need.country, mission_state=row[12]))
    return found


def closeness_label(match: Match, locale: str | None = None) -> str:
    """Which ISCO group the profile shares with the need, in words."""
    code = match.profile.occupation[:match.closeness]
    return occupations.label(code, locale) if code else ""
