"""The listing lifecycle: explicit states, who may move a listing where, and one audit row per move.

    draft -> submitted -> (changes_requested -> submitted)* -> approved -> published -> funded | expired
    funded -> disbursing -> completed;  published | funded -> suspended;  submitted -> rejected
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.errors import BadInput, Conflict, Forbidden
from app.i18n import _
from app.marketplace import audit, checklist
from app.marketplace.labels import LABEL_FILTERS
from app.marketplace.money import in_eur
from app.models import Approval, AuditEntry, Listing, ListingDocument, User
from app.models import ListingState as S
from app.models.base import utcnow
from app.settings import Settings

if TYPE_CHECKING:
    from app.billing.gateway import BillingGateway

TRANSITIONS: dict[S, frozenset[S]] = {
    S.draft: frozenset({S.submitted}),
    S.submitted: frozenset({S.changes_requested, S.rejected, S.approved}),
    S.changes_requested: frozenset({S.submitted}),
    S.approved: frozenset({S.published}),
    S.published: frozenset({S.funded, S.expired, S.suspended}),
    S.funded: frozenset({S.disbursing, S.suspended}),
    S.disbursing: frozenset({S.completed}),
}
listing_state = LABEL_FILTERS["listing_state"]
EDITABLE = frozenset({S.draft.value, S.changes_requested.value})


def lock(session: Session, listing_id: int) -> Listing:
    """The listing, locked for the rest of the transaction: a row lock on PostgreSQL; on SQLite, which has
    no row locks, a first write takes the database's write lock, so the reads that follow see every
    committed change and no other writer interleaves (call it first in the transaction)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Listing).where(col(Listing.id) == listing_id).values(id=col(Listing.id)))
    listing = session.exec(select(Listing).where(Listing.id == listing_id).with_for_update()
                           .execution_options(populate_existing=True)).first()
    if listing is None:
        raise Conflict(_("This project no longer exists."))
    return listing


def transition(session: Session, listing: Listing, actor: User | None, to: S, reason: str = "",
               now: datetime | None = None) -> AuditEntry:
    """Move the (locked) listing to `to` if the lifecycle allows it, and chain the audit row."""
    current = S(listing.state)
    if to not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(_("A project in state “%(state)s” cannot move to “%(to)s”.",
                         state=listing_state(current.value), to=listing_state(to.value)))
    # Compare-and-set: if another request moved the listing since we read it, this one loses cleanly.
    moved = session.execute(update(Listing).where(col(Listing.id) == listing.id,
                                                  col(Listing.state) == current.value).values(state=to.value))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("Someone else changed this project a moment ago. Please reload the page."))
    items = checklist.items_for(session, listing)
    entry = audit.append(session, listing, actor.id if actor else None, current.value, to.value,
                         reason.strip(), checklist.snapshot(items), now)
    listing.state = to.value
    listing.updated_at = now or utcnow()
    session.add(listing)
    session.flush()
    return entry


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Only programme staff can do this."))


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise BadInput(_("Please give a reason: the promoter will read it."), field="reason")


def submit(session: Session, listing: Listing, actor: User) -> AuditEntry:
    if listing.promoter_id != actor.id:
        raise Forbidden(_("Only the promoter of a project can submit it."))
    documents = session.exec(select(func.count()).select_from(ListingDocument).where(
        ListingDocument.listing_id == listing.id, ListingDocument.kind != "photo")).one()
    if not documents:
        raise BadInput(_("Add at least one document (for example the registration certificate) before "
                         "submitting."), field="document")
    listing.submission_round += 1
    listing.submitted_at = utcnow()
    return transition(session, listing, actor, S.submitted)


def request_changes(session: Session, listing: Listing, actor: User, reason: str) -> AuditEntry:
    _require_staff(actor)
    _require_reason(reason)
    return transition(session, listing, actor, S.changes_requested, reason)


def reject(session: Session, listing: Listing, actor: User, reason: str) -> AuditEntry:
    _require_staff(actor)
    _require_reason(reason)
    return transition(session, listing, actor, S.rejected, reason)


def approvals_needed(listing: Listing, settings: Settings) -> int:
    return 2 if in_eur(listing.goal, listing.currency) > settings.second_approval_above else 1


def approvals_of(session: Session, listing: Listing) -> list[Approval]:
    """This submission round's approvals, as the database holds them now."""
    return list(session.exec(select(Approval).where(
        Approval.listing_id == listing.id, Approval.submission_round == listing.submission_round)
        .order_by(col(Approval.id)).execution_options(populate_existing=True)))


def approve(session: Session, listing: Listing, actor: User, settings: Settings, note: str = "") -> bool:
    """Record this staff member's approval of the (locked) listing, with its own audit row; True once
    enough approvals from different people move the listing to approved.

    Four eyes as a compare-and-set: the listing is locked, the approvals are counted fresh under the lock,
    and the audit chain only grows from the head it was read at, so two staff approving at the same
    moment give one transition with both of them in the trail; the same person twice gets a 409."""
    _require_staff(actor)
    if listing.promoter_id == actor.id:
        raise Forbidden(_("You cannot approve your own project."))
    if listing.state != S.submitted.value:
        raise Conflict(_("Only a submitted project can be approved."))
    items = checklist.items_for(session, listing)
    blocking = checklist.blocking_items(items)
    if blocking:
        raise BadInput(_("Every checklist item must pass, or be waived with a note, before approval. "
                         "Still open: %(items)s.", items=", ".join(checklist.label(i.code) for i in blocking)),
                       field="checklist")
    given = approvals_of(session, listing)
    already = Conflict(_("You have already approved this submission; another staff member must approve it."))
    if any(a.staff_id == actor.id for a in given):
        raise already
    assert listing.id is not None and actor.id is not None
    try:
        with session.begin_nested():
            session.add(Approval(listing_id=listing.id, submission_round=listing.submission_round, staff_id=actor.id))
    except IntegrityError:
        raise already from None
    if len(given) + 1 < approvals_needed(listing, settings):
        # Not a state change, but a decision: it gets its own chained row (who, when, which checklist).
        audit.append(session, listing, actor.id, S.submitted.value, S.submitted.value, note.strip(),
                     checklist.snapshot(items))
        session.flush()
        return False
    transition(session, listing, actor, S.approved, note)
    return True


def publish(session: Session, listing: Listing, actor: User, now: datetime | None = None) -> AuditEntry:
    _require_staff(actor)
    now = now or utcnow()
    listing.published_at = now
    listing.deadline = now + timedelta(days=listing.campaign_days)
    return transition(session, listing, actor, S.published, now=now)


def suspend(session: Session, listing: Listing, actor: User, reason: str,
            billing: BillingGateway | None = None) -> AuditEntry:
    """Stop the campaign; every pledge is released, or refunded when money was taken."""
    from app.marketplace.settlement import settle_stopped

    _require_staff(actor)
    _require_reason(reason)
    entry = transition(session, listing, actor, S.suspended, reason)
    settle_stopped(session, listing, billing)
    return entry


def complete(session: Session, listing: Listing, actor: User) -> AuditEntry:
    _require_staff(actor)
    return transition(session, listing, actor, S.completed)
