"""Collectors: snapshots, runs, quarantine, quotes, corridor statistics, reference rates, provider
mappings and the scheduler's lease.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(24, 6)
PERCENT = sa.Numeric(12, 6)
RATE = sa.Numeric(38, 18)


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("content_type", sa.String(255), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_snapshot_source", "snapshot", ["source"])
    op.create_index("ix_snapshot_sha256", "snapshot", ["sha256"])
    op.create_table(
        "collector_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("rows_in", sa.Integer, nullable=False),
        sa.Column("rows_published", sa.Integer, nullable=False),
        sa.Column("rows_new", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("snapshot_ids", sa.Text, nullable=False),
    )
    op.create_index("ix_collector_run_source", "collector_run", ["source"])
    op.create_index("ix_collector_run_started_at", "collector_run", ["started_at"])
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("collector_run.id"), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("row", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_quarantine_run_id", "quarantine", ["run_id"])
    op.create_index("ix_quarantine_source", "quarantine", ["source"])
    op.create_table(
        "quote",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("natural_key", sa.String(255), nullable=False),
        sa.Column("provider_slug", sa.String(64), nullable=False),
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("corridor", sa.String(5), nullable=False),
        sa.Column("source_country", sa.String(2), nullable=False),
        sa.Column("destination_country", sa.String(2), nullable=False),
        sa.Column("send_currency", sa.String(3), nullable=False),
        sa.Column("receive_currency", sa.String(3), nullable=False),
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("amount_usd", sa.Integer, nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("fee", MONEY, nullable=True),
        sa.Column("rate", RATE, nullable=True),
        sa.Column("mid_rate", RATE, nullable=True),
        sa.Column("fee_pct", PERCENT, nullable=True),
        sa.Column("fx_margin_pct", PERCENT, nullable=True),
        sa.Column("total_cost_pct", PERCENT, nullable=True),
        sa.Column("received_amount", MONEY, nullable=True),
        sa.Column("wb_fx_margin_pct", PERCENT, nullable=True),
        sa.Column("margin_disagrees", sa.Boolean, nullable=True),
        sa.Column("payin", sa.String(64), nullable=False),
        sa.Column("payout", sa.String(16), nullable=False),
        sa.Column("speed", sa.String(16), nullable=False),
        sa.Column("transparent", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("collector_run.id"), nullable=True),
        sa.UniqueConstraint("source", "natural_key", name="uq_quote_source_natural_key"),
    )
    op.create_index("ix_quote_provider_slug", "quote", ["provider_slug"])
    op.create_index("ix_quote_corridor", "quote", ["corridor"])
    op.create_index("ix_quote_period", "quote", ["period"])
    op.create_index("ix_quote_observed_at", "quote", ["observed_at"])
    op.create_index("ix_quote_run_id", "quote", ["run_id"])
    op.create_table(
        "corridor_stat",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("corridor", sa.String(5), nullable=False),
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("amount_usd", sa.Integer, nullable=False),
        sa.Column("services", sa.Integer, nullable=True),
        sa.Column("transparent_services", sa.Integer, nullable=True),
        sa.Column("average_total_cost_pct", PERCENT, nullable=True),
        sa.Column("median_total_cost_pct", PERCENT, nullable=True),
        sa.Column("min_total_cost_pct", PERCENT, nullable=True),
        sa.Column("smart_pct", PERCENT, nullable=True),
        sa.Column("smart_note", sa.Text, nullable=True),
        sa.Column("share_under_3_pct", PERCENT, nullable=True),
        sa.Column("smart_within_5", sa.Boolean, nullable=True),
        sa.Column("computed_at", TS, nullable=False),
        sa.UniqueConstraint("source", "corridor", "period", "amount_usd", name="uq_corridor_stat_key"),
    )
    op.create_index("ix_corridor_stat_corridor", "corridor_stat", ["corridor"])
    op.create_table(
        "reference_rate",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("per_eur", RATE, nullable=True),
        sa.Column("per_usd", RATE, nullable=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.UniqueConstraint("source", "date", "currency", name="uq_reference_rate_key"),
    )
    op.create_index("ix_reference_rate_date", "reference_rate", ["date"])
    op.create_index("ix_reference_rate_currency", "reference_rate", ["currency"])
    op.create_table(
        "provider_mapping",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("name_key", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("provider_slug", sa.String(64), nullable=False),
        sa.Column("mapped_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("mapped_at", TS, nullable=False),
        sa.UniqueConstraint("source", "name_key", name="uq_provider_mapping_key"),
    )
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scheduler_lease")
    op.drop_table("provider_mapping")
    op.drop_table("reference_rate")
    op.drop_table("corridor_stat")
    op.drop_table("quote")
    op.drop_table("quarantine")
    op.drop_table("collector_run")
    op.drop_table("snapshot")
