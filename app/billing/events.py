"""Stripe events, once verified: each one is a trigger to bring a pledge's state up to date.

Effects are idempotent on the pledge (compare-and-set moves, attempts keyed by Stripe id), and a
late or repeated event never walks a pledge backwards (a failure after a success is ignored).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from app.billing import payments
from app.billing.gateway import BillingGateway, to_minor
from app.billing.outcomes import Outcome, report
from app.models import AttemptKind, AttemptState, PaymentAttempt, Pledge, PledgeState
from app.numbers import parse_id

log = logging.getLogger(__name__)
P, A = PledgeState, AttemptState
Handler = Callable[[Session, dict[str, Any], BillingGateway, str], str]


class AmountMismatch(Exception):
    """The event's amount or currency differs from the pledge's: never applied, always logged."""


def _pledge(session: Session, obj: dict[str, Any]) -> Pledge | None:
    raw = (obj.get("metadata") or {}).get("pledge_id") or obj.get("client_reference_id")
    pledge_id = parse_id(raw)
    return session.get(Pledge, pledge_id) if pledge_id is not None else None


def _attempt(session: Session, pledge: Pledge, stripe_id: str, kind: AttemptKind) -> PaymentAttempt:
    """The attempt this Stripe object belongs to: by id, else the pending one we started, else a new row."""
    found = session.exec(select(PaymentAttempt).where(PaymentAttempt.stripe_id == stripe_id)).first()
    if found is None:
        found = session.exec(select(PaymentAttempt).where(
            PaymentAttempt.pledge_id == pledge.id, PaymentAttempt.kind == kind.value,
            PaymentAttempt.state == A.pending.value, PaymentAttempt.stripe_id.is_(None))).first()  # type: ignore[union-attr]
    if found is None:
        found = payments.new_attempt(session, pledge, kind, f"pledge:{pledge.id}:stripe:{stripe_id}")
    found.stripe_id = stripe_id
    return found


def check_amount(pledge: Pledge, amount: int | None, currency: str | None) -> None:
    expected = to_minor(pledge.amount, pledge.currency)
    if amount != expected or (currency or "").lower() != pledge.currency.lower():
        raise AmountMismatch(f"pledge {pledge.id} expects {expected} {pledge.currency.lower()}, "
                             f"event says {amount} {currency}")


def setup_succeeded(session: Session, obj: dict[str, Any], _gw: BillingGateway, _site: str) -> str:
    pledge = _pledge(session, obj)
    if pledge is None:
        return "no pledge"
    attempt = _attempt(session, pledge, obj["id"], AttemptKind.setup)
    state = payments.record_setup(session, pledge, attempt, obj["id"], "succeeded", obj.get("payment_method"))
    return f"setup {state.value}"


def payment_succeeded(session: Session, obj: dict[str, Any], _gw: BillingGateway, site: str) -> str:
    pledge = _pledge(session, obj)
    if pledge is None:
        return "no pledge"
    check_amount(pledge, obj.get("amount_received") or obj.get("amount"), obj.get("currency"))
    attempt = _attempt(session, pledge, obj["id"], AttemptKind.charge)
    payments.finish_attempt(session, attempt, A.succeeded, obj["id"])
    return "paid" if report(session, pledge, Outcome.paid, site) else "already up to date"


def payment_failed(session: Session, obj: dict[str, Any], _gw: BillingGateway, site: str) -> str:
    pledge = _pledge(session, obj)
    if pledge is None:
        return "no pledge"
    attempt = _attempt(session, pledge, obj["id"], AttemptKind.charge)
    if attempt.state == A.succeeded.value:
        return "ignored: the payment already succeeded"
    error = obj.get("last_payment_error") or {}
    payments.finish_attempt(session, attempt, A.failed, obj["id"], failure=error.get("code") or "failed")
    if report(session, pledge, Outcome.failed, site):
        return "payment failed; pay link sent"
    return "failure recorded"


def payment_canceled(session: Session, obj: dict[str, Any], _gw: BillingGateway, _site: str) -> str:
    pledge = _pledge(session, obj)
    if pledge is None:
        return "no pledge"
    attempt = _attempt(session, pledge, obj["id"], AttemptKind.charge)
    if attempt.state in (A.succeeded.value, A.failed.value):
        return "ignored: attempt already settled"
    payments.finish_attempt(session, attempt, A.canceled, obj["id"])
    return "canceled"


def charge_refunded(session: Session, obj: dict[str, Any], _gw: BillingGateway, _site: str) -> str:
    attempt = session.exec(select(PaymentAttempt).where(
        PaymentAttempt.stripe_id == obj.get("payment_intent"))).first() if obj.get("payment_intent") else None
    pledge = session.get(Pledge, attempt.pledge_id) if attempt else _pledge(session, obj)
    if pledge is None:
        return "no pledge"
    if obj.get("amount_refunded") != obj.get("amount"):
        log.warning("partial refund on pledge %s: %s of %s", pledge.id, obj.get("amount_refunded"), obj.get("amount"))
        return "partial refund noted"
    check_amount(pledge, obj.get("amount"), obj.get("currency"))
    return "refunded" if report(session, pledge, Outcome.refunded) else "already up to date"


def checkout_completed(session: Session, obj: dict[str, Any], gateway: BillingGateway, site: str) -> str:
    pledge = _pledge(session, obj)
    if pledge is None:
        return "no pledge"
    if obj.get("mode") == "setup" and obj.get("setup_intent"):
        intent = gateway.client.v1.setup_intents.retrieve(obj["setup_intent"])
        attempt = _attempt(session, pledge, str(intent.id), AttemptKind.setup)
        return "setup " + payments.record_setup(session, pledge, attempt, str(intent.id), str(intent.status),
                                                str(intent.payment_method)).value
    if obj.get("mode") == "payment" and obj.get("payment_status") == "paid":
        check_amount(pledge, obj.get("amount_total"), obj.get("currency"))
        return payment_succeeded(session, {"id": obj["payment_intent"], "metadata": obj.get("metadata"),
                                           "amount": obj.get("amount_total"), "currency": obj.get("currency")},
                                 gateway, site)
    return "checkout noted"


HANDLERS: dict[str, Handler] = {
    "setup_intent.succeeded": setup_succeeded,
    "payment_intent.succeeded": payment_succeeded,
    "payment_intent.payment_failed": payment_failed,
    "payment_intent.canceled": payment_canceled,
    "charge.refunded": charge_refunded,
    "checkout.session.completed": checkout_completed,
    # An expired Checkout page changes nothing: the pledge waits, and the member may try again.
    "checkout.session.expired": lambda _s, _o, _g, _site: "checkout expired",
}
