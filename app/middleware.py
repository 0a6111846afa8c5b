"""Request-wide concerns: the locale, the signed-in user, and the security headers."""

from __future__ import annotations

from functools import lru_cache
from http.cookies import SimpleCookie
from typing import Any

import anyio
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlmodel import Session

from app import i18n
from app.assets import static_cache_control
from app.models import User
from app.models.base import MAX_ID
from app.sessions import SESSION_USER

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'self'; object-src 'none'")


@lru_cache(maxsize=8)
def csp(checkout_origin: str | None) -> str:
    """The policy; with card payments on, a form may also lead to Stripe's hosted Checkout page (the pledge
    and pay forms answer with a redirect there, which `form-action 'self'` alone would block)."""
    if not checkout_origin:
        return CSP
    return CSP.replace("form-action 'self'", f"form-action 'self' {checkout_origin}")


def _checkout_origin(scope: Scope) -> str | None:
    settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    if settings is None or not settings.stripe_secret_key:
        return None
    return str(settings.stripe_checkout_origin)
LANG_COOKIE = "lang"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def detect_locale(scope: Scope) -> str:
    cookie_header = _header(scope, b"cookie")
    if cookie_header:
        jar: SimpleCookie = SimpleCookie()
        jar.load(cookie_header)
        if LANG_COOKIE in jar and jar[LANG_COOKIE].value in i18n.LOCALES:
            return jar[LANG_COOKIE].value
    return i18n.negotiate(_header(scope, b"accept-language"))


def locale_middleware(app: ASGIApp) -> ASGIApp:
    """Language from the switch (a cookie), else Accept-Language, else French."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        locale = detect_locale(scope)
        token = i18n.current_locale.set(locale)
        scope.setdefault("state", {})["locale"] = locale
        try:
            await app(scope, receive, send)
        finally:
            i18n.current_locale.reset(token)

    return middleware


def user_middleware(app: ASGIApp) -> ASGIApp:
    """Loads the signed-in user (from the server-side session) into `request.state.user`."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            session: Any = scope.get("session") or {}
            user_id = session.get("uid") if isinstance(session, dict) else None
            user = None
            # not a value we write (an int id a row can have): a damaged session
            if user_id is not None and (type(user_id) is not int or not 0 < user_id <= MAX_ID):
                user_id, scope["session"] = None, {}
            if user_id is not None:
                engine = scope["litestar_app"].state.engine

                def load() -> User | None:
                    with Session(engine, expire_on_commit=False) as session:
                        return session.get(User, user_id)

                state = scope.get("state", {})
                # read with the session (the database store), else read now
                user = state[SESSION_USER] if SESSION_USER in state else await anyio.to_thread.run_sync(load)
                if user is not None and user.id != user_id:
                    user = None
                # A session from an older epoch was ended (password reset or change, "sign out
                # everywhere", account erased): it signs nobody in, and is dropped from the store.
                if user is None or user.deleted_at is not None or session.get("epoch", 0) != user.session_epoch:
                    user = None
                    scope["session"] = {}
            scope.setdefault("state", {})["user"] = user
        await app(scope, receive, send)

    return middleware


def _fixed(policy: str) -> tuple[tuple[bytes, bytes], ...]:
    """Every answer's own security headers, encoded (as ``MutableScopeHeaders`` would write them)."""
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in (
        ("Content-Security-Policy", policy), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"), ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin")))


fixed_headers = lru_cache(maxsize=8)(_fixed)
FIXED_NAMES = frozenset(name for name, _value in _fixed(CSP))
VARY, HX_REQUEST = b"vary", "HX-Request"


async def security_headers(message: Message, scope: Scope) -> None:
    """A before_send hook, so that every answer (404s for unknown paths included) carries the headers.

    The fixed headers are appended encoded, in one pass over the answer's own (``MutableScopeHeaders`` decoded
    and compared every header name once per header set, a dozen passes an answer); an answer that already has
    one of them, or several Vary lines, goes the general way, with the same result."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    raw = headers.headers
    names = [name.lower() for name, _value in raw]
    if FIXED_NAMES.isdisjoint(names):
        raw.extend(fixed_headers(csp(_checkout_origin(scope))))
    else:
        for name, value in fixed_headers(csp(_checkout_origin(scope))):
            headers[name.decode("latin-1")] = value.decode("latin-1")
        names = [name.lower() for name, _value in raw]
    # htmx asks the same URLs for fragments: caches must keep the page and the fragment apart.
    varies = names.count(VARY)
    if varies <= 1:
        at = names.index(VARY) if varies else -1
        vary = [v.strip() for v in (raw[at][1].decode("latin-1") if varies else "").split(",") if v.strip()]
        if HX_REQUEST not in vary:
            line = (VARY, ", ".join([*vary, HX_REQUEST]).encode("latin-1"))
            if varies:
                raw[at] = line
            else:
                raw.append(line)
    else:
        vary = [v.strip() for v in (headers.get("Vary") or "").split(",") if v.strip()]
        if HX_REQUEST not in vary:
            headers["Vary"] = ", ".join([*vary, HX_REQUEST])
    path = scope.get("path", "")
    if path.startswith("/static/") or path == "/favicon.ico":
        headers["Cache-Control"] = static_cache_control(path, scope.get("query_string", b""))
    if scope["litestar_app"].state.settings.production:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
