"""A member's pledges under /my/pledges: states, printable receipts, cancelling, paying after a decline."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from app.accounts.guards import requires_login
from app.billing import methods, receiving
from app.errors import DomainError, NotFound
from app.flash import flash
from app.i18n import _
from app.marketplace import pledges, your_currency
from app.marketplace.public_pages import start_paying
from app.marketplace.web import page, signed_in
from app.models import Listing, Pledge, PledgeState, ProjectUpdate, User
from app.models.billing import SECURED_STATES
from app.settings import Settings

PAYABLE = {PledgeState.payment_failed.value, PledgeState.awaiting_payment.value}


def _mine(db: Session, pledge_id: int, user: User | None) -> tuple[Pledge, Listing]:
    pledge = db.get(Pledge, pledge_id)
    if pledge is None or pledge.member_id != signed_in(user).id:
        raise NotFound(_("We could not find this pledge among yours."))
    listing = db.get(Listing, pledge.listing_id)
    assert listing is not None
    return pledge, listing


class MemberPledgeController(Controller):
    path = "/my/pledges"
    guards = [requires_login]

    @get("/", sync_to_thread=True)
    def index(self, db: Session, user: User | None) -> Template:
        me = signed_in(user)
        rows = db.exec(select(Pledge, Listing).join(Listing, col(Listing.id) == col(Pledge.listing_id))
                       .where(Pledge.member_id == me.id).order_by(col(Pledge.id).desc())).all()
        backed = {listing.id for pledge, listing in rows if pledge.state in SECURED_STATES}
        updates = db.exec(select(ProjectUpdate, Listing).join(Listing, col(Listing.id) == col(ProjectUpdate.listing_id))
                          .where(col(ProjectUpdate.listing_id).in_(backed))
                          .order_by(col(ProjectUpdate.id).desc()).limit(20)).all() if backed else []
        return page("my_pledges", rows=rows, updates=updates)

    @get("/{pledge_id:int}", sync_to_thread=True)
    def receipt(self, request: Request[Any, Any, Any], pledge_id: int, db: Session, user: User | None,
                settings: Settings, checkout: str | None = None) -> Template:
        """`?checkout=done` is where Stripe's Checkout sends the member back; the payment itself is only
        believed from Stripe's signed webhook, which may arrive a moment later."""
        pledge, listing = _mine(db, pledge_id, user)
        yours = your_currency.approximate(db, pledge.amount, pledge.currency, your_currency.from_request(request))
        confirming = checkout == "done" and _card_payable(db, pledge, listing, settings)
        return page("pledge", pledge=pledge, listing=listing, member=signed_in(user), confirming=confirming,
                    can_cancel=pledges.can_cancel(pledge, listing, settings.pledge_cancel_hours),
                    cancel_until=pledges.cancel_deadline(listing, settings.pledge_cancel_hours),
                    can_pay=_card_payable(db, pledge, listing, settings), method=methods.get(pledge.method),
                    dues=receiving.dues(db, pledge, methods.get(pledge.method).account_kind), amount_yours=yours)

    @post("/{pledge_id:int}/cancel", sync_to_thread=True)
    def cancel(self, request: Request[Any, Any, Any], pledge_id: int, db: Session, user: User | None,
               settings: Settings) -> Redirect:
        pledge, listing = _mine(db, pledge_id, user)
        try:
            pledges.cancel(db, pledge, signed_in(user), listing, settings.pledge_cancel_hours)
        except DomainError as exc:
            db.rollback()
            flash(request, exc.message, "error")
            return Redirect(f"/my/pledges/{pledge_id}")
        db.commit()
        flash(request, _("Your pledge is cancelled."), "success")
        return Redirect(f"/my/pledges/{pledge_id}")

    @get("/{pledge_id:int}/pay", sync_to_thread=True)
    def pay_page(self, pledge_id: int, db: Session, user: User | None, settings: Settings) -> Template:
        pledge, listing = _mine(db, pledge_id, user)
        return page("pledge_pay", pledge=pledge, listing=listing,
                    payable=_card_payable(db, pledge, listing, settings))

    @post("/{pledge_id:int}/pay", sync_to_thread=True)
    def pay(self, request: Request[Any, Any, Any], pledge_id: int, db: Session, user: User | None,
            settings: Settings) -> Redirect:
        pledge, listing = _mine(db, pledge_id, user)
        if not _card_payable(db, pledge, listing, settings):
            flash(request, _("This pledge has nothing left to pay by card."), "info")
            return Redirect(f"/my/pledges/{pledge_id}")
        return start_paying(request, db, pledge, listing, signed_in(user), settings)


def _card_payable(db: Session, pledge: Pledge, listing: Listing, settings: Settings) -> bool:
    """A pledge paid online (not by hand) that still waits for its money, while its method is offered."""
    method = methods.get(pledge.method)
    return not method.manual and pledge.state in PAYABLE and method.available(db, listing, settings)
