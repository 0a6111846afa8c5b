"""Marketplace: listings and their vetting, pledges, payment attempts, processed webhook events.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(20, 2)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _listing_fk() -> sa.Column:
    return sa.Column("listing_id", sa.Integer, sa.ForeignKey("listing.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "listing",
        _id(),
        sa.Column("slug", sa.String(140), nullable=False),
        sa.Column("title", sa.String(140), nullable=False),
        sa.Column("summary", sa.String(400), nullable=False),
        sa.Column("story", sa.Text, nullable=False),
        sa.Column("country", sa.String(2), sa.ForeignKey("country.alpha2"), nullable=False),
        sa.Column("town", sa.String(120), nullable=False),
        sa.Column("sector", sa.String(32), nullable=False),
        sa.Column("org_name", sa.String(200), nullable=False),
        sa.Column("org_legal_form", sa.String(120), nullable=False),
        sa.Column("org_registration", sa.String(120), nullable=False),
        sa.Column("goal", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("min_pledge", MONEY, nullable=False),
        sa.Column("funding_model", sa.String(16), nullable=False),
        sa.Column("campaign_days", sa.Integer, nullable=False),
        sa.Column("expected_jobs", sa.Integer, nullable=False),
        sa.Column("impact", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("promoter_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("is_example", sa.Boolean, nullable=False),
        sa.Column("secured_total", MONEY, nullable=False),
        sa.Column("funded_pct", sa.Numeric(12, 2), nullable=False),
        sa.Column("backer_count", sa.Integer, nullable=False),
        sa.Column("submission_round", sa.Integer, nullable=False),
        sa.Column("audit_head", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("submitted_at", TS, nullable=True),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("deadline", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
    )
    op.create_index("ix_listing_slug", "listing", ["slug"], unique=True)
    op.create_index("ix_listing_country", "listing", ["country"])
    op.create_index("ix_listing_sector", "listing", ["sector"])
    op.create_index("ix_listing_promoter_id", "listing", ["promoter_id"])
    op.create_index("ix_listing_state_published_at", "listing", ["state", "published_at"])
    op.create_index("ix_listing_state_deadline", "listing", ["state", "deadline"])
    op.create_index("ix_listing_state_funded_pct", "listing", ["state", "funded_pct"])

    op.create_table(
        "budget_line", _id(), _listing_fk(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
    )
    op.create_index("ix_budget_line_listing_id", "budget_line", ["listing_id"])
    op.create_table(
        "milestone", _id(), _listing_fk(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("amount", MONEY, nullable=True),
    )
    op.create_index("ix_milestone_listing_id", "milestone", ["listing_id"])
    op.create_table(
        "listing_document", _id(), _listing_fk(),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("stored_name", sa.String(80), nullable=False, unique=True),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_listing_document_listing_id", "listing_document", ["listing_id"])
    op.create_table(
        "checklist_item", _id(), _listing_fk(),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("listing_id", "code"),
    )
    op.create_index("ix_checklist_item_listing_id", "checklist_item", ["listing_id"])
    op.create_table(
        "audit_entry", _id(), _listing_fk(),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("from_state", sa.String(20), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("checklist", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_entry_listing_id", "audit_entry", ["listing_id"])
    op.create_table(
        "approval", _id(), _listing_fk(),
        sa.Column("submission_round", sa.Integer, nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("listing_id", "submission_round", "staff_id"),
    )
    op.create_index("ix_approval_listing_id", "approval", ["listing_id"])
    op.create_table(
        "project_update", _id(), _listing_fk(),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_project_update_listing_id", "project_update", ["listing_id"])
    op.create_table(
        "disbursement", _id(), _listing_fk(),
        sa.Column("milestone_id", sa.Integer, sa.ForeignKey("milestone.id"), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("reference", sa.String(120), nullable=False),
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_disbursement_listing_id", "disbursement", ["listing_id"])

    op.create_table(
        "pledge", _id(), _listing_fk(),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("stripe_customer_id", sa.String(64), nullable=True),
        sa.Column("stripe_payment_method_id", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("secured_at", TS, nullable=True),
    )
    op.create_index("ix_pledge_member_id", "pledge", ["member_id"])
    op.create_index("ix_pledge_listing_state", "pledge", ["listing_id", "state"])
    op.create_table(
        "payment_attempt", _id(),
        sa.Column("pledge_id", sa.Integer, sa.ForeignKey("pledge.id"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("idempotency_key", sa.String(80), nullable=False, unique=True),
        sa.Column("stripe_id", sa.String(64), nullable=True, unique=True),
        sa.Column("failure_code", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_payment_attempt_pledge_id", "payment_attempt", ["pledge_id"])
    op.create_table(
        "processed_webhook_event", _id(),
        sa.Column("event_id", sa.String(80), nullable=False, unique=True),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("received_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("processed_webhook_event", "payment_attempt", "pledge", "disbursement", "project_update",
                  "approval", "audit_entry", "checklist_item", "listing_document", "milestone",
                  "budget_line", "listing"):
        op.drop_table(table)
