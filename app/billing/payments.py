"""Pledge payments through Stripe: save a card, charge it, refund it; one PaymentAttempt row per call.

Callers commit; `charge_saved_card` commits its attempt row *before* calling Stripe, so a second run of
the close job finds the attempt and never charges again (localstripe ignores Idempotency-Key; Stripe
itself would also refuse a second charge under the same key).
"""

from __future__ import annotations

import logging

import stripe
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.billing.gateway import BillingError, BillingGateway
from app.billing.outcomes import Outcome, report
from app.models import AttemptKind, AttemptState, PaymentAttempt, Pledge, PledgeCard, PledgeState, User
from app.models.base import utcnow

log = logging.getLogger(__name__)
P, A = PledgeState, AttemptState


def attempt_for(session: Session, key: str) -> PaymentAttempt | None:
    return session.exec(select(PaymentAttempt).where(PaymentAttempt.idempotency_key == key)).first()


def new_attempt(session: Session, pledge: Pledge, kind: AttemptKind, key: str) -> PaymentAttempt:
    assert pledge.id is not None
    attempt = PaymentAttempt(pledge_id=pledge.id, kind=kind.value, amount=pledge.amount,
                             currency=pledge.currency, idempotency_key=key)
    session.add(attempt)
    session.flush()
    return attempt


def finish_attempt(session: Session, attempt: PaymentAttempt, state: AttemptState, stripe_id: str | None = None,
            failure: str | None = None) -> None:
    attempt.state, attempt.updated_at = state.value, utcnow()
    attempt.stripe_id = stripe_id or attempt.stripe_id
    attempt.failure_code = failure
    session.add(attempt)
    session.flush()


def card_of(session: Session, pledge: Pledge) -> PledgeCard:
    """Billing's row for a card pledge (made on first use): its Stripe customer and saved card."""
    assert pledge.id is not None
    card = session.get(PledgeCard, pledge.id)
    if card is None:
        card = PledgeCard(pledge_id=pledge.id)
        session.add(card)
    return card


def ensure_customer(session: Session, gateway: BillingGateway, pledge: Pledge, member: User) -> str:
    card = card_of(session, pledge)
    if not card.customer_id:
        assert member.id is not None
        card.customer_id = gateway.create_customer(member.email, member.id)
        session.add(card)
    return card.customer_id


def save_card(session: Session, gateway: BillingGateway, pledge: Pledge, member: User,
              payment_method: str) -> AttemptState:
    """All-or-nothing: keep the card for an off-session charge if the campaign succeeds."""
    customer = ensure_customer(session, gateway, pledge, member)
    attempt = attempt_for(session, f"pledge:{pledge.id}:setup:v1") or new_attempt(
        session, pledge, AttemptKind.setup, f"pledge:{pledge.id}:setup:v1")
    assert pledge.id is not None
    try:
        intent = gateway.save_card(customer, payment_method, pledge.id)
    except stripe.CardError as exc:
        finish_attempt(session, attempt, A.failed, failure=exc.code)
        return A.failed
    return record_setup(session, pledge, attempt, str(intent.id), str(intent.status), str(intent.payment_method))


def record_setup(session: Session, pledge: Pledge, attempt: PaymentAttempt, intent_id: str, status: str,
                 payment_method: str | None) -> AttemptState:
    """Shared by the direct call and the webhook: a succeeded SetupIntent secures the pledge."""
    if status != "succeeded":
        finish_attempt(session, attempt, A.requires_action if status == "requires_action" else A.pending, intent_id)
        return AttemptState(attempt.state)
    finish_attempt(session, attempt, A.succeeded, intent_id)
    card = card_of(session, pledge)
    card.payment_method_id = payment_method
    session.add(card)
    report(session, pledge, Outcome.secured)
    return A.succeeded


def pay_now(session: Session, gateway: BillingGateway, pledge: Pledge, member: User,
            payment_method: str) -> AttemptState:
    """Keep-it-all, or a member paying on-session after a failed charge: money is taken now."""
    customer = ensure_customer(session, gateway, pledge, member)
    number = len(session.exec(select(PaymentAttempt).where(PaymentAttempt.pledge_id == pledge.id)).all())
    attempt = new_attempt(session, pledge, AttemptKind.charge, f"pledge:{pledge.id}:pay:{number}")
    return _charge(session, gateway, pledge, attempt, customer, payment_method, off_session=False)


def charge_saved_card(session: Session, gateway: BillingGateway, pledge: Pledge, site_url: str) -> AttemptState:
    """Charge a saved card once the campaign has succeeded; safe to call any number of times."""
    key = f"pledge:{pledge.id}:charge:v1"
    attempt = attempt_for(session, key)
    if attempt is not None and (attempt.state != A.pending.value or attempt.stripe_id):
        return AttemptState(attempt.state)
    if attempt is None:
        try:
            attempt = new_attempt(session, pledge, AttemptKind.charge, key)
            session.commit()
        except IntegrityError:  # another runner recorded the same attempt first
            session.rollback()
            return A.pending
    card = card_of(session, pledge)
    assert card.customer_id and card.payment_method_id
    state = _charge(session, gateway, pledge, attempt, card.customer_id, card.payment_method_id,
                    off_session=True, site_url=site_url)
    session.commit()
    return state


def _charge(session: Session, gateway: BillingGateway, pledge: Pledge, attempt: PaymentAttempt, customer: str,
            payment_method: str, *, off_session: bool, site_url: str = "") -> AttemptState:
    assert pledge.id is not None
    try:
        intent = gateway.charge(pledge.amount, pledge.currency, customer, payment_method,
                                key=attempt.idempotency_key, pledge_id=pledge.id, off_session=off_session)
    except stripe.CardError as exc:
        # Declines and authentication_required both land here for off-session charges.
        finish_attempt(session, attempt, A.failed, failure=exc.code)
        report(session, pledge, Outcome.failed, site_url)
        return A.failed
    except BillingError:
        log.exception("Stripe call failed for pledge %s; the attempt stays pending for a retry", pledge.id)
        return A.pending
    if intent.status == "succeeded":
        finish_attempt(session, attempt, A.succeeded, str(intent.id))
        report(session, pledge, Outcome.paid, site_url)
        return A.succeeded
    if intent.status == "requires_action":
        finish_attempt(session, attempt, A.requires_action, str(intent.id), failure="authentication_required")
        report(session, pledge, Outcome.failed, site_url)
        return A.requires_action
    finish_attempt(session, attempt, A.pending, str(intent.id))  # processing: the webhook will tell
    return A.pending


def refund(session: Session, gateway: BillingGateway, pledge: Pledge) -> bool:
    """Give a card payment back (suspension); the refund is keyed so it happens once."""
    paid = session.exec(select(PaymentAttempt).where(
        PaymentAttempt.pledge_id == pledge.id, PaymentAttempt.kind == AttemptKind.charge.value,
        PaymentAttempt.state == A.succeeded.value)).first()
    if paid is None or paid.stripe_id is None:
        return False
    key = f"pledge:{pledge.id}:refund:v1"
    attempt = attempt_for(session, key)
    if attempt is not None and attempt.state == A.succeeded.value:
        return False
    attempt = attempt or new_attempt(session, pledge, AttemptKind.refund, key)
    assert pledge.id is not None
    try:
        result = gateway.refund(paid.stripe_id, key=key, pledge_id=pledge.id)
    except BillingError as exc:
        log.error("refund of pledge %s failed: %s", pledge.id, exc)
        finish_attempt(session, attempt, A.failed, failure=getattr(exc, "code", None) or "error")
        return False
    finish_attempt(session, attempt, A.succeeded if result.status == "succeeded" else A.pending, str(result.id))
    return True
