"""Role guards: anonymous visitors are sent to log in, signed-in users without the role get 403.

Async on purpose: they only read the user already in the scope, and Litestar runs a sync guard in a worker
thread (a hop per guard per request, dearer than the check)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from app.models import Role, User

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    return connection.scope.get("state", {}).get("user")


def requires_role(*roles: Role) -> Guard:
    allowed = {role.value for role in roles} | {Role.admin.value}

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        user = current_user(connection)
        if user is None:
            raise NotAuthorizedException("login required")
        if user.role not in allowed:
            raise PermissionDeniedException("role not allowed")

    return guard


async def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    if current_user(connection) is None:
        raise NotAuthorizedException("login required")


staff_only = requires_role(Role.staff)
admin_only = requires_role(Role.admin)
promoter_only = requires_role(Role.promoter, Role.staff)
