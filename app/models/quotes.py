"""The comparison's data: raw snapshots, collector runs, quarantine, quotes, corridor statistics, rates.

Every figure that is money, a rate or a percentage is an exact Numeric column (Decimal in Python).
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import money, numeric, timestamp
from basics.vocabulary import Payin, Payout, Speed


def percent(*, nullable: bool = True) -> Any:
    """A percentage such as a total cost of 2.41 %, to 6 places."""
    return numeric(12, 6, nullable=nullable)


def exchange_rate(*, nullable: bool = True) -> Any:
    """Units of one currency per unit of another: 655.957 XOF per EUR, 0.0015 EUR per XOF."""
    return numeric(38, 18, nullable=nullable)


class RunStatus(StrEnum):
    running = "running"
    ok = "ok"
    partial = "partial"  # some rows published, some quarantined
    failed = "failed"  # nothing published: fetch, parse or load failed, or every row was bad


class Snapshot(SQLModel, table=True):
    """A source's answer exactly as received, stored before anything tries to read it."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32, index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    status: int
    content_type: str | None = Field(default=None, max_length=255)
    sha256: str = Field(max_length=64, index=True)
    size: int
    fetched_at: datetime = timestamp()
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CollectorRun(SQLModel, table=True):
    """One run of one collector: what came in, what was published, what was rejected and why."""

    __tablename__ = "collector_run"
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32, index=True)
    trigger: str = Field(default="manual", max_length=16)  # schedule | manual | cli | staff | demo
    started_at: datetime = timestamp(index=True)
    finished_at: datetime | None = timestamp(nullable=True, default_now=False)
    status: str = Field(default=RunStatus.running.value, max_length=8)
    rows_in: int = 0
    rows_published: int = 0  # valid rows now in the published data (new, changed or already there)
    rows_new: int = 0  # of those, rows this run inserted or changed
    rows_rejected: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    snapshot_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list


class Quarantine(SQLModel, table=True):
    """A row a collector refused to publish, kept with the reason so staff can tell a bad day from a
    changed format."""

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="collector_run.id", index=True)
    source: str = Field(max_length=32, index=True)
    row: str = Field(sa_column=Column(Text, nullable=False))  # the row as JSON
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp()


class Quote(SQLModel, table=True):
    """One normalised price observation: what a provider charged to send ``amount`` along a corridor.

    Conventions (World Bank RPW): the sender pays ``amount + fee``; the family receives
    ``amount × rate``; ``fx_margin_pct`` = (1 − rate / mid_rate) × 100; ``total_cost_pct`` =
    fee % + FX margin %. For RPW rows ``total_cost_pct`` is the World Bank's published figure
    (the one its averages use), ``wb_fx_margin_pct`` its published margin, and ``margin_disagrees``
    says our margin against our reference rate differs from it. ``natural_key`` (unique within a
    source) makes loading the same observation twice an update of one row, never a second row.
    """

    __table_args__ = (UniqueConstraint("source", "natural_key", name="uq_quote_source_natural_key"),
                      # the corridor pages' aggregated reads of the history (providers' lines per quarter)
                      Index("ix_quote_corridor_tier_period", "corridor", "amount_usd", "period"))
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)  # rpw | wise | staff
    natural_key: str = Field(max_length=255)
    provider_slug: str = Field(max_length=64, index=True)
    provider_name: str = Field(max_length=255)  # as the source wrote it
    corridor: str = Field(max_length=5)  # "FR-SN"; ix_quote_corridor_tier_period leads with it
    source_country: str = Field(max_length=2)
    destination_country: str = Field(max_length=2)
    send_currency: str = Field(max_length=3)
    receive_currency: str = Field(max_length=3)
    period: str = Field(max_length=6)  # "2025Q3"; reads by period also name corridors (ix_quote_corridor_tier_period)
    amount_usd: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))  # 200 | 500 tier
    amount: Decimal = money()
    fee: Decimal | None = money(nullable=True)
    rate: Decimal | None = exchange_rate()
    mid_rate: Decimal | None = exchange_rate()
    fee_pct: Decimal | None = percent()
    fx_margin_pct: Decimal | None = percent()
    total_cost_pct: Decimal | None = percent()
    received_amount: Decimal | None = money(nullable=True)
    wb_fx_margin_pct: Decimal | None = percent()
    margin_disagrees: bool | None = None
    payin: str = Field(default=Payin.other.value, max_length=64)
    payout: str = Field(default=Payout.other.value, max_length=16)
    speed: str = Field(default=Speed.unknown.value, max_length=16)
    transparent: bool = True
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    observed_at: datetime = timestamp()  # a source's newest: its current offers' (app.comparison.sources)
    run_id: int | None = Field(default=None, foreign_key="collector_run.id")  # runs are never deleted: no index


class CorridorStat(SQLModel, table=True):
    """Corridor indicators per quarter and price point (USD 200 or 500), by the World Bank's definitions.

    ``source`` says whose quotes they summarise: "rpw" (the World Bank's own rows), "passerelle"
    (our live and staff collection) or "wb_history" (the World Bank's published averages 2011–2020,
    where only the average is known).
    """

    __tablename__ = "corridor_stat"
    __table_args__ = (UniqueConstraint("source", "corridor", "period", "amount_usd",
                                       name="uq_corridor_stat_key"),
                      Index("ix_corridor_stat_corridor_tier_period", "corridor", "amount_usd", "period"))
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    corridor: str = Field(max_length=5, index=True)
    period: str = Field(max_length=6)
    amount_usd: int
    services: int | None = None
    transparent_services: int | None = None
    average_total_cost_pct: Decimal | None = percent()
    median_total_cost_pct: Decimal | None = percent()
    min_total_cost_pct: Decimal | None = percent()
    smart_pct: Decimal | None = percent()
    smart_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    share_under_3_pct: Decimal | None = percent()
    smart_within_5: bool | None = None
    computed_at: datetime = timestamp()


class ReferenceRate(SQLModel, table=True):
    """A mid-market reference rate as published: per EUR (ECB, pegs) or per USD (IMF)."""

    __tablename__ = "reference_rate"
    __table_args__ = (UniqueConstraint("source", "date", "currency", name="uq_reference_rate_key"),)
    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    currency: str = Field(max_length=3, index=True)
    per_eur: Decimal | None = exchange_rate()
    per_usd: Decimal | None = exchange_rate()
    source: str = Field(max_length=8)  # ecb | peg | imf


class ProviderMapping(SQLModel, table=True):
    """Staff's decision that a name a source uses, unknown to the catalogue, means this provider."""

    __tablename__ = "provider_mapping"
    __table_args__ = (UniqueConstraint("source", "name_key", name="uq_provider_mapping_key"),)
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    name_key: str = Field(max_length=255)  # providers.normalise_name(name)
    name: str = Field(max_length=255)
    provider_slug: str = Field(max_length=64)
    mapped_by: int | None = Field(default=None, foreign_key="user.id")
    mapped_at: datetime = timestamp()


class SchedulerLease(SQLModel, table=True):
    """The single-runner lock of the scheduler where PostgreSQL advisory locks are not available."""

    __tablename__ = "scheduler_lease"
    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    expires_at: datetime = timestamp()
