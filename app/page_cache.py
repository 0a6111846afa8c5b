"""Whole pages served from a cache to anonymous visitors, each with their own CSRF token put back in.

Anonymous visitors (no user, no flash message waiting) all see the same page for the same address and
language, except for the CSRF token: cached HTML carries CSRF_MARK where the token goes.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from jinja2 import Environment
from litestar import MediaType, Request, Response
from litestar.utils.scope.state import ScopeState
from markupsafe import escape

from app.cache import VersionedCache

CSRF_MARK = "\x00csrf\x00"
CSRF_INPUT_MARK = f'<input type="hidden" name="_csrf_token" value="{CSRF_MARK}">'


def with_csrf(request: Request[Any, Any, Any], html: str) -> str:
    token = ScopeState.from_scope(request.scope).csrf_token or ""
    return html.replace(CSRF_MARK, str(escape(token)))


def is_anonymous(request: Request[Any, Any, Any]) -> bool:
    session: Any = request.scope.get("session") or {}
    return request.scope.get("state", {}).get("user") is None and not session.get("flash")


def environment(request: Request[Any, Any, Any]) -> Environment:
    return request.app.template_engine.engine  # type: ignore[union-attr,no-any-return]


def cached_page(request: Request[Any, Any, Any], cache: VersionedCache, key: Hashable, template: str,
                context: dict[str, Any], status_code: int = 200) -> Response[str]:
    """Render `template` once per key for every anonymous visitor; the caller checks is_anonymous()."""
    whole = cache.get(key) or cache.put(key, environment(request).get_template(template).render(
        request=request, csrf_token=lambda: CSRF_MARK, csrf_input=CSRF_INPUT_MARK, **context))
    return Response(with_csrf(request, whole), media_type=MediaType.HTML, status_code=status_code)
