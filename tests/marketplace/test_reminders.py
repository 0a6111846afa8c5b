"""One reminder per unpaid promise before the deadline, with the reference and the exact amounts again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import select

from app.marketplace import pledges
from app.marketplace.reminders import due_reminders
from app.models import OutboxMessage, PledgeState, ReceivingAccount
from app.models.base import aware, utcnow
from tests.marketplace.helpers import person, published


def test_an_unpaid_promise_is_reminded_once_and_a_received_one_never(session, engine, settings):
    promoter = person(session, engine, "awa@example.org", "promoter")
    staff = person(session, engine, "m@example.org", "staff")
    member = person(session, engine, "kofi@example.org")
    session.add(ReceivingAccount(kind="mobile_money", holder="Passerelle Sénégal", operator="wave", country="SN",
                                 number="+221770000000", currency="XOF"))
    session.commit()
    start = utcnow() - timedelta(days=20)
    listing = published(session, settings, promoter, staff, now=start)
    deadline = aware(listing.deadline)
    assert deadline is not None
    unpaid = pledges.create(session, listing, member, Decimal("50"), "mobile_money", now=start + timedelta(days=1))
    received = pledges.create(session, listing, member, Decimal("20"), "mobile_money", now=start + timedelta(days=1))
    session.commit()
    assert pledges.mark_received(session, received, staff)
    session.commit()
    session.execute(OutboxMessage.__table__.delete())  # type: ignore[attr-defined]
    session.commit()

    early = deadline - timedelta(days=settings.pledge_remind_days + 1)
    assert due_reminders(session, early, settings) == 0, "too early"
    assert due_reminders(session, deadline - timedelta(days=3), settings) == 1
    assert due_reminders(session, deadline - timedelta(days=2), settings) == 0, "once per pledge"
    session.commit()
    mails = session.exec(select(OutboxMessage)).all()
    assert len(mails) == 1 and unpaid.reference in mails[0].subject
    assert "32\u202f798\xa0FCFA → Wave (SN) +221770000000" in mails[0].body and received.reference not in mails[0].body
    session.refresh(unpaid)
    assert unpaid.reminded_at is not None and unpaid.state == PledgeState.awaiting_payment.value
