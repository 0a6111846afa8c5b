"""PostgreSQL: snapshots' content compressed with lz4 rather than pglz (new rows; stored ones stay as they are).

A World Bank workbook is a zip archive: pglz spent 0.63-0.65 CPU-s of the server trying to compress its 36 MB
and kept it as it was; lz4 gives up in 0.21 s (measured on the full-scale bench workbook) and still compresses
the JSON answers of the collectors. Skipped on a server built without lz4, and on SQLite (no compression).

Revision ID: import_02
Revises: skillmiss_01
Create Date: 2026-12-04
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "import_02"
down_revision: str | Sequence[str] | None = "skillmiss_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return bool(bind.execute(sa.text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                     "WHERE name = 'default_toast_compression'")).scalar())


def upgrade() -> None:
    if _lz4_available():
        op.execute("ALTER TABLE snapshot ALTER COLUMN content SET COMPRESSION lz4")


def downgrade() -> None:
    if _lz4_available():
        op.execute("ALTER TABLE snapshot ALTER COLUMN content SET COMPRESSION pglz")
