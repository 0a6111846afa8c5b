"""Pledges in manual-payment mode, cancellation, campaign close, and totals that count only what is secured."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import BadInput, Conflict, Forbidden
from app.marketplace import audit, pledges
from app.marketplace.campaigns import close_due_campaigns
from app.marketplace.format import money
from app.models import AuditEntry, Listing, OutboxMessage, Pledge, PledgeMethod, PledgeState
from app.models.base import utcnow
from tests.marketplace.helpers import person, published

P = PledgeState


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "member": person(session, engine, "kofi@example.org", "member")}


def _fresh(session: Session, listing: Listing) -> Listing:
    session.refresh(listing)
    return listing


def test_promises_count_only_once_received(session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    pledge = pledges.create(session, listing, people["member"], Decimal("150"), PledgeMethod.manual)
    session.commit()
    assert _fresh(session, listing).secured_total == 0 and pledge.state == P.awaiting_payment
    assert pledges.mark_received(session, pledge, people["staff"])
    assert not pledges.mark_received(session, pledge, people["staff"]), "a second click changes nothing"
    session.commit()
    listing = _fresh(session, listing)
    assert listing.secured_total == Decimal("150") and listing.backer_count == 1
    assert listing.funded_pct == Decimal("15.00")
    with pytest.raises(Forbidden):
        pledges.mark_received(session, pledge, people["member"])


def test_pledge_rules(session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    with pytest.raises(BadInput):
        pledges.create(session, listing, people["member"], Decimal("5"), PledgeMethod.manual)
    with pytest.raises(BadInput):
        pledges.create(session, listing, people["member"], Decimal("10.001"), PledgeMethod.manual)
    with pytest.raises(Forbidden):
        pledges.create(session, listing, people["promoter"], Decimal("50"), PledgeMethod.manual)
    with pytest.raises(BadInput):
        pledges.parse_amount("dix euros", "EUR")
    assert pledges.parse_amount("1 234,50", "EUR") == Decimal("1234.50")


def test_cancel_until_48_hours_before_the_deadline(session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    early = pledges.create(session, listing, people["member"], Decimal("20"), PledgeMethod.manual)
    late = pledges.create(session, listing, people["member"], Decimal("30"), PledgeMethod.manual)
    session.commit()
    assert listing.deadline is not None
    assert pledges.cancel(session, early, people["member"], listing, 48, listing.deadline - timedelta(hours=49))
    with pytest.raises(Conflict):
        pledges.cancel(session, late, people["member"], listing, 48, listing.deadline - timedelta(hours=47))
    with pytest.raises(Forbidden):
        pledges.cancel(session, late, people["staff"], listing, 48)
    assert early.state == P.cancelled and late.state == P.awaiting_payment


def test_all_or_nothing_missed_goal_releases_and_flags_transfers_for_return(session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    received = pledges.create(session, listing, people["member"], Decimal("100"), PledgeMethod.manual)
    promised = pledges.create(session, listing, people["member"], Decimal("50"), PledgeMethod.manual)
    pledges.mark_received(session, received, people["staff"])
    session.commit()
    assert listing.deadline is not None
    assert close_due_campaigns(session, listing.deadline - timedelta(minutes=1), settings, None).expired == []
    report = close_due_campaigns(session, listing.deadline + timedelta(minutes=1), settings, None)
    assert report.expired == [listing.slug]
    session.refresh(received)
    session.refresh(promised)
    assert (received.state, promised.state) == (P.refund_due, P.released)
    assert _fresh(session, listing).state == "expired" and listing.secured_total == 0
    again = close_due_campaigns(session, listing.deadline + timedelta(minutes=2), settings, None)
    assert again.expired == [] and again.funded == []
    mails = session.exec(select(OutboxMessage)).all()
    assert {m.to_address for m in mails} == {"awa@example.org", "kofi@example.org"}
    assert audit.verify(session) == []


def test_goal_reached_is_funded_and_keep_it_all_keeps_any_amount(session, settings, people):
    aon = published(session, settings, people["promoter"], people["staff"])
    kia = published(session, settings, people["promoter"], people["staff"], funding_model="keep_it_all",
                    title="Pirogue frigorifique")
    for listing, amount in ((aon, "1000"), (kia, "40")):
        pledge = pledges.create(session, listing, people["member"], Decimal(amount), PledgeMethod.manual)
        pledges.mark_received(session, pledge, people["staff"])
    session.commit()
    report = close_due_campaigns(session, utcnow() + timedelta(days=31), settings, None)
    assert sorted(report.funded) == sorted([aon.slug, kia.slug])
    assert _fresh(session, aon).state == "funded" and _fresh(session, kia).state == "funded"
    closed = session.exec(select(AuditEntry.reason).where(AuditEntry.listing_id == kia.id,
                                                          AuditEntry.to_state == "funded")).one()
    assert closed == f"campaign closed at its deadline: {money(Decimal('40'), kia.currency, 'en')} of " \
        f"{money(kia.goal, kia.currency, 'en')} secured", "amounts written as a reader writes them"
    assert "000000" not in closed


def _concurrent_pledges(db_url: str, listing_id: int, member_ids: list[int], staff_id: int) -> list[Exception]:
    """Each thread pledges and, for every other pledge, marks it received, in its own session."""
    from app.db import get_engine
    from app.models import User

    engine = get_engine(db_url)
    errors: list[Exception] = []
    barrier = threading.Barrier(len(member_ids))

    def one(index: int, member_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            with Session(engine, expire_on_commit=False) as s:
                listing = s.get(Listing, listing_id)
                member, staff = s.get(User, member_id), s.get(User, staff_id)
                assert listing and member and staff
                pledge = pledges.create(s, listing, member, Decimal("10.10") + index, PledgeMethod.manual)
                if index % 5:
                    pledges.mark_received(s, pledge, staff)
                s.commit()
        except Exception as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i, m)) for i, m in enumerate(member_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


if os.environ.get("TEST_POSTGRES_URL"):  # a PostgreSQL-only case: it exists when PostgreSQL is configured
    @pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
    def test_fifty_concurrent_pledges_leave_the_total_equal_to_the_secured_sum(session, settings, people, engine,
                                                                               db_url):
        _fifty_concurrent_pledges(session, settings, people, engine, db_url)


def _fifty_concurrent_pledges(session, settings, people, engine, db_url):  # type: ignore[no-untyped-def]
    assert engine.dialect.name == "postgresql"
    listing = published(session, settings, people["promoter"], people["staff"], goal="50000",
                        budget="Cold room ; 50000")
    members = [person(session, engine, f"m{i}@example.org") for i in range(50)]
    assert listing.id is not None and people["staff"].id is not None
    errors = _concurrent_pledges(db_url, listing.id, [m.id for m in members if m.id], people["staff"].id)
    assert errors == []
    session.expire_all()
    secured = session.exec(select(func.sum(Pledge.amount), func.count()).where(
        Pledge.listing_id == listing.id, Pledge.state == P.paid.value)).one()
    listing = _fresh(session, listing)
    assert session.exec(select(func.count()).select_from(Pledge)).one() == 50
    assert secured[1] == 40
    assert listing.secured_total == secured[0] and listing.backer_count == 40
