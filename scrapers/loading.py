"""Writing what collectors found: idempotent upserts of quotes, rates and statistics, and quarantine.

Every write is an upsert on the table's natural key that changes a row only when a value differs
(``scrapers.bulk``), so loading the same rows twice leaves the database as it was (rows keep the run
that last changed them). Callers pass one connection inside one transaction: a load that fails writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Table, func, select

import providers
from app.models import CorridorStat, ProviderMapping, Quarantine, Quote, ReferenceRate
from app.models.base import utcnow
from scrapers.bulk import bulk_upsert
from scrapers.reference_rates import ANNUAL_MAX_AGE, RATES_SCHEMA

Progress = Callable[[int, int], None]
BATCH = 5000  # quarantine rows per INSERT
QUOTE_COLUMNS = ("source", "natural_key", "provider_slug", "provider_name", "corridor", "source_country",
                 "destination_country", "send_currency", "receive_currency", "period", "amount_usd", "amount",
                 "fee", "rate", "mid_rate", "fee_pct", "fx_margin_pct", "total_cost_pct", "received_amount",
                 "wb_fx_margin_pct", "margin_disagrees", "payin", "payout", "speed", "transparent", "note",
                 "observed_at", "run_id")
# what one RPW service's quotes share, quarter after quarter: staged once per combination (scrapers.bulk)
SERVICE_COLUMNS = ("provider_slug", "provider_name", "corridor", "source_country", "destination_country",
                   "send_currency", "receive_currency", "payin", "payout", "speed", "transparent", "note")
# Rounded to the scale of their columns, so "has this value changed?" compares like with like.
SCALES = {"amount": 6, "fee": 6, "received_amount": 6, "fee_pct": 6, "fx_margin_pct": 6, "total_cost_pct": 6,
          "wb_fx_margin_pct": 6, "rate": 18, "mid_rate": 18}


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def quote_rows(quotes: pl.DataFrame, *, source: str) -> pl.DataFrame:
    """Validated, normalised quotes as ``quote`` rows (every column but ``run_id``), rounded to the columns' scales."""
    return quotes.with_columns(
        pl.col("source_alpha2").alias("source_country"), pl.col("destination_alpha2").alias("destination_country"),
        pl.col("payin_class").alias("payin"), pl.col("payout_class").alias("payout"),
        *(pl.col(name).round(scale).cast(pl.Decimal(38, scale)) for name, scale in SCALES.items()),
        pl.lit(source).alias("source"),
    ).select([c for c in QUOTE_COLUMNS if c != "run_id"])


def upsert_quotes(conn: Connection, rows: pl.DataFrame, *, source: str, run_id: int,
                  progress: Progress | None = None) -> int:
    """Publish ``quote_rows``; returns how many this run inserted or changed. New quotes are copied in
    (``copy_new``): the pipeline never runs two loads of one source at once (``scrapers.runs.start_run``)."""
    return bulk_upsert(conn, _table(Quote), rows.drop("source"), ("source", "natural_key"),
                       constants={"source": source, "run_id": run_id}, not_compared=("run_id",), progress=progress,
                       pairs=("natural_key", ":1", ":2"), factored=SERVICE_COLUMNS, copy_new=True)


def quarantine(conn: Connection, rejected: pl.DataFrame, *, source: str, run_id: int,
               columns: Sequence[str] | None = None) -> None:
    """Keep every rejected row as JSON with its reason; a refused row is never silently lost."""
    if rejected.is_empty():
        return
    kept = [c for c in (columns or rejected.columns) if c in rejected.columns and c != "reason"]
    now = utcnow()
    rows = [
        {"run_id": run_id, "source": source, "created_at": now, "reason": record.pop("reason"),
         "row": json.dumps(record, default=str, ensure_ascii=False)}
        for record in rejected.select(*kept, "reason").to_dicts()
    ]
    for offset in range(0, len(rows), BATCH):
        conn.execute(_table(Quarantine).insert(), rows[offset:offset + BATCH])


def upsert_rates(conn: Connection, rates: pl.DataFrame) -> int:
    """Keep reference rates as history (one row per source, day and currency); returns how many are new."""
    frame = rates.with_columns(
        *(pl.lit(None, RATES_SCHEMA[c]).alias(c) for c in ("per_eur", "per_usd") if c not in rates.columns)
    ).select("date", "currency", "per_eur", "per_usd", "source")
    table = _table(ReferenceRate)
    before = conn.execute(select(func.count()).select_from(table)).scalar_one()
    bulk_upsert(conn, table, frame, ("source", "date", "currency"))
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one()) - int(before)


def upsert_stats(conn: Connection, stats: pl.DataFrame, *, source: str) -> None:
    """Store corridor statistics (``corridor_statistics`` output, tier as ``amount_usd``)."""
    columns = [c.name for c in _table(CorridorStat).columns if c.name not in {"id", "source", "computed_at"}]
    frame = stats.with_columns(
        *(pl.lit(None).alias(c) for c in columns if c not in stats.columns)
    ).select(columns).with_columns(pl.lit(source).alias("source"), pl.lit(utcnow()).alias("computed_at"))
    bulk_upsert(conn, _table(CorridorStat), frame, ("source", "corridor", "period", "amount_usd"),
                not_compared=("computed_at",))


def read_rates(engine: Engine, currencies: Iterable[str], start: date | None, end: date | None) -> pl.DataFrame:
    """The stored rates a batch of quotes observed between ``start`` and ``end`` may need."""
    table = _table(ReferenceRate)
    wanted = sorted({c for c in currencies if c} | {"USD"})  # USD: crossing IMF rates, price points
    query = select(table.c.date, table.c.currency, table.c.per_eur, table.c.per_usd, table.c.source).where(
        table.c.currency.in_(wanted))
    if start is not None and end is not None:
        query = query.where(table.c.date.between(start - ANNUAL_MAX_AGE - timedelta(days=1), end))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=RATES_SCHEMA, orient="row")


def provider_mappings(engine: Engine) -> dict[tuple[str, str], str]:
    """Staff-made mappings, keyed as ``providers.resolve`` expects them."""
    table = _table(ProviderMapping)
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.source, table.c.name_key, table.c.provider_slug)).all()
    return {(source, providers.normalise_name(key)): slug for source, key, slug in rows}
