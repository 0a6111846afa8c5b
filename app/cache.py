"""A per-process cache of rendered work, dropped whenever a data version read from the database changes.

The version is read at most every few seconds, so a page served from the cache costs no query; a change
made anywhere (another worker, the scheduler process) is seen by every worker within that delay.
Subclasses say what the version is. Async handlers ``await cache.check()`` first: the version is then read
in a worker thread (one at a time), never in the event loop, and requests meanwhile use the version
last read; in the event loop, ``get`` never reads a version already known (it was read synchronously there when
the few seconds ran out between a request's ``check`` and its later ``get``s, as one read in two did in a served
worker under load: on PostgreSQL a blocking round trip that stalled every request in flight). Code in a worker
thread reads it as before. An entry built from data read before the version moved is not kept (``generation``).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine

T = TypeVar("T")


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class VersionedCache:
    def __init__(self, engine: Engine, *, recheck_seconds: float = 2.0, max_age_seconds: float = 300.0,
                 size: int = 1024) -> None:
        self.engine = engine
        self.recheck = recheck_seconds
        self.max_age = max_age_seconds  # freshness flags depend on the clock, not only on the data
        self.size = size
        self._version: tuple[Any, ...] | None = None
        self._checked = 0.0
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._checking = False  # a worker thread is reading the version
        self.generation = 0  # raised whenever the version changes

    def _due(self) -> bool:
        return self._version is None or time.monotonic() - self._checked > self.recheck

    def _read_version(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def version(self) -> tuple[Any, ...]:
        """The data version, read again when it is older than ``recheck`` (unless a thread is reading it, or this
        is the event loop and a version is known: ``check`` reads it there, in a worker thread)."""
        if self._due() and not (self._version is not None and (self._checking or _in_event_loop())):
            self._check()
        return self._version  # type: ignore[return-value]

    def _check(self) -> None:
        now = time.monotonic()
        self._observe(self._read_version(), now)

    def _observe(self, version: tuple[Any, ...], now: float) -> None:
        """The version as read at ``now`` (monotonic clock; read before the data it versions)."""
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self.generation += 1
            self._version, self._checked = version, now

    async def check(self) -> None:
        """Make the version fresh, reading it in a worker thread: the event loop never waits on the database
        but for the very first read; concurrent requests go on with the version last read."""
        if not self._due() or self._checking and self._version is not None:
            return
        self._checking = True
        try:
            await anyio.to_thread.run_sync(self._check)
        finally:
            self._checking = False

    def get(self, key: Hashable) -> Any | None:
        self.version()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or time.monotonic() - entry[0] > self.max_age:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, value: T, generation: int | None = None) -> T:
        """Keep ``value`` (unless it was built in an earlier ``generation`` than the current one)."""
        with self._lock:
            if generation is not None and generation != self.generation:
                return value
            self._entries[key] = (time.monotonic(), value)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        found = self.get(key)
        return found if found is not None else self.put(key, build())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._version = None
            self.generation += 1
