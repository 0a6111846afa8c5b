"""Closing campaigns at their deadline: funded or expired, then charge or release, then tell everyone.

`close_due_campaigns` is what the scheduler and `passerelle campaigns close` run. It is safe to run
twice, or in two processes at once: listings are row-locked, moves are compare-and-set, and card
charges go through keyed PaymentAttempt rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from app.billing import payments
from app.billing.gateway import BillingGateway, gateway_for
from app.marketplace import vetting
from app.marketplace.format import money
from app.marketplace.notify import N_, mail_user
from app.marketplace.settlement import settle_stopped
from app.models import FundingModel, Listing, ListingState, Pledge, PledgeState, User
from app.models.base import utcnow
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)
S = ListingState
UNSET = object()


@dataclass
class CloseReport:
    funded: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    charges: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return (f"funded: {len(self.funded)}, expired: {len(self.expired)}, charges: "
                + (", ".join(f"{k} {v}" for k, v in sorted(self.charges.items())) or "none"))


def close_due_campaigns(session: Session, now: datetime | None = None, settings: Settings | None = None,
                        billing: BillingGateway | None | object = UNSET) -> CloseReport:
    """Close every published listing whose deadline has passed, then charge funded all-or-nothing pledges."""
    now = now or utcnow()
    settings = settings or get_settings()
    gateway = gateway_for(settings) if billing is UNSET else billing
    assert gateway is None or isinstance(gateway, BillingGateway)
    report = CloseReport()
    due = session.exec(select(Listing.id).where(Listing.state == S.published.value,
                                                col(Listing.deadline) <= now)).all()
    for listing_id in due:
        assert listing_id is not None
        listing = vetting.lock(session, listing_id)
        if listing.state != S.published.value:
            session.rollback()
            continue
        _close_one(session, listing, now, gateway)
        (report.funded if listing.state == S.funded.value else report.expired).append(listing.slug)
        session.commit()
    if gateway is not None:
        for pledge in _saved_cards_to_charge(session):
            state = payments.charge_saved_card(session, gateway, pledge, settings.site_url)
            report.charges[state.value] = report.charges.get(state.value, 0) + 1
    session.commit()
    return report


def _close_one(session: Session, listing: Listing, now: datetime, gateway: BillingGateway | None) -> None:
    session.refresh(listing)
    if listing.funding_model == FundingModel.keep_it_all.value:
        funded = listing.secured_total > 0
    else:
        funded = listing.secured_total >= listing.goal
    # the trail keeps this sentence as written (it is hashed): in English, amounts as an English reader writes them
    secured, goal = (money(value, listing.currency, "en") for value in (listing.secured_total, listing.goal))
    reason = f"campaign closed at its deadline: {secured} of {goal} secured"
    vetting.transition(session, listing, None, S.funded if funded else S.expired, reason, now=now)
    listing.closed_at = now
    session.add(listing)
    if not funded:
        settle_stopped(session, listing, gateway)
    _tell_everyone(session, listing, funded)


def _tell_everyone(session: Session, listing: Listing, funded: bool) -> None:
    values = {"title": listing.title, "total": listing.secured_total, "goal": listing.goal,
              "currency": listing.currency}
    promoter = session.get(User, listing.promoter_id)
    if promoter is not None:
        if funded:
            mail_user(session, promoter, N_("Your campaign is funded — Passerelle"),
                      N_("Hello,\n\n“%(title)s” closed with %(total)s %(currency)s secured for a goal of "
                         "%(goal)s %(currency)s. Programme staff will contact you about disbursement."), **values)
        else:
            mail_user(session, promoter, N_("Your campaign has closed — Passerelle"),
                      N_("Hello,\n\n“%(title)s” closed with %(total)s %(currency)s secured for a goal of "
                         "%(goal)s %(currency)s: the goal was not reached, so no pledge is collected."), **values)
    assert listing.id is not None
    backers = session.exec(select(User, Pledge).join(Pledge, col(Pledge.member_id) == col(User.id)).where(
        Pledge.listing_id == listing.id, col(Pledge.state).not_in([PledgeState.cancelled.value]))).all()
    for member, pledge in backers:
        if funded:
            mail_user(session, member, N_("A project you backed is funded — Passerelle"),
                      N_("Hello,\n\n“%(title)s” reached its goal. Your pledge %(reference)s of %(amount)s "
                         "%(pcurrency)s is now being collected; you can follow it under My pledges."),
                      reference=pledge.reference, amount=pledge.amount, pcurrency=pledge.currency, **values)
        else:
            mail_user(session, member, N_("A project you backed did not reach its goal — Passerelle"),
                      N_("Hello,\n\n“%(title)s” did not reach its goal. Your pledge %(reference)s is released: "
                         "nothing is charged, and any transfer you made will be sent back."),
                      reference=pledge.reference, **values)


def _saved_cards_to_charge(session: Session) -> list[Pledge]:
    return list(session.exec(select(Pledge).join(Listing, col(Listing.id) == col(Pledge.listing_id)).where(
        Pledge.state == PledgeState.card_saved.value,
        col(Listing.state).in_([S.funded.value, S.disbursing.value]),
        Listing.funding_model == FundingModel.all_or_nothing.value).order_by(col(Pledge.id))))
