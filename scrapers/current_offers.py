"""Current offers and corridor summaries: what the comparison reads, computed when quotes are loaded.

A service of a corridor (source, provider, pay-in, payout, speed) is priced from its latest observation
round: every quote observed within a day of its latest observation (a Wise collection day; an RPW
survey), keeping at each amount only the latest quote, since pricing takes the amount nearest the one
asked. ``current_offer`` holds exactly those quotes; ``current_corridor`` one line per corridor with prices
(the corridor list, the compare form's countries). Both are rewritten for the corridors a load touches,
inside the load's own transaction, so a reader sees a corridor wholly before or wholly after the load.

A load is merged into the stored current offers (work in proportion to the load and the current offers,
not to the history); ``rebuild`` recomputes corridors from every stored quote (after a change that is
not a load, such as staff mapping a provider name, or to fill the tables of an existing database).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, delete, func, select, text

from app.models import CorridorStat, CurrentCorridor, CurrentOffer, Quote
from app.models.base import utcnow
from app.models.current import SERVICE
from scrapers.bulk import bulk_upsert
from scrapers.loading import QUOTE_COLUMNS, SCALES

ROUND = timedelta(days=1)  # a service's observations within a day of its latest form its latest round
KEY = ("corridor", *SERVICE)
OFFER_KEY = (*KEY, "amount")
# whose statistics speak for a corridor's latest quarter: our collection, then the World Bank's quotes
STAT_PREFERENCE = {"passerelle": 0, "rpw": 1}
LIST_AMOUNT_USD = 200


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


OFFER_COLUMNS = tuple(c.name for c in _table(CurrentOffer).columns if c.name != "id")
assert set(OFFER_COLUMNS) <= set(QUOTE_COLUMNS), "current offers mirror quote columns"


def _schema() -> dict[str, pl.DataType]:
    """The polars types of the columns as ``scrapers.loading.upsert_quotes`` writes them."""
    schema: dict[str, pl.DataType] = {}
    for name in OFFER_COLUMNS:
        if name in SCALES:
            schema[name] = pl.Decimal(38, SCALES[name])
        elif name == "amount_usd":
            schema[name] = pl.Int32()
        elif name in ("transparent", "margin_disagrees"):
            schema[name] = pl.Boolean()
        elif name == "observed_at":
            schema[name] = pl.Datetime("us", "UTC")
        else:
            schema[name] = pl.String()
    return schema


SCHEMA = _schema()


def _read(conn: Connection, table: Table, corridors: Sequence[str], latest: bool = False) -> pl.DataFrame:
    """Rows of ``table`` (quote or current_offer) for those corridors, exact (Decimals through the column
    types, as the pages read them); with ``latest``, only each service's latest quotes at each amount, chosen
    by the database (a window function): what ``latest_round`` starts from, a sliver of the history."""
    columns = [table.c[name] for name in OFFER_COLUMNS]
    rows: list[tuple[Any, ...]] = []
    for offset in range(0, len(corridors), 500):
        query = select(*columns).where(table.c.corridor.in_(list(corridors[offset:offset + 500])))
        if latest:
            ranked = query.add_columns(func.max(table.c.observed_at).over(
                partition_by=[table.c[k] for k in OFFER_KEY]).label("latest_at")).subquery()
            query = select(*[ranked.c[name] for name in OFFER_COLUMNS]).where(
                ranked.c.observed_at == ranked.c.latest_at)
        rows.extend(tuple(r) for r in conn.execute(query))
    frame = pl.DataFrame(rows, schema={**SCHEMA, "observed_at": pl.Datetime("us")}, orient="row")
    at = pl.col("observed_at")
    # SQLite hands back naive UTC, PostgreSQL aware values (which polars already holds in UTC)
    return frame.with_columns(at.dt.replace_time_zone("UTC") if frame.schema["observed_at"].time_zone is None  # type: ignore[attr-defined]
                              else at.dt.convert_time_zone("UTC"))


def latest_round(frame: pl.DataFrame) -> pl.DataFrame:
    """Each service's latest round: at each amount the latest quotes (all those observed at that latest
    moment), of the services' observations within ``ROUND`` of their latest."""
    at = pl.col("observed_at")
    return frame.filter(at == at.max().over(list(OFFER_KEY))).filter(at >= at.max().over(list(KEY)) - ROUND)


LOCK_KEY = 0x436F7272  # "Corr": the corridors' advisory locks, paired with each corridor's hash


def lock_corridors(conn: Connection, corridors: Iterable[str]) -> None:
    """Loads of the same corridors take turns from here to their commit, so that each merges into what the
    other wrote (on PostgreSQL, READ COMMITTED would let both read the offers before either and the second
    erase the first's, or both insert a new corridor's line). SQLite's writers take turns already (the
    transaction's first write took the database's write lock). Taken in one order: no deadlock."""
    if conn.dialect.name != "postgresql":
        return
    for corridor in sorted(set(corridors)):
        conn.execute(text("SELECT pg_advisory_xact_lock(CAST(:key AS integer), hashtext(:corridor))"),
                     {"key": LOCK_KEY, "corridor": corridor})


def refresh(conn: Connection, published: pl.DataFrame) -> set[str]:
    """Merge a load's published quotes (as written to ``quote``, with ``source``) into the current offers
    of the corridors it touches, then refresh those corridors' summaries; returns the corridors."""
    if published.is_empty():
        return set()
    corridors = sorted(set(published.get_column("corridor").to_list()))
    lock_corridors(conn, corridors)
    loaded = published.select([pl.col(n).cast(t) for n, t in SCHEMA.items()])
    stored = _read(conn, _table(CurrentOffer), corridors)
    if not stored.is_empty():  # a quote stored and changed by the load counts as loaded
        stored = stored.join(loaded.select("source", "natural_key"), on=["source", "natural_key"], how="anti")
    _replace(conn, corridors, latest_round(pl.concat([stored, loaded], how="vertical")))
    return set(corridors)


def rebuild(conn: Connection, corridors: Iterable[str] | None = None) -> set[str]:
    """Recompute the current offers and summaries of ``corridors`` (every corridor with quotes when None)
    from every stored quote; returns the corridors."""
    quote = _table(Quote)
    if corridors is None:
        corridors = [c for (c,) in conn.execute(select(quote.c.corridor).distinct())]
    wanted = sorted(set(corridors))
    if not wanted:
        return set()
    lock_corridors(conn, wanted)
    _replace(conn, wanted, latest_round(_read(conn, quote, wanted, latest=True)))
    return set(wanted)


def _replace(conn: Connection, corridors: Sequence[str], offers: pl.DataFrame) -> None:
    table = _table(CurrentOffer)
    for offset in range(0, len(corridors), 500):
        conn.execute(delete(table).where(table.c.corridor.in_(list(corridors[offset:offset + 500]))))
    bulk_upsert(conn, table, offers.select(OFFER_COLUMNS), ("source", "natural_key"))
    refresh_corridors(conn, corridors)


def refresh_corridors(conn: Connection, corridors: Sequence[str]) -> None:
    """Rewrite the summaries of ``corridors`` from their current offers and statistics (a corridor without
    current offers has none), and raise their version above every other."""
    offers, stats, summary = _table(CurrentOffer), _table(CorridorStat), _table(CurrentCorridor)
    wanted = list(corridors)
    lock_corridors(conn, wanted)
    lines: dict[str, dict[str, Any]] = {}
    best: dict[str, tuple[str, int, int | None]] = {}
    for offset in range(0, len(wanted), 500):
        chunk = wanted[offset:offset + 500]
        # every quote's service has current offers, so these are the providers and latest quarter ever quoted
        for corridor, source_country, destination_country, period, providers in conn.execute(
                select(offers.c.corridor, func.min(offers.c.source_country), func.min(offers.c.destination_country),
                       func.max(offers.c.period), func.count(func.distinct(offers.c.provider_slug)))
                .where(offers.c.corridor.in_(chunk)).group_by(offers.c.corridor)):
            lines[corridor] = {"corridor": corridor, "source_country": source_country,
                               "destination_country": destination_country, "latest_period": period,
                               "services": providers}
        for corridor, period, source, services in conn.execute(
                select(stats.c.corridor, stats.c.period, stats.c.source, stats.c.services)
                .where(stats.c.corridor.in_(chunk), stats.c.amount_usd == LIST_AMOUNT_USD,
                       stats.c.source.in_(list(STAT_PREFERENCE)))):
            rank = (period, -STAT_PREFERENCE[source])
            if corridor not in best or rank > best[corridor][:2]:
                best[corridor] = (period, -STAT_PREFERENCE[source], services)
    for corridor, (period, _rank, services) in best.items():
        if corridor in lines:
            lines[corridor].update(latest_period=period, services=services or lines[corridor]["services"])
    now = utcnow()
    for offset in range(0, len(wanted), 500):
        conn.execute(delete(summary).where(summary.c.corridor.in_(wanted[offset:offset + 500])))
    # after the deletes: a concurrent refresh of the same corridors has committed by now (its lines were
    # locked), so the version read here is above the one it wrote
    version = int(conn.execute(select(func.coalesce(func.max(summary.c.version), 0))).scalar_one()) + 1
    if lines:
        conn.execute(summary.insert(), [{**line, "version": version, "refreshed_at": now} for line in lines.values()])
