"""The disbursement ledger: staff pay collected funds out to the promoter, milestone by milestone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session, col, func, select

from app.errors import BadInput, Conflict
from app.i18n import _
from app.marketplace import vetting
from app.marketplace.listings import milestones_of
from app.marketplace.money import read_amount
from app.models import Disbursement, Listing, ListingState, Pledge, PledgeState, User
from app.models.base import utcnow
from app.numbers import parse_date, parse_id

S = ListingState


def collected(session: Session, listing: Listing) -> Decimal:
    """Money actually received for the listing (paid pledges only: a saved card is not money yet)."""
    return Decimal(session.exec(select(func.coalesce(func.sum(Pledge.amount), 0)).where(
        Pledge.listing_id == listing.id, Pledge.state == PledgeState.paid.value)).one())


def ledger(session: Session, listing: Listing) -> list[Disbursement]:
    return list(session.exec(select(Disbursement).where(Disbursement.listing_id == listing.id)
                             .order_by(col(Disbursement.paid_on), col(Disbursement.id))))


def record(session: Session, listing: Listing, staff: User, data: dict[str, str]) -> Disbursement:
    """Add a ledger line; the first one moves a funded listing to `disbursing`."""
    if listing.state not in (S.funded.value, S.disbursing.value):
        raise Conflict(_("Disbursements are recorded for funded projects only."))
    amount = read_amount(data.get("amount", ""), listing.currency, field="amount",
                         invalid=_("Please enter the amount paid out."))
    paid_on = parse_date(data.get("paid_on", ""), field="paid_on", latest=(utcnow() + timedelta(days=1)).date(),
                         invalid=_("Please enter the payment date as YYYY-MM-DD."))
    reference = data.get("reference", "").strip()
    if not reference:
        raise BadInput(_("Please enter the bank or mobile-money reference of the payment."), field="reference")
    milestone_id = None
    if data.get("milestone_id"):
        ids = {m.id for m in milestones_of(session, listing)}
        milestone_id = parse_id(data["milestone_id"])
        if milestone_id is None or milestone_id not in ids:
            raise BadInput(_("Please choose one of the project's milestones."), field="milestone_id")
    already = sum((d.amount for d in ledger(session, listing)), start=Decimal(0))
    available = collected(session, listing)
    if already + amount > available:
        raise BadInput(_("This would pay out more than the %(available)s %(currency)s received.",
                         available=available, currency=listing.currency), field="amount")
    assert listing.id is not None and staff.id is not None
    entry = Disbursement(listing_id=listing.id, milestone_id=milestone_id, amount=amount, currency=listing.currency,
                         paid_on=paid_on, reference=reference[:120], recorded_by=staff.id)
    session.add(entry)
    if listing.state == S.funded.value:
        vetting.transition(session, listing, staff, S.disbursing, f"first disbursement: {amount} {listing.currency}")
    session.flush()
    return entry
