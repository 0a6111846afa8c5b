"""E-mails to members and promoters, each written in the recipient's own language."""

from __future__ import annotations

from sqlmodel import Session

from app.i18n import LOCALES, _, current_locale
from app.mail import queue_mail
from app.models import User


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Marks a message for the catalogue; `mail_user` translates it in the recipient's language."""
    return message


def mail_user(session: Session, user: User, subject: str, body: str, **values: object) -> None:
    token = current_locale.set(user.locale if user.locale in LOCALES else "fr")
    try:
        queue_mail(session, user.email, _(subject, **values), _(body, **values))
    finally:
        current_locale.reset(token)
