"""The trail of what people did with the programme's money: accounts set up or closed, statements
uploaded, lines matched or ignored, payments marked received. Rows are only ever added."""

from __future__ import annotations

import json

from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import PaymentAuditEntry, User

ACTIONS = {
    "account_added": N_("account added"), "account_deactivated": N_("account no longer shown"),
    "account_activated": N_("account shown again"), "statement_uploaded": N_("statement uploaded"),
    "line_matched": N_("line matched to a pledge"), "line_ignored": N_("line set aside"),
    "pledge_received": N_("payment marked received by hand"), "pledge_refunded": N_("refund marked as sent"),
}


def record(session: Session, actor: User | None, action: str, *, account_id: int | None = None,
           pledge_id: int | None = None, line_id: int | None = None, **detail: object) -> PaymentAuditEntry:
    entry = PaymentAuditEntry(actor_id=actor.id if actor else None, action=action, account_id=account_id,
                              pledge_id=pledge_id, line_id=line_id,
                              detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str))
    session.add(entry)
    return entry


def latest(session: Session, limit: int = 50, *, accounts_only: bool = False
           ) -> list[tuple[PaymentAuditEntry, User | None, dict[str, object]]]:
    """The newest rows with who did it and what they said, newest first."""
    query = select(PaymentAuditEntry, User).outerjoin(User, col(User.id) == col(PaymentAuditEntry.actor_id))
    if accounts_only:
        query = query.where(col(PaymentAuditEntry.account_id).is_not(None))
    rows = session.exec(query.order_by(col(PaymentAuditEntry.id).desc()).limit(limit)).all()
    return [(entry, actor, json.loads(entry.detail or "{}")) for entry, actor in rows]
