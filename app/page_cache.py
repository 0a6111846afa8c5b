"""Whole pages served from a cache to anonymous visitors, each with their own CSRF token put back in.

Anonymous visitors (no user, no flash message waiting) all see the same page for the same address and
language, except for the CSRF token: cached HTML carries CSRF_MARK where the token goes, and is kept as a
``Layout`` (``app.compressed``): its fixed text gzipped once, the visitor's token spliced in.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from jinja2 import Environment
from litestar import MediaType, Request, Response
from litestar.utils.scope.state import ScopeState
from markupsafe import escape

from app.cache import VersionedCache
from app.compressed import Layout, respond

CSRF_MARK = "\x00csrf\x00"
CSRF_INPUT_MARK = f'<input type="hidden" name="_csrf_token" value="{CSRF_MARK}">'


def csrf_text(request: Request[Any, Any, Any]) -> str:
    """The visitor's CSRF token as it goes into HTML."""
    return str(escape(ScopeState.from_scope(request.scope).csrf_token or ""))


def with_csrf(request: Request[Any, Any, Any], html: str) -> str:
    return html.replace(CSRF_MARK, csrf_text(request))


def page_layout(html: str) -> Layout:
    """A page's HTML (CSRF_MARK where the token goes), cut for splicing each visitor's token in."""
    return Layout(html, {"csrf": CSRF_MARK})


def serve_layout(request: Request[Any, Any, Any], layout: Layout, status_code: int = 200) -> Response[Any]:
    return respond(request, layout.fill({"csrf": csrf_text(request).encode()}), MediaType.HTML, status_code)


def is_anonymous(request: Request[Any, Any, Any]) -> bool:
    session: Any = request.scope.get("session") or {}
    return request.scope.get("state", {}).get("user") is None and not session.get("flash")


def environment(request: Request[Any, Any, Any]) -> Environment:
    return request.app.template_engine.engine  # type: ignore[union-attr,no-any-return]


def render_shared(request: Request[Any, Any, Any], template: str, context: dict[str, Any]) -> Layout:
    """`template` as every anonymous visitor gets it, CSRF_MARK where each one's token goes."""
    return page_layout(environment(request).get_template(template).render(
        request=request, csrf_token=lambda: CSRF_MARK, csrf_input=CSRF_INPUT_MARK, **context))


def cached_page(request: Request[Any, Any, Any], cache: VersionedCache, key: Hashable, template: str,
                context: dict[str, Any], status_code: int = 200) -> Response[Any]:
    """Render `template` once per key for every anonymous visitor; the caller checks is_anonymous()."""
    layout = cache.get(key) or cache.put(key, render_shared(request, template, context))
    return serve_layout(request, layout, status_code)
