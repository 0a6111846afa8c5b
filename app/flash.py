"""Flash messages carried in the session across a post/redirect/get, each shown once."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

# Set in the scope of a request whose page showed flash messages (see `no_store_after_flash`).
SHOWN = "flash_shown"


def flash(request: Request[Any, Any, Any], message: str, category: str = "info") -> None:
    messages = list(request.session.get("flash", []))
    messages.append([category, message])
    request.session["flash"] = messages


def pop_flashes(request: Request[Any, Any, Any]) -> list[list[str]]:
    if "session" not in request.scope or not request.session.get("flash"):
        return []
    request.scope.setdefault("state", {})[SHOWN] = True
    return list(request.session.pop("flash", []))


async def no_store_after_flash(message: Message, scope: Scope) -> None:
    """A before_send hook: a page that showed a flash message is not kept by the browser, whose Back button (its
    back/forward cache) would otherwise show the message again, above newer ones, on a later visit."""
    if message["type"] == "http.response.start" and scope.get("state", {}).get(SHOWN):
        MutableScopeHeaders.from_message(message)["Cache-Control"] = "no-store"
