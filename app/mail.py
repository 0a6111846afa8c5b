"""Outgoing mail: every message is written to the outbox table, then sent by SMTP when configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlmodel import Session, select

from app.models import OutboxMessage
from app.models.base import utcnow
from app.settings import Settings

log = logging.getLogger(__name__)


def queue_mail(session: Session, to: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(to_address=to, subject=subject, body=body)
    session.add(message)
    session.flush()
    return message


def deliver_pending(session: Session, settings: Settings, limit: int = 50) -> int:
    """Send unsent outbox messages by SMTP; without an SMTP host the outbox is the delivery."""
    if not settings.smtp_host:
        return 0
    pending = session.exec(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
        .order_by(OutboxMessage.id).limit(limit)  # type: ignore[arg-type]
    ).all()
    sent = 0
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for message in pending:
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = settings.mail_from, message.to_address, message.subject
            mail.set_content(message.body)
            try:
                smtp.send_message(mail)
                message.sent_at, message.error = utcnow(), None
                sent += 1
            except smtplib.SMTPException as exc:
                log.warning("mail to %s failed: %s", message.to_address, exc)
                message.error = str(exc)
            session.add(message)
    session.commit()
    return sent
