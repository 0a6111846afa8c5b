"""A per-process cache of rendered work, dropped whenever a data version read from the database changes.

The version is read at most every few seconds, so a page served from the cache costs no query; a change
made anywhere (another worker, the scheduler process) is seen by every worker within that delay.
Subclasses say what the version is.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Engine

T = TypeVar("T")


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

    def _read_version(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def version(self) -> tuple[Any, ...]:
        now = time.monotonic()
        if self._version is None or now - self._checked > self.recheck:
            version = self._read_version()
            with self._lock:
                if version != self._version:
                    self._entries.clear()
                self._version, self._checked = version, now
        return self._version  # type: ignore[return-value]

    def get(self, key: Hashable) -> Any | None:
        self.version()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or time.monotonic() - entry[0] > self.max_age:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, value: T) -> T:
        with self._lock:
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
