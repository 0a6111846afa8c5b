"""The mails a member receives at each step of a pledge, in the member's language."""

from __future__ import annotations

from sqlmodel import Session

from app.billing import methods
from app.billing.outcomes import Outcome
from app.i18n import fmt_money
from app.marketplace.notify import N_, mail_user
from app.models import Listing, Pledge, ReceivingAccount, User
from app.settings import get_settings


def account_lines(accounts: list[ReceivingAccount]) -> str:
    lines = []
    for a in accounts:
        if a.iban:
            lines.append(f"- {a.holder} — IBAN {a.iban}" + (f" — BIC {a.bic}" if a.bic else "") + f" ({a.currency})")
        else:
            lines.append(f"- {a.holder} — {a.operator} {a.country} {a.number} ({a.currency})")
    return "\n".join(lines)


def pledge_made(session: Session, pledge: Pledge, listing: Listing, member: User, site_url: str) -> None:
    method = methods.get(pledge.method)
    values = {"title": listing.title, "reference": pledge.reference,
              "amount": fmt_money(pledge.amount, pledge.currency, member.locale),
              "url": f"{site_url}/my/pledges/{pledge.id}"}
    if method.manual:
        accounts = methods.accounts(session, method.account_kind)
        mail_user(session, member, N_("Your pledge %(reference)s — how to pay — Passerelle"),
                  N_("Hello,\n\nThank you for your pledge to “%(title)s”.\n\nPlease send exactly %(amount)s, "
                     "quoting the reference %(reference)s, to:\n%(accounts)s\n\nYour pledge counts towards the "
                     "goal once programme staff see the money arrive. Your receipt:\n%(url)s"),
                  accounts=account_lines(accounts) or "-", **values)
    else:
        mail_user(session, member, N_("Your pledge %(reference)s — Passerelle"),
                  N_("Hello,\n\nThank you for your pledge of %(amount)s to “%(title)s” (reference %(reference)s), "
                     "by card. Your receipt:\n%(url)s"), **values)


def on_outcome(session: Session, pledge: Pledge, outcome: Outcome, site_url: str) -> None:
    member = session.get(User, pledge.member_id)
    if member is None:
        return
    site_url = site_url or get_settings().site_url
    values = {"reference": pledge.reference, "amount": fmt_money(pledge.amount, pledge.currency, member.locale),
              "url": f"{site_url}/my/pledges/{pledge.id}"}
    if outcome == Outcome.paid:
        mail_user(session, member, N_("Payment received for %(reference)s — Passerelle"),
                  N_("Hello,\n\nWe have received your payment of %(amount)s for the pledge %(reference)s. Thank "
                     "you!\n\nYour receipt:\n%(url)s"), **values)
    elif outcome == Outcome.failed:
        mail_user(session, member, N_("Your pledge needs your attention — Passerelle"),
                  N_("Hello,\n\nYour card could not be charged for your pledge %(reference)s (%(amount)s).\n\n"
                     "Please pay on this page within 7 days to keep your pledge:\n%(url)s/pay\n\nThank you."),
                  **values)
    elif outcome in (Outcome.refunded, Outcome.refund_due):
        mail_user(session, member, N_("Your pledge %(reference)s is being refunded — Passerelle"),
                  N_("Hello,\n\nThe %(amount)s of your pledge %(reference)s are sent back to you.\n\n%(url)s"),
                  **values)
