"""Statements staff upload to match manual payments, and the audit trail of what was done with the money.

Revision ID: pay_01
Revises: market_01, safety_01, scale_01
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "pay_01"
down_revision: str | Sequence[str] | None = ("market_01", "safety_01", "scale_01")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "statement_line",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("receiving_account.id"), nullable=True),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("amount", sa.Numeric(20, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(140), nullable=False),
        sa.Column("payer", sa.String(140), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False, unique=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("pledge.id"), nullable=True),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS, nullable=True),
    )
    op.create_index("ix_statement_line_state", "statement_line", ["state"])
    op.create_index("ix_statement_line_pledge_id", "statement_line", ["pledge_id"])
    op.create_table(
        "payment_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("receiving_account.id"), nullable=True),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("pledge.id"), nullable=True),
        sa.Column("line_id", sa.Integer, sa.ForeignKey("statement_line.id"), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_payment_audit_account_id", "payment_audit", ["account_id"])
    op.create_index("ix_payment_audit_pledge_id", "payment_audit", ["pledge_id"])
    op.create_index("ix_payment_audit_created_at", "payment_audit", ["created_at"])


def downgrade() -> None:
    op.drop_table("payment_audit")
    op.drop_table("statement_line")
