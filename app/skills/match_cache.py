"""The staff's match lists, rendered once per data version: a need's page of matches (or its htmx fragment)
is kept as a ``Layout`` (gzipped once, each request's CSRF token spliced in) until anything a match list shows
changes: a profile saved, paused or deleted, a member's name, a need, an offer or a mission
(``app.models.versions.SKILLS``, replaced in the transaction of the change).

Every request reads the version itself, first (with its session, ``app.sessions``, or in a statement of its own
from the event loop, ``app.loop_reads``), so the first request after a change committed anywhere builds afresh;
a miss is built in a worker thread, and an entry built from data read before the version moved is not kept.
Nothing of a user is kept: the page differs between staff only by the CSRF token (spliced per request) and the
role (in the key); a request with a message to flash is rendered apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

import anyio.to_thread
from litestar import Litestar
from sqlmodel import Session

from app.cache import VersionedCache
from app.compressed import Layout
from app.loop_reads import loop_reader
from app.models import versions


class MatchCache(VersionedCache):
    def __init__(self, app: Litestar) -> None:
        # the version is read by every request (`layout`), never on a timer
        super().__init__(app.state.engine, recheck_seconds=float("inf"), size=256)
        self.reader = loop_reader(app)

    async def layout(self, key: Hashable, build: Callable[[Session], Layout], read: dict[str, str] | None) -> Layout:
        """The entry for ``key`` at the version read by this request (``read``: the versions read with its
        session, else read now), built (in a worker thread) when missing."""
        now = time.monotonic()
        if read is None:
            row = await self.reader.first(versions.TOKEN, {"name": versions.SKILLS})
            read = {versions.SKILLS: (row or {}).get("token") or ""}
        self._observe((read.get(versions.SKILLS, ""),), now)
        generation = self.generation
        found: Layout | None = self.get(key)
        if found is None:
            found = self.put(key, await anyio.to_thread.run_sync(self.build, build), generation)
        return found

    def build(self, build: Callable[[Session], Layout]) -> Layout:
        with Session(self.engine, expire_on_commit=False) as db:
            return build(db)


def match_cache(app: Litestar) -> MatchCache:
    cache = getattr(app.state, "match_cache", None)
    if cache is None:
        cache = app.state.match_cache = MatchCache(app)
    return cache  # type: ignore[no-any-return]
