"""Server-side sessions in the shared store, written only when they change.

Litestar's own server-side backend stores (and sets a cookie for) every request, even an anonymous
one with an empty session: a write per page view. This one touches the store only when the session
changed, and issues a fresh id when the signed-in user changes (no session fixation).

With the database store, a request with a session cookie reads its session and its user in one statement
(the user id taken from the session's JSON in SQL), from the event loop (`app.loop_reads`: no worker thread):
`scope["state"]["session_user"]` then holds the user row (or None), which `app.middleware.user_middleware`
checks (epoch, erasure) instead of reading it again; `scope["state"]["data_versions"]` the data versions
(app.models.versions, a few rows) read in the same statement, for the caches keyed on them. Nothing of it is
kept between requests: a session ended or a role changed in any worker counts at the very next request.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import psycopg
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send
from sqlalchemy import Integer, Select, Text, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import make_transient_to_detached

from app.loop_reads import loop_reader
from app.models import DataVersion, KeyValue, User
from app.models.base import aware
from app.store import DatabaseStore

COOKIE = "passerelle_session"
SESSION_USER = "session_user"  # scope state key: the user row read with the session (absent: not read)
DATA_VERSIONS = "data_versions"  # scope state key: {name: token} of app.models.versions, read with the session
log = logging.getLogger(__name__)
KV, USERS = KeyValue.__table__, User.__table__  # type: ignore[attr-defined]
_new_user = User._sa_class_manager.new_instance  # type: ignore[attr-defined]


@lru_cache(maxsize=4)
def with_user(dialect: str) -> Select[Any]:
    """SELECT a session's value and expiry with its user's row, the user id taken from the value's JSON in SQL
    (NULL, so no user, when the value is not JSON, on SQLite)."""
    tokens = DataVersion.__table__.c  # type: ignore[attr-defined]
    pair = tokens.name + "=" + tokens.token
    if dialect == "postgresql":
        uid: Any = cast(cast(func.convert_from(KV.c.value, "UTF8"), postgresql.JSON)["uid"].astext, Integer)
        versions = func.string_agg(pair, " ")
    else:
        document = cast(KV.c.value, Text)
        uid = func.iif(func.json_valid(document), func.json_extract(document, "$.uid"), None)
        versions = func.group_concat(pair, " ")
    return select(KV.c.value.label("session_value"), KV.c.expires_at.label("session_expires_at"),
                  select(versions).scalar_subquery().label("data_versions"), USERS) \
        .select_from(KV.outerjoin(USERS, USERS.c.id == uid)).where(KV.c.key == bindparam("key"))


async def read_with_user(scope: Scope, store: DatabaseStore, session_id: str) -> tuple[bytes | None, User | None, bool]:
    """The session's stored value and its user (detached, as a closed ORM session leaves it), in one statement;
    the last item says whether the user was read (False: `user_middleware` reads it). The data versions, read in
    the same statement, go to ``scope["state"][DATA_VERSIONS]``."""
    app = scope["litestar_app"]
    try:
        row = await loop_reader(app).first(with_user(store.engine.dialect.name), {"key": store._key(session_id)})
    except (DBAPIError, psycopg.Error, ValueError) as error:  # a value not the JSON we write: read the plain way
        log.warning("session %s… read apart from its user (%s)", session_id[:6], type(error).__name__)
        return await store.get(session_id), None, False
    if row is None:
        return None, None, True
    scope.setdefault("state", {})[DATA_VERSIONS] = dict(
        pair.partition("=")[::2] for pair in (row["data_versions"] or "").split())
    expires = aware(row["session_expires_at"])
    if expires is not None and expires <= datetime.now(UTC):
        return await store.get(session_id), None, False  # the store drops the expired row (if still that one)
    user = None
    if row["id"] is not None:
        user = _new_user()  # as the ORM makes the object of a row it loads
        user.__dict__.update({column.name: row[column.name] for column in USERS.c})
        make_transient_to_detached(user)  # persistent, not new: a handler may add it to its own session
    return bytes(row["session_value"]), user, True


class SessionMiddleware:
    def __init__(self, app: ASGIApp, *, max_age: int, secure: bool, store_name: str = "sessions") -> None:
        self.app = app
        self.max_age = max_age
        self.secure = secure
        self.store_name = store_name

    def _cookie(self, value: str, max_age: int) -> str:
        return Cookie(key=COOKIE, value=value, max_age=max_age, httponly=True, samesite="lax",
                      secure=self.secure, path="/").to_header(header="")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        store = scope["litestar_app"].stores.get(self.store_name)
        session_id = _cookie_value(scope, COOKIE)
        loaded: dict[str, Any] = {}
        if session_id:
            if isinstance(store, DatabaseStore):
                raw, user, joined = await read_with_user(scope, store, session_id)
                if joined:
                    scope.setdefault("state", {})[SESSION_USER] = user
            else:
                raw = await store.get(session_id)
            loaded = _parsed(raw)
        scope["session"] = dict(loaded)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._persist(scope, message, store, session_id, loaded)
            await send(message)

        await self.app(scope, receive, send_wrapper)

    async def _persist(self, scope: Scope, message: Message, store: Any, session_id: str | None,
                       loaded: dict[str, Any]) -> None:
        current: Any = scope.get("session")
        headers = MutableScopeHeaders.from_message(message)
        if current is Empty or not current:
            if session_id:
                await store.delete(session_id)
                headers.add("Set-Cookie", self._cookie("", 0))
            return
        if current == loaded and session_id:
            return
        if not session_id or current.get("uid") != loaded.get("uid"):
            if session_id:
                await store.delete(session_id)
            session_id = secrets.token_urlsafe(32)
        await store.set(session_id, json.dumps(current, default=str), expires_in=self.max_age)
        headers.add("Set-Cookie", self._cookie(session_id, self.max_age))


def _parsed(raw: bytes | None) -> dict[str, Any]:
    """The stored session, or empty when the value is not the JSON object we write (damaged, or another
    program's): the request goes on signed out and the response drops the value and clears the cookie."""
    if not raw:
        return {}
    try:
        loaded = json.loads(raw)
    except ValueError:  # not JSON, or not UTF-8
        loaded = None
    if not isinstance(loaded, dict):
        log.warning("a stored session that is not a JSON object was dropped")
        return {}
    return loaded


def _cookie_value(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _sep, v = part.strip().partition("=")
                if k == name and v:
                    return v
    return None
