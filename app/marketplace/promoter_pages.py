"""The promoter's pages under /my/listings: write, document, submit, resubmit, read comments, post updates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from app.accounts.guards import promoter_only
from app.errors import DomainError, FormError
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, check_form, length_errors
from app.marketplace import documents, listings, vetting
from app.marketplace.labels import DOCUMENT_KINDS
from app.marketplace.web import Form, Upload, page, signed_in
from app.models import AuditEntry, FundingModel, Listing, ListingState, ProjectUpdate, Sector, User
from app.settings import Settings

UPDATE_STATES = {ListingState.published.value, ListingState.funded.value, ListingState.disbursing.value,
                 ListingState.completed.value}


def _form_context(listing: Listing | None = None) -> dict[str, Any]:
    return {"listing": listing, "countries": listings.country_choices(), "sectors": list(Sector.__members__),
            "models": list(FundingModel.__members__)}


def _form_page(form: dict[str, str], listing: Listing | None = None) -> Template:
    return page("listing_form", form=form, errors={}, **_form_context(listing))


def _refused_form(data: dict[str, str], errors: dict[str, str], listing: Listing | None = None) -> FormError:
    return FormError("listing_form", errors, form=data, context=_form_context(listing))


def overview_context(db: Session, listing: Listing) -> dict[str, Any]:
    comments = db.exec(select(AuditEntry).where(AuditEntry.listing_id == listing.id, AuditEntry.reason != "")
                       .order_by(col(AuditEntry.id).desc())).all()
    updates = db.exec(select(ProjectUpdate).where(ProjectUpdate.listing_id == listing.id)
                      .order_by(col(ProjectUpdate.id).desc())).all()
    return dict(listing=listing, comments=comments, updates=updates, documents=documents.for_listing(db, listing),
                kinds=[(code, _(words)) for code, words in DOCUMENT_KINDS.items()],
                editable=listing.state in vetting.EDITABLE,
                can_update=listing.state in UPDATE_STATES)


def _refused(db: Session, listing_id: int, me: User, exc: DomainError, form: dict[str, Any] | None = None) -> FormError:
    """The promoter's overview page again, after a rollback, with the error beside its field."""
    db.rollback()
    return FormError.of(exc, "my_listing", form=form, context=overview_context(db, listings.owned(db, listing_id, me)))


class PromoterController(Controller):
    path = "/my/listings"
    guards = [promoter_only]

    @get("/", sync_to_thread=True)
    def index(self, db: Session, user: User | None) -> Template:
        return page("my_listings", items=listings.for_promoter(db, signed_in(user)))

    @get("/new", sync_to_thread=False)
    def new(self) -> Template:
        return _form_page({"currency": "EUR", "funding_model": "all_or_nothing", "campaign_days": "45"})

    @post("/new", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def create(self, request: Request[Any, Any, Any], data: Form, db: Session, user: User | None) -> Redirect:
        form = listings.read_form(data)
        if form.errors:
            raise _refused_form(data, form.errors)
        me = signed_in(user)
        assert me.id is not None
        listing = listings.apply_form(db, Listing(promoter_id=me.id, slug="", title="", country="SN",
                                                  sector="agriculture", goal=Decimal(0), min_pledge=Decimal(0)),
                                      form)
        db.commit()
        flash(request, _("Your project is saved as a draft. Add documents, then submit it for review."), "success")
        return Redirect(f"/my/listings/{listing.id}")

    @get("/{listing_id:int}", sync_to_thread=True)
    def show(self, listing_id: int, db: Session, user: User | None) -> Template:
        return page("my_listing", errors={}, form={},
                    **overview_context(db, listings.owned(db, listing_id, signed_in(user))))

    @get("/{listing_id:int}/edit", sync_to_thread=True)
    def edit(self, listing_id: int, db: Session, user: User | None) -> Template:
        listing = listings.owned(db, listing_id, signed_in(user))
        listings.require_editable(listing)
        return _form_page(listings.form_values(db, listing), listing)

    @post("/{listing_id:int}/edit", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def update(self, request: Request[Any, Any, Any], listing_id: int, data: Form, db: Session,
               user: User | None) -> Redirect:
        listing = listings.owned(db, listing_id, signed_in(user))
        listings.require_editable(listing)
        form = listings.read_form(data)
        if form.errors:
            raise _refused_form(data, form.errors, listing)
        listings.apply_form(db, listing, form)
        db.commit()
        flash(request, _("Your changes are saved."), "success")
        return Redirect(f"/my/listings/{listing.id}")

    @post("/{listing_id:int}/documents", sync_to_thread=True, request_max_body_size=12 * 1024 * 1024,
          opt=FORM_READS_LENGTHS)
    def upload(self, request: Request[Any, Any, Any], listing_id: int, data: Upload, db: Session,
               user: User | None, settings: Settings) -> Redirect:
        me = signed_in(user)
        listing = listings.owned(db, listing_id, me)
        listings.require_editable(listing)
        upload = data.get("document")
        content = upload.file.read(documents.MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
        kind = str(data.get("kind", "")).strip()  # a choice's value, as stray spaces leave it
        try:
            check_form(data, (), ("kind",))  # the form's one text is its choice, which store() holds to its options
            documents.store(db, settings, listing, me, kind,
                            getattr(upload, "filename", "") or "", content)
        except DomainError as exc:
            raise _refused(db, listing_id, me, exc, form={"kind": kind}) from exc
        db.commit()
        flash(request, _("The document is uploaded."), "success")
        return Redirect(f"/my/listings/{listing.id}")

    @post("/{listing_id:int}/submit", sync_to_thread=True)
    def submit(self, request: Request[Any, Any, Any], listing_id: int, db: Session, user: User | None) -> Redirect:
        me = signed_in(user)
        listing = vetting.lock(db, listings.owned(db, listing_id, me).id or 0)
        try:
            vetting.submit(db, listing, me)
        except DomainError as exc:
            raise _refused(db, listing_id, me, exc) from exc
        db.commit()
        flash(request, _("Your project is submitted. Programme staff will review it."), "success")
        return Redirect(f"/my/listings/{listing.id}")

    @post("/{listing_id:int}/updates", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def post_update(self, request: Request[Any, Any, Any], listing_id: int, data: Form, db: Session,
                    user: User | None) -> Redirect:
        me = signed_in(user)
        listing = listings.owned(db, listing_id, me)
        title, body = data.get("title", "").strip(), data.get("body", "").strip()
        errors = {}
        if listing.state not in UPDATE_STATES:
            errors["form"] = _("Updates can be posted once the project is published.")
        if not title:
            errors["title"] = _("Please give the update a title.")
        if not body:
            errors["body"] = _("Please write the update.")
        errors.update(length_errors(data, ("title", "body")))
        if errors:
            raise FormError("my_listing", errors, form=data, context=overview_context(db, listing))
        assert listing.id is not None and me.id is not None
        db.add(ProjectUpdate(listing_id=listing.id, author_id=me.id, title=title[:200], body=body))
        db.commit()
        flash(request, _("Your update is published on the project page."), "success")
        return Redirect(f"/my/listings/{listing.id}")
