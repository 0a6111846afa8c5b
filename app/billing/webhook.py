"""`POST /billing/stripe/webhook`: verify the signature on the raw body, deduplicate, apply, answer."""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio.to_thread
import stripe
from litestar import Controller, Request, Response, post
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.billing.events import HANDLERS, AmountMismatch
from app.billing.gateway import BillingGateway, gateway_for
from app.models import ProcessedWebhookEvent
from app.settings import Settings

log = logging.getLogger(__name__)


def process(db: Session, event: dict[str, Any], gateway: BillingGateway, site_url: str) -> tuple[int, str]:
    """Apply one verified event at most once; returns the HTTP status and what happened."""
    kind, event_id = str(event.get("type", "")), str(event.get("id", ""))
    handler = HANDLERS.get(kind)
    record = ProcessedWebhookEvent(event_id=event_id, type=kind[:80], outcome="" if handler else "ignored")
    try:
        with db.begin_nested():
            db.add(record)
    except IntegrityError:
        db.rollback()
        return 200, "duplicate"
    if handler is None:
        db.commit()
        return 200, "ignored"
    try:
        outcome = handler(db, event["data"]["object"], gateway, site_url)
    except AmountMismatch as exc:
        db.rollback()
        # Not recorded as processed: every retry is refused and logged again until someone looks.
        log.error("Stripe event %s (%s) rejected: amount mismatch: %s", event_id, kind, exc)
        return 400, "amount mismatch"
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        db.rollback()
        # Stripe could not be asked (an outage, a timeout, its rate limit): not our bug, so no 500 and no
        # traceback; 503 tells Stripe to deliver the event again, and nothing is recorded until it is processed.
        log.warning("Stripe event %s (%s) deferred, Stripe unreachable: %s", event_id, kind, exc)
        return 503, "stripe unreachable"
    record.outcome = outcome
    db.add(record)
    db.commit()
    log.info("Stripe event %s (%s): %s", event_id, kind, outcome)
    return 200, outcome


class StripeWebhookController(Controller):
    @post("/billing/stripe/webhook", include_in_schema=False, status_code=200)
    async def receive(self, request: Request[Any, Any, Any], db: Session,
                      settings: Settings) -> Response[dict[str, str]]:
        # The raw bytes, exactly as sent: the signature covers them, not a re-serialised parse.
        payload = await request.body()
        return await anyio.to_thread.run_sync(self._handle, payload, request.headers.get("stripe-signature"),
                                              db, settings)

    @staticmethod
    def _handle(payload: bytes, signature: str | None, db: Session, settings: Settings) -> Response[dict[str, str]]:
        gateway = gateway_for(settings)
        if gateway is None or not settings.stripe_webhook_secret:
            return Response({"error": "card payments are not configured"}, status_code=404)
        try:
            gateway.construct_event(payload, signature)
            event = json.loads(payload)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            log.warning("Stripe webhook refused: %s", exc)
            return Response({"error": "invalid signature"}, status_code=400)
        status, outcome = process(db, event, gateway, settings.site_url)
        return Response({"received": str(event.get("id", "")), "outcome": outcome}, status_code=status)
