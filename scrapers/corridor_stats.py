"""Corridor statistics recomputed from the published quotes, after every load that touches them.

Two families are kept apart: "rpw" summarises the World Bank's own rows (and so reproduces its
published corridor averages); "passerelle" summarises our collection (Wise and staff observations),
taking each service's latest observation in the quarter so a collector running four times a day does
not count a provider four times.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from sqlalchemy import Connection, String, cast, func, select

from app.models import CorridorStat, Quote
from app.models.base import utcnow
from scrapers.loading import upsert_stats
from scrapers.statistics import corridor_statistics

OWN_SOURCES = ("wise", "staff")
SERVICE = ("source", "provider_slug", "provider_name", "corridor", "payin", "payout", "speed_class", "tier", "period")
SCHEMA: dict[str, pl.DataType] = {
    "corridor": pl.String(), "period": pl.String(), "tier": pl.Int32(), "total_text": pl.String(),
    "transparent": pl.Boolean(), "speed_class": pl.String(), "source": pl.String(), "provider_slug": pl.String(),
    "provider_name": pl.String(), "payin": pl.String(), "payout": pl.String(), "observed_at": pl.String(),
}


def _quotes(conn: Connection, sources: Iterable[str], periods: Iterable[str], corridors: Iterable[str], *,
            services: bool) -> pl.DataFrame:
    q = Quote.__table__.c  # type: ignore[attr-defined]
    # totals and times cross as text: exact, and a World Bank workbook's 400,000 rows read in seconds
    columns = [q.corridor, q.period, q.amount_usd, cast(q.total_cost_pct, String), q.transparent, q.speed]
    if services:
        columns += [q.source, q.provider_slug, q.provider_name, q.payin, q.payout, cast(q.observed_at, String)]
    query = select(*columns).where(q.source.in_(list(sources)), q.period.in_(sorted(set(periods))),
                                   q.corridor.in_(sorted(set(corridors))), q.amount_usd.is_not(None))
    names = list(SCHEMA)[:len(columns)]
    frame = pl.DataFrame([tuple(r) for r in conn.execute(query)], schema={n: SCHEMA[n] for n in names},
                         orient="row")
    return frame.with_columns(pl.col("total_text").cast(pl.Decimal(38, 6)).alias("total_cost_pct"))


def refresh_statistics(conn: Connection, source: str, published: pl.DataFrame) -> int:
    """Recompute the statistics of every corridor and quarter ``published`` (the quotes a load just
    wrote, ``Quote`` columns) touches, over everything stored for them (the corridors it does not touch
    keep theirs: a collection's work follows what it loaded, not the history); returns how many."""
    own = source in OWN_SOURCES
    if (source != "rpw" and not own) or published.is_empty():
        return 0
    periods = published.get_column("period").unique().to_list()
    corridors = published.get_column("corridor").unique().to_list()
    priced = published.filter(pl.col("amount_usd").is_not_null())
    if not own and _stored(conn, periods, corridors) == priced.height:
        # the load holds every stored quote of its quarters (a whole workbook): no need to read them back
        quotes = priced.select("corridor", "period", pl.col("amount_usd").alias("tier"),
                               pl.col("total_cost_pct").round(6), "transparent", pl.col("speed").alias("speed_class"))
    else:
        quotes = _quotes(conn, OWN_SOURCES if own else ("rpw",), periods, corridors, services=own)
    if quotes.is_empty():
        return 0
    if own:
        quotes = quotes.sort("observed_at").unique(subset=SERVICE, keep="last")
    stats = corridor_statistics(quotes).rename({"tier": "amount_usd"})
    upsert_stats(conn, stats, source="passerelle" if own else "rpw")
    return stats.height


def _stored(conn: Connection, periods: list[str], corridors: list[str]) -> int:
    q = Quote.__table__.c  # type: ignore[attr-defined]
    return int(conn.execute(select(func.count()).where(q.source == "rpw", q.period.in_(periods),
                                                       q.corridor.in_(corridors),
                                                       q.amount_usd.is_not(None))).scalar_one())


def store_history(conn: Connection, averages: pl.DataFrame) -> int:
    """The World Bank's published corridor averages 2011–2020 (USD 200), as "wb_history"
    statistics; returns how many corridor-quarters were new or changed."""
    stats = averages.select("corridor", "period", pl.lit(200, pl.Int32).alias("amount_usd"),
                            pl.col("average_total_cost_pct"))
    since = utcnow()
    upsert_stats(conn, stats, source="wb_history")
    table = CorridorStat.__table__  # type: ignore[attr-defined]
    return int(conn.execute(select(func.count()).select_from(table).where(
        table.c.source == "wb_history", table.c.computed_at >= since)).scalar_one())
