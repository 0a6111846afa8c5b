"""Data versions: one token per kind of data, replaced in the very transaction that changes that data.

A cache of what is built from the data (the staff's match lists, ``app.skills.match_cache``) reads the token
first, then the data, and keys what it builds on the token: a change committed anywhere (any worker, the
command line, the scheduler) gives a new token, so the next request after the commit builds afresh.

The tokens follow the ORM: every write through a ``Session`` (objects flushed, or ``session.execute`` of an
``update()`` / ``delete()`` of a watched table) marks its kinds, and the new tokens are written when the session
commits, last in the transaction, so the version row is locked only at the end (no lock-order cycle with the
rows written before it). A write on a bare connection, outside any ``Session``, calls ``bump`` itself.
Tokens are random rather than counted: a table emptied and refilled cannot bring an old token back.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Select, bindparam, event, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from sqlmodel import Field, SQLModel

SKILLS = "skills"  # profiles, their members' names, needs, missions: what a match list shows
MARKS = "data_versions"  # Session.info key: the kinds written in the open transaction
# table -> (kind, the columns whose change counts; None: any)
WATCHED: dict[str, tuple[str, frozenset[str] | None]] = {
    "skill_profile": (SKILLS, None),
    "need": (SKILLS, None),
    "mission": (SKILLS, None),
    "user": (SKILLS, frozenset({"display_name", "email", "deleted_at"})),
}


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"
    name: str = Field(primary_key=True, max_length=32)
    token: str = Field(max_length=32)


# the kind's current token: read by the caches, from the event loop (`app.loop_reads`) or on a connection
TOKEN: Select[Any] = select(DataVersion.__table__.c.token).where(  # type: ignore[attr-defined]
    DataVersion.__table__.c.name == bindparam("name"))  # type: ignore[attr-defined]


def read(conn: Connection, name: str) -> str:
    """The kind's current token ("" before its first change)."""
    return conn.execute(TOKEN, {"name": name}).scalar() or ""


_BUMP = text("INSERT INTO data_version (name, token) VALUES (:name, :token)"
             " ON CONFLICT (name) DO UPDATE SET token = excluded.token")


def bump(conn: Connection | Session, *names: str) -> None:
    """New tokens for these kinds, in the caller's transaction."""
    for name in sorted(set(names)):
        conn.execute(_BUMP, {"name": name, "token": secrets.token_hex(8)})


def _kind(table: str, changed: set[str] | None) -> str | None:
    watched = WATCHED.get(table)
    if watched is None:
        return None
    kind, columns = watched
    return kind if columns is None or changed is None or changed & columns else None


def _changed_columns(instance: Any) -> set[str]:
    state = inspect(instance)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _mark(session: Session, kind: str | None) -> None:
    if kind is not None:
        session.info.setdefault(MARKS, set()).add(kind)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: UOWTransaction) -> None:
    for instance in (*session.new, *session.deleted):
        table = getattr(type(instance), "__tablename__", None)
        _mark(session, _kind(str(table), None))
    for instance in session.dirty:
        table = getattr(type(instance), "__tablename__", None)
        if str(table) in WATCHED:
            _mark(session, _kind(str(table), _changed_columns(instance)))


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        table = getattr(state.bind_mapper.local_table, "name", "")
        if table in WATCHED:
            # an UPDATE's SET columns, when the statement says them; otherwise any change counts
            values = getattr(state.statement, "_values", None) or {}
            changed = {getattr(column, "key", str(column)) for column in values} or None
            _mark(state.session, _kind(table, changed))


@event.listens_for(Session, "before_commit")
def _commit(session: Session) -> None:
    session.flush()  # what the commit would flush now marks its kinds too
    marks = session.info.pop(MARKS, None)
    if marks:
        bump(session, *marks)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (marks written) or rolled back (nothing to mark)
        session.info.pop(MARKS, None)
