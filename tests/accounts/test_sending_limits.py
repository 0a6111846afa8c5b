"""Sending limits on mail anyone can trigger (finding 10), with answers that tell nothing."""

from __future__ import annotations

from sqlmodel import func, select

from app.models import OutboxMessage
from tests.support import make_user, post_form


def _count(session, to: str | None = None) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    query = select(func.count()).select_from(OutboxMessage)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return int(session.exec(query).one())


def test_ten_reset_requests_for_one_address_send_three_mails_and_answer_alike(client, engine, session, settings):
    make_user(engine, "seydou@example.org")
    answers = {post_form(client, "/password/forgot", "/password/forgot", {"email": "seydou@example.org"},
                         follow_redirects=False).headers["location"] for _ in range(10)}
    assert answers == {"/login"}
    assert _count(session, "seydou@example.org") == settings.mail_per_recipient == 3


def test_ten_registrations_of_one_address_send_three_mails(client, engine, session, settings):
    make_user(engine, "fatou@example.org")
    for _ in range(10):
        answer = post_form(client, "/register", "/register",
                           {"email": "fatou@example.org", "password": "long enough pw"}, follow_redirects=False)
        assert answer.status_code == 302
    assert _count(session, "fatou@example.org") == 3


def test_one_client_writing_to_many_addresses_is_told_to_wait(client, session, settings):
    settings.mail_per_client = 5
    statuses = [post_form(client, "/password/forgot", "/password/forgot", {"email": f"p{n}@example.org"},
                          follow_redirects=False).status_code for n in range(7)]
    assert statuses == [302] * 5 + [429] * 2
    refused = post_form(client, "/password/forgot", "/password/forgot", {"email": "p9@example.org"})
    assert refused.status_code == 429 and ("Too many" in refused.text or "Trop" in refused.text)
