"""The comparison's cache: dropped whenever prices, statistics or published projects change (loads raise the
versions of the corridors they touch in ``current_corridor``)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select

from app.cache import VersionedCache
from app.models.current import CurrentCorridor
from app.models.marketplace import Listing, ListingState


class ComparisonCache(VersionedCache):
    def _read_version(self) -> tuple[Any, ...]:
        with Session(self.engine) as session:
            # every load of quotes or statistics raises the version of the corridors it touched (one small
            # table: reading it never scans the history)
            quotes = session.exec(select(func.coalesce(func.sum(CurrentCorridor.version), 0), func.count())
                                  .select_from(CurrentCorridor)).one()
            # the save -> invest suggestions follow the published projects
            listings = session.exec(select(func.max(Listing.updated_at), func.count())
                                    .where(Listing.state == ListingState.published.value)).one()
        return (*quotes, *listings)
