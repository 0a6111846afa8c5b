"""What billing reports about a pledge's payment; the marketplace, which listens, moves the pledge.

Billing never imports the marketplace (an import-linter contract): it calls `report`, and whoever owns
pledges registered with `listen` applies the outcome (a compare-and-set move, totals, mails).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlmodel import Session

from app.models import Pledge


class Outcome(StrEnum):
    secured = "secured"        # a card saved for a later charge: counts towards the goal
    paid = "paid"              # the money is in
    failed = "failed"          # a charge was declined: the member is asked to pay again
    refunded = "refunded"      # the money went back
    refund_due = "refund_due"  # money received by hand that staff must send back by hand
    pending = "pending"        # nothing to apply yet (a provider still working, a retry later)


Listener = Callable[[Session, Pledge, Outcome, str], bool]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def report(session: Session, pledge: Pledge, outcome: Outcome, site_url: str = "") -> bool:
    """Apply `outcome` to the pledge through the listeners (`site_url` for links in mails); True if it moved."""
    if outcome == Outcome.pending:
        return False
    if not _listeners:
        raise RuntimeError("no listener for payment outcomes: import app.marketplace.pledges")
    return any([listener(session, pledge, outcome, site_url) for listener in _listeners])
