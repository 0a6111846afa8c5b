"""Shared column helpers: timezone-aware timestamps and exact money columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Numeric
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes even for timezone=True columns: they are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def timestamp(*, nullable: bool = False, default_now: bool = True, index: bool = False) -> Any:
    return Field(
        default_factory=utcnow if default_now else lambda: None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable, index=index),
    )


def money(*, nullable: bool = False, scale: int = 6) -> Any:
    return Field(default=None, sa_column=Column(Numeric(24, scale), nullable=nullable))
