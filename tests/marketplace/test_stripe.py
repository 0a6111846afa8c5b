"""Pledges paid through Stripe, against localstripe (a stateful fake Stripe started by the test session)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlmodel import select

from app.billing import payments
from app.marketplace import pledges, vetting
from app.marketplace.campaigns import close_due_campaigns
from app.models import AttemptState, OutboxMessage, PaymentAttempt, PledgeMethod, PledgeState
from tests.marketplace.helpers import person, published
from tests.support import login

P = PledgeState


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "member": person(session, engine, "kofi@example.org", "member")}


def _stripe_list(url: str, kind: str, **params: str) -> list[dict]:  # type: ignore[type-arg]
    response = httpx.get(f"{url}/v1/{kind}", params={"limit": "100", **params},
                         headers={"Authorization": "Bearer sk_test_passerelle"}, timeout=5)
    response.raise_for_status()
    return response.json()["data"]  # type: ignore[no-any-return]


def _card_pledge(session, settings, billing, people, card: str, amount: str = "100", **listing):  # type: ignore[no-untyped-def]
    target = published(session, settings, people["promoter"], people["staff"], goal="100", min_pledge="10",
                       budget="Mill ; 100", **listing)
    pledge = pledges.create(session, target, people["member"], Decimal(amount), PledgeMethod.stripe, settings=settings)
    return target, pledge


def test_saved_card_is_charged_exactly_once_when_the_campaign_succeeds(session, settings, billing, people,
                                                                       localstripe_url):
    listing, pledge = _card_pledge(session, settings, billing, people, "pm_card_visa")
    assert payments.save_card(session, billing, pledge, people["member"], "pm_card_visa") == AttemptState.succeeded
    session.commit()
    session.refresh(listing)
    assert pledge.state == P.card_saved and listing.secured_total == Decimal("100")
    assert _stripe_list(localstripe_url, "payment_intents") == [], "nothing is charged at pledge time"

    after = listing.deadline + timedelta(minutes=1)  # type: ignore[operator]
    first = close_due_campaigns(session, after, settings, billing)
    second = close_due_campaigns(session, after + timedelta(minutes=5), settings, billing)
    assert first.funded == [listing.slug] and first.charges == {"succeeded": 1}
    assert second.funded == [] and second.charges == {}
    # Even a direct retry of the charge finds its attempt and does not call Stripe again.
    assert payments.charge_saved_card(session, billing, pledge, settings.site_url) == AttemptState.succeeded
    session.refresh(pledge)
    assert pledge.state == P.paid
    intents = _stripe_list(localstripe_url, "payment_intents")
    assert len(intents) == 1
    assert (intents[0]["amount"], intents[0]["currency"], intents[0]["status"]) == (10000, "eur", "succeeded")
    keys = session.exec(select(PaymentAttempt.idempotency_key)).all()
    assert f"pledge:{pledge.id}:charge:v1" in keys


def test_zero_decimal_currency_reaches_stripe_in_whole_francs(session, settings, billing, people, localstripe_url):
    settings.pledge_goal_multiple = Decimal("1000")  # a 65 000 F pledge to a 100 F goal, to test the units only
    listing, pledge = _card_pledge(session, settings, billing, people, "pm_card_visa", amount="65000",
                                   currency="XOF", funding_model="keep_it_all")
    assert payments.pay_now(session, billing, pledge, people["member"], "pm_card_visa") == AttemptState.succeeded
    intents = _stripe_list(localstripe_url, "payment_intents")
    assert (intents[0]["amount"], intents[0]["currency"]) == (65000, "xof")


def test_declined_card_gets_an_email_with_a_pay_link(session, settings, billing, people, client):
    listing, pledge = _card_pledge(session, settings, billing, people, "pm_card_chargeCustomerFail")
    assert payments.save_card(session, billing, pledge, people["member"],
                              "pm_card_chargeCustomerFail") == AttemptState.succeeded
    session.commit()
    report = close_due_campaigns(session, listing.deadline + timedelta(minutes=1), settings, billing)  # type: ignore[operator]
    assert report.charges == {"failed": 1}
    session.refresh(pledge)
    session.refresh(listing)
    assert pledge.state == P.payment_failed and listing.secured_total == 0
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "kofi@example.org")).all()
    links = [m for m in mails if f"/my/pledges/{pledge.id}/pay" in m.body]
    assert len(links) == 1
    path = re.search(r"http://testserver\.local(/my/pledges/\d+/pay)", links[0].body).group(1)  # type: ignore[union-attr]
    login(client, "kofi@example.org")
    page = client.get(path)
    assert page.status_code == 200 and 'action="/my/pledges/' in page.text
    # A second close neither charges again nor mails again.
    close_due_campaigns(session, listing.deadline + timedelta(minutes=9), settings, billing)  # type: ignore[operator]
    assert len(session.exec(select(OutboxMessage).where(OutboxMessage.body.contains("/pay"))).all()) == 1  # type: ignore[attr-defined]


def test_missed_goal_charges_nothing(session, settings, billing, people, localstripe_url):
    listing, pledge = _card_pledge(session, settings, billing, people, "pm_card_visa", amount="40")
    payments.save_card(session, billing, pledge, people["member"], "pm_card_visa")
    session.commit()
    report = close_due_campaigns(session, listing.deadline + timedelta(minutes=1), settings, billing)  # type: ignore[operator]
    assert report.expired == [listing.slug] and report.charges == {}
    session.refresh(pledge)
    assert pledge.state == P.released
    assert _stripe_list(localstripe_url, "payment_intents") == []
    assert _stripe_list(localstripe_url, "charges") == []


def test_keep_it_all_is_charged_now_and_refunded_on_suspension(session, settings, billing, people, localstripe_url):
    listing, pledge = _card_pledge(session, settings, billing, people, "pm_card_visa", amount="30",
                                   funding_model="keep_it_all")
    assert payments.pay_now(session, billing, pledge, people["member"], "pm_card_visa") == AttemptState.succeeded
    session.commit()
    session.refresh(listing)
    assert pledge.state == P.paid and listing.secured_total == Decimal("30")
    intent = _stripe_list(localstripe_url, "payment_intents")[0]
    vetting.suspend(session, vetting.lock(session, listing.id), people["staff"], "Promoter unreachable.",  # type: ignore[arg-type]
                    billing)
    session.commit()
    session.refresh(pledge)
    session.refresh(listing)
    assert pledge.state == P.refunded and listing.secured_total == 0 and listing.state == "suspended"
    refunds = _stripe_list(localstripe_url, "refunds")
    assert len(refunds) == 1 and refunds[0]["amount"] == 3000 and refunds[0]["charge"] == intent["latest_charge"]["id"]
    assert payments.refund(session, billing, pledge) is False
    assert len(_stripe_list(localstripe_url, "refunds")) == 1
