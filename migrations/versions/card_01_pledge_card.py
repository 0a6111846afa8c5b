"""Stripe's columns leave `pledge` for a billing-owned table, `pledge_card` (one row per card pledge:
its Stripe customer and saved card); existing values are copied across, and back on downgrade.

Revision ID: card_01
Revises: pay_01
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "card_01"
down_revision: str | Sequence[str] | None = "pay_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pledge_card",
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("pledge.id"), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=True),
        sa.Column("payment_method_id", sa.String(64), nullable=True),
    )
    op.execute(sa.text(
        "INSERT INTO pledge_card (pledge_id, customer_id, payment_method_id) "
        "SELECT id, stripe_customer_id, stripe_payment_method_id FROM pledge "
        "WHERE stripe_customer_id IS NOT NULL OR stripe_payment_method_id IS NOT NULL"))
    with op.batch_alter_table("pledge") as batch:
        batch.drop_column("stripe_payment_method_id")
        batch.drop_column("stripe_customer_id")


def downgrade() -> None:
    with op.batch_alter_table("pledge") as batch:
        batch.add_column(sa.Column("stripe_customer_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("stripe_payment_method_id", sa.String(64), nullable=True))
    op.execute(sa.text(
        "UPDATE pledge SET stripe_customer_id = (SELECT customer_id FROM pledge_card c WHERE c.pledge_id = pledge.id), "
        "stripe_payment_method_id = (SELECT payment_method_id FROM pledge_card c WHERE c.pledge_id = pledge.id)"))
    op.drop_table("pledge_card")
