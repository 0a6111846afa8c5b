"""Flash messages carried in the session across a post/redirect/get."""

from __future__ import annotations

from typing import Any

from litestar import Request


def flash(request: Request[Any, Any, Any], message: str, category: str = "info") -> None:
    messages = list(request.session.get("flash", []))
    messages.append([category, message])
    request.session["flash"] = messages


def pop_flashes(request: Request[Any, Any, Any]) -> list[list[str]]:
    if "session" not in request.scope or not request.session.get("flash"):
        return []
    return list(request.session.pop("flash", []))
