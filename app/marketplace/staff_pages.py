"""Programme staff under /staff/: the vetting queue, the review page and its actions, ledger, exports."""

from __future__ import annotations

import json
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlmodel import Session, col, func, select

from app.accounts.guards import staff_only
from app.billing import audit
from app.billing.gateway import gateway_for
from app.errors import DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, check_form
from app.marketplace import checklist, disbursements, documents, exports, listings, pledges, vetting
from app.marketplace.web import Form, page, signed_in
from app.models import (
    Approval,
    AuditEntry,
    ChecklistStatus,
    Listing,
    Pledge,
    PledgeState,
    User,
)
from app.settings import Settings

QUEUES = ("submitted", "changes_requested", "approved", "published", "funded", "disbursing", "all")


def review_context(db: Session, listing: Listing, settings: Settings) -> dict[str, Any]:
    """What the review page shows; a refused decision re-renders it with the same."""
    trail = [(entry, actor, json.loads(entry.checklist or "[]")) for entry, actor in db.exec(
        select(AuditEntry, User).outerjoin(User, col(User.id) == col(AuditEntry.actor_id))
        .where(AuditEntry.listing_id == listing.id).order_by(col(AuditEntry.id))).all()]
    approvals = db.exec(select(Approval, User).join(User, col(User.id) == col(Approval.staff_id)).where(
        Approval.listing_id == listing.id, Approval.submission_round == listing.submission_round)).all()
    backers = db.exec(select(Pledge, User).join(User, col(User.id) == col(Pledge.member_id))
                      .where(Pledge.listing_id == listing.id).order_by(col(Pledge.id))).all()
    return dict(listing=listing, promoter=db.get(User, listing.promoter_id),
                budget=listings.budget_of(db, listing), milestones=listings.milestones_of(db, listing),
                documents=documents.for_listing(db, listing), checklist=checklist.items_for(db, listing),
                checklist_labels=checklist.ITEMS, statuses=[s.value for s in ChecklistStatus], trail=trail,
                approvals=approvals, approvals_needed=vetting.approvals_needed(listing, settings), backers=backers,
                ledger=disbursements.ledger(db, listing), collected=disbursements.collected(db, listing))


# The texts each decision's form shows (a long text sent with another is answered for the whole form).
SHOWN = {"request-changes": ("reason",), "reject": ("reason",), "suspend": ("reason",),
         "disbursements": ("amount", "paid_on", "reference")}


def refused(db: Session, listing_id: int, settings: Settings, exc: DomainError,
            form: dict[str, str] | None = None) -> FormError:
    """The review page again, after a rollback, with the refusal beside the field it concerns."""
    db.rollback()
    fresh = db.get(Listing, listing_id)
    assert fresh is not None
    return FormError.of(exc, "staff_listing", form=form, context=review_context(db, fresh, settings))


class StaffListingController(Controller):
    path = "/staff"
    guards = [staff_only]

    @get("/listings", sync_to_thread=True)
    def queue(self, db: Session, wanted: Annotated[str, Parameter(query="state")] = "submitted") -> Template:
        # "state" is a reserved parameter name in Litestar, hence the alias.
        state = wanted if wanted in QUEUES else "submitted"
        query = select(Listing).order_by(col(Listing.submitted_at).asc(), col(Listing.id))
        if state != "all":
            query = query.where(Listing.state == state)
        counts = dict(db.exec(select(Listing.state, func.count()).group_by(col(Listing.state))).all())
        return page("staff_listings", items=db.exec(query.limit(200)).all(), state=state, queues=QUEUES,
                    counts=counts)

    @get("/listings/{listing_id:int}", sync_to_thread=True)
    def show(self, listing_id: int, db: Session, settings: Settings) -> Template:
        listing = db.get(Listing, listing_id)
        if listing is None:
            raise NotFound(_("We could not find this project."))
        return page("staff_listing", errors={}, form={}, **review_context(db, listing, settings))

    @post("/listings/{listing_id:int}/checklist", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def save_checklist(self, request: Request[Any, Any, Any], listing_id: int, data: Form, db: Session,
                       user: User | None, settings: Settings) -> Redirect:
        check_form(data, (), ("status_", "note_"))  # the notes are answered beside their fields by save()
        listing = vetting.lock(db, listing_id)
        errors = checklist.save(db, listing, signed_in(user), data)
        if errors:
            db.rollback()
            fresh = db.get(Listing, listing_id)
            assert fresh is not None
            # The page shows what the person entered, not what is stored, so nothing typed is lost.
            context = review_context(db, fresh, settings)
            raise FormError("staff_listing", errors, form=data | {"_action": "checklist"}, context=context)
        db.commit()
        flash(request, _("The checklist is saved."), "success")
        return Redirect(f"/staff/listings/{listing_id}#checklist")

    @post("/listings/{listing_id:int}/{action:str}", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def act(self, request: Request[Any, Any, Any], listing_id: int, action: str, data: Form, db: Session,
            user: User | None, settings: Settings) -> Redirect:
        me = signed_in(user)
        listing = vetting.lock(db, listing_id)
        reason = data.get("reason", "")
        try:
            check_form(data, SHOWN.get(action, ()), ("milestone_id",))
            message = self._do(db, listing, me, action, reason, data, settings)
        except DomainError as exc:
            raise refused(db, listing_id, settings, exc, form=data | {"_action": action}) from exc
        db.commit()
        flash(request, message, "success")
        # The forms anchor the page at the decision; the outcome is said at the top of the content.
        return Redirect(f"/staff/listings/{listing_id}#main")

    @staticmethod
    def _do(db: Session, listing: Listing, me: User, action: str, reason: str, data: dict[str, str],
            settings: Settings) -> str:
        if action == "request-changes":
            vetting.request_changes(db, listing, me, reason)
            return _("Changes requested: the promoter sees your comments.")
        if action == "reject":
            vetting.reject(db, listing, me, reason)
            return _("The project is rejected.")
        if action == "approve":
            done = vetting.approve(db, listing, me, settings, reason)
            return _("The project is approved.") if done else _(
                "Your approval is recorded. This goal needs a second approval by another staff member.")
        if action == "publish":
            vetting.publish(db, listing, me)
            return _("The project is published and open for pledges.")
        if action == "suspend":
            vetting.suspend(db, listing, me, reason, gateway_for(settings))
            return _("The project is suspended; its pledges are released or refunded.")
        if action == "complete":
            vetting.complete(db, listing, me)
            return _("The project is marked as completed.")
        if action == "disbursements":
            disbursements.record(db, listing, me, data)
            return _("The disbursement is recorded in the ledger.")
        raise NotFound(_("Unknown action."))

    @post("/pledges/{pledge_id:int}/{action:str}", sync_to_thread=True)
    def pledge_action(self, request: Request[Any, Any, Any], pledge_id: int, action: str, data: Form, db: Session,
                      user: User | None) -> Redirect:
        pledge = db.get(Pledge, pledge_id)
        if pledge is None or action not in ("received", "refunded"):
            raise NotFound(_("We could not find this pledge."))
        if action == "received":
            done = pledges.mark_received(db, pledge, signed_in(user))
            message = _("Payment %(reference)s is marked as received.", reference=pledge.reference)
        else:
            done = pledges.move(db, pledge, PledgeState.refunded, [PledgeState.refund_due])
            if done:
                audit.record(db, signed_in(user), "pledge_refunded", pledge_id=pledge.id, reference=pledge.reference,
                             amount=pledge.amount, currency=pledge.currency)
            message = _("Pledge %(reference)s is marked as refunded.", reference=pledge.reference)
        db.commit()
        flash(request, message if done else _("Nothing to do: this pledge had already moved on."),
              "success" if done else "info")
        if data.get("back") == "payments":  # the one-by-one list of /staff/payments
            return Redirect("/staff/payments#awaiting")
        return Redirect(f"/staff/listings/{pledge.listing_id}#pledges")

    @get("/exports/listings.csv", sync_to_thread=True)
    def export_listings(self, db: Session) -> Response[str]:
        return _csv_response(exports.listings_csv(db), "listings.csv")

    @get("/exports/pledges.csv", sync_to_thread=True)
    def export_pledges(self, db: Session) -> Response[str]:
        return _csv_response(exports.pledges_csv(db), "pledges.csv")


def _csv_response(body: str, filename: str) -> Response[str]:
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

