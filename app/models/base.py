"""Shared column helpers: timezone-aware timestamps and exact money columns."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field

# The largest id a row can have on both databases: the primary keys are INTEGER, 32 bits on PostgreSQL
# (SQLite's are 64); a larger id in a link was never issued, and PostgreSQL refuses to compare it (a 500).
MAX_ID = 2**31 - 1


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


class ExactNumeric(TypeDecorator[Decimal]):
    """NUMERIC that reads back the Decimal that was written, on SQLite too.

    SQLite keeps NUMERIC values as binary floats; SQLAlchemy then expands them to the column's scale,
    turning 655.957 into 655.956999999999993634. The shortest repr of the float is the number that was
    stored (for up to 15 significant digits), so it is read back through repr, never as a float.
    PostgreSQL's numeric is exact and passes through untouched.
    """

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            exact: Any = self.impl_instance
            return dialect.type_descriptor(Numeric(exact.precision, exact.scale, asdecimal=False))
        return dialect.type_descriptor(self.impl_instance)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and dialect.name == "sqlite":
            return float(Decimal(value))  # SQLite stores REAL whatever it is given
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, Decimal):
            return value
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def numeric(precision: int, scale: int, *, nullable: bool = True, default: Any = None) -> Any:
    return Field(default=default, sa_column=Column(ExactNumeric(precision, scale), nullable=nullable))


def money(*, nullable: bool = False, scale: int = 6) -> Any:
    return numeric(24, scale, nullable=nullable)
