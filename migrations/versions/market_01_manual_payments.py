"""Manual payments members can make and staff can match: the programme's receiving accounts, method
identifiers of the payment-method registry, unpaid-promise reminders, and what covers a budget beyond the goal.

Revision ID: market_01
Revises: 0004
Create Date: 2026-12-01
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "market_01"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
RENAMED = (("manual", "bank_transfer"), ("stripe", "stripe_card"))


def upgrade() -> None:
    op.create_table(
        "receiving_account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(140), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bic", sa.String(11), nullable=False),
        sa.Column("operator", sa.String(20), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    with op.batch_alter_table("pledge") as batch:
        batch.alter_column("method", type_=sa.String(20), existing_type=sa.String(8), existing_nullable=False)
        batch.add_column(sa.Column("reminded_at", TS, nullable=True))
    with op.batch_alter_table("listing") as batch:
        batch.add_column(sa.Column("other_funding", sa.Text, nullable=False, server_default=""))
    for old, new in RENAMED:
        op.execute(sa.text("UPDATE pledge SET method = :new WHERE method = :old").bindparams(old=old, new=new))


def downgrade() -> None:
    for old, new in RENAMED:
        op.execute(sa.text("UPDATE pledge SET method = :old WHERE method = :new").bindparams(old=old, new=new))
    op.execute(sa.text("UPDATE pledge SET method = 'manual' WHERE method = 'mobile_money'"))
    with op.batch_alter_table("listing") as batch:
        batch.drop_column("other_funding")
    with op.batch_alter_table("pledge") as batch:
        batch.drop_column("reminded_at")
        batch.alter_column("method", type_=sa.String(8), existing_type=sa.String(20), existing_nullable=False)
    op.drop_table("receiving_account")
