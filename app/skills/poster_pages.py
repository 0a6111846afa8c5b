"""Posting needs, for hosts and promoters, under /my/needs: write, edit, submit, read staff comments, close."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from app.accounts.guards import requires_role
from app.errors import DomainError, FormError
from app.flash import flash
from app.i18n import _, current_locale
from app.limits import FORM_READS_LENGTHS, check_form
from app.marketplace.listings import country_choices
from app.marketplace.web import Form, page, signed_in
from app.models import AuditEntry, Host, Listing, Need, NeedState, Role, Sector, User, WorkMode
from app.skills import need_vetting, needs

poster_only = requires_role(Role.host, Role.promoter)


def _form_context(db: Session, me: User, need: Need | None = None) -> dict[str, Any]:
    host = needs.may_post(db, me)
    needs.require_may_draft(host)
    listings = None if host else needs.promoter_listings(db, me)
    return {"need": need, "host": host, "countries": country_choices(),
            "sectors": list(Sector.__members__), "modes": [m.value for m in WorkMode],
            "provides": list(needs.PROVIDES), "provides_words": needs.PROVIDES, "listings": listings,
            "project_choices": [(str(x.id), x.title) for x in listings or []],
            "occupations": needs.occupation_choices(current_locale.get())}


def _defaults(host: Host | None) -> dict[str, str]:
    values = {"mode": WorkMode.on_site.value, "days_wanted": "5", "languages": "fr"}
    if host:
        values |= {"country": host.country, "town": host.town}
    return values


def overview_context(db: Session, need: Need) -> dict[str, Any]:
    comments = db.exec(select(AuditEntry).where(AuditEntry.need_id == need.id, AuditEntry.reason != "")
                       .order_by(col(AuditEntry.id).desc())).all()
    host = db.get(Host, need.host_id) if need.host_id else None
    listing = db.get(Listing, need.listing_id) if need.listing_id else None
    return dict(need=need, comments=comments, host=host, listing=listing,
                editable=need.state in needs.EDITABLE and needs.may_draft(host),
                provided=needs.provides_labels(need.provides))


class PosterController(Controller):
    path = "/my/needs"
    guards = [poster_only]

    @get("/", sync_to_thread=True)
    def index(self, db: Session, user: User | None) -> Template:
        me = signed_in(user)
        return page("my_needs", items=needs.for_poster(db, me), host=needs.may_post(db, me),
                    listings=needs.promoter_listings(db, me) if me.role != Role.host.value else [])

    @get("/new", sync_to_thread=True)
    def new(self, db: Session, user: User | None) -> Template:
        me = signed_in(user)
        context = _form_context(db, me)
        return page("need_form", form=_defaults(context["host"]), errors={}, **context)

    @post("/new", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def create(self, request: Request[Any, Any, Any], data: Form, db: Session, user: User | None) -> Redirect:
        me = signed_in(user)
        context = _form_context(db, me)
        form = needs.read_form(data, context["listings"])
        if form.errors:
            raise FormError("need_form", form.errors, form=data, context=context)
        assert me.id is not None
        host = context["host"]
        need = needs.apply_form(db, Need(title="", occupation="", country="SN", posted_by=me.id,
                                         host_id=host.id if host else None), form)
        db.commit()
        flash(request, _("Your need is saved as a draft. Submit it when it is ready: programme staff review "
                         "every need before it is public."), "success")
        return Redirect(f"/my/needs/{need.id}")

    @get("/{need_id:int}", sync_to_thread=True)
    def show(self, need_id: int, db: Session, user: User | None) -> Template:
        return page("my_need", errors={}, form={}, **overview_context(db, needs.owned(db, need_id, signed_in(user))))

    @get("/{need_id:int}/edit", sync_to_thread=True)
    def edit(self, need_id: int, db: Session, user: User | None) -> Template:
        me = signed_in(user)
        need = needs.owned(db, need_id, me)
        needs.require_editable(need)
        return page("need_form", form=needs.form_values(need), errors={}, **_form_context(db, me, need))

    @post("/{need_id:int}/edit", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def update(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session,
               user: User | None) -> Redirect:
        me = signed_in(user)
        need = need_vetting.lock(db, needs.owned(db, need_id, me).id or 0)
        needs.require_editable(need)
        context = _form_context(db, me, need)
        form = needs.read_form(data, context["listings"])
        if form.errors:  # nothing was changed: the request's session ends without a commit
            raise FormError("need_form", form.errors, form=data, context=context)
        needs.apply_form(db, need, form)
        db.commit()
        flash(request, _("Your changes are saved."), "success")
        return Redirect(f"/my/needs/{need.id}")

    @post("/{need_id:int}/submit", sync_to_thread=True)
    def submit(self, request: Request[Any, Any, Any], need_id: int, db: Session, user: User | None) -> Redirect:
        me = signed_in(user)
        need = need_vetting.lock(db, needs.owned(db, need_id, me).id or 0)
        needs.require_may_draft(db.get(Host, need.host_id) if need.host_id else None)
        try:
            need_vetting.submit(db, need, me)
        except DomainError as exc:
            raise self._refused(db, need_id, me, exc) from exc
        db.commit()
        flash(request, _("Your need is submitted. Programme staff will review it."), "success")
        return Redirect(f"/my/needs/{need.id}")

    @post("/{need_id:int}/close", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def close(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session,
              user: User | None) -> Redirect:
        me = signed_in(user)
        need = need_vetting.lock(db, needs.owned(db, need_id, me).id or 0)
        data = {**data, "outcome": data.get("outcome", "").strip()}  # a radio's value, as stray spaces leave it
        outcome = {"filled": NeedState.filled, "closed": NeedState.closed}.get(data["outcome"])
        try:
            check_form(data, (), ("outcome",))
            if outcome is None:
                raise DomainError(_("Please choose whether the need is filled or closed."), field="outcome")
            need_vetting.finish(db, need, me, outcome)
        except DomainError as exc:
            raise self._refused(db, need_id, me, exc, data) from exc
        db.commit()
        flash(request, _("The need is no longer open to offers."), "success")
        return Redirect(f"/my/needs/{need.id}")

    @staticmethod
    def _refused(db: Session, need_id: int, me: User, exc: DomainError,
                 form: dict[str, str] | None = None) -> FormError:
        db.rollback()
        return FormError.of(exc, "my_need", form=form, context=overview_context(db, needs.owned(db, need_id, me)))
