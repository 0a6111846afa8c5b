"""What the comparison reads: each corridor's current offers and its summary, computed when data is loaded.

Both are a cache of ``quote`` and ``corridor_stat`` (never a truth of their own), rewritten by the data path
(``scrapers.current_offers``) in the same transaction that loads the quotes, so a reader sees a corridor
either wholly before or wholly after a load. History stays complete in ``quote``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import money, timestamp
from app.models.quotes import exchange_rate, percent

SERVICE = ("source", "provider_slug", "provider_name", "payin", "payout", "speed")
"""What makes a service of a corridor: one provider's product through one pay-in, payout and speed, per source."""


class CurrentOffer(SQLModel, table=True):
    """A service's latest observation at one amount: for each service of a corridor, every amount observed
    in its latest round (the day before its latest observation; an RPW survey), each the latest at that amount
    (all of them when several quotes of one service were observed at the same moment, as RPW products are).

    Columns mirror ``Quote`` (same names and types), so pricing reads either; ``natural_key`` leads back to
    the quote within its source.
    """

    __tablename__ = "current_offer"
    __table_args__ = (UniqueConstraint("source", "natural_key", name="uq_current_offer_source_natural_key"),
                      Index("ix_current_offer_corridor", "corridor", "observed_at"),
                      Index("ix_current_offer_provider_slug", "provider_slug"))
    id: int | None = Field(default=None, primary_key=True)
    corridor: str = Field(max_length=5)  # "FR-SN"
    source: str = Field(max_length=16)
    natural_key: str = Field(max_length=255)
    provider_slug: str = Field(max_length=64)
    provider_name: str = Field(max_length=255)
    payin: str = Field(default="other", max_length=64)
    payout: str = Field(default="other", max_length=16)
    speed: str = Field(default="unknown", max_length=16)
    source_country: str = Field(max_length=2)
    destination_country: str = Field(max_length=2)
    send_currency: str = Field(max_length=3)
    receive_currency: str = Field(max_length=3)
    period: str = Field(max_length=6)
    amount_usd: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
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
    transparent: bool = True
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    observed_at: datetime = timestamp()


class CurrentCorridor(SQLModel, table=True):
    """A corridor with prices, as the corridor list and the compare form show it.

    ``latest_period``/``services``: the latest quarter's statistics at USD 200 (our collection before the
    World Bank's), else the latest quarter quoted and the number of providers ever quoted. ``version`` grows
    at every refresh of the corridor: the comparison's cache follows it.
    """

    __tablename__ = "current_corridor"
    corridor: str = Field(primary_key=True, max_length=5)
    source_country: str = Field(max_length=2)
    destination_country: str = Field(max_length=2)
    latest_period: str | None = Field(default=None, max_length=6)
    services: int = 0
    version: int = 0
    refreshed_at: datetime = timestamp()
