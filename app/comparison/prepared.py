"""What a corridor's comparison needs that does not depend on the sender's amount, read once per data version.

The services of the corridor with their observations worked out for pricing (``offers.services_of``), the
statistics others published for it and the projects its savings could fund: a page or an API answer for
a new amount then costs pricing, ranking and rendering only, never a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from app.comparison import offers
from app.comparison.current import CURRENT_OFFERS
from app.comparison.invest import Fundable, fundable
from app.comparison.panel import published_stats, published_stats_of
from app.models.quotes import CorridorStat
from basics.corridors import Corridor


@dataclass(frozen=True)
class Prepared:
    corridor: Corridor
    services: tuple[offers.Service, ...]
    published: tuple[CorridorStat, ...]
    projects: tuple[Fundable, ...]


def prepare_many(engine: Engine, corridors: Sequence[Corridor]) -> list[Prepared]:
    """``prepare`` of several corridors in a few statements (a provider's page names some 180): the current
    offers and published statistics of all of them at once, the projects once per destination country."""
    codes = [corridor.code for corridor in corridors]
    with Session(engine, expire_on_commit=False) as session:
        current = CURRENT_OFFERS.of_many(session, codes)
        published = published_stats_of(session, codes)
        projects = {country: fundable(session, country) for country in {c.destination_country for c in corridors}}
    return [Prepared(corridor, offers.services_of(current[corridor.code]), tuple(published[corridor.code]),
                     projects[corridor.destination_country]) for corridor in corridors]


def prepare(engine: Engine, corridor: Corridor) -> Prepared:
    with Session(engine, expire_on_commit=False) as session:
        return Prepared(corridor, offers.services_of(offers.latest_services(session, corridor)),
                        tuple(published_stats(session, corridor)),
                        fundable(session, corridor.destination_country))
