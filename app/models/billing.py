"""Pledges, the payment attempts that back them, and the Stripe webhook events already processed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from app.models.base import timestamp
from app.models.marketplace import amount_column


class PledgeState(StrEnum):
    awaiting_payment = "awaiting_payment"  # a promise (manual) or a Stripe step not finished yet
    card_saved = "card_saved"              # all-or-nothing: card saved, charged if the goal is met
    paid = "paid"
    payment_failed = "payment_failed"      # the off-session charge failed; the member was sent a pay link
    cancelled = "cancelled"
    released = "released"                  # campaign missed or stopped: nothing was taken
    refund_due = "refund_due"              # money received by transfer must be sent back by staff
    refunded = "refunded"


# What counts towards a listing's total: money in hand, or a saved card that will be charged.
SECURED_STATES = frozenset({PledgeState.card_saved.value, PledgeState.paid.value})


class PledgeMethod(StrEnum):
    """The identifiers of the payment methods registered in `app.billing.methods` (the only place that
    decides anything by method)."""

    bank_transfer = "bank_transfer"
    mobile_money = "mobile_money"
    stripe_card = "stripe_card"
    # Names of the first round, kept so older callers read the same.
    manual = "bank_transfer"
    stripe = "stripe_card"


class Pledge(SQLModel, table=True):
    __table_args__ = (Index("ix_pledge_listing_state", "listing_id", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id")
    member_id: int = Field(foreign_key="user.id", index=True)
    amount: Decimal = amount_column()
    currency: str = Field(max_length=3)
    state: str = Field(default=PledgeState.awaiting_payment.value, max_length=20)
    method: str = Field(default=PledgeMethod.bank_transfer.value, max_length=20)
    reference: str = Field(unique=True, max_length=20)  # quoted on transfers and receipts
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    secured_at: datetime | None = timestamp(nullable=True, default_now=False)
    reminded_at: datetime | None = timestamp(nullable=True, default_now=False)  # unpaid-promise reminder sent


class PledgeCard(SQLModel, table=True):
    """Billing's own record of a card pledge on Stripe (the marketplace's `pledge` knows nothing of it):
    the customer the Checkout page and charges use, and the card saved for an off-session charge."""

    __tablename__ = "pledge_card"
    pledge_id: int = Field(foreign_key="pledge.id", primary_key=True)
    customer_id: str | None = Field(default=None, max_length=64)
    payment_method_id: str | None = Field(default=None, max_length=64)


class AttemptKind(StrEnum):
    setup = "setup"
    charge = "charge"
    refund = "refund"


class AttemptState(StrEnum):
    pending = "pending"
    requires_action = "requires_action"
    succeeded = "succeeded"
    failed = "failed"
    canceled = "canceled"


class PaymentAttempt(SQLModel, table=True):
    """One row per call to Stripe on behalf of a pledge, keyed by its idempotency key."""

    __tablename__ = "payment_attempt"
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    kind: str = Field(max_length=8)
    state: str = Field(default=AttemptState.pending.value, max_length=16)
    amount: Decimal = amount_column()
    currency: str = Field(max_length=3)
    idempotency_key: str = Field(unique=True, max_length=80)
    stripe_id: str | None = Field(default=None, unique=True, max_length=64)
    failure_code: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class ProcessedWebhookEvent(SQLModel, table=True):
    __tablename__ = "processed_webhook_event"
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=80)
    type: str = Field(max_length=80)
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False))
    received_at: datetime = timestamp()


class AccountKind(StrEnum):
    bank = "bank"
    mobile_money = "mobile_money"


class MobileOperator(StrEnum):
    orange_money = "orange_money"
    wave = "wave"
    mtn_momo = "mtn_momo"
    moov_money = "moov_money"
    free_money = "free_money"
    airtel_money = "airtel_money"


class ReceivingAccount(SQLModel, table=True):
    """An account of the programme that members send manual payments to (set up by admins)."""

    __tablename__ = "receiving_account"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    holder: str = Field(max_length=140)
    iban: str = Field(default="", max_length=34)
    bic: str = Field(default="", max_length=11)
    operator: str = Field(default="", max_length=20)
    country: str = Field(default="", max_length=2)
    number: str = Field(default="", max_length=20)
    currency: str = Field(max_length=3)
    active: bool = True
    created_at: datetime = timestamp()


class LineState(StrEnum):
    matched = "matched"      # the money of a pledge, marked received (automatically or by staff)
    unmatched = "unmatched"  # waiting for a staff decision
    ignored = "ignored"      # not the money of a pledge (staff said so)


class StatementLine(SQLModel, table=True):
    """One credit line of a bank or mobile-money statement staff uploaded, and what became of it."""

    __tablename__ = "statement_line"
    __table_args__ = (Index("ix_statement_line_state", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="receiving_account.id")
    booked_on: date
    amount: Decimal = amount_column()
    currency: str = Field(max_length=3)
    reference: str = Field(default="", max_length=140)  # as the statement wrote it
    payer: str = Field(default="", max_length=140)
    # Same account, day, amount, currency, reference, payer and rank among identical lines: uploading a
    # statement again (or one overlapping it) adds nothing.
    fingerprint: str = Field(unique=True, max_length=64)
    state: str = Field(default=LineState.unmatched.value, max_length=12)
    reason: str = Field(default="", max_length=40)  # why it was not matched: a code the page translates
    pledge_id: int | None = Field(default=None, foreign_key="pledge.id", index=True)
    uploaded_by: int | None = Field(default=None, foreign_key="user.id")
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    note: str = Field(default="", max_length=2000)
    created_at: datetime = timestamp()
    decided_at: datetime | None = timestamp(nullable=True, default_now=False)


class PaymentAuditEntry(SQLModel, table=True):
    """Append-only trail of what people did with the programme's money: accounts, statements, receipts."""

    __tablename__ = "payment_audit"
    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=40)
    account_id: int | None = Field(default=None, foreign_key="receiving_account.id", index=True)
    pledge_id: int | None = Field(default=None, foreign_key="pledge.id", index=True)
    line_id: int | None = Field(default=None, foreign_key="statement_line.id")
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp(index=True)
