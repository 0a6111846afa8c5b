"""A member's rights over their data (GDPR articles 15, 17 and 20): a copy of it, and erasure.

Erasure keeps what others rely on: pledges stay (amount, state, reference) so a listing's total,
its backer count and the payment ledger stay true, but they point to an account emptied of every
personal detail. Mails, tokens and price alerts to the address are deleted; every session ends.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.accounts.passwords import verify_password
from app.accounts.service import end_sessions
from app.errors import BadInput, Conflict
from app.i18n import _
from app.models import EmailToken, Listing, OutboxMessage, Pledge, RateAlert, Role, User
from app.models.base import utcnow

ERASED_DOMAIN = "erased.invalid"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _plain(value: Decimal) -> str:
    """75, 75.5, 1000: the same text whichever database stored it (never 7.5E+1)."""
    return format(value.normalize(), "f")


def export(session: Session, user: User) -> dict[str, Any]:
    """Everything Passerelle holds about this account, as plain JSON types."""
    pledges = session.exec(select(Pledge, Listing).join(Listing, col(Listing.id) == col(Pledge.listing_id))
                           .where(col(Pledge.member_id) == user.id).order_by(col(Pledge.id))).all()
    listings = session.exec(select(Listing).where(col(Listing.promoter_id) == user.id).order_by(col(Listing.id))).all()
    alerts = session.exec(select(RateAlert).where(col(RateAlert.email) == user.email).order_by(col(RateAlert.id))).all()
    mails = session.exec(select(OutboxMessage).where(col(OutboxMessage.to_address) == user.email)
                         .order_by(col(OutboxMessage.id))).all()
    return {
        "exported_at": utcnow().isoformat(),
        "account": {"email": user.email, "display_name": user.display_name, "role": user.role,
                    "language": user.locale, "created_at": _when(user.created_at),
                    "email_confirmed_at": _when(user.email_verified_at)},
        "pledges": [{"reference": p.reference, "project": listing.title, "project_slug": listing.slug,
                     "amount": _plain(p.amount), "currency": p.currency, "state": p.state, "method": p.method,
                     "created_at": _when(p.created_at), "secured_at": _when(p.secured_at)}
                    for p, listing in pledges],
        "projects": [{"title": listing.title, "slug": listing.slug, "state": listing.state,
                      "created_at": _when(listing.created_at)} for listing in listings],
        "price_alerts": [{"corridor": a.corridor, "amount": _plain(a.amount), "currency": a.currency,
                          "kind": a.kind, "threshold": _plain(a.threshold), "created_at": _when(a.created_at),
                          "confirmed_at": _when(a.confirmed_at), "unsubscribed_at": _when(a.unsubscribed_at)}
                         for a in alerts],
        "mails": [{"subject": m.subject, "body": m.body, "created_at": _when(m.created_at),
                   "sent_at": _when(m.sent_at)} for m in mails],
    }


def check_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise BadInput(_("This is not your current password."), field="password")


def erase(session: Session, user: User, password: str) -> None:
    """Delete the account's personal data (the caller commits). Staff accounts and promoters with
    projects are closed by the programme office, which keeps the project's accountability."""
    check_password(user, password)
    if user.role in (Role.staff.value, Role.admin.value):
        raise Conflict(_("Staff accounts are closed by an administrator."), field="password")
    if session.exec(select(Listing.id).where(col(Listing.promoter_id) == user.id)).first() is not None:
        raise Conflict(_("Your account has projects: please write to the programme office to close it."),
                       field="password")
    old_email = user.email
    session.execute(delete(EmailToken).where(col(EmailToken.user_id) == user.id))
    session.execute(delete(RateAlert).where(col(RateAlert.email) == old_email))
    session.execute(delete(OutboxMessage).where(col(OutboxMessage.to_address) == old_email))
    user.email = f"erased-{user.id}-{secrets.token_hex(4)}@{ERASED_DOMAIN}"
    user.display_name = ""
    user.password_hash = "!erased"  # noqa: S105 - not an argon2 hash: no password ever matches it
    user.email_verified_at = None
    user.deleted_at = utcnow()
    session.add(user)
    session.flush()
    end_sessions(session, user)
