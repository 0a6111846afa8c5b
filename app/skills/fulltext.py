"""Full-text search over skill profiles with the database's own engine (migration profiles_01): FTS5 on SQLite,
a tsvector with a GIN index on PostgreSQL.

The write path keeps the index in step: `index` runs in the transaction that saves a profile; a deleted profile's
row goes with it (trigger / cascading key). Both sides index the same folded text (no accents, lower case) and
search folded word prefixes, so "anesthésie" and "anesth" find "Anesthésiste" on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import text
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from app.models import SkillProfile
from app.skills import tags
from basics import occupations

MAX_TERMS = 8
_WORD = re.compile(r"[a-z0-9]+")



def fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def document(profile: SkillProfile) -> str:
    """What a profile is found by: the member's words, their tags and the occupation in both languages."""
    group = occupations.group(profile.occupation)
    parts = [profile.job_title, " ".join(tags.read(profile.skills)), profile.qualifications, profile.summary]
    if group:
        parts += [group.label_en, group.label_fr]
    return fold(" ".join(p for p in parts if p))


def terms(query: str) -> list[str]:
    """The searched words, folded; at most MAX_TERMS (what FTS5 and to_tsquery both read safely)."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def index(session: Session, profiles: Iterable[SkillProfile]) -> None:
    """Write (or rewrite) the index rows of saved profiles, in the caller's transaction."""
    rows = [{"id": p.id, "doc": document(p)} for p in profiles if p.id is not None]
    if not rows:
        return
    if _postgres(session):
        session.execute(text("INSERT INTO skill_profile_fts (profile_id, document) VALUES"
                             " (:id, to_tsvector('simple', :doc)) ON CONFLICT (profile_id)"
                             " DO UPDATE SET document = excluded.document"), rows)
    else:
        session.execute(text("DELETE FROM skill_profile_fts WHERE rowid = :id"), rows)
        session.execute(text("INSERT INTO skill_profile_fts (rowid, document) VALUES (:id, :doc)"), rows)


def forget(session: Session, profile_id: int) -> None:
    """Drop a profile's row (deleting the profile does it too; this is for callers that delete otherwise)."""
    name = "profile_id" if _postgres(session) else "rowid"
    session.execute(text(f"DELETE FROM skill_profile_fts WHERE {name} = :id"), {"id": profile_id})  # noqa: S608


def condition(postgres: bool, query: str) -> tuple[str, dict[str, str]] | None:
    """SQL selecting the ids of the profiles whose text has every searched word (as a prefix), and its parameter;
    None when the query has no word."""
    words = terms(query)
    if not words:
        return None
    if postgres:
        return ("SELECT profile_id FROM skill_profile_fts WHERE document @@ to_tsquery('simple', :fts)",
                {"fts": " & ".join(f"{w}:*" for w in words)})
    return ("SELECT rowid FROM skill_profile_fts WHERE skill_profile_fts MATCH :fts",
            {"fts": " AND ".join(f'"{w}"*' for w in words)})


def indexed_ids(session: Session) -> set[int]:
    """Every profile id in the index (tests and `rebuild` compare it with the table)."""
    name = "profile_id" if _postgres(session) else "rowid"
    return {int(row[0]) for row in session.execute(text(f"SELECT {name} FROM skill_profile_fts"))}  # noqa: S608


def rebuild(session: Session, batch: int = 2000) -> int:
    """Index every profile again (after a bulk load that bypassed the write path)."""
    done, last = 0, 0
    while True:
        chunk = list(session.exec(select_rows(SkillProfile).where(col(SkillProfile.id) > last)
                                  .order_by(col(SkillProfile.id)).limit(batch)).all())
        if not chunk:
            return done
        index(session, chunk)
        done += len(chunk)
        last = chunk[-1].id or last
