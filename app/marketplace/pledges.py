"""Pledges and the funding totals they feed: every state change goes through `move`.

`move` is a compare-and-set on the pledge's state, and the listing's secured total changes by an atomic
UPDATE in the same transaction, so concurrent pledges, webhooks and staff actions never double-count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.billing import audit, methods, outcomes, references
from app.billing.outcomes import Outcome
from app.errors import BadInput, Conflict, Forbidden
from app.i18n import _, fmt_money, fmt_number
from app.marketplace.money import from_eur, is_exact, quantize, read_amount
from app.models import Listing, ListingState, Pledge, PledgeMethod, PledgeState, User
from app.models.base import aware, utcnow
from app.models.billing import SECURED_STATES
from app.settings import Settings, get_settings

P = PledgeState
def parse_amount(raw: str, currency: str, minimum: Decimal | None = None, largest: Decimal | None = None) -> Decimal:
    """The amount a member pledges, from the project's minimum pledge (when given) up to its largest pledge (when
    given, else the money ceiling). The messages name the bounds as the form's hint does (``10 000 FCFA``) and the
    example is one the project takes (50, or its minimum when that is more)."""
    example = max(minimum or Decimal(50), Decimal(50))
    return read_amount(raw, currency, field="amount", minimum=minimum, maximum=largest,
                       invalid=_("Please enter an amount, for example %(example)s.",
                                 example=fmt_number(example, 0 if example == example.to_integral_value() else 2)),
                       too_small=None if minimum is None else _too_small(minimum, currency),
                       too_large=None if largest is None else _too_large(largest, currency))


def _too_small(minimum: Decimal, currency: str) -> str:
    return _("The minimum pledge for this project is %(min)s.", min=fmt_money(minimum, currency))


def _too_large(largest: Decimal, currency: str) -> str:
    return _("The largest pledge this project takes is %(max)s.", max=fmt_money(largest, currency))


def maximum(listing: Listing, settings: Settings) -> Decimal:
    """The largest pledge the listing takes: the programme's ceiling (in euros, CFA at the peg) or a
    multiple of the goal, whichever is lower."""
    ceiling = settings.pledge_ceiling if listing.currency == "EUR" else from_eur(settings.pledge_ceiling,
                                                                                 listing.currency)
    return quantize(min(ceiling, listing.goal * settings.pledge_goal_multiple), listing.currency)


def create(session: Session, listing: Listing, member: User, amount: Decimal, method: PledgeMethod | str,
           now: datetime | None = None, settings: Settings | None = None) -> Pledge:
    now = now or utcnow()
    settings = settings or get_settings()
    deadline = aware(listing.deadline)
    if listing.is_example:
        raise Conflict(_("This is an example project: it shows how the marketplace works and takes no pledges."))
    if listing.state != ListingState.published.value or deadline is None or deadline <= now:
        raise Conflict(_("This project is not taking pledges."))
    if listing.promoter_id == member.id:
        raise Forbidden(_("You cannot pledge to your own project."))
    if member.email_verified_at is None:
        raise Forbidden(_("Please confirm your e-mail address before pledging: open the link we sent you, or "
                          "ask for a new one on your account page."))
    if amount < listing.min_pledge:
        raise BadInput(_too_small(listing.min_pledge, listing.currency), field="amount")
    largest = maximum(listing, settings)
    if amount > largest:
        raise BadInput(_too_large(largest, listing.currency), field="amount")
    if not is_exact(amount, listing.currency):
        raise BadInput(_("Please use whole units of %(currency)s.", currency=listing.currency), field="amount")
    assert listing.id is not None and member.id is not None
    pledge = Pledge(listing_id=listing.id, member_id=member.id, amount=amount, currency=listing.currency,
                    method=PledgeMethod(method).value, reference=references.new(), created_at=now, updated_at=now)
    session.add(pledge)
    session.flush()
    return pledge


def move(session: Session, pledge: Pledge, to: PledgeState, from_states: Iterable[PledgeState],
         now: datetime | None = None) -> bool:
    """Move the pledge to `to` if it is still in one of `from_states`; False if another actor won."""
    now = now or utcnow()
    values: dict[str, object] = {"state": to.value, "updated_at": now}
    if to.value in SECURED_STATES:
        values["secured_at"] = now
    previous = None
    # One compare-and-set per allowed state: the one that matches tells, atomically, what the state was.
    for state in from_states:
        result = session.execute(update(Pledge).where(col(Pledge.id) == pledge.id, col(Pledge.state) == state.value)
                                 .values(**values))
        if result.rowcount == 1:  # type: ignore[attr-defined]
            previous = state.value
            break
    session.refresh(pledge)
    if previous is None:
        return False
    was_secured, secured_now = previous in SECURED_STATES, to.value in SECURED_STATES
    if was_secured != secured_now:
        sign = 1 if secured_now else -1
        delta = pledge.amount * sign
        session.execute(update(Listing).where(col(Listing.id) == pledge.listing_id).values(
            secured_total=col(Listing.secured_total) + delta,
            backer_count=col(Listing.backer_count) + sign, updated_at=now,
            funded_pct=(col(Listing.secured_total) + delta) * 100 / col(Listing.goal)))
    return True


def mark_received(session: Session, pledge: Pledge, staff: User) -> bool:
    """Staff confirm a transfer or mobile-money payment arrived; repeating it changes nothing."""
    if not staff.is_staff:
        raise Forbidden(_("Only programme staff can do this."))
    method = methods.get(pledge.method)
    if not method.manual:
        raise Conflict(_("Card payments are confirmed by Stripe, not by hand."))
    moved = apply_outcome(session, pledge, method.confirm(session, pledge, pledge.amount, pledge.currency))
    if moved:
        audit.record(session, staff, "pledge_received", pledge_id=pledge.id, reference=pledge.reference,
                     amount=pledge.amount, currency=pledge.currency)
    return moved


# How each payment outcome billing reports moves a pledge (compare-and-set from the states it may come from).
_MOVES: dict[Outcome, tuple[PledgeState, list[PledgeState]]] = {
    Outcome.secured: (P.card_saved, [P.awaiting_payment]),
    Outcome.paid: (P.paid, [P.card_saved, P.awaiting_payment, P.payment_failed]),
    Outcome.failed: (P.payment_failed, [P.card_saved]),
    Outcome.refunded: (P.refunded, [P.paid, P.refund_due]),
    Outcome.refund_due: (P.refund_due, [P.paid]),
}


def apply_outcome(session: Session, pledge: Pledge, outcome: Outcome, site_url: str = "") -> bool:
    """Billing's report about a pledge, applied: the move, then the member's mail if it moved."""
    if outcome not in _MOVES:
        return False
    to, from_states = _MOVES[outcome]
    moved = move(session, pledge, to, from_states)
    if moved:
        from app.marketplace import mails

        mails.on_outcome(session, pledge, outcome, site_url)
    return moved


outcomes.listen(apply_outcome)


def cancel_deadline(listing: Listing, hours: int) -> datetime | None:
    deadline = aware(listing.deadline)
    return deadline - timedelta(hours=hours) if deadline else None


def can_cancel(pledge: Pledge, listing: Listing, hours: int, now: datetime | None = None) -> bool:
    limit = cancel_deadline(listing, hours)
    return (listing.state == ListingState.published.value and limit is not None
            and (now or utcnow()) < limit
            and pledge.state in (P.awaiting_payment.value, P.card_saved.value))


def cancel(session: Session, pledge: Pledge, member: User, listing: Listing, hours: int,
           now: datetime | None = None) -> bool:
    if pledge.member_id != member.id:
        raise Forbidden(_("This is not your pledge."))
    if not can_cancel(pledge, listing, hours, now):
        raise Conflict(_("This pledge can no longer be cancelled: cancellations close %(hours)s hours "
                         "before the deadline.", hours=hours))
    return move(session, pledge, P.cancelled, [P.awaiting_payment, P.card_saved], now)


def for_listing(session: Session, listing_id: int) -> list[Pledge]:
    return list(session.exec(select(Pledge).where(Pledge.listing_id == listing_id).order_by(col(Pledge.id))))
