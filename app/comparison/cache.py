"""The comparison's cache: dropped whenever prices, statistics or published projects change (loads raise the
versions of the corridors they touch in ``current_corridor``).

The version read every few seconds holds every corridor's line (version, refreshed at), so any load
drops the cache; what a corridor's comparison needs besides the amount (its services, published
statistics, projects to fund) is then read once (``prepared``), in a worker thread, and every later
question on the corridor is answered from memory, with no query.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from sqlmodel import Session, func, select

from app.cache import VersionedCache
from app.comparison.prepared import Prepared, prepare, prepare_many
from app.models.current import CurrentCorridor
from app.models.marketplace import Listing, ListingState
from basics.corridors import Corridor


class ComparisonCache(VersionedCache):
    def _read_version(self) -> tuple[Any, ...]:
        with Session(self.engine) as session:
            # every load of quotes or statistics raises the version of the corridors it touched (one small
            # table, a line per corridor: reading it never scans the history)
            lines = tuple(session.exec(select(CurrentCorridor.corridor, CurrentCorridor.version,
                                              CurrentCorridor.refreshed_at)
                                       .order_by(CurrentCorridor.corridor)).all())  # type: ignore[arg-type]
            # the save -> invest suggestions follow the published projects
            listings = session.exec(select(func.max(Listing.updated_at), func.count())
                                    .where(Listing.state == ListingState.published.value)).one()
        return (lines, *listings)

    async def prepared(self, corridor: Corridor) -> Prepared:
        """What the corridor's comparison needs besides the amount, at the version last read (read from the
        database in a worker thread once per version)."""
        key = ("prepared", corridor.code)
        found: Prepared | None = self.get(key)
        if found is None:
            generation = self.generation
            found = self.put(key, await anyio.to_thread.run_sync(prepare, self.engine, corridor), generation)
        return found

    async def prepared_many(self, corridors: list[Corridor]) -> list[Prepared]:
        """``prepared`` of several corridors: those not kept are read together, in one worker thread."""
        kept: dict[str, Prepared | None] = {c.code: self.get(("prepared", c.code)) for c in corridors}
        missing = [c for c in corridors if kept[c.code] is None]
        if missing:
            generation = self.generation
            for data in await anyio.to_thread.run_sync(prepare_many, self.engine, missing):
                kept[data.corridor.code] = self.put(("prepared", data.corridor.code), data, generation)
        return [found for c in corridors if (found := kept[c.code]) is not None]
