"""A provider's page: on each corridor it serves, its cheapest service for 200 in the sending currency and its
place among the providers compared there, the corridors grouped by sending country.

One line a corridor, not one a service: a big provider serves some 180 corridors with up to a dozen services
each (Wise at full scale: 847 services, about 200 000 px of cards on a phone when each had its own). The prices
are the compare page's own (``answer`` over the corridor's prepared services, shared with the compare page
through the comparison's cache), so the two pages never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.comparison.offers import answer, question
from app.comparison.prepared import Prepared
from app.comparison.pricing import Offer
from app.errors import DomainError
from app.models.current import CurrentOffer
from app.reference import country_name, reading_order
from app.settings import Settings
from basics.corridors import Corridor, parse_corridor

AMOUNT = "200"  # in the sending currency, as the World Bank's smaller price point
FOLD_ABOVE = 20  # corridors: beyond, each sending country's group is folded under its name (a phone's page stays short)


@dataclass(frozen=True)
class Served:
    """The provider on one corridor: its cheapest service, how many it has there, and its place (1 = the lowest
    total cost) among the ``rivals`` providers with a known cost on the corridor, itself included."""

    corridor: Corridor
    cheapest: Offer
    services: int
    place: int | None
    rivals: int


def served(offers: list[Offer], slug: str, corridor: Corridor) -> Served | None:
    """The provider's line for a corridor's priced offers, or None when it has no offer there."""
    own = [o for o in offers if o.provider.slug == slug]
    if not own:
        return None
    known = [(o.total_cost_pct, i, o) for i, o in enumerate(own) if o.total_cost_pct is not None]
    cheapest = min(known)[2] if known else own[0]  # the first of equal costs, as the compare page ranks them
    best: dict[tuple[str, str], Decimal] = {}  # by slug and name: each firm not yet reviewed is a rival of its own
    for o in offers:
        firm = (o.provider.slug, o.provider.name)
        if o.total_cost_pct is not None and (firm not in best or o.total_cost_pct < best[firm]):
            best[firm] = o.total_cost_pct
    mine = best.get((slug, own[0].provider.name))
    place = None if mine is None else 1 + sum(1 for cost in best.values() if cost < mine)
    return Served(corridor, cheapest, len(own), place, len(best))


def corridors_of(engine: Engine, slug: str) -> list[Corridor]:
    """The corridors where ``slug`` has a current offer."""
    with Session(engine) as session:
        codes = session.exec(select(CurrentOffer.corridor).where(CurrentOffer.provider_slug == slug).distinct()).all()
    found = []
    for code in sorted(codes):
        try:
            found.append(parse_corridor(code))
        except ValueError:
            continue
    return found


def provider_lines(prepared: list[Prepared], settings: Settings, slug: str) -> dict[str, list[Served]]:
    """The provider's line on each corridor prepared, grouped by sending country (alpha-2), the countries and
    each group's destinations in the reader's alphabetical order (as the compare form lists them)."""
    groups: dict[str, list[Served]] = defaultdict(list)
    for data in prepared:
        corridor = data.corridor
        try:
            comparison = answer(data.services, question(corridor.source_country, corridor.destination_country,
                                                        AMOUNT), settings)
        except DomainError:
            continue
        line = served(list(comparison.offers), slug, corridor)
        if line is not None:
            groups[corridor.source_country].append(line)
    return {source: sorted(lines, key=lambda line: reading_order(country_name(line.corridor.destination_country)))
            for source, lines in sorted(groups.items(), key=lambda group: reading_order(country_name(group[0])))}
