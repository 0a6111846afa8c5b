"""Corridor indicators as published: the list of corridors, a quarter's statistics, the history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from app.errors import BadInput, NotFound
from app.i18n import _
from app.models.current import CurrentCorridor
from app.models.quotes import CorridorStat
from app.numbers import parse_int
from basics.corridors import Corridor, parse_corridor

# Whose statistics speak for a quarter when several exist: our own collection, then the World Bank's
# quotes, then its published averages (history only).
SOURCE_PREFERENCE = {"passerelle": 0, "rpw": 1, "wb_history": 2}
# The statistics a corridor publishes, by whom: the World Bank's quotes first, then our own collection.
STATISTICS_SOURCES = ("rpw", "passerelle")
AMOUNTS_USD = (200, 500)
PERIOD_RE = re.compile(r"^(\d{4})(?:Q([1-4])|_([1-4])Q)$")


@dataclass(frozen=True)
class CorridorSummary:
    corridor: Corridor
    latest_period: str | None
    services: int


def parse_corridor_code(code: str) -> Corridor:
    """'FR-SN' or 'FRA-SEN' (any case) -> Corridor; 404 for a corridor that cannot exist."""
    try:
        return parse_corridor(code)
    except ValueError:
        raise NotFound(_("Unknown corridor %(code)s: write it as two country codes, like FR-SN.",
                         code=code)) from None


def parse_period(raw: str | None) -> str | None:
    """'2025Q3' or the World Bank's '2025_3Q' -> '2025Q3'."""
    if raw is None or raw == "":
        return None
    match = PERIOD_RE.match(raw.strip().upper())
    if not match:
        raise BadInput(_("The period must look like 2025Q3."), field="period")
    return f"{match.group(1)}Q{match.group(2) or match.group(3)}"


def parse_amount_usd(raw: object) -> int:
    message = _("amount_usd must be 200 or 500.")
    value = parse_int(raw, field="amount_usd", minimum=min(AMOUNTS_USD), maximum=max(AMOUNTS_USD), invalid=message,
                      out_of_bounds=message)
    if value not in AMOUNTS_USD:
        raise BadInput(message, field="amount_usd")
    return value


def list_corridors(session: Session) -> list[CorridorSummary]:
    """Corridors with quotes; services as counted by the latest quarter's statistics (USD 200), else the
    providers ever quoted (summaries the data path computes at each load: ``scrapers.current_offers``)."""
    return [CorridorSummary(parse_corridor_code(line.corridor), line.latest_period, line.services)
            for line in session.exec(select(CurrentCorridor).order_by(col(CurrentCorridor.corridor))).all()]


def _stats_query(corridor: str, amount_usd: int):  # type: ignore[no-untyped-def]
    return select(CorridorStat).where(CorridorStat.corridor == corridor, CorridorStat.amount_usd == amount_usd)


def period_stats(session: Session, corridor: Corridor, amount_usd: int, period: str | None,
                 source: str | None = None) -> CorridorStat:
    """One source's statistics for one quarter (its latest when no period is given). Without a source named,
    the World Bank's ("rpw"), else our own collection's ("passerelle") for corridors the World Bank does not
    survey: a newer quarter of one source never stands in for another's."""
    if source is not None and source not in STATISTICS_SOURCES:
        raise BadInput(_("The source must be rpw (the World Bank's) or passerelle (our own collection)."),
                       field="source")
    for candidate in (source,) if source else STATISTICS_SOURCES:
        query = _stats_query(corridor.code, amount_usd).where(CorridorStat.source == candidate)
        query = query.where(CorridorStat.period == period) if period else query.order_by(
            col(CorridorStat.period).desc()).limit(1)
        if found := session.exec(query).first():
            return found
    where = " ".join(filter(None, (corridor.code, period, source)))
    raise NotFound(_("No statistics for %(corridor)s.", corridor=where))


def latest_stats(session: Session, corridor: Corridor, amount_usd: int = 200,
                 source: str | None = None) -> CorridorStat | None:
    try:
        return period_stats(session, corridor, amount_usd, None, source)
    except NotFound:
        return None


@dataclass(frozen=True)
class HistoryPoint:
    period: str
    average_total_cost_pct: Decimal
    services: int | None
    source: str


def history(session: Session, corridor: Corridor, amount_usd: int = 200) -> list[HistoryPoint]:
    """One point per quarter: the World Bank series from 2011, then quotes-based statistics."""
    best: dict[str, CorridorStat] = {}
    for stat in session.exec(_stats_query(corridor.code, amount_usd)).all():
        if stat.average_total_cost_pct is None:
            continue
        current = best.get(stat.period)
        if current is None or SOURCE_PREFERENCE.get(stat.source, 9) < SOURCE_PREFERENCE.get(current.source, 9):
            best[stat.period] = stat
    return [HistoryPoint(p, s.average_total_cost_pct, s.services, s.source)  # type: ignore[arg-type]
            for p, s in sorted(best.items())]
