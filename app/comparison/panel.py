"""The corridor panel: figures of the table on screen, beside the statistics others published.

The table's figures are computed from exactly the offers shown (same payout filter, same amount), by
the World Bank's definitions: the average and cheapest total cost over the transparent offers with a
known cost, and SmaRT as the mean of the three cheapest of them arriving within 5 days. Indicative
offers count only when nothing else is priced. The savings line is (average − cheapest) at the
sender's own amount. Published statistics (the World Bank's quarter, Passerelle's own collection) are
read per source and labelled with it: one never stands in for the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_
from sqlmodel import Session, col, func, select

from app.comparison.pricing import Offer
from app.models.quotes import CorridorStat
from basics.corridors import Corridor
from basics.vocabulary import WITHIN_5_DAYS

SMART_SIZE = 3
PUBLISHED_SOURCES = ("rpw", "passerelle")  # the World Bank's own rows, then our live collection


@dataclass(frozen=True)
class TableFigures:
    offers: int  # rows in the table
    counted: int  # transparent offers with a known total cost, which the figures use
    indicative: bool  # the figures had to use indicative offers
    average_pct: Decimal
    cheapest_pct: Decimal
    smart_pct: Decimal | None
    amount: Decimal  # the amount the savings are computed at, in the sending currency

    @property
    def saving(self) -> Decimal:
        """Choosing the cheapest instead of the average, on one transfer of ``amount``."""
        return self.amount * (self.average_pct - self.cheapest_pct) / 100

    @property
    def saving_per_year(self) -> Decimal:
        return self.saving * 12


def counted(offers: Sequence[Offer]) -> list[Offer]:
    """The offers the table's figures are computed over (see module doc)."""
    priced = [o for o in offers if o.transparent and o.total_cost_pct is not None]
    firm = [o for o in priced if not o.indicative]
    return firm or priced


def _within_5_days(offer: Offer) -> bool:
    return offer.speed in WITHIN_5_DAYS


def table_figures(offers: Sequence[Offer], amount: Decimal) -> TableFigures | None:
    used = counted(offers)
    if not used:
        return None
    costs = sorted(o.total_cost_pct for o in used if o.total_cost_pct is not None)
    fast = sorted(o.total_cost_pct for o in used if o.total_cost_pct is not None and _within_5_days(o))
    smart = sum(fast[:SMART_SIZE], Decimal(0)) / SMART_SIZE if len(fast) >= SMART_SIZE else None
    return TableFigures(offers=len(offers), counted=len(used), indicative=any(o.indicative for o in used),
                        average_pct=sum(costs, Decimal(0)) / len(costs), cheapest_pct=costs[0], smart_pct=smart,
                        amount=amount)


def published_stats_of(session: Session, corridors: Sequence[str],
                       amount_usd: int = 200) -> dict[str, list[CorridorStat]]:
    """``published_stats`` of several corridors, each source's latest quarter chosen by the database (an aggregate
    over the indexed statistics), not every quarter of the history read and sorted out here."""
    found: dict[str, dict[str, CorridorStat]] = {corridor: {} for corridor in corridors}
    for offset in range(0, len(corridors), 500):
        chunk = list(corridors[offset:offset + 500])
        chosen = (select(CorridorStat.corridor, CorridorStat.source, func.max(CorridorStat.period).label("period"))
                  .where(col(CorridorStat.corridor).in_(chunk), CorridorStat.amount_usd == amount_usd,
                         col(CorridorStat.source).in_(PUBLISHED_SOURCES),
                         col(CorridorStat.average_total_cost_pct).is_not(None))
                  .group_by(CorridorStat.corridor, CorridorStat.source).subquery())
        for stat in session.exec(select(CorridorStat).join(chosen, and_(
                col(CorridorStat.corridor) == chosen.c.corridor, col(CorridorStat.source) == chosen.c.source,
                col(CorridorStat.period) == chosen.c.period)).where(CorridorStat.amount_usd == amount_usd)).all():
            found[stat.corridor][stat.source] = stat
    return {corridor: [latest[s] for s in PUBLISHED_SOURCES if s in latest] for corridor, latest in found.items()}


def published_stats(session: Session, corridor: Corridor, amount_usd: int = 200) -> list[CorridorStat]:
    """The latest quarter of each publishing source for the corridor, World Bank first; each is labelled
    with its own source and quarter where shown."""
    rows = session.exec(select(CorridorStat).where(CorridorStat.corridor == corridor.code,
                                                   CorridorStat.amount_usd == amount_usd)).all()
    latest: dict[str, CorridorStat] = {}
    for stat in rows:
        if stat.source in PUBLISHED_SOURCES and stat.average_total_cost_pct is not None and (
                stat.source not in latest or stat.period > latest[stat.source].period):
            latest[stat.source] = stat
    return [latest[s] for s in PUBLISHED_SOURCES if s in latest]
