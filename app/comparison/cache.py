"""The comparison's cache: dropped whenever prices, statistics or published projects change."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select

from app.cache import VersionedCache
from app.models.marketplace import Listing, ListingState
from app.models.quotes import CorridorStat, Quote


class ComparisonCache(VersionedCache):
    def _read_version(self) -> tuple[Any, ...]:
        with Session(self.engine) as session:
            quotes = session.exec(select(func.max(Quote.id), func.max(Quote.run_id), func.count())).one()
            stats = session.exec(select(func.max(CorridorStat.id), func.count())).one()
            # the save -> invest suggestions follow the published projects
            listings = session.exec(select(func.max(Listing.updated_at), func.count())
                                    .where(Listing.state == ListingState.published.value)).one()
        return (*quotes, *stats, *listings)
