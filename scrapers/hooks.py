"""After-load hooks: what the layers above the data path want done once a load is published.

The pipeline knows nothing of the web app; the app registers what it needs (price alerts mail their
subscribers) at start-up with ``after_load.register``. Hooks run after the load's transaction has
committed, in registration order; a failing hook is logged and never fails the run nor the next hook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from app.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Load:
    """What a published load changed: its source, its kind ("quotes", "rates" or "history"), how many rows
    it published and the corridors it touched (empty for rates)."""

    source: str
    kind: str
    published: int
    corridors: frozenset[str] = field(default_factory=frozenset)


Hook = Callable[[Engine, Settings, Load], object]


class HookRegistry:
    """Named hooks, so registering the same hook again (a second app in one process) replaces it."""

    def __init__(self) -> None:
        self._hooks: dict[str, Hook] = {}

    def register(self, name: str, hook: Hook) -> None:
        self._hooks[name] = hook

    def unregister(self, name: str) -> None:
        self._hooks.pop(name, None)

    def names(self) -> list[str]:
        return list(self._hooks)

    def run(self, engine: Engine, settings: Settings, load: Load) -> None:
        for name, hook in list(self._hooks.items()):
            try:
                hook(engine, settings, load)
            except Exception:
                log.exception("after-load hook %r failed (%s load of %s)", name, load.kind, load.source)


after_load = HookRegistry()
