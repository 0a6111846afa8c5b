"""Skills for home: host institutions, needs, skill profiles, missions and their events; the vetting
checklist and the audit trail also serve needs and hosts (listing_id becomes nullable beside need_id and
host_id).

Revision ID: skills_01
Revises: card_01
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "skills_01"
down_revision: str | Sequence[str] | None = "card_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "host_institution",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("country", sa.String(2), sa.ForeignKey("country.alpha2"), nullable=False),
        sa.Column("town", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("website", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("registration", sa.String(120), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("vetted_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        _at("vetted_at"),
        sa.Column("audit_head", sa.String(64), nullable=False),
        _at("created_at", False),
        _at("updated_at", False),
    )
    op.create_index("ix_host_institution_country", "host_institution", ["country"])
    op.create_index("ix_host_institution_state", "host_institution", ["state"])

    op.create_table(
        "need",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(140), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("occupation", sa.String(4), nullable=False),
        sa.Column("skills", sa.Text, nullable=False),
        sa.Column("languages", sa.String(120), nullable=False),
        sa.Column("country", sa.String(2), sa.ForeignKey("country.alpha2"), nullable=False),
        sa.Column("town", sa.String(120), nullable=False),
        sa.Column("sector", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("days_wanted", sa.Integer, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=True),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("provides", sa.String(120), nullable=False),
        sa.Column("listing_id", sa.Integer, sa.ForeignKey("listing.id"), nullable=True),
        sa.Column("host_id", sa.Integer, sa.ForeignKey("host_institution.id"), nullable=True),
        sa.Column("posted_by", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("submission_round", sa.Integer, nullable=False),
        sa.Column("audit_head", sa.String(64), nullable=False),
        sa.Column("days_given", sa.Integer, nullable=False, server_default="0"),
        _at("created_at", False),
        _at("updated_at", False),
        _at("submitted_at"),
        _at("published_at"),
    )
    for column in ("occupation", "sector", "listing_id", "host_id", "posted_by"):
        op.create_index(f"ix_need_{column}", "need", [column])
    op.create_index("ix_need_state_published_at", "need", ["state", "published_at"])
    op.create_index("ix_need_state_country", "need", ["state", "country"])

    op.create_table(
        "skill_profile",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False, unique=True),
        sa.Column("occupation", sa.String(4), nullable=False),
        sa.Column("job_title", sa.String(120), nullable=False),
        sa.Column("skills", sa.Text, nullable=False),
        sa.Column("languages", sa.String(120), nullable=False),
        sa.Column("origin_country", sa.String(2), sa.ForeignKey("country.alpha2"), nullable=False),
        sa.Column("residence_country", sa.String(2), sa.ForeignKey("country.alpha2"), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("days_per_year", sa.Integer, nullable=False),
        sa.Column("qualifications", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        _at("created_at", False),
        _at("updated_at", False),
    )
    op.create_index("ix_skill_profile_occupation", "skill_profile", ["occupation"])
    op.create_index("ix_skill_profile_origin_residence", "skill_profile", ["origin_country", "residence_country"])

    op.create_table(
        "mission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("need_id", sa.Integer, sa.ForeignKey("need.id"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("user.id"), nullable=False),
        sa.Column("profile_id", sa.Integer, sa.ForeignKey("skill_profile.id"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("invited_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("brokered_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        _at("brokered_at"),
        _at("member_accepted_at"),
        _at("host_accepted_at"),
        sa.Column("starts_on", sa.Date, nullable=True),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("days_delivered", sa.Integer, nullable=True),
        sa.Column("confirmed_by", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        _at("completed_at"),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("certificate_code", sa.String(32), nullable=True, unique=True),
        _at("created_at", False),
        _at("updated_at", False),
    )
    op.create_index("ix_mission_profile_id", "mission", ["profile_id"])
    op.create_index("ix_mission_need_state", "mission", ["need_id", "state"])
    op.create_index("ix_mission_member_state", "mission", ["member_id", "state"])

    op.create_table(
        "mission_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mission_id", sa.Integer, sa.ForeignKey("mission.id"), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("user.id"), nullable=True),
        sa.Column("from_state", sa.String(16), nullable=False),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        _at("created_at", False),
    )
    op.create_index("ix_mission_event_mission_id", "mission_event", ["mission_id"])

    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("listing_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("need_id", sa.Integer, sa.ForeignKey("need.id", name="fk_audit_entry_need_id"),
                                   nullable=True))
        batch.add_column(sa.Column("host_id", sa.Integer,
                                   sa.ForeignKey("host_institution.id", name="fk_audit_entry_host_id"), nullable=True))
        batch.create_index("ix_audit_entry_need_id", ["need_id"])
        batch.create_index("ix_audit_entry_host_id", ["host_id"])
    with op.batch_alter_table("checklist_item") as batch:
        batch.alter_column("listing_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("need_id", sa.Integer, sa.ForeignKey("need.id", name="fk_checklist_item_need_id"),
                                   nullable=True))
        batch.create_index("ix_checklist_item_need_id", ["need_id"])
        batch.create_unique_constraint("uq_checklist_item_need_id_code", ["need_id", "code"])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM checklist_item WHERE listing_id IS NULL"))
    op.execute(sa.text("DELETE FROM audit_entry WHERE listing_id IS NULL"))
    with op.batch_alter_table("checklist_item") as batch:
        batch.drop_constraint("uq_checklist_item_need_id_code", type_="unique")
        batch.drop_index("ix_checklist_item_need_id")
        batch.drop_constraint("fk_checklist_item_need_id", type_="foreignkey")
        batch.drop_column("need_id")
        batch.alter_column("listing_id", existing_type=sa.Integer, nullable=False)
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_index("ix_audit_entry_host_id")
        batch.drop_index("ix_audit_entry_need_id")
        batch.drop_constraint("fk_audit_entry_host_id", type_="foreignkey")
        batch.drop_constraint("fk_audit_entry_need_id", type_="foreignkey")
        batch.drop_column("host_id")
        batch.drop_column("need_id")
        batch.alter_column("listing_id", existing_type=sa.Integer, nullable=False)
    for table in ("mission_event", "mission", "skill_profile", "need", "host_institution"):
        op.drop_table(table)
