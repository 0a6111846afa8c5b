"""Public pages: browse projects, a project's page with the pledge form, its photos; documents for insiders."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import anyio.to_thread
from jinja2 import Environment
from litestar import Controller, Litestar, MediaType, Request, Response, get, post
from litestar.response import File, Redirect, Template
from markupsafe import Markup
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.accounts.guards import requires_login
from app.billing import methods
from app.cache import VersionedCache
from app.errors import BadInput, DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _, current_locale
from app.limits import FORM_READS_LENGTHS, check_form
from app.marketplace import disbursements, documents, listings, mails, pledges, search, sections, your_currency
from app.marketplace.money import equivalent
from app.marketplace.web import Form, is_htmx, page, signed_in
from app.models import (
    Country,
    FundingModel,
    Listing,
    ListingDocument,
    Pledge,
    ProjectUpdate,
    Sector,
    User,
)
from app.models.base import aware, utcnow
from app.page_cache import cached_page, is_anonymous
from app.settings import Settings


class ProjectCache(VersionedCache):
    """Rendered lists of projects, dropped when any listing changes (pledge totals bump `updated_at`)."""

    def _read_version(self) -> tuple[Any, ...]:
        with Session(self.engine) as session:
            return tuple(session.exec(select(func.max(Listing.updated_at), func.count())).one())


def project_cache(app: Litestar) -> ProjectCache:
    cache = getattr(app.state, "project_cache", None)
    if cache is None:
        cache = app.state.project_cache = ProjectCache(app.state.engine, recheck_seconds=1.0)
    return cache  # type: ignore[no-any-return]


def render_results(engine: Engine, env: Environment, query: search.BrowseQuery) -> str:
    with Session(engine) as db:
        results = search.browse(db, query)
        return env.get_template("partials/_project_results.html").render(
            query=query, results=results, country_names=dict(listings.country_choices()))


def project_context(db: Session, listing: Listing, user: User | None, settings: Settings,
                    member_currency: str | None = None) -> dict[str, Any]:
    """What the project page shows (its pledge form re-rendered with errors uses the same); amounts also in
    `member_currency`, approximately, when it is neither the listing's nor exactly tied to it."""
    country = db.get(Country, listing.country)
    deadline = aware(listing.deadline)
    days_left = max(0, (deadline - utcnow()).days) if deadline else None
    mine = db.exec(select(Pledge).where(Pledge.listing_id == listing.id, Pledge.member_id == user.id)
                   .order_by(col(Pledge.id))).all() if user else []
    files = documents.for_listing(db, listing)
    updates = db.exec(select(ProjectUpdate).where(ProjectUpdate.listing_id == listing.id)
                      .order_by(col(ProjectUpdate.id).desc())).all()
    return dict(listing=listing, country=country.name(current_locale.get()) if country else "",
                goal_equivalent=equivalent(listing.goal, listing.currency, country.currency if country else None),
                goal_yours=your_currency.approximate(db, listing.goal, listing.currency, member_currency),
                days_left=days_left, budget=listings.budget_of(db, listing),
                milestones=listings.milestones_of(db, listing), updates=updates,
                ledger=disbursements.ledger(db, listing), photos=[d for d in files if d.kind == "photo"],
                promoter=db.get(User, listing.promoter_id), my_pledges=mine,
                payment_methods=methods.offered(db, listing, settings), errors={}, form={},
                is_insider=documents.may_read(user, listing), viewer=user,
                max_pledge=pledges.maximum(listing, settings),
                sections=sections.for_project(db, listing, user))


class ProjectController(Controller):
    @get("/projects")
    async def browse(self, request: Request[Any, Any, Any], user: User | None) -> Template | Response[Any]:
        """Async on purpose: a page served from the cache costs no thread hop; only misses go to a thread."""
        query = search.BrowseQuery.from_params(dict(request.query_params))
        cache = project_cache(request.app)
        await cache.check()
        env: Environment = request.app.template_engine.engine  # type: ignore[union-attr]
        locale = current_locale.get()
        key = ("browse", locale, query)
        html = cache.get(key) or cache.put(key, await anyio.to_thread.run_sync(render_results, cache.engine, env,
                                                                               query))
        if is_htmx(request) and request.headers.get("hx-target") == "results":
            return Response(html, media_type=MediaType.HTML)
        form_key = ("filters", locale, replace(query, page=1))
        form = cache.get(form_key) or cache.put(form_key, env.get_template("partials/_project_filters.html").render(
            query=query, countries=listings.country_choices(), sectors=list(Sector.__members__),
            models=list(FundingModel.__members__), statuses=list(search.STATUSES), sorts=list(search.SORTS)))
        # Both fragments come from autoescaping templates.
        context: dict[str, Any] = {"results_html": Markup(html), "filters_html": Markup(form)}  # noqa: S704
        if not is_anonymous(request):
            return page("projects", **context)
        # Anonymous visitors, the bulk of browsing, all see the same page but for their CSRF token.
        return cached_page(request, cache, ("page", locale, request.url.path, request.url.query),
                           "pages/projects.html", context)

    @get("/projects/{slug:str}", sync_to_thread=True)
    def show(self, request: Request[Any, Any, Any], slug: str, db: Session, user: User | None,
             settings: Settings) -> Template:
        listing = search.public_by_slug(db, slug)
        if listing is None:
            listing = db.exec(select(Listing).where(Listing.slug == slug)).first()
            # Promoters and staff may preview a project before it is public; others see nothing.
            if listing is None or not documents.may_read(user, listing):
                raise NotFound(_("We could not find this project."))
        return page("project", **project_context(db, listing, user, settings, your_currency.from_request(request)))

    @post("/projects/{slug:str}/pledge", guards=[requires_login], sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def pledge(self, request: Request[Any, Any, Any], slug: str, data: Form, db: Session, user: User | None,
               settings: Settings) -> Redirect:
        me = signed_in(user)
        listing = search.public_by_slug(db, slug)
        if listing is None:
            raise NotFound(_("We could not find this project."))
        method = data.get("method", "").strip()  # a radio's value, as stray spaces leave it
        chosen = next((m for m in methods.offered(db, listing, settings) if m.identifier == method), None)
        try:
            check_form(data, ("amount",), ("method",))
            amount = pledges.parse_amount(data.get("amount", ""), listing.currency, listing.min_pledge,
                                          pledges.maximum(listing, settings))
            if chosen is None:
                raise BadInput(_("Please choose how you will pay."), field="method")
            pledge = pledges.create(db, listing, me, amount, chosen.identifier, settings=settings)
            mails.pledge_made(db, pledge, listing, me, settings.site_url)
        except DomainError as exc:
            db.rollback()
            context = project_context(db, listing, me, settings, your_currency.from_request(request))
            raise FormError.of(exc, "project", form=data, context=context) from exc
        db.commit()
        return start_paying(request, db, pledge, listing, me, settings)

    @get("/projects/{slug:str}/photos/{document_id:int}", sync_to_thread=True)
    def photo(self, slug: str, document_id: int, db: Session, settings: Settings) -> File:
        listing = search.public_by_slug(db, slug)
        document = db.get(ListingDocument, document_id)
        if listing is None or document is None or document.listing_id != listing.id or document.kind != "photo":
            raise NotFound(_("We could not find this photo."))
        return File(documents.path_of(settings, document), media_type=document.content_type,
                    content_disposition_type="inline", filename=documents.served_name(document))

    @get("/documents/{document_id:int}", guards=[requires_login], sync_to_thread=True)
    def document(self, document_id: int, db: Session, user: User | None, settings: Settings) -> File:
        document = db.get(ListingDocument, document_id)
        listing = db.get(Listing, document.listing_id) if document else None
        if document is None or listing is None or not documents.may_read(user, listing):
            raise NotFound(_("We could not find this document."))
        return File(documents.path_of(settings, document), media_type=document.content_type,
                    content_disposition_type="attachment", filename=documents.served_name(document))


def start_paying(request: Request[Any, Any, Any], db: Session, pledge: Pledge, listing: Listing, member: User,
                 settings: Settings) -> Redirect:
    """Hand the recorded pledge to its payment method: a hosted page to go to, or the receipt."""
    started = methods.get(pledge.method).start(db, pledge, member, listing, settings)
    db.commit()
    if started.redirect:
        return Redirect(started.redirect)
    if started.unavailable:
        flash(request, _("Card payments are unavailable at the moment. Your pledge is kept: you can pay by "
                         "transfer, or try the card again later."), "error")
    else:
        flash(request, _("Thank you! Your promise to pay is recorded. Please send the payment with reference "
                         "%(reference)s.", reference=pledge.reference), "success")
    return Redirect(f"/my/pledges/{pledge.id}")
