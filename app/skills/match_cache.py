"""The staff's match lists, rendered once per data version: a need's page of matches (or its htmx fragment)
is kept (app.skills.match_page: its parts, then whole, gzipped once, each request's CSRF token spliced in) until
anything a match list shows changes: a profile saved, paused or deleted, a member's name, a need, an offer or a mission
(``app.models.versions.SKILLS``, replaced in the transaction of the change).

Every request reads the version itself, first (with its session, ``app.sessions``, or in a statement of its own
from the event loop, ``app.loop_reads``), so the first request after a change committed anywhere builds afresh;
an entry built from data read before the version moved is not kept.
Nothing of a user is kept: the page differs between staff only by the CSRF token (spliced per request) and the
role (in the key); a request with a message to flash is rendered apart.
"""

from __future__ import annotations

import time

from litestar import Litestar

from app.cache import VersionedCache
from app.loop_reads import loop_reader
from app.models import versions


class MatchCache(VersionedCache):
    def __init__(self, app: Litestar) -> None:
        # the version is read by every request (`fresh`), never on a timer
        super().__init__(app.state.engine, recheck_seconds=float("inf"), size=256)
        self.reader = loop_reader(app)

    async def fresh(self, read: dict[str, str] | None) -> int:
        """Bring the cache to the version read by this request (``read``: the versions read with its session, else
        read now); the generation to build at (what is built from data read after this may be kept)."""
        now = time.monotonic()
        if read is None:
            row = await self.reader.first(versions.TOKEN, {"name": versions.SKILLS})
            read = {versions.SKILLS: (row or {}).get("token") or ""}
        self._observe((read.get(versions.SKILLS, ""),), now)
        return self.generation


def match_cache(app: Litestar) -> MatchCache:
    cache = getattr(app.state, "match_cache", None)
    if cache is None:
        cache = app.state.match_cache = MatchCache(app)
    return cache  # type: ignore[no-any-return]
