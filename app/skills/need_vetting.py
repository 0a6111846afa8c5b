"""The need lifecycle: explicit states, who may move a need where, one chained audit row per move.

    draft -> submitted -> (changes_requested -> submitted)* -> published | rejected
    published -> filled | closed | suspended

Staff publish only when every checklist item passes (or is waived with a note), never a need they posted or
whose project is theirs, and only when its host institution is approved (a promoter's need: when its project
is public). Every move is a compare-and-set on the need's state, so two staff deciding at once give one move.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.errors import BadInput, Conflict, Forbidden
from app.i18n import _
from app.marketplace import audit
from app.models import AuditEntry, Host, HostState, Listing, Need, User
from app.models import NeedState as S
from app.models.base import utcnow
from app.skills import need_checklist
from app.skills.needs import listing_is_public, state_label

TRANSITIONS: dict[S, frozenset[S]] = {
    S.draft: frozenset({S.submitted}),
    S.submitted: frozenset({S.changes_requested, S.rejected, S.published}),
    S.changes_requested: frozenset({S.submitted}),
    S.published: frozenset({S.filled, S.closed, S.suspended}),
}


def lock(session: Session, need_id: int) -> Need:
    """The need, locked for the rest of the transaction (a row lock on PostgreSQL; on SQLite a first write
    takes the database's write lock, as app.marketplace.vetting.lock explains)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Need).where(col(Need.id) == need_id).values(id=col(Need.id)))
    need = session.exec(select(Need).where(Need.id == need_id).with_for_update()
                        .execution_options(populate_existing=True)).first()
    if need is None:
        raise Conflict(_("This need no longer exists."))
    return need


def transition(session: Session, need: Need, actor: User | None, to: S, reason: str = "") -> AuditEntry:
    """Move the (locked) need to `to` if the lifecycle allows it, and chain the audit row."""
    current = S(need.state)
    if to not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(_("A need in state “%(state)s” cannot move to “%(to)s”.",
                         state=state_label(current.value), to=state_label(to.value)))
    moved = session.execute(update(Need).where(col(Need.id) == need.id, col(Need.state) == current.value)
                            .values(state=to.value))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("Someone else changed this need a moment ago. Please reload the page."))
    items = need_checklist.items_for(session, need)
    entry = audit.append(session, need, actor.id if actor else None, current.value, to.value, reason.strip(),
                         need_checklist.snapshot(items))
    need.state, need.updated_at = to.value, utcnow()
    session.add(need)
    session.flush()
    return entry


def _require_staff(actor: User, need: Need, session: Session) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Only programme staff can do this."))
    listing = session.get(Listing, need.listing_id) if need.listing_id else None
    host = session.get(Host, need.host_id) if need.host_id else None
    if actor.id in (need.posted_by, listing.promoter_id if listing else None, host.user_id if host else None):
        raise Forbidden(_("You cannot vet a need you posted yourself."))


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise BadInput(_("Please give a reason: the poster will read it."), field="reason")


def submit(session: Session, need: Need, actor: User) -> AuditEntry:
    if need.posted_by != actor.id:
        raise Forbidden(_("Only the poster of a need can submit it."))
    need.submission_round += 1
    need.submitted_at = utcnow()
    return transition(session, need, actor, S.submitted)


def request_changes(session: Session, need: Need, actor: User, reason: str) -> AuditEntry:
    _require_staff(actor, need, session)
    _require_reason(reason)
    return transition(session, need, actor, S.changes_requested, reason)


def reject(session: Session, need: Need, actor: User, reason: str) -> AuditEntry:
    _require_staff(actor, need, session)
    _require_reason(reason)
    return transition(session, need, actor, S.rejected, reason)


def publish(session: Session, need: Need, actor: User, note: str = "") -> AuditEntry:
    _require_staff(actor, need, session)
    if need.state != S.submitted.value:
        raise Conflict(_("Only a submitted need can be published."))
    if need.host_id is not None:
        host = session.exec(select(Host).where(Host.id == need.host_id)
                            .execution_options(populate_existing=True)).one()
        if host.state != HostState.approved.value:
            raise BadInput(_("The institution that posted this need is not approved yet: vet it first."),
                           field="host")
    elif not listing_is_public(session.get(Listing, need.listing_id)):
        raise BadInput(_("The project of this need is not public: it can be published once the project is."),
                       field="listing")
    blocking = need_checklist.blocking_items(need_checklist.items_for(session, need))
    if blocking:
        raise BadInput(_("Every checklist item must pass, or be waived with a note, before publishing. "
                         "Still open: %(items)s.", items=", ".join(need_checklist.label(i.code) for i in blocking)),
                       field="checklist")
    need.published_at = utcnow()
    return transition(session, need, actor, S.published, note)


def suspend(session: Session, need: Need, actor: User, reason: str) -> AuditEntry:
    _require_staff(actor, need, session)
    _require_reason(reason)
    return transition(session, need, actor, S.suspended, reason)


def finish(session: Session, need: Need, actor: User, outcome: S) -> AuditEntry:
    """The poster says the need is filled (no new offers) or closed (withdrawn, or its period is over)."""
    if need.posted_by != actor.id:
        raise Forbidden(_("Only the poster of a need can close it."))
    if outcome not in (S.filled, S.closed):
        raise BadInput(_("Please choose whether the need is filled or closed."), field="outcome")
    return transition(session, need, actor, outcome)
