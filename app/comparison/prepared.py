"""What a corridor's comparison needs that does not depend on the sender's amount, read once per data version.

The services of the corridor with their observations worked out for pricing (``offers.services_of``), the
statistics others published for it and the projects its savings could fund: a page or an API answer for
a new amount then costs pricing, ranking and rendering only, never a query.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from app.comparison import offers
from app.comparison.invest import Fundable, fundable
from app.comparison.panel import published_stats
from app.models.quotes import CorridorStat
from basics.corridors import Corridor


@dataclass(frozen=True)
class Prepared:
    corridor: Corridor
    services: tuple[offers.Service, ...]
    published: tuple[CorridorStat, ...]
    projects: tuple[Fundable, ...]


def prepare(engine: Engine, corridor: Corridor) -> Prepared:
    with Session(engine, expire_on_commit=False) as session:
        return Prepared(corridor, offers.services_of(offers.latest_services(session, corridor)),
                        tuple(published_stats(session, corridor)),
                        fundable(session, corridor.destination_country))
