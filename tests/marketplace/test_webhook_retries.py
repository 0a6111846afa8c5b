"""Stripe retries an event until it gets a 2xx: only an event that was processed is recorded as such.

Written at the HTTP level (signed events posted to the webhook) on both databases, so they hold
whatever shape the billing code takes (finding 1 of issue 10).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlmodel import select

from app.models import PledgeMethod, PledgeState, ProcessedWebhookEvent
from tests.marketplace.conftest import WEBHOOK_SECRET
from tests.marketplace.helpers import person, published

HOOK = "/billing/stripe/webhook"


def _deliver(client, event: dict[str, Any]) -> httpx.Response:  # type: ignore[no-untyped-def]
    payload = json.dumps(event).encode()
    stamp = int(time.time())
    digest = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return client.post(HOOK, content=payload, headers={"Stripe-Signature": f"t={stamp},v1={digest}",
                                                       "Content-Type": "application/json"})


def _closed_port() -> str:
    """An address where nothing listens: Stripe's API as seen during an outage."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def card_pledge(session, engine, settings, billing):  # type: ignore[no-untyped-def]
    from app.marketplace import pledges

    promoter = person(session, engine, "awa@example.org", "promoter")
    staff = person(session, engine, "moussa@example.org", "staff")
    member = person(session, engine, "kofi@example.org")
    listing = published(session, settings, promoter, staff, goal="100", min_pledge="10", budget="Mill ; 100")
    pledge = pledges.create(session, listing, member, Decimal("40"), PledgeMethod.stripe)
    session.commit()
    return {"pledge": pledge, "member": member, "listing": listing}


def _recorded(session) -> list[str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.exec(select(ProcessedWebhookEvent.event_id)).all())


def test_an_event_whose_handler_failed_is_processed_on_stripes_retry(client, session, settings, billing,
                                                                      card_pledge):
    from app.billing.payments import ensure_customer

    pledge = card_pledge["pledge"]
    customer = ensure_customer(session, billing, pledge, card_pledge["member"])
    session.commit()
    intent = billing.save_card(customer, "pm_card_visa", pledge.id)  # the card saved on Stripe's Checkout page
    event = {"id": "evt_checkout_setup", "object": "event", "type": "checkout.session.completed",
             "created": int(time.time()),
             "data": {"object": {"id": "cs_test_1", "object": "checkout.session", "mode": "setup",
                                 "setup_intent": intent.id, "metadata": {"pledge_id": str(pledge.id)}}}}
    reachable = settings.stripe_api_base
    settings.stripe_api_base = _closed_port()  # the handler asks Stripe for the SetupIntent: unreachable
    failed = _deliver(client, event)
    assert failed.status_code == 503, "Stripe retries a 503; a 500 would be our bug"
    assert failed.json()["outcome"] == "stripe unreachable"
    assert _recorded(session) == [], "an event that was not processed must not be recorded"
    session.refresh(pledge)
    assert pledge.state == PledgeState.awaiting_payment

    settings.stripe_api_base = reachable
    retry = _deliver(client, event)
    assert retry.status_code == 200, retry.text
    assert retry.json()["outcome"] == "setup succeeded"
    session.refresh(pledge)
    assert pledge.state == PledgeState.card_saved
    assert _recorded(session) == ["evt_checkout_setup"]
    assert _deliver(client, event).json()["outcome"] == "duplicate"


def test_an_amount_mismatch_is_refused_again_on_retry(client, session, billing, card_pledge):
    pledge = card_pledge["pledge"]
    event = {"id": "evt_checkout_short", "object": "event", "type": "checkout.session.completed",
             "created": int(time.time()),
             "data": {"object": {"id": "cs_test_2", "object": "checkout.session", "mode": "payment",
                                 "payment_status": "paid", "payment_intent": "pi_short", "amount_total": 100,
                                 "currency": "eur", "metadata": {"pledge_id": str(pledge.id)}}}}
    answers = [_deliver(client, event) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 400], [a.text for a in answers]
    assert {a.json()["outcome"] for a in answers} == {"amount mismatch"}
    assert _recorded(session) == []
    session.refresh(pledge)
    assert pledge.state == PledgeState.awaiting_payment

    # The right amount, later, still goes through.
    event["id"] = "evt_checkout_right"
    event["data"]["object"]["amount_total"] = 4000
    assert _deliver(client, event).json()["outcome"] == "paid"
    session.refresh(pledge)
    assert pledge.state == PledgeState.paid
