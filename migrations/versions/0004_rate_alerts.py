"""Join the collectors and marketplace branches; add rate alerts.

Revision ID: 0004
Revises: 0002, 0003
Create Date: 2026-11-28
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = ("0002", "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rate_alert",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("corridor", sa.String(5), nullable=False),
        sa.Column("amount", sa.Numeric(24, 6), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("threshold", sa.Numeric(24, 6), nullable=False),
        sa.Column("locale", sa.String(5), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("unsubscribed_at", TS, nullable=True),
        sa.Column("last_sent_at", TS, nullable=True),
    )
    op.create_index("ix_rate_alert_email", "rate_alert", ["email"])
    op.create_index("ix_rate_alert_corridor", "rate_alert", ["corridor"])


def downgrade() -> None:
    op.drop_table("rate_alert")
