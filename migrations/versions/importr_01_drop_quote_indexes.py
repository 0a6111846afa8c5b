"""Three of the quote table's indexes go: no read needs them, and every one of a World Bank workbook's 408,000
quotes paid to write them.

- ix_quote_period: every read by period also names corridors (corridor statistics), which
  ix_quote_corridor_tier_period serves (EXPLAIN QUERY PLAN on SQLite and PostgreSQL chose it with or without).
- ix_quote_observed_at: served only the staff sources page's newest quote of a source, which now reads the
  current offers (a source's newest quote is one of them).
- ix_quote_run_id: the load counted the rows its run changed with it; the merge's own row count says it.
  The foreign key stays; collector runs are never deleted, so nothing looks quotes up by run.

Revision ID: importr_01
Revises: import_01
Create Date: 2026-12-03
"""
from collections.abc import Sequence

from alembic import op

revision: str = "importr_01"
down_revision: str | Sequence[str] | None = "import_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {"ix_quote_period": ["period"], "ix_quote_observed_at": ["observed_at"], "ix_quote_run_id": ["run_id"]}


def upgrade() -> None:
    for name in DROPPED:
        op.drop_index(name, table_name="quote")


def downgrade() -> None:
    for name, columns in DROPPED.items():
        op.create_index(name, "quote", columns)
