"""Data versions: a token per kind of data, replaced in the transaction that changes it (app.models.versions);
the staff's match lists are cached on the "skills" token.

Revision ID: skills_perf_01
Revises: profiles_01
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "skills_perf_01"
down_revision: str | Sequence[str] | None = "profiles_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("token", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("data_version")
