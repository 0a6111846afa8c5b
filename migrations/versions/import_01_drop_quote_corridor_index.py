"""The quote table's own index on corridor goes: ix_quote_corridor_tier_period (corridor, amount_usd, period)
leads with corridor and serves every read that filtered on corridor alone, and one index less to write makes
a World Bank workbook's 408,000-quote load cheaper.

Revision ID: import_01
Revises: skills_perf_01
Create Date: 2026-12-03
"""
from collections.abc import Sequence

from alembic import op

revision: str = "import_01"
down_revision: str | Sequence[str] | None = "skills_perf_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_quote_corridor", table_name="quote")


def downgrade() -> None:
    op.create_index("ix_quote_corridor", "quote", ["corridor"])
