"""Accounts: register, authenticate, e-mail verification and password reset through one-time tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

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
    """A new one-time token; every earlier unused token of the same purpose stops working."""
    raw = secrets.token_urlsafe(32)
    assert user.id is not None
    void_tokens(session, user.id, purpose)
    session.add(EmailToken(token_hash=_digest(raw), user_id=user.id, purpose=purpose,
                           expires_at=utcnow() + TOKEN_TTL[purpose]))
    session.flush()
    return raw


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def void_tokens(session: Session, user_id: int, purpose: str) -> None:
    session.execute(update(EmailToken)
                    .where(col(EmailToken.user_id) == user_id, col(EmailToken.purpose) == purpose,
                           col(EmailToken.used_at).is_(None))
                    .values(used_at=utcnow()))


def consume_token(session: Session, raw: str, purpose: str) -> User:
    invalid = BadInput(_("This link is invalid or has expired. Please ask for a new one."), field="token")
    token = session.exec(select(EmailToken).where(EmailToken.token_hash == _digest(raw[:200]),
                                                  EmailToken.purpose == purpose)).first()
    expires = aware(token.expires_at) if token else None
    if token is None or token.used_at is not None or expires is None or expires < datetime.now(UTC):
        raise invalid
    # Compare-and-set: of two requests with one token, only one uses it.
    used = session.execute(update(EmailToken).where(col(EmailToken.id) == token.id, col(EmailToken.used_at).is_(None))
                           .values(used_at=utcnow()))
    user = session.get(User, token.user_id)
    if used.rowcount != 1 or user is None or user.deleted_at is not None:  # type: ignore[attr-defined]
        raise invalid
    return user


def end_sessions(session: Session, user: User) -> int:
    """Every session of this user opened so far stops working (all workers, any store); the new epoch."""
    session.execute(update(User).where(col(User.id) == user.id).values(session_epoch=col(User.session_epoch) + 1))
    session.refresh(user, ["session_epoch"])
    return user.session_epoch


def send_verification(session: Session, user: User, site_url: str) -> None:
    raw = issue_token(session, user, "verify")
    queue_mail(session, user.email, _("Confirm your e-mail address — Passerelle"),
               _("Hello,\n\nPlease confirm your e-mail address by opening this link:\n%(url)s\n\n"
                 "If you did not create an account on Passerelle, ignore this message.",
                 url=f"{site_url}/verify?token={raw}"))


def check_registration(email: str, password: str, role: str) -> None:
    """What can be said about a registration without looking at which accounts exist."""
    if not EMAIL_RE.match(normalise_email(email)) or len(email) > 254:
        raise BadInput(_("Please enter a valid e-mail address."), field="email")
    check_password_rules(password)
    if role not in SELF_SERVICE_ROLES:
        raise BadInput(_("Unknown role."), field="role")


def register(session: Session, email: str, password: str, role: str, display_name: str, locale: str,
             site_url: str, *, send: bool = True, roles: tuple[str, ...] = SELF_SERVICE_ROLES) -> User | None:
    """A new account and its confirmation mail; for an address that has an account already, a mail to
    its owner instead. The caller answers both the same way: no one learns which addresses have
    accounts. `send=False` (a sending limit reached) queues no mail. None when the account existed. `roles`:
    the roles this form may create (host institutions register through their own form)."""
    if role not in roles:
        raise BadInput(_("Unknown role."), field="role")
    try:
        with session.begin_nested():
            user = create_user(session, email, password, role=role, display_name=display_name, locale=locale)
    except (Conflict, IntegrityError):  # IntegrityError: the same address registered at the same moment
        hash_password(password)  # the time a new account costs, so that timing does not tell either
        existing = session.exec(select(User).where(User.email == normalise_email(email))).one()
        if send:
            queue_mail(session, existing.email, _("Your Passerelle account"),
                       _("Hello,\n\nSomeone, perhaps you, tried to create a Passerelle account with this address. "
                         "It already has one: log in at %(login)s\nForgot your password? Choose a new one at "
                         "%(forgot)s\n\nIf it was not you, ignore this message: nothing has changed.",
                         login=f"{site_url}/login", forgot=f"{site_url}/password/forgot"))
        return None
    if send:
        send_verification(session, user, site_url)
    return user


def verify_email(session: Session, raw: str) -> User:
    user = consume_token(session, raw, "verify")
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or user.deleted_at is not None:
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
    if user is None or user.deleted_at is not None:
        return
    raw = issue_token(session, user, "reset")
    queue_mail(session, user.email, _("Reset your password — Passerelle"),
               _("Hello,\n\nTo choose a new password, open this link within two hours:\n%(url)s\n\n"
                 "If you did not ask for this, ignore this message: your password is unchanged.",
                 url=f"{site_url}/password/reset?token={raw}"))


def reset_password(session: Session, raw: str, password: str) -> User:
    """A new password from a reset link: the other reset links die, and so does every open session."""
    check_password_rules(password)
    user = consume_token(session, raw, "reset")
    assert user.id is not None
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()  # the link proves the address
    session.add(user)
    void_tokens(session, user.id, "reset")
    end_sessions(session, user)
    return user


def change_password(session: Session, user: User, current: str, new: str) -> int:
    """Checks the current password; every other session ends. Returns the epoch for this session."""
    if not verify_password(user.password_hash, current):
        raise BadInput(_("This is not your current password."), field="current_password")
    check_password_rules(new)
    user.password_hash = hash_password(new)
    session.add(user)
    assert user.id is not None
    void_tokens(session, user.id, "reset")
    return end_sessions(session, user)
