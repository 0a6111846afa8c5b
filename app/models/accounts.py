"""Users, one-time e-mail tokens, the mail outbox and the shared key-value store (sessions, rate limits)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel

from app.models.base import timestamp


class Role(StrEnum):
    member = "member"
    promoter = "promoter"
    host = "host"  # a host institution's account (app.models.skills.Host), vetted by staff
    staff = "staff"
    admin = "admin"


class UserBase(SQLModel):
    email: str = Field(unique=True, index=True, max_length=254)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(default=Role.member.value, max_length=16)
    locale: str = Field(default="fr", max_length=5)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    email_verified_at: datetime | None = timestamp(nullable=True, default_now=False)
    created_at: datetime = timestamp()
    # Sessions carry the epoch they were opened in; raising it (password reset or change, "sign out
    # everywhere", account deletion) ends every session opened before, in every worker and store.
    session_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    deleted_at: datetime | None = timestamp(nullable=True, default_now=False)

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.staff, Role.admin)


class EmailToken(SQLModel, table=True):
    """A one-time token sent by mail (verify address, reset password); only its hash is stored."""

    __tablename__ = "email_token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    purpose: str = Field(max_length=16)
    expires_at: datetime = timestamp()
    used_at: datetime | None = timestamp(nullable=True, default_now=False)


class OutboxMessage(SQLModel, table=True):
    """A mail to send. Pending until `sent_at`; a failed try sets `error` and `next_attempt_at` (backoff);
    after the last try `failed_at` is set: the dead letter an admin sees at /admin/outbox."""

    __tablename__ = "outbox_message"
    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=255)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp(index=True)
    sent_at: datetime | None = timestamp(nullable=True, default_now=False)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = timestamp(nullable=True, default_now=False, index=True)
    failed_at: datetime | None = timestamp(nullable=True, default_now=False)


class KeyValue(SQLModel, table=True):
    """Shared store for sessions and rate-limit counters when Redis is not configured."""

    __tablename__ = "key_value"
    key: str = Field(primary_key=True, max_length=255)
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    expires_at: datetime | None = timestamp(nullable=True, default_now=False, index=True)
