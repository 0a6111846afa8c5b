"""Accounts: register, authenticate, e-mail verification and password reset through one-time tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.accounts.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from app.errors import BadInput, Conflict
from app.i18n import _
from app.mail import queue_mail
from app.models import EmailToken, Role, User
from app.models.base import aware, utcnow

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SELF_SERVICE_ROLES = (Role.member.value, Role.promoter.value)
TOKEN_TTL = {"verify": timedelta(days=3), "reset": timedelta(hours=2)}
# A constant hash so that unknown e-mails cost the same time as known ones.
_DUMMY_HASH = hash_password("not-a-real-password-0")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise BadInput(_("The password must have at least %(n)s characters.", n=MIN_LENGTH), field="password")


def create_user(session: Session, email: str, password: str, *, role: str = Role.member.value,
                display_name: str = "", locale: str = "fr", verified: bool = False) -> User:
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise BadInput(_("Please enter a valid e-mail address."), field="email")
    if role not in {r.value for r in Role}:
        raise BadInput(_("Unknown role."), field="role")
    check_password_rules(password)
    if session.exec(select(User).where(User.email == email)).first():
        raise Conflict(_("An account already exists for this e-mail address."), field="email")
    user = User(email=email, password_hash=hash_password(password), role=role,
                display_name=display_name.strip()[:120], locale=locale,
                email_verified_at=utcnow() if verified else None)
    session.add(user)
    session.flush()
    return user


def issue_token(session: Session, user: User, purpose: str) -> str:
    raw = secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(EmailToken(token_hash=_digest(raw), user_id=user.id, purpose=purpose,
                           expires_at=utcnow() + TOKEN_TTL[purpose]))
    session.flush()
    return raw


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def consume_token(session: Session, raw: str, purpose: str) -> User:
    token = session.exec(select(EmailToken).where(EmailToken.token_hash == _digest(raw),
                                                  EmailToken.purpose == purpose)).first()
    expires = aware(token.expires_at) if token else None
    if token is None or token.used_at is not None or expires is None or expires < datetime.now(UTC):
        raise BadInput(_("This link is invalid or has expired. Please ask for a new one."), field="token")
    token.used_at = utcnow()
    session.add(token)
    user = session.get(User, token.user_id)
    assert user is not None
    return user


def send_verification(session: Session, user: User, site_url: str) -> None:
    raw = issue_token(session, user, "verify")
    queue_mail(session, user.email, _("Confirm your e-mail address — Passerelle"),
               _("Hello,\n\nPlease confirm your e-mail address by opening this link:\n%(url)s\n\n"
                 "If you did not create an account on Passerelle, ignore this message.",
                 url=f"{site_url}/verify?token={raw}"))


def register(session: Session, email: str, password: str, role: str, display_name: str, locale: str,
             site_url: str) -> User:
    if role not in SELF_SERVICE_ROLES:
        raise BadInput(_("Unknown role."), field="role")
    user = create_user(session, email, password, role=role, display_name=display_name, locale=locale)
    send_verification(session, user, site_url)
    return user


def verify_email(session: Session, raw: str) -> User:
    user = consume_token(session, raw, "verify")
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return user


def request_reset(session: Session, email: str, site_url: str) -> None:
    """Mails a reset link if the account exists; the caller answers the same either way."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        return
    raw = issue_token(session, user, "reset")
    queue_mail(session, user.email, _("Reset your password — Passerelle"),
               _("Hello,\n\nTo choose a new password, open this link within two hours:\n%(url)s\n\n"
                 "If you did not ask for this, ignore this message: your password is unchanged.",
                 url=f"{site_url}/password/reset?token={raw}"))


def reset_password(session: Session, raw: str, password: str) -> User:
    check_password_rules(password)
    user = consume_token(session, raw, "reset")
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()  # the link proves the address
    session.add(user)
    return user
