"""The mails a member receives at each step of a pledge, in the member's language."""

from __future__ import annotations

from sqlmodel import Session

from app.billing import methods, receiving
from app.billing.outcomes import Outcome
from app.billing.receiving import Due
from app.i18n import fmt_money
from app.marketplace.notify import N_, mail_user
from app.models import Listing, Pledge, User
from app.settings import get_settings


def account_lines(dues: list[Due], locale: str) -> str:
    """One line per account: the exact amount in the account's currency, then where it goes."""
    lines = []
    for due in dues:
        a, amount = due.account, fmt_money(due.amount, due.currency, locale)
        if a.iban:
            lines.append(f"- {amount} → IBAN {receiving.grouped(a.iban)}" + (f" — BIC {a.bic}" if a.bic else "")
                         + f" — {a.holder}")
        else:
            lines.append(f"- {amount} → {due.operator_label} ({a.country}) {a.number} — {a.holder}")
    return "\n".join(lines)


def pledge_made(session: Session, pledge: Pledge, listing: Listing, member: User, site_url: str) -> None:
    method = methods.get(pledge.method)
    values = {"title": listing.title, "reference": pledge.reference,
              "amount": fmt_money(pledge.amount, pledge.currency, member.locale),
              "url": f"{site_url}/my/pledges/{pledge.id}"}
    if method.manual:
        dues = receiving.dues(session, pledge, method.account_kind)
        if not dues:
            mail_user(session, member, N_("Your pledge %(reference)s — how to pay — Passerelle"),
                      N_("Hello,\n\nThank you for your pledge of %(amount)s to “%(title)s” (reference "
                         "%(reference)s).\n\nProgramme staff will send you the account details by e-mail. Your "
                         "receipt:\n%(url)s"), **values)
            return
        mail_user(session, member, N_("Your pledge %(reference)s — how to pay — Passerelle"),
                  N_("Hello,\n\nThank you for your pledge of %(amount)s to “%(title)s”.\n\nPlease send exactly "
                     "the amount shown to one of these accounts, quoting the reference %(reference)s:\n"
                     "%(accounts)s\n\nYour pledge counts towards the goal once programme staff see the money "
                     "arrive. Your receipt:\n%(url)s"),
                  accounts=account_lines(dues, member.locale), **values)
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
