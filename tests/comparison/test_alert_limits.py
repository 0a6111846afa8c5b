"""Ten anonymous price-alert sign-ups for one address queue three mails, not ten (finding 10)."""

from __future__ import annotations

from sqlmodel import func, select

from app.models import OutboxMessage
from tests.support import post_form


def test_ten_alert_posts_to_one_address_queue_three_mails(client, rpw_loaded, session, settings):
    form = {"from": "FR", "to": "SN", "amount": "200", "kind": "total_cost_below", "threshold": "2.5",
            "email": "awa@example.org"}
    answers = [post_form(client, "/?from=FR&to=SN&amount=200", "/alerts", form, follow_redirects=False)
               for _ in range(10)]
    assert {a.status_code for a in answers} == {302}
    assert len({a.headers["location"] for a in answers}) == 1, "the same answer every time"
    session.expire_all()
    sent = session.exec(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.to_address == "awa@example.org")).one()
    assert sent == settings.mail_per_recipient == 3
