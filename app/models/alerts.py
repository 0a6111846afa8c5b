"""Rate alerts: an e-mail when a corridor's best offer crosses a threshold (double opt-in)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.base import money, numeric, timestamp


class AlertKind(StrEnum):
    total_cost_below = "total_cost_below"  # best total cost % at or under the threshold
    received_above = "received_above"  # best amount received at or above the threshold


class RateAlert(SQLModel, table=True):
    __tablename__ = "rate_alert"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    corridor: str = Field(max_length=5, index=True)
    amount: Decimal = money()
    currency: str = Field(max_length=3)
    kind: str = Field(max_length=20)
    threshold: Decimal = numeric(24, 6, nullable=False)
    locale: str = Field(default="fr", max_length=5)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp()
    confirmed_at: datetime | None = timestamp(nullable=True, default_now=False)
    unsubscribed_at: datetime | None = timestamp(nullable=True, default_now=False)
    last_sent_at: datetime | None = timestamp(nullable=True, default_now=False)
