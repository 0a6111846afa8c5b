"""Listings of productive-sector projects, their vetting (checklist, audit chain, approvals) and reporting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Date, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import numeric, timestamp


def amount_column(*, nullable: bool = False, default: Decimal | None = None) -> Any:
    """Money amounts: exact decimals with two places (XOF/XAF simply keep whole values)."""
    return numeric(20, 2, nullable=nullable, default=default)


class ListingState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    changes_requested = "changes_requested"
    rejected = "rejected"
    approved = "approved"
    published = "published"
    funded = "funded"
    expired = "expired"
    disbursing = "disbursing"
    completed = "completed"
    suspended = "suspended"


class FundingModel(StrEnum):
    all_or_nothing = "all_or_nothing"
    keep_it_all = "keep_it_all"


class Sector(StrEnum):
    agriculture = "agriculture"
    agro_processing = "agro_processing"
    fisheries = "fisheries"
    livestock = "livestock"
    manufacturing = "manufacturing"
    renewable_energy = "renewable_energy"
    ict = "ict"
    health = "health"
    education = "education"
    tourism = "tourism"
    transport = "transport"


class Listing(SQLModel, table=True):
    __table_args__ = (
        Index("ix_listing_state_published_at", "state", "published_at"),
        Index("ix_listing_state_deadline", "state", "deadline"),
        Index("ix_listing_state_funded_pct", "state", "funded_pct"),
    )
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=140)
    title: str = Field(max_length=140)
    summary: str = Field(default="", max_length=400)
    story: str = Field(default="", sa_column=Column(Text, nullable=False))
    country: str = Field(foreign_key="country.alpha2", max_length=2, index=True)
    town: str = Field(default="", max_length=120)
    sector: str = Field(max_length=32, index=True)
    org_name: str = Field(default="", max_length=200)
    org_legal_form: str = Field(default="", max_length=120)
    org_registration: str = Field(default="", max_length=120)
    goal: Decimal = amount_column()
    currency: str = Field(default="EUR", max_length=3)
    min_pledge: Decimal = amount_column()
    funding_model: str = Field(default=FundingModel.all_or_nothing.value, max_length=16)
    campaign_days: int = 45
    expected_jobs: int = 0
    impact: str = Field(default="", sa_column=Column(Text, nullable=False))
    # When the budget is larger than the goal: what pays for the rest (own funds, a loan, a grant).
    other_funding: str = Field(default="", sa_column=Column(Text, nullable=False))
    state: str = Field(default=ListingState.draft.value, max_length=20)
    promoter_id: int = Field(foreign_key="user.id", index=True)
    is_example: bool = False
    # Denormalised from pledges in the same transaction as each pledge change, so browsing never sums.
    secured_total: Decimal = amount_column(default=Decimal(0))
    funded_pct: Decimal = numeric(12, 2, nullable=False, default=Decimal(0))
    backer_count: int = 0
    submission_round: int = 0
    audit_head: str = Field(default="", max_length=64)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    submitted_at: datetime | None = timestamp(nullable=True, default_now=False)
    published_at: datetime | None = timestamp(nullable=True, default_now=False)
    deadline: datetime | None = timestamp(nullable=True, default_now=False)
    closed_at: datetime | None = timestamp(nullable=True, default_now=False)


class BudgetLine(SQLModel, table=True):
    __tablename__ = "budget_line"
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    position: int = 0
    label: str = Field(max_length=200)
    amount: Decimal = amount_column()


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    position: int = 0
    title: str = Field(max_length=200)
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    amount: Decimal | None = amount_column(nullable=True)


class ListingDocument(SQLModel, table=True):
    """A file kept outside the public static files; photos are shown publicly, other kinds never."""

    __tablename__ = "listing_document"
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    kind: str = Field(max_length=24)
    filename: str = Field(max_length=200)
    stored_name: str = Field(unique=True, max_length=80)
    content_type: str = Field(max_length=40)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by: int = Field(foreign_key="user.id")
    created_at: datetime = timestamp()


class ChecklistStatus(StrEnum):
    pending = "pending"
    passed = "pass"
    failed = "fail"
    waived = "waived"


class ChecklistItem(SQLModel, table=True):
    """One item of a vetting checklist: of a listing, or (listing_id None) of a skills need."""

    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("listing_id", "code"), UniqueConstraint("need_id", "code"))
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int | None = Field(default=None, foreign_key="listing.id", index=True)
    need_id: int | None = Field(default=None, foreign_key="need.id", index=True)
    code: str = Field(max_length=40)
    status: str = Field(default=ChecklistStatus.pending.value, max_length=8)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = timestamp()


class AuditEntry(SQLModel, table=True):
    """Append-only: one row per state change, each hash covering the row and the previous hash.

    One trail for everything staff vet: exactly one of listing_id, need_id, host_id is set, and each
    subject has its own chain (its `audit_head`)."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int | None = Field(default=None, foreign_key="listing.id", index=True)
    need_id: int | None = Field(default=None, foreign_key="need.id", index=True)
    host_id: int | None = Field(default=None, foreign_key="host_institution.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # None: the scheduled campaign close
    from_state: str = Field(max_length=20)
    to_state: str = Field(max_length=20)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    checklist: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp()
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(max_length=64)


class Approval(SQLModel, table=True):
    """A staff approval of one submission round; large goals need two from different people."""

    __table_args__ = (UniqueConstraint("listing_id", "submission_round", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    submission_round: int
    staff_id: int = Field(foreign_key="user.id")
    created_at: datetime = timestamp()


class ProjectUpdate(SQLModel, table=True):
    __tablename__ = "project_update"
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    title: str = Field(max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp()


class Disbursement(SQLModel, table=True):
    """A payment of collected funds to the promoter, recorded by staff and shown to backers."""

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    amount: Decimal = amount_column()
    currency: str = Field(max_length=3)
    paid_on: date = Field(sa_column=Column(Date, nullable=False))
    reference: str = Field(max_length=120)
    recorded_by: int = Field(foreign_key="user.id")
    created_at: datetime = timestamp()
