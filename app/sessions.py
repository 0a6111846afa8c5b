"""Server-side sessions in the shared store, written only when they change.

Litestar's own server-side backend stores (and sets a cookie for) every request, even an anonymous
one with an empty session: a write per page view. This one touches the store only when the session
changed, and issues a fresh id when the signed-in user changes (no session fixation).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send

COOKIE = "passerelle_session"


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
            raw = await store.get(session_id)
            loaded = json.loads(raw) if raw else {}
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


def _cookie_value(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _sep, v = part.strip().partition("=")
                if k == name and v:
                    return v
    return None
