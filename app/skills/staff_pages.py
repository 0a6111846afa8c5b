"""Programme staff's skills desk (/staff/skills), the vetting of host institutions (/staff/hosts...) and of
needs (/staff/needs/{id}: checklist, audit trail, decision)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlmodel import Session, col, func, select

from app.accounts.guards import staff_only
from app.errors import DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, check_form
from app.marketplace.web import Form, page, signed_in
from app.models import AuditEntry, ChecklistStatus, Host, HostState, Listing, Need, NeedState, User
from app.skills import hosts, need_checklist, need_vetting, needs

HOST_QUEUES = ("pending", "approved", "suspended", "rejected", "all")


def _trail(db: Session, column: Any, subject_id: int) -> list[tuple[AuditEntry, User | None, list[Any]]]:
    return [(entry, actor, json.loads(entry.checklist or "[]")) for entry, actor in db.exec(
        select(AuditEntry, User).outerjoin(User, col(User.id) == col(AuditEntry.actor_id))
        .where(column == subject_id).order_by(col(AuditEntry.id))).all()]


def host_context(db: Session, host: Host) -> dict[str, Any]:
    assert host.id is not None
    return dict(host=host, account=db.get(User, host.user_id), trail=_trail(db, AuditEntry.host_id, host.id),
                needs=db.exec(select(Need).where(Need.host_id == host.id).order_by(col(Need.id).desc())).all())


def need_context(db: Session, need: Need) -> dict[str, Any]:
    assert need.id is not None
    return dict(need=need, poster=db.get(User, need.posted_by),
                host=db.get(Host, need.host_id) if need.host_id else None,
                listing=db.get(Listing, need.listing_id) if need.listing_id else None,
                checklist=need_checklist.items_for(db, need), checklist_labels=need_checklist.ITEMS,
                statuses=[s.value for s in ChecklistStatus], trail=_trail(db, AuditEntry.need_id, need.id),
                provided=needs.provides_labels(need.provides))


# The decisions whose form shows a reason (a long text sent with another is answered for the whole form).
REASONED = frozenset({"reject", "suspend", "request-changes"})

class StaffSkillsController(Controller):
    guards = [staff_only]

    @get("/staff/skills", sync_to_thread=True)
    def desk(self, db: Session) -> Template:
        host_counts = dict(db.exec(select(Host.state, func.count()).group_by(col(Host.state))).all())
        need_counts = dict(db.exec(select(Need.state, func.count()).group_by(col(Need.state))).all())
        pending = db.exec(select(Host).where(Host.state == HostState.pending.value)
                          .order_by(col(Host.created_at), col(Host.id)).limit(50)).all()
        submitted = db.exec(select(Need).where(Need.state == NeedState.submitted.value)
                            .order_by(col(Need.submitted_at), col(Need.id)).limit(50)).all()
        host_names = dict(db.exec(select(Host.id, Host.name)).all()) if submitted else {}
        return page("staff_skills", host_counts=host_counts, need_counts=need_counts, pending=pending,
                    submitted=submitted, host_names=host_names, host_states=list(hosts.STATES),
                    need_states=list(needs.STATES))

    @get("/staff/hosts", sync_to_thread=True)
    def hosts_queue(self, db: Session, wanted: Annotated[str, Parameter(query="state")] = "pending") -> Template:
        state = wanted if wanted in HOST_QUEUES else "pending"
        query = select(Host).order_by(col(Host.created_at), col(Host.id))
        if state != "all":
            query = query.where(Host.state == state)
        counts = dict(db.exec(select(Host.state, func.count()).group_by(col(Host.state))).all())
        return page("staff_hosts", items=db.exec(query.limit(200)).all(), state=state, queues=HOST_QUEUES,
                    counts=counts)

    @get("/staff/hosts/{host_id:int}", sync_to_thread=True)
    def host(self, host_id: int, db: Session) -> Template:
        host = db.get(Host, host_id)
        if host is None:
            raise NotFound(_("We could not find this institution."))
        return page("staff_host", errors={}, form={}, **host_context(db, host))

    @post("/staff/hosts/{host_id:int}/approve", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def approve(self, request: Request[Any, Any, Any], host_id: int, data: Form, db: Session,
                user: User | None) -> Redirect:
        return self._host_act(request, db, host_id, "approve", data, user)

    @post("/staff/hosts/{host_id:int}/reject", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def reject_host(self, request: Request[Any, Any, Any], host_id: int, data: Form, db: Session,
                    user: User | None) -> Redirect:
        return self._host_act(request, db, host_id, "reject", data, user)

    @post("/staff/hosts/{host_id:int}/suspend", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def suspend_host(self, request: Request[Any, Any, Any], host_id: int, data: Form, db: Session,
                     user: User | None) -> Redirect:
        return self._host_act(request, db, host_id, "suspend", data, user)

    @post("/staff/hosts/{host_id:int}/reinstate", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def reinstate(self, request: Request[Any, Any, Any], host_id: int, data: Form, db: Session,
                  user: User | None) -> Redirect:
        return self._host_act(request, db, host_id, "reinstate", data, user)

    @staticmethod
    def _host_act(request: Request[Any, Any, Any], db: Session, host_id: int, action: str, data: dict[str, str],
                  user: User | None) -> Redirect:
        me = signed_in(user)
        host = hosts.lock(db, host_id)
        reason = data.get("reason", "")
        steps: dict[str, tuple[Callable[[Session, Host, User, str], object], str]] = {
                 "approve": (hosts.approve, _("The institution is approved: its needs can be published.")),
                 "reject": (hosts.reject, _("The institution is rejected.")),
                 "suspend": (hosts.suspend, _("The institution is suspended, and its published needs with it.")),
                 "reinstate": (hosts.reinstate, _("The institution is approved again."))}
        step, message = steps[action]
        try:
            check_form(data, ("reason",) if action in REASONED else ())
            step(db, host, me, reason)
        except DomainError as exc:
            db.rollback()
            fresh = db.get(Host, host_id)
            assert fresh is not None
            raise FormError.of(exc, "staff_host", form=data | {"_action": action},
                               context=host_context(db, fresh)) from exc
        db.commit()
        flash(request, message, "success")
        return Redirect(f"/staff/hosts/{host_id}#main")

    @get("/staff/needs/{need_id:int}", sync_to_thread=True)
    def need(self, need_id: int, db: Session) -> Template:
        need = db.get(Need, need_id)
        if need is None:
            raise NotFound(_("We could not find this need."))
        context = need_context(db, need)
        db.commit()  # the checklist's items, created on first view
        return page("staff_need", errors={}, form={}, **context)

    @post("/staff/needs/{need_id:int}/checklist", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def save_checklist(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session,
                       user: User | None) -> Redirect:
        check_form(data, (), ("status_", "note_"))  # the notes are answered beside their fields by save()
        need = need_vetting.lock(db, need_id)
        errors = need_checklist.save(db, need, signed_in(user), data)
        if errors:
            db.rollback()
            fresh = db.get(Need, need_id)
            assert fresh is not None
            raise FormError("staff_need", errors, form=data | {"_action": "checklist"},
                            context=need_context(db, fresh))
        db.commit()
        flash(request, _("The checklist is saved."), "success")
        return Redirect(f"/staff/needs/{need_id}#checklist")

    @post("/staff/needs/{need_id:int}/publish", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def publish(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session,
                user: User | None) -> Redirect:
        return self._need_act(request, db, need_id, "publish", data, user)

    @post("/staff/needs/{need_id:int}/request-changes", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def request_changes(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session,
                        user: User | None) -> Redirect:
        return self._need_act(request, db, need_id, "request-changes", data, user)

    @post("/staff/needs/{need_id:int}/reject", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def reject_need(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session,
                    user: User | None) -> Redirect:
        return self._need_act(request, db, need_id, "reject", data, user)

    @post("/staff/needs/{need_id:int}/suspend", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def suspend_need(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session,
                     user: User | None) -> Redirect:
        return self._need_act(request, db, need_id, "suspend", data, user)

    @staticmethod
    def _need_act(request: Request[Any, Any, Any], db: Session, need_id: int, action: str, data: dict[str, str],
                  user: User | None) -> Redirect:
        me = signed_in(user)
        need = need_vetting.lock(db, need_id)
        reason = data.get("reason", "")
        steps: dict[str, tuple[Callable[[Session, Need, User, str], object], str]] = {
                 "publish": (need_vetting.publish, _("The need is published: members can see it and offer.")),
                 "request-changes": (need_vetting.request_changes, _("Changes requested: the poster sees your "
                                                                     "comments.")),
                 "reject": (need_vetting.reject, _("The need is rejected.")),
                 "suspend": (need_vetting.suspend, _("The need is suspended: it is no longer public."))}
        step, message = steps[action]
        try:
            check_form(data, ("reason",) if action in REASONED else ())
            step(db, need, me, reason)
        except DomainError as exc:
            db.rollback()
            fresh = db.get(Need, need_id)
            assert fresh is not None
            raise FormError.of(exc, "staff_need", form=data | {"_action": action},
                               context=need_context(db, fresh)) from exc
        db.commit()
        flash(request, message, "success")
        return Redirect(f"/staff/needs/{need_id}#main")
