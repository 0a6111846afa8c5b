"""The append-only audit trail of listing state changes, each row chained to the previous by a hash.

Per listing, row n stores `prev_hash` = hash of row n-1 ("" for the first) and `hash` = SHA-256 over its
own fields and `prev_hash`; the listing keeps the newest hash in `audit_head`, so editing, deleting or
reordering rows, or changing a listing's state behind the trail's back, is detected by `verify`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.errors import Conflict
from app.i18n import _
from app.models import AuditEntry, Listing
from app.models.base import aware, utcnow


def entry_hash(entry: AuditEntry) -> str:
    created = aware(entry.created_at)
    assert created is not None
    payload = {
        "listing": entry.listing_id, "actor": entry.actor_id, "from": entry.from_state, "to": entry.to_state,
        "reason": entry.reason, "checklist": entry.checklist,
        # Microseconds are dropped: not every database keeps them.
        "at": created.replace(microsecond=0).isoformat(), "prev": entry.prev_hash,
    }
    # A need's or a host's row names its subject; a listing's row keeps the shape it always had.
    if entry.need_id is not None:
        payload["need"] = entry.need_id
    if entry.host_id is not None:
        payload["host"] = entry.host_id
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def append(session: Session, listing: Listing, actor_id: int | None, from_state: str, to_state: str,
           reason: str, checklist: str, at: datetime | None = None) -> AuditEntry:
    """Add the next row of the listing's chain; the caller holds the listing's row lock."""
    assert listing.id is not None
    entry = AuditEntry(listing_id=listing.id, actor_id=actor_id, from_state=from_state, to_state=to_state,
                       reason=reason, checklist=checklist, prev_hash=listing.audit_head,
                       created_at=(at or utcnow()).replace(microsecond=0), hash="")
    entry.hash = entry_hash(entry)
    # The chain grows only from the head this transaction read: a concurrent append loses cleanly
    # instead of forking the chain.
    grown = session.execute(update(Listing).where(col(Listing.id) == listing.id,
                                                  col(Listing.audit_head) == listing.audit_head)
                            .values(audit_head=entry.hash))
    if grown.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("Someone else changed this project a moment ago. Please reload the page."))
    listing.audit_head = entry.hash
    session.add(entry)
    session.add(listing)
    return entry


@dataclass(frozen=True)
class Problem:
    listing_id: int
    entry_id: int | None
    message: str


def verify(session: Session) -> list[Problem]:
    """Every inconsistency in every listing's chain; an empty list means the trail is intact."""
    problems: list[Problem] = []
    entries: dict[int, list[AuditEntry]] = {}
    fresh = {"populate_existing": True}  # what the database holds now, not what this session remembers
    for entry in session.exec(select(AuditEntry).where(col(AuditEntry.listing_id).is_not(None))
                              .order_by(col(AuditEntry.listing_id), col(AuditEntry.id))
                              .execution_options(**fresh)):
        assert entry.listing_id is not None
        entries.setdefault(entry.listing_id, []).append(entry)
    for listing in session.exec(select(Listing).order_by(col(Listing.id)).execution_options(**fresh)):
        assert listing.id is not None
        chain = entries.pop(listing.id, [])
        previous = ""
        for entry in chain:
            if entry.prev_hash != previous:
                problems.append(Problem(listing.id, entry.id, "broken link: a row was removed or reordered"))
            if entry_hash(entry) != entry.hash:
                problems.append(Problem(listing.id, entry.id, "row edited: its hash does not match"))
            previous = entry.hash
        if previous != listing.audit_head:
            problems.append(Problem(listing.id, None, "the newest row is missing or was replaced"))
        last_state = chain[-1].to_state if chain else "draft"
        if last_state != listing.state:
            problems.append(Problem(listing.id, None,
                                    f"state {listing.state!r} was set outside the workflow (trail ends at "
                                    f"{last_state!r})"))
    for listing_id, orphans in entries.items():
        problems.append(Problem(listing_id, orphans[0].id, "rows for a listing that no longer exists"))
    return problems
