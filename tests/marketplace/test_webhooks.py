"""The Stripe webhook: signature on the raw body, one effect per event, late events ignored, amounts checked."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from decimal import Decimal

import httpx
import pytest
from sqlmodel import func, select

from app.models import PledgeMethod, PledgeState, ProcessedWebhookEvent
from tests.marketplace.conftest import WEBHOOK_SECRET
from tests.marketplace.helpers import person, published

P = PledgeState
HOOK = "/billing/stripe/webhook"


def _signed(payload: bytes, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={stamp},v1={digest}", "Content-Type": "application/json"}


def _deliver(client, event: dict) -> httpx.Response:  # type: ignore[no-untyped-def,type-arg]
    payload = json.dumps(event).encode()
    return client.post(HOOK, content=payload, headers=_signed(payload))


@pytest.fixture
def charged(session, engine, settings, billing, localstripe_url):  # type: ignore[no-untyped-def]
    """A keep-it-all pledge charged on Stripe whose success the app has not heard of yet; and its event."""
    from app.billing.payments import ensure_customer
    from app.marketplace import pledges

    promoter = person(session, engine, "awa@example.org", "promoter")
    staff = person(session, engine, "moussa@example.org", "staff")
    member = person(session, engine, "kofi@example.org")
    listing = published(session, settings, promoter, staff, funding_model="keep_it_all")
    pledge = pledges.create(session, listing, member, Decimal("75"), PledgeMethod.stripe)
    customer = ensure_customer(session, billing, pledge, member)
    session.commit()
    billing.charge(pledge.amount, pledge.currency, customer, "pm_card_visa", key=f"pledge:{pledge.id}:pay:0",
                   pledge_id=pledge.id, off_session=False)
    events = httpx.get(f"{localstripe_url}/v1/events", params={"type": "payment_intent.succeeded"},
                       headers={"Authorization": "Bearer sk_test_passerelle"}, timeout=5).json()["data"]
    assert len(events) == 1
    return {"listing": listing, "pledge": pledge, "event": events[0]}


def test_forged_signature_is_refused(client, session, charged):
    payload = json.dumps(charged["event"]).encode()
    forged = client.post(HOOK, content=payload, headers=_signed(payload, "whsec_someone_else"))
    unsigned = client.post(HOOK, content=payload, headers={"Content-Type": "application/json"})
    tampered = client.post(HOOK, content=payload.replace(b"7500", b"9900"), headers=_signed(payload))
    assert (forged.status_code, unsigned.status_code, tampered.status_code) == (400, 400, 400)
    assert forged.json() == {"error": "invalid signature"}
    session.refresh(charged["pledge"])
    assert charged["pledge"].state == P.awaiting_payment
    assert session.exec(select(func.count()).select_from(ProcessedWebhookEvent)).one() == 0


def test_same_event_ten_times_and_a_late_failure_make_one_change(client, session, charged):
    event = charged["event"]
    answers = [_deliver(client, event) for _ in range(10)]
    assert [a.status_code for a in answers] == [200] * 10, answers[0].text
    assert answers[0].json()["outcome"] == "paid"
    assert {a.json()["outcome"] for a in answers[1:]} == {"duplicate"}
    late_failure = json.loads(json.dumps(event)) | {"id": "evt_late_failure", "type": "payment_intent.payment_failed",
                                                    "created": event["created"] - 60}
    assert _deliver(client, late_failure).json()["outcome"].startswith("ignored")
    pledge, listing = charged["pledge"], charged["listing"]
    session.refresh(pledge)
    session.refresh(listing)
    assert pledge.state == P.paid
    assert listing.secured_total == Decimal("75") and listing.backer_count == 1


def test_unknown_events_are_acknowledged(client, session, charged):
    event = charged["event"] | {"id": "evt_unknown", "type": "customer.created"}
    response = _deliver(client, event)
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_amount_mismatch_is_rejected_and_logged(client, session, charged):
    event = json.loads(json.dumps(charged["event"]))
    event["id"] = "evt_wrong_amount"
    event["data"]["object"]["amount"] = event["data"]["object"]["amount_received"] = 100
    records, logger = _Records(), logging.getLogger("app.billing.webhook")
    logger.addHandler(records)
    try:
        response = _deliver(client, event)
    finally:
        logger.removeHandler(records)
    assert response.status_code == 400
    assert any("amount mismatch" in m and "evt_wrong_amount" in m for m in records.messages)
    session.refresh(charged["pledge"])
    assert charged["pledge"].state == P.awaiting_payment
    wrong_currency = json.loads(json.dumps(charged["event"]))
    wrong_currency["id"] = "evt_wrong_currency"
    wrong_currency["data"]["object"]["currency"] = "usd"
    assert _deliver(client, wrong_currency).status_code == 400


def test_a_refund_made_in_the_stripe_dashboard_reaches_the_pledge(client, session, charged, billing, localstripe_url):
    assert _deliver(client, charged["event"]).json()["outcome"] == "paid"
    intent = charged["event"]["data"]["object"]
    billing.client.v1.refunds.create(params={"payment_intent": intent["id"]})  # as staff would in the dashboard
    charge = httpx.get(f"{localstripe_url}/v1/charges/{intent['latest_charge']['id']}",
                       headers={"Authorization": "Bearer sk_test_passerelle"}, timeout=5).json()
    assert charge["refunded"] is True
    # localstripe sends no charge.refunded event: build the envelope Stripe would send around the charge.
    event = {"id": "evt_dashboard_refund", "object": "event", "type": "charge.refunded",
             "created": int(time.time()), "data": {"object": charge}}
    assert _deliver(client, event).json()["outcome"] == "refunded"
    assert _deliver(client, event).json()["outcome"] == "duplicate"
    pledge, listing = charged["pledge"], charged["listing"]
    session.refresh(pledge)
    session.refresh(listing)
    assert pledge.state == P.refunded and listing.secured_total == 0 and listing.backer_count == 0
