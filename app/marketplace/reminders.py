"""One reminder per unpaid promise, a few days before its campaign's deadline (a scheduled job).

A promise (bank transfer, mobile money) that is still awaiting its money when the deadline is
`PLEDGE_REMIND_DAYS` days away gets one mail with the reference, the accounts and the exact amounts again.
`reminded_at` is claimed by a compare-and-set before the mail is queued, so two runners, or a run
repeated, never send a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.billing import methods, receiving
from app.i18n import fmt_money
from app.marketplace.mails import account_lines
from app.marketplace.notify import N_, mail_user
from app.models import Listing, ListingState, Pledge, PledgeState, User
from app.settings import Settings


def due_reminders(session: Session, now: datetime, settings: Settings) -> int:
    """Queue the reminders that are due; the number queued."""
    manual = [m.identifier for m in methods.REGISTRY.values() if m.manual]
    horizon = now + timedelta(days=settings.pledge_remind_days)
    rows = session.exec(select(Pledge, Listing).join(Listing, col(Listing.id) == col(Pledge.listing_id)).where(
        Pledge.state == PledgeState.awaiting_payment.value, col(Pledge.method).in_(manual),
        col(Pledge.reminded_at).is_(None), Listing.state == ListingState.published.value,
        col(Listing.deadline) > now, col(Listing.deadline) <= horizon,
        # A promise made in the last day has just been told how to pay.
        col(Pledge.created_at) <= now - timedelta(days=1))).all()
    sent = 0
    for pledge, listing in rows:
        claimed = session.execute(update(Pledge).where(col(Pledge.id) == pledge.id, col(Pledge.reminded_at).is_(None))
                                  .values(reminded_at=now))
        member = session.get(User, pledge.member_id)
        if claimed.rowcount != 1 or member is None or member.deleted_at is not None:  # type: ignore[attr-defined]
            continue
        dues = receiving.dues(session, pledge, methods.get(pledge.method).account_kind)
        mail_user(session, member, N_("Reminder: your pledge %(reference)s is waiting for its payment — Passerelle"),
                  N_("Hello,\n\n“%(title)s” closes on %(deadline)s and your pledge of %(amount)s has not arrived "
                     "yet. To pay it, send exactly the amount shown to one of these accounts, quoting the reference "
                     "%(reference)s:\n%(accounts)s\n\nIf you have already sent it, thank you: staff will mark it "
                     "received when it arrives. Your receipt:\n%(url)s"),
                  title=listing.title, deadline=listing.deadline.strftime("%Y-%m-%d") if listing.deadline else "",
                  amount=fmt_money(pledge.amount, pledge.currency, member.locale), reference=pledge.reference,
                  accounts=account_lines(dues, member.locale) or "-", url=f"{settings.site_url}/my/pledges/{pledge.id}")
        sent += 1
    return sent
