"""Dependencies shared by controllers: a database session per request, settings, the signed-in user."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from sqlmodel import Session

from app.models import User
from app.settings import Settings


def provide_db(state: State) -> Generator[Session, None, None]:
    """A session per request. Handlers commit themselves: Litestar closes generator dependencies only
    after the response has gone out, too late to report a failed commit to the user."""
    with Session(state.engine, expire_on_commit=False) as session:
        yield session


def provide_settings(state: State) -> Settings:
    return state.settings  # type: ignore[no-any-return]


def provide_user(request: Request[Any, Any, Any]) -> User | None:
    return request.scope.get("state", {}).get("user")


dependencies = {
    "db": Provide(provide_db),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "user": Provide(provide_user, sync_to_thread=False),
}
