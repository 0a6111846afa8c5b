"""The Stripe boundary: decimal amounts become integer minor units here and nowhere else.

Every call that moves money carries an idempotency key derived from the pledge, so a retried job or a
replayed request cannot charge or refund twice on Stripe's side either.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

import stripe

from app.settings import Settings
from basics.minor_units import ZERO_DECIMAL, is_exact

BillingError = stripe.StripeError


def to_minor(amount: Decimal, currency: str) -> int:
    """EUR 12.34 -> 1234; XOF 5000 -> 5000 (zero-decimal in Stripe). Refuses anything inexact."""
    if not is_exact(amount, currency):
        raise ValueError(f"{amount} {currency} is not a whole number of minor units")
    return int(amount if currency in ZERO_DECIMAL else amount * 100)


def from_minor(amount: int, currency: str) -> Decimal:
    currency = currency.upper()
    return Decimal(amount) if currency in ZERO_DECIMAL else Decimal(amount) / 100


class BillingGateway:
    def __init__(self, secret_key: str, webhook_secret: str | None = None, api_base: str | None = None) -> None:
        options: dict[str, Any] = {"max_network_retries": 2}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        self.client = stripe.StripeClient(secret_key, **options)
        self.webhook_secret = webhook_secret

    @classmethod
    def from_settings(cls, settings: Settings) -> BillingGateway | None:
        """None without a secret key: the marketplace then takes manual (transfer) pledges only."""
        return gateway_for(settings)

    def create_customer(self, email: str, member_id: int) -> str:
        customer = self.client.v1.customers.create(
            params={"email": email, "metadata": {"member_id": str(member_id)}},
            options={"idempotency_key": f"member:{member_id}:customer:v1"})
        return str(customer.id)

    def save_card(self, customer: str, payment_method: str, pledge_id: int) -> stripe.SetupIntent:
        """Attach the card to the customer and confirm a SetupIntent for later off-session use."""
        self.client.v1.payment_methods.attach(payment_method, params={"customer": customer})
        intent = self.client.v1.setup_intents.create(
            params={"customer": customer, "usage": "off_session", "metadata": {"pledge_id": str(pledge_id)}},
            options={"idempotency_key": f"pledge:{pledge_id}:setup:v1"})
        return self.client.v1.setup_intents.confirm(intent.id, params={"payment_method": payment_method})

    def charge(self, amount: Decimal, currency: str, customer: str, payment_method: str, *, key: str,
               pledge_id: int, off_session: bool) -> stripe.PaymentIntent:
        params: dict[str, Any] = {
            "amount": to_minor(amount, currency), "currency": currency.lower(), "customer": customer,
            "payment_method": payment_method, "confirm": True, "metadata": {"pledge_id": str(pledge_id)},
        }
        if off_session:
            params["off_session"] = True
        return self.client.v1.payment_intents.create(params=params,  # type: ignore[arg-type]
                                                     options={"idempotency_key": key})

    def refund(self, payment_intent: str, *, key: str, pledge_id: int) -> stripe.Refund:
        return self.client.v1.refunds.create(
            params={"payment_intent": payment_intent, "metadata": {"pledge_id": str(pledge_id)}},
            options={"idempotency_key": key})

    def checkout_url(self, *, mode: str, amount: Decimal, currency: str, customer: str, pledge_id: int,
                     title: str, success_url: str, cancel_url: str) -> tuple[str, str]:
        """A hosted Checkout page (setup mode saves the card, payment mode charges now): (id, url)."""
        params: dict[str, Any] = {
            "mode": mode, "customer": customer, "success_url": success_url, "cancel_url": cancel_url,
            "metadata": {"pledge_id": str(pledge_id)}, "client_reference_id": str(pledge_id),
        }
        if mode == "payment":
            params["line_items"] = [{"quantity": 1, "price_data": {
                "currency": currency.lower(), "unit_amount": to_minor(amount, currency),
                "product_data": {"name": title}}}]
            params["payment_intent_data"] = {"metadata": {"pledge_id": str(pledge_id)}}
        else:
            params["currency"] = currency.lower()
            params["setup_intent_data"] = {"metadata": {"pledge_id": str(pledge_id)}}
        # No idempotency key: a page moves no money, and a member may come back for a fresh one.
        session = self.client.v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
        return str(session.id), str(session.url)

    def construct_event(self, payload: bytes, signature: str | None) -> stripe.Event:
        """Verify the Stripe-Signature header over the raw body; raises ValueError or SignatureVerificationError."""
        if not self.webhook_secret:
            raise ValueError("no webhook secret configured")
        return self.client.construct_event(payload, signature, self.webhook_secret)


def gateway_for(settings: Settings) -> BillingGateway | None:
    """The one gateway for these settings (built once, not per request); None without a secret key."""
    if not settings.stripe_secret_key:
        return None
    return _gateway(settings.stripe_secret_key, settings.stripe_webhook_secret, settings.stripe_api_base)


@lru_cache(maxsize=8)
def _gateway(secret_key: str, webhook_secret: str | None, api_base: str | None) -> BillingGateway:
    return BillingGateway(secret_key, webhook_secret, api_base)
