"""Foundation: reference tables, accounts, outbox, shared key-value store.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "currency",
        sa.Column("code", sa.String(3), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("minor_units", sa.Integer, nullable=False),
    )
    op.create_table(
        "country",
        sa.Column("alpha2", sa.String(2), primary_key=True),
        sa.Column("alpha3", sa.String(3), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.Column("name_fr", sa.String(120), nullable=False),
        sa.Column("currency", sa.String(3), sa.ForeignKey("currency.code"), nullable=True),
    )
    op.create_index("ix_country_alpha3", "country", ["alpha3"], unique=True)
    op.create_table(
        "user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("locale", sa.String(5), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("email_verified_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_user_email", "user", ["email"], unique=True)
    op.create_table(
        "email_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
    )
    op.create_index("ix_email_token_user_id", "email_token", ["user_id"])
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_index("ix_outbox_message_to_address", "outbox_message", ["to_address"])
    op.create_index("ix_outbox_message_created_at", "outbox_message", ["created_at"])
    op.create_table(
        "key_value",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
    )
    op.create_index("ix_key_value_expires_at", "key_value", ["expires_at"])


def downgrade() -> None:
    op.drop_table("key_value")
    op.drop_table("outbox_message")
    op.drop_table("email_token")
    op.drop_table("user")
    op.drop_table("country")
    op.drop_table("currency")
