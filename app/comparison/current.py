"""A corridor's current offers, read from the database once per version of the corridor and kept in the process.

Every load that changes a corridor's current offers gives its ``current_corridor`` line a new version (in the
load's transaction), so a request costs one primary-key lookup while nothing changed; the offers are read
again, in one statement, only when the version moved. Entries are plain immutable rows (``Offered``, the
columns of ``current_offer``): reading them costs a fraction of an ORM instance's attribute access.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from app.models.current import CurrentCorridor, CurrentOffer

SIZE = 512  # corridors kept per process
CHUNK = 500  # corridors named in one statement


@dataclass(frozen=True, slots=True)
class Offered:
    """One row of ``current_offer`` (same names as ``Quote`` and ``CurrentOffer``)."""

    id: int
    corridor: str
    source: str
    natural_key: str
    provider_slug: str
    provider_name: str
    payin: str
    payout: str
    speed: str
    source_country: str
    destination_country: str
    send_currency: str
    receive_currency: str
    period: str
    amount_usd: int | None
    amount: Decimal
    fee: Decimal | None
    rate: Decimal | None
    mid_rate: Decimal | None
    fee_pct: Decimal | None
    fx_margin_pct: Decimal | None
    total_cost_pct: Decimal | None
    received_amount: Decimal | None
    wb_fx_margin_pct: Decimal | None
    margin_disagrees: bool | None
    transparent: bool
    note: str | None
    observed_at: datetime


COLUMNS = [getattr(CurrentOffer, f.name) for f in fields(Offered)]


class CurrentOffers:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Offered, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, session: Session, corridor: str) -> tuple[Offered, ...]:
        """The corridor's current offers, newest first (then in a fixed order); () when it has none."""
        line = session.exec(select(CurrentCorridor.version, CurrentCorridor.refreshed_at)
                            .where(CurrentCorridor.corridor == corridor)).first()
        if line is None:  # a corridor with current offers always has its line
            return ()
        key = (str(session.get_bind().engine.url), corridor, *line)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        offers = tuple(Offered(*row) for row in session.execute(
            select(*COLUMNS).where(CurrentOffer.corridor == corridor).order_by(
                col(CurrentOffer.observed_at).desc(), col(CurrentOffer.source), col(CurrentOffer.natural_key),
                col(CurrentOffer.amount))))
        with self._lock:
            self._entries[key] = offers
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return offers


    def of_many(self, session: Session, corridors: Sequence[str]) -> dict[str, tuple[Offered, ...]]:
        """``of`` for several corridors: the versions in one statement, the offers of those not kept in
        another (a provider's page names some 180 corridors)."""
        bind = str(session.get_bind().engine.url)
        found: dict[str, tuple[Offered, ...]] = {}
        missing: dict[str, Hashable] = {}
        for offset in range(0, len(corridors), CHUNK):
            lines = session.exec(select(CurrentCorridor.corridor, CurrentCorridor.version, CurrentCorridor.refreshed_at)
                                 .where(col(CurrentCorridor.corridor).in_(corridors[offset:offset + CHUNK]))).all()
            with self._lock:
                for corridor, version, refreshed_at in lines:
                    key = (bind, corridor, version, refreshed_at)
                    if (kept := self._entries.get(key)) is not None:
                        self._entries.move_to_end(key)
                        found[corridor] = kept
                    else:
                        missing[corridor] = key
        wanted = list(missing)
        read: dict[str, list[Offered]] = {corridor: [] for corridor in wanted}
        for offset in range(0, len(wanted), CHUNK):
            chunk = wanted[offset:offset + CHUNK]
            for row in session.execute(select(*COLUMNS).where(col(CurrentOffer.corridor).in_(chunk))
                                       .order_by(col(CurrentOffer.corridor), col(CurrentOffer.observed_at).desc(),
                                                 col(CurrentOffer.source), col(CurrentOffer.natural_key),
                                                 col(CurrentOffer.amount))):
                offered = Offered(*row)
                read[offered.corridor].append(offered)
        with self._lock:
            for corridor, offers in read.items():
                found[corridor] = self._entries[missing[corridor]] = tuple(offers)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return {corridor: found.get(corridor, ()) for corridor in corridors}


CURRENT_OFFERS = CurrentOffers()
