"""Mail leaves the outbox by SMTP (finding 11): a real server on loopback, retries with backoff, dead letters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlmodel import Session, select

from app.mail import deliver_pending, queue_mail
from app.models import OutboxMessage
from app.models.base import aware, utcnow
from tests.mail_server import free_port, smtp_server
from tests.support import login, make_user, post_form


@pytest.fixture
def mailbox(settings):  # type: ignore[no-untyped-def]
    with smtp_server() as (box, port):
        settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", port, False
        yield box


def _queue(engine, *addresses: str) -> list[int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        ids = [queue_mail(session, to, f"Hello {to}", f"Body for {to}\nLine two").id for to in addresses]
        session.commit()
    return [i for i in ids if i is not None]


def _messages(engine) -> dict[str, OutboxMessage]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return {m.to_address: m for m in session.exec(select(OutboxMessage)).all()}


def test_the_job_delivers_queued_mail_over_smtp_once(engine, settings, mailbox):
    _queue(engine, "awa@example.org", "kofi@example.org")
    report = deliver_pending(engine, settings)
    assert (report.sent, report.retried, report.dead) == (2, 0, 0)
    assert sorted(m["To"] for m in mailbox.received) == ["awa@example.org", "kofi@example.org"]
    mail = mailbox.to("awa@example.org")[0]
    assert mail["Subject"] == "Hello awa@example.org" and mail["From"] == settings.mail_from
    assert "Line two" in mail.get_payload(decode=True).decode()
    assert all(m.sent_at is not None and m.attempts == 1 for m in _messages(engine).values())
    assert deliver_pending(engine, settings).sent == 0, "a sent message is never sent again"
    assert len(mailbox.received) == 2


def test_an_unreachable_server_is_retried_with_backoff_then_dead_lettered(engine, settings):
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", free_port(), False
    settings.mail_max_attempts, settings.mail_retry_seconds = 3, 60
    _queue(engine, "awa@example.org")
    start = utcnow()
    first = deliver_pending(engine, settings, now=start)
    assert (first.sent, first.retried, first.dead) == (0, 1, 0)
    message = _messages(engine)["awa@example.org"]
    assert message.attempts == 1 and "unreachable" in (message.error or "")
    assert aware(message.next_attempt_at) == start + timedelta(seconds=60)
    assert deliver_pending(engine, settings, now=start + timedelta(seconds=59)).retried == 0, "not due yet"
    second = deliver_pending(engine, settings, now=start + timedelta(seconds=61))
    assert second.retried == 1
    message = _messages(engine)["awa@example.org"]
    assert aware(message.next_attempt_at) == start + timedelta(seconds=61 + 120), "the wait doubles"
    third = deliver_pending(engine, settings, now=start + timedelta(seconds=61 + 121))
    assert (third.retried, third.dead) == (0, 1)
    message = _messages(engine)["awa@example.org"]
    assert message.failed_at is not None and message.sent_at is None and message.attempts == 3
    assert deliver_pending(engine, settings, now=start + timedelta(days=1)).dead == 0, "a dead letter rests"

    # The server is back: an admin sees the dead letter and sends it again.
    with smtp_server() as (box, port):
        settings.smtp_port = port
        make_user(engine, "admin@example.org", "admin")
        from app.main import create_app

        with TestClient(create_app(settings), base_url="http://testserver.local") as admin:
            assert login(admin, "admin@example.org").status_code in (302, 303)
            page = admin.get("/admin/outbox?show=dead")
            assert page.status_code == 200 and "awa@example.org" in page.text and "unreachable" in page.text
            retry = post_form(admin, "/admin/outbox?show=dead", f"/admin/outbox/{message.id}/retry", {},
                              follow_redirects=False)
            assert retry.status_code in (302, 303)
            assert len(box.wait_for(1)) == 1, "sent right after the retry was committed"
        assert box.received[0]["To"] == "awa@example.org"
    assert _messages(engine)["awa@example.org"].sent_at is not None


def test_a_permanent_refusal_is_a_dead_letter_at_once_and_the_others_go_out(engine, settings, mailbox):
    mailbox.refuse["nobody@example.org"] = "550 5.1.1 no such user"
    _queue(engine, "nobody@example.org", "kofi@example.org")
    report = deliver_pending(engine, settings)
    assert (report.sent, report.dead) == (1, 1)
    messages = _messages(engine)
    refused = messages["nobody@example.org"]
    assert refused.failed_at is not None and "550" in (refused.error or "")
    assert messages["kofi@example.org"].sent_at is not None


def test_a_temporary_refusal_is_tried_again_later(engine, settings, mailbox):
    mailbox.temporary_failures = 1
    _queue(engine, "awa@example.org")
    start = utcnow()
    assert deliver_pending(engine, settings, now=start).retried == 1
    assert mailbox.received == []
    assert deliver_pending(engine, settings, now=start + timedelta(minutes=2)).sent == 1
    assert [m["To"] for m in mailbox.received] == ["awa@example.org"]


def test_a_registration_mail_leaves_right_after_the_commit(engine, settings, mailbox):
    from app.main import create_app

    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        post_form(client, "/register", "/register", {"email": "binta@example.org", "password": "long enough pw"})
        received = mailbox.wait_for(1)
    assert [m["To"] for m in received] == ["binta@example.org"]
    body = received[0].get_payload(decode=True).decode()
    assert re.search(r"/verify\?token=\S+", body)


def test_the_scheduler_runs_mail_delivery(engine, settings):
    from app.scheduler import CollectorScheduler

    jobs = {job_id: seconds for job_id, _run, seconds in CollectorScheduler(settings, engine).jobs}
    assert jobs["mail"] == settings.mail_interval_seconds
