"""Outgoing mail: every message is written to the outbox table, then delivered by SMTP when configured.

Delivery runs as a scheduled job (`mail`, every MAIL_INTERVAL_SECONDS) and, in the web process, right
after a commit that queued mail. Each message is claimed with a compare-and-set before it is sent, so
the job and the web process (or two workers) never send one twice. A failed try is retried with
exponential backoff; a permanent refusal (SMTP 5xx) or the last allowed try makes it a dead letter
(`failed_at`), listed at /admin/outbox.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import Engine, event, or_, update
from sqlmodel import Session, col, select

from app.models import OutboxMessage
from app.models.base import utcnow
from app.settings import Settings

log = logging.getLogger(__name__)
CLAIM = timedelta(minutes=10)  # a claimed message whose sender died is tried again after this


def queue_mail(session: Session, to: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(to_address=to, subject=subject, body=body)
    session.add(message)
    session.flush()
    session.info["mail_queued"] = True  # read by the after-commit hook below
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: base, 2×base, 4×base… at most six hours."""
    return timedelta(seconds=min(settings.mail_retry_seconds * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(engine: Engine, message_id: int, now: datetime) -> bool:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        claimed = conn.execute(
            update(table)
            .where(table.c.id == message_id, table.c.sent_at.is_(None), table.c.failed_at.is_(None),
                   or_(table.c.next_attempt_at.is_(None), table.c.next_attempt_at <= now))
            .values(next_attempt_at=now + CLAIM, attempts=table.c.attempts + 1))
    return claimed.rowcount == 1


def _settle(engine: Engine, settings: Settings, message_id: int, error: str | None, permanent: bool,
            report: DeliveryReport, now: datetime) -> None:
    with Session(engine) as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        if error is None:
            message.sent_at, message.error, message.next_attempt_at = now, None, None
            report.sent += 1
        else:
            message.error = error[:2000]
            if permanent or message.attempts >= settings.mail_max_attempts:
                message.failed_at, message.next_attempt_at = now, None
                report.dead += 1
                log.error("mail %s to %s is a dead letter after %d tries: %s", message.id, message.to_address,
                          message.attempts, error)
            else:
                message.next_attempt_at = now + backoff(settings, message.attempts)
                report.retried += 1
                log.warning("mail %s to %s failed (try %d), next at %s: %s", message.id, message.to_address,
                            message.attempts, message.next_attempt_at, error)
            report.errors.append(error)
        session.add(message)
        session.commit()


def _mail(settings: Settings, message: OutboxMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = settings.mail_from, message.to_address, message.subject
    mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="passerelle.invalid")
    mail.set_content(message.body)
    return mail


def deliver_pending(engine: Engine, settings: Settings, now: datetime | None = None, limit: int = 50) -> DeliveryReport:
    """Send the outbox messages that are due; without an SMTP host the outbox is the delivery."""
    report = DeliveryReport()
    if not settings.smtp_host:
        return report
    now = now or utcnow()
    with Session(engine) as session:
        due = session.exec(
            select(OutboxMessage.id)
            .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None),
                   or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now))
            .order_by(col(OutboxMessage.id)).limit(limit)).all()
    claimed = [message_id for message_id in due if message_id is not None and _claim(engine, message_id, now)]
    if not claimed:
        return report
    try:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
    except (OSError, smtplib.SMTPException) as exc:
        for message_id in claimed:  # the server is unreachable: every claimed message waits its turn
            _settle(engine, settings, message_id, f"SMTP server unreachable: {exc}", False, report, now)
        return report
    try:
        smtp.ehlo()
        if settings.smtp_starttls:
            smtp.starttls()
            smtp.ehlo()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for message_id in claimed:
            with Session(engine) as session:
                message = session.get(OutboxMessage, message_id)
                assert message is not None
                mail = _mail(settings, message)
            try:
                smtp.send_message(mail)
                _settle(engine, settings, message_id, None, False, report, now)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _text in exc.recipients.values()]
                _settle(engine, settings, message_id, f"recipient refused: {exc.recipients}",
                        all(code >= 500 for code in codes), report, now)
            except smtplib.SMTPResponseException as exc:
                _settle(engine, settings, message_id, f"{exc.smtp_code} {exc.smtp_error!r}", exc.smtp_code >= 500,
                        report, now)
    except (OSError, smtplib.SMTPException) as exc:
        # The connection broke (or STARTTLS/login failed): what was not settled is tried again later.
        with Session(engine) as session:
            open_ids = session.exec(select(OutboxMessage.id).where(
                col(OutboxMessage.id).in_(claimed), col(OutboxMessage.sent_at).is_(None),
                col(OutboxMessage.failed_at).is_(None))).all()
        for open_id in open_ids:
            if open_id is not None:
                _settle(engine, settings, open_id, f"SMTP session failed: {exc}", False, report, now)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return report


def retry_now(session: Session, message_id: int) -> bool:
    """An admin sends a dead letter (or a waiting message) back to the queue, due at once."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.sent_at is not None:
        return False
    message.failed_at, message.next_attempt_at, message.attempts = None, None, 0
    session.add(message)
    session.info["mail_queued"] = True
    return True


class Courier:
    """Delivers in a background thread when kicked (after a commit that queued mail); kicks coalesce."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mail-courier", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                deliver_pending(self.engine, self.settings)
            except Exception:  # the scheduled job tries again; the web process must not die of it
                log.exception("mail delivery after commit failed")

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)


_couriers: dict[int, Courier] = {}


def start_courier(engine: Engine, settings: Settings) -> Courier | None:
    """Deliver right after commit in this process (the web app calls this at start-up)."""
    if not settings.smtp_host:
        return None
    courier = Courier(engine, settings)
    _couriers[id(engine)] = courier
    return courier


def stop_courier(courier: Courier | None) -> None:
    if courier is not None:
        for key, value in list(_couriers.items()):
            if value is courier:
                del _couriers[key]
        courier.stop()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop("mail_queued", False):
        return
    bind = session.get_bind()
    engine = bind.engine if hasattr(bind, "engine") else bind
    courier = _couriers.get(id(engine))
    if courier is not None:
        courier.kick()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("mail_queued", None)


def mail_job(engine: Engine, settings: Settings) -> tuple[str, Callable[[], None], int]:
    """The scheduler's job: deliver what is due (retries included) every MAIL_INTERVAL_SECONDS."""
    def run() -> None:
        report = deliver_pending(engine, settings)
        if report.sent or report.retried or report.dead:
            log.info("mail: %d sent, %d to retry, %d dead letters", report.sent, report.retried, report.dead)
    return "mail", run, settings.mail_interval_seconds
