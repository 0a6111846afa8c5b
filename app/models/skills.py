"""Skills for home: host institutions, the needs they and promoters post, members' skill profiles, and the
offers that become missions (the marketplace's second currency: time and expertise beside money)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Index, Text
from sqlmodel import Field, SQLModel

from app.models.base import timestamp


class HostKind(StrEnum):
    hospital = "hospital"
    health_centre = "health_centre"
    university = "university"
    school = "school"
    cooperative = "cooperative"
    ministry = "ministry"
    municipality = "municipality"
    association = "association"
    company = "company"
    other = "other"


class HostState(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    suspended = "suspended"


class Host(SQLModel, table=True):
    """A host institution (hospital, university, cooperative, ministry service...): the organisation behind
    an account of role `host`. Staff vet it before any of its needs can be published."""

    __tablename__ = "host_institution"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(default=HostKind.other.value, max_length=24)
    country: str = Field(foreign_key="country.alpha2", max_length=2, index=True)
    town: str = Field(default="", max_length=120)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    website: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    registration: str = Field(default="", max_length=120)
    state: str = Field(default=HostState.pending.value, max_length=16, index=True)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))  # last rejection/suspension reason
    vetted_by: int | None = Field(default=None, foreign_key="user.id")
    vetted_at: datetime | None = timestamp(nullable=True, default_now=False)
    audit_head: str = Field(default="", max_length=64)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class NeedState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    changes_requested = "changes_requested"
    rejected = "rejected"
    published = "published"
    filled = "filled"        # the host has the people it needs: no new offers
    closed = "closed"        # the period is over or the poster withdrew it
    suspended = "suspended"


class WorkMode(StrEnum):
    remote = "remote"
    on_site = "on_site"
    either = "either"


class HostProvides(StrEnum):
    """What the host provides, stored as a space-separated list of these codes in `Need.provides`."""

    lodging = "lodging"
    transport = "transport"
    meals = "meals"
    local_transport = "local_transport"
    stipend = "stipend"


class Need(SQLModel, table=True):
    """A need for expertise, posted by a promoter (for one of their listings) or by a vetted host."""

    __table_args__ = (
        Index("ix_need_state_published_at", "state", "published_at"),
        Index("ix_need_state_country", "state", "country"),
    )
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=140)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    # ISCO-08 unit group (4 digits), see basics.occupations
    occupation: str = Field(max_length=4, index=True)
    # Free tags, normalised (lower case, trimmed), one per line
    skills: str = Field(default="", sa_column=Column(Text, nullable=False))
    # ISO 639-1 codes, space separated ("fr en wo")
    languages: str = Field(default="", max_length=120)
    country: str = Field(foreign_key="country.alpha2", max_length=2)
    town: str = Field(default="", max_length=120)
    sector: str = Field(default="", max_length=32, index=True)  # app.models.Sector value, "" when none
    mode: str = Field(default=WorkMode.on_site.value, max_length=16)
    days_wanted: int = 5
    starts_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    ends_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    provides: str = Field(default="", max_length=120)  # HostProvides codes, space separated; "" = nothing
    listing_id: int | None = Field(default=None, foreign_key="listing.id", index=True)
    host_id: int | None = Field(default=None, foreign_key="host_institution.id", index=True)
    posted_by: int = Field(foreign_key="user.id", index=True)
    state: str = Field(default=NeedState.draft.value, max_length=20)
    submission_round: int = 0
    audit_head: str = Field(default="", max_length=64)
    # Denormalised in the same transaction as each mission's completion, so pages never sum.
    days_given: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    submitted_at: datetime | None = timestamp(nullable=True, default_now=False)
    published_at: datetime | None = timestamp(nullable=True, default_now=False)


class SkillProfile(SQLModel, table=True):
    """A member's skills. Private: staff see it; a host sees it only through an offer to that host's need."""

    __tablename__ = "skill_profile"
    __table_args__ = (
        Index("ix_skill_profile_origin_residence", "origin_country", "residence_country"),
        # matching scores one ISCO tier of active profiles at a time from this index alone (migrations profiles_01,
        # skillmiss_01: the id too, which a PostgreSQL index does not hold otherwise)
        Index("ix_skill_profile_matching", "active", "occupation", "mode", "days_per_year", "origin_country",
              "languages", "skills", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    occupation: str = Field(max_length=4, index=True)  # ISCO-08 unit group
    job_title: str = Field(default="", max_length=120)  # the member's own words ("anaesthetist")
    skills: str = Field(default="", sa_column=Column(Text, nullable=False))  # normalised tags, one per line
    languages: str = Field(default="", max_length=120)  # ISO 639-1 codes, space separated
    origin_country: str = Field(foreign_key="country.alpha2", max_length=2)
    residence_country: str = Field(foreign_key="country.alpha2", max_length=2)
    mode: str = Field(default=WorkMode.either.value, max_length=16)
    days_per_year: int = 0
    qualifications: str = Field(default="", sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    active: bool = True  # False: the member paused it (kept, not matched, not counted in the mapping)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class MissionState(StrEnum):
    invited = "invited"      # staff invited the member; the member has not answered
    offered = "offered"      # the member offered (or accepted the invitation); the host has not answered
    accepted = "accepted"    # both sides accepted: contact details are exchanged from here on
    scheduled = "scheduled"  # dates agreed
    completed = "completed"  # the host confirmed the days delivered
    declined = "declined"    # by the host, or the member declined an invitation
    withdrawn = "withdrawn"  # by the member, before completion


class Mission(SQLModel, table=True):
    """A member's offer to a need; once accepted by both sides, a mission."""

    __table_args__ = (
        Index("ix_mission_need_state", "need_id", "state"),
        Index("ix_mission_member_state", "member_id", "state"),
    )
    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id")
    member_id: int = Field(foreign_key="user.id")
    profile_id: int = Field(foreign_key="skill_profile.id", index=True)
    state: str = Field(default=MissionState.offered.value, max_length=16)
    message: str = Field(default="", sa_column=Column(Text, nullable=False))  # the member's note to the host
    invited_by: int | None = Field(default=None, foreign_key="user.id")
    brokered_by: int | None = Field(default=None, foreign_key="user.id")  # staff who put it to the host
    brokered_at: datetime | None = timestamp(nullable=True, default_now=False)
    member_accepted_at: datetime | None = timestamp(nullable=True, default_now=False)
    host_accepted_at: datetime | None = timestamp(nullable=True, default_now=False)
    starts_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    ends_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    days_delivered: int | None = None
    confirmed_by: int | None = Field(default=None, foreign_key="user.id")
    completed_at: datetime | None = timestamp(nullable=True, default_now=False)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))  # why declined / withdrawn
    certificate_code: str | None = Field(default=None, max_length=32, unique=True)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class MissionEvent(SQLModel, table=True):
    """Append-only: one row per mission state change (who, when, from, to, note)."""

    __tablename__ = "mission_event"
    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    from_state: str = Field(max_length=16)
    to_state: str = Field(max_length=16)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp()
