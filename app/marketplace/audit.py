"""The append-only audit trail of what staff vet (listings, skills needs, host institutions), each row chained
to the previous one of its subject by a hash.

Per subject, row n stores `prev_hash` = hash of row n-1 ("" for the first) and `hash` = SHA-256 over its own
fields and `prev_hash`; the subject keeps the newest hash in `audit_head`, so editing, deleting or reordering
rows, or changing a subject's state behind the trail's back, is detected by `verify`.

The marketplace knows the skills tables (they live in app.models) but never imports app.skills: the trail is
one mechanism for every subject, and the skills workflows call `append` as the listing workflow does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.errors import Conflict
from app.i18n import _
from app.models import AuditEntry, Host, Listing, Need
from app.models.base import aware, utcnow

Subject = Listing | Need | Host
# subject kind -> (table, the audit column naming it, the state its chain starts from)
SUBJECTS: dict[str, tuple[Any, Any, str]] = {
    "listing": (Listing, AuditEntry.listing_id, "draft"),
    "need": (Need, AuditEntry.need_id, "draft"),
    "host": (Host, AuditEntry.host_id, "pending"),
}


def kind_of(subject: Subject) -> str:
    return "listing" if isinstance(subject, Listing) else "need" if isinstance(subject, Need) else "host"


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


def append(session: Session, subject: Subject, actor_id: int | None, from_state: str, to_state: str,
           reason: str, checklist: str, at: datetime | None = None) -> AuditEntry:
    """Add the next row of the subject's chain (a listing, a need or a host); the caller holds its row lock."""
    assert subject.id is not None
    kind = kind_of(subject)
    table = SUBJECTS[kind][0]
    entry = AuditEntry(actor_id=actor_id, from_state=from_state, to_state=to_state, reason=reason,
                       checklist=checklist, prev_hash=subject.audit_head,
                       created_at=(at or utcnow()).replace(microsecond=0), hash="")
    setattr(entry, f"{kind}_id", subject.id)
    entry.hash = entry_hash(entry)
    # The chain grows only from the head this transaction read: a concurrent append loses cleanly
    # instead of forking the chain.
    grown = session.execute(update(table).where(col(table.id) == subject.id,
                                                col(table.audit_head) == subject.audit_head)
                            .values(audit_head=entry.hash))
    if grown.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("Someone else changed this project a moment ago. Please reload the page.") if kind == "listing"
                       else _("Someone else changed this page a moment ago. Please reload the page."))
    subject.audit_head = entry.hash
    session.add(entry)
    session.add(subject)
    return entry


@dataclass(frozen=True)
class Problem:
    subject_id: int
    entry_id: int | None
    message: str
    subject: str = "listing"  # "listing", "need" or "host"

    @property
    def listing_id(self) -> int | None:
        return self.subject_id if self.subject == "listing" else None


def verify(session: Session) -> list[Problem]:
    """Every inconsistency in every chain (listings, needs, hosts); an empty list means the trail is intact."""
    problems: list[Problem] = []
    for kind in SUBJECTS:
        problems.extend(_verify_kind(session, kind))
    return problems


def _verify_kind(session: Session, kind: str) -> list[Problem]:
    table, column, first_state = SUBJECTS[kind]
    problems: list[Problem] = []
    entries: dict[int, list[AuditEntry]] = {}
    fresh = {"populate_existing": True}  # what the database holds now, not what this session remembers
    for entry in session.exec(select(AuditEntry).where(col(column).is_not(None))
                              .order_by(col(column), col(AuditEntry.id)).execution_options(**fresh)):
        subject_id = getattr(entry, f"{kind}_id")
        entries.setdefault(subject_id, []).append(entry)
    for subject in session.exec(select(table).order_by(col(table.id)).execution_options(**fresh)):
        chain = entries.pop(subject.id, [])
        previous = ""
        for entry in chain:
            if entry.prev_hash != previous:
                problems.append(Problem(subject.id, entry.id, "broken link: a row was removed or reordered", kind))
            if entry_hash(entry) != entry.hash:
                problems.append(Problem(subject.id, entry.id, "row edited: its hash does not match", kind))
            previous = entry.hash
        if previous != subject.audit_head:
            problems.append(Problem(subject.id, None, "the newest row is missing or was replaced", kind))
        last_state = chain[-1].to_state if chain else first_state
        if last_state != subject.state:
            problems.append(Problem(subject.id, None,
                                    f"state {subject.state!r} was set outside the workflow (trail ends at "
                                    f"{last_state!r})", kind))
    for subject_id, orphans in entries.items():
        problems.append(Problem(subject_id, orphans[0].id, f"rows for a {kind} that no longer exists", kind))
    return problems
