"""app.middleware.security_headers appends its encoded headers in one pass: the very header list the general way
(``MutableScopeHeaders``, one header set at a time, as it was written before) gives, whatever the answer had."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from litestar.datastructures import MutableScopeHeaders

from app.assets import static_cache_control
from app.middleware import _checkout_origin, csp, security_headers


async def general_way(message: dict[str, Any], scope: dict[str, Any]) -> None:
    headers = MutableScopeHeaders.from_message(message)
    headers["Content-Security-Policy"] = csp(_checkout_origin(scope))
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    vary = [v.strip() for v in (headers.get("Vary") or "").split(",") if v.strip()]
    if "HX-Request" not in vary:
        headers["Vary"] = ", ".join([*vary, "HX-Request"])
    path = scope.get("path", "")
    if path.startswith("/static/") or path == "/favicon.ico":
        headers["Cache-Control"] = static_cache_control(path, scope.get("query_string", b""))
    if scope["litestar_app"].state.settings.production:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"


def scope_of(path: str, production: bool = False, stripe: bool = False) -> dict[str, Any]:
    settings = SimpleNamespace(production=production, stripe_secret_key="sk_test" if stripe else "",
                               stripe_checkout_origin="https://checkout.stripe.com")
    app = SimpleNamespace(state=SimpleNamespace(settings=settings))
    return {"type": "http", "path": path, "query_string": b"", "app": app, "litestar_app": app}


HEADER_LISTS = [
    [],
    [(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept-Encoding"), (b"content-encoding", b"gzip")],
    [(b"vary", b"Accept-Encoding, HX-Request")],
    [(b"Vary", b"Accept-Encoding")],
    [(b"x-frame-options", b"SAMEORIGIN"), (b"vary", b"Cookie")],
    [(b"vary", b"Accept-Encoding"), (b"vary", b"Cookie")],
    [(b"content-security-policy", b"default-src 'none'"), (b"content-security-policy", b"x"), (b"vary", b"Cookie")],
]


@pytest.mark.parametrize("listed", HEADER_LISTS)
@pytest.mark.parametrize(("path", "production", "stripe"), [("/", False, False), ("/static/css/app.css", True, False),
                                                            ("/pledge", False, True)])
def test_the_same_headers_as_the_general_way(listed: list[tuple[bytes, bytes]], path: str, production: bool,
                                             stripe: bool) -> None:
    fast = {"type": "http.response.start", "status": 200, "headers": list(listed)}
    general = {"type": "http.response.start", "status": 200, "headers": list(listed)}
    asyncio.run(security_headers(fast, scope_of(path, production, stripe)))  # type: ignore[arg-type]
    asyncio.run(general_way(general, scope_of(path, production, stripe)))
    assert fast["headers"] == general["headers"]
