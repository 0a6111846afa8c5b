"""Current offers and corridor summaries, computed when quotes load; indexes for the corridor pages.

The tables are filled by the data path (``scrapers.current_offers``); ``passerelle db upgrade`` fills them
from the stored quotes of an existing database right after this revision (``app.schema.upgrade``).

Revision ID: scale_01
Revises: 0004
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "scale_01"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "current_offer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("corridor", sa.String(5), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("natural_key", sa.String(255), nullable=False),
        sa.Column("provider_slug", sa.String(64), nullable=False),
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("payin", sa.String(64), nullable=False),
        sa.Column("payout", sa.String(16), nullable=False),
        sa.Column("speed", sa.String(16), nullable=False),
        sa.Column("source_country", sa.String(2), nullable=False),
        sa.Column("destination_country", sa.String(2), nullable=False),
        sa.Column("send_currency", sa.String(3), nullable=False),
        sa.Column("receive_currency", sa.String(3), nullable=False),
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("amount_usd", sa.Integer, nullable=True),
        sa.Column("amount", sa.Numeric(24, 6), nullable=False),
        sa.Column("fee", sa.Numeric(24, 6), nullable=True),
        sa.Column("rate", sa.Numeric(38, 18), nullable=True),
        sa.Column("mid_rate", sa.Numeric(38, 18), nullable=True),
        sa.Column("fee_pct", sa.Numeric(12, 6), nullable=True),
        sa.Column("fx_margin_pct", sa.Numeric(12, 6), nullable=True),
        sa.Column("total_cost_pct", sa.Numeric(12, 6), nullable=True),
        sa.Column("received_amount", sa.Numeric(24, 6), nullable=True),
        sa.Column("wb_fx_margin_pct", sa.Numeric(12, 6), nullable=True),
        sa.Column("margin_disagrees", sa.Boolean, nullable=True),
        sa.Column("transparent", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("observed_at", TS, nullable=False),
        sa.UniqueConstraint("source", "natural_key", name="uq_current_offer_source_natural_key"),
    )
    op.create_index("ix_current_offer_corridor", "current_offer", ["corridor", "observed_at"])
    op.create_index("ix_current_offer_provider_slug", "current_offer", ["provider_slug"])
    op.create_table(
        "current_corridor",
        sa.Column("corridor", sa.String(5), primary_key=True),
        sa.Column("source_country", sa.String(2), nullable=False),
        sa.Column("destination_country", sa.String(2), nullable=False),
        sa.Column("latest_period", sa.String(6), nullable=True),
        sa.Column("services", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("refreshed_at", TS, nullable=False),
    )
    op.create_index("ix_quote_corridor_tier_period", "quote", ["corridor", "amount_usd", "period"])
    op.create_index("ix_corridor_stat_corridor_tier_period", "corridor_stat", ["corridor", "amount_usd", "period"])


def downgrade() -> None:
    op.drop_index("ix_corridor_stat_corridor_tier_period", table_name="corridor_stat")
    op.drop_index("ix_quote_corridor_tier_period", table_name="quote")
    op.drop_table("current_corridor")
    op.drop_index("ix_current_offer_provider_slug", table_name="current_offer")
    op.drop_index("ix_current_offer_corridor", table_name="current_offer")
    op.drop_table("current_offer")
