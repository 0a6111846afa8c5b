"""What happens to pledges when a campaign stops without funding (missed goal) or is suspended."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from app.billing import methods
from app.billing.outcomes import Outcome
from app.marketplace import pledges
from app.models import Listing, PledgeState

if TYPE_CHECKING:
    from app.billing.gateway import BillingGateway

P = PledgeState


def settle_stopped(session: Session, listing: Listing, billing: BillingGateway | None = None) -> dict[str, int]:
    """Release every pledge not paid; refund card payments; flag transfers for staff to send back."""
    assert listing.id is not None
    counts = {"released": 0, "refunded": 0, "refund_due": 0}
    for pledge in pledges.for_listing(session, listing.id):
        if pledge.state in (P.awaiting_payment, P.card_saved, P.payment_failed):
            if pledges.move(session, pledge, P.released, [P.awaiting_payment, P.card_saved, P.payment_failed]):
                counts["released"] += 1
        elif pledge.state == P.paid:
            outcome = methods.get(pledge.method).refund(session, pledge, billing)
            if pledges.apply_outcome(session, pledge, outcome):
                counts["refunded" if outcome == Outcome.refunded else "refund_due"] += 1
    return counts
