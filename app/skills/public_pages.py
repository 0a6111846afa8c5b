"""Public pages of needs: `/skills` (published needs, filtered, paged; htmx swaps #results) and a need's page."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import anyio.to_thread
from babel.dates import format_date
from jinja2 import Environment
from litestar import Controller, Litestar, MediaType, Request, Response, get
from litestar.response import Template
from markupsafe import Markup
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from app.cache import VersionedCache
from app.errors import NotFound
from app.i18n import _, current_locale
from app.marketplace import listings
from app.marketplace.web import is_htmx, page
from app.models import Host, Listing, Need, Sector, User
from app.page_cache import cached_page, environment, is_anonymous
from app.skills import browse
from app.skills.need_words import host_kind_word, provides_words
from app.skills.occupations import language, work_mode
from app.skills.occupations import occupation as occupation_label


class NeedCache(VersionedCache):
    """Rendered lists of needs, dropped when any need or host changes."""

    def _read_version(self) -> tuple[Any, ...]:
        with Session(self.engine) as session:
            needs = session.exec(select(func.max(Need.updated_at), func.count()).select_from(Need)).one()
            hosts = session.exec(select(func.max(Host.updated_at), func.count()).select_from(Host)).one()
            return (*needs, *hosts)


def need_cache(app: Litestar) -> NeedCache:
    cache = getattr(app.state, "need_cache", None)
    if cache is None:
        cache = app.state.need_cache = NeedCache(app.state.engine, recheck_seconds=1.0)
    return cache  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Poster:
    """Who wants the expertise, as the public sees it: an institution or a project, never a person."""
    name: str
    kind: str
    url: str


def posters(db: Session, needs: list[Need]) -> dict[int, Poster]:
    found: dict[int, Poster] = {}
    for need_id, owner in browse.wanted_by(db, needs).items():
        if isinstance(owner, Host):
            found[need_id] = Poster(owner.name, host_kind_word(owner.kind), f"/skills/hosts/{owner.id}")
        else:
            found[need_id] = Poster(owner.org_name or owner.title, _("Project"), f"/projects/{owner.slug}")
    return found


def render_results(engine: Engine, env: Environment, query: browse.NeedQuery) -> str:
    with Session(engine) as db:
        results = browse.browse(db, query)
        return env.get_template("partials/_need_results.html").render(
            query=query, results=results, posters=posters(db, results.items), mode_word=work_mode,
            occupation_label=occupation_label)


def occupation_choices(db: Session) -> list[tuple[str, list[tuple[str, str]]]]:
    """(major group, [(code, label)…]) for the chooser: every major group, then the unit groups wanted."""
    wanted = browse.unit_groups_wanted(db)
    return [(major, [(major, occupation_label(major))] +
             [(code, occupation_label(code)) for code in wanted if code.startswith(major)])
            for major in "1234567890"]


def render_filters(engine: Engine, env: Environment, query: browse.NeedQuery) -> str:
    with Session(engine) as db:
        return env.get_template("partials/_need_filters.html").render(
            query=query, countries=listings.country_choices(), sectors=list(Sector.__members__),
            occupations=occupation_choices(db))


class SkillsController(Controller):
    @get("/skills")
    async def browse(self, request: Request[Any, Any, Any]) -> Template | Response[Any]:
        """Async on purpose: a page served from the cache costs no thread hop; only misses go to a thread."""
        query = browse.NeedQuery.from_params(dict(request.query_params))
        cache = need_cache(request.app)
        await cache.check()
        env = environment(request)
        locale = current_locale.get()
        key = ("results", locale, query)
        html = cache.get(key) or cache.put(key, await anyio.to_thread.run_sync(render_results, cache.engine, env,
                                                                               query))
        if is_htmx(request) and request.headers.get("hx-target") == "results":
            return Response(html, media_type=MediaType.HTML)
        form_key = ("filters", locale, replace(query, page=1))
        form = cache.get(form_key) or cache.put(form_key, await anyio.to_thread.run_sync(
            render_filters, cache.engine, env, query))
        # Both fragments come from autoescaping templates.
        context: dict[str, Any] = {"results_html": Markup(html), "filters_html": Markup(form)}  # noqa: S704
        if not is_anonymous(request):
            return page("skills", **context)
        return cached_page(request, cache, ("page", locale, query), "pages/skills.html", context)

    @get("/skills/needs/{need_id:int}", sync_to_thread=True)
    def need(self, need_id: int, db: Session, user: User | None) -> Template:
        need = browse.published_need(db, need_id)
        if need is None:
            raise NotFound(_("We could not find this need: it may have been filled or closed."))
        host = db.get(Host, need.host_id) if need.host_id else None
        listing = db.get(Listing, need.listing_id) if need.listing_id else None
        return page("skills_need", need=need, host=host, listing=listing, poster=posters(db, [need]).get(need_id),
                    occupation=occupation_label(need.occupation), mode=work_mode(need.mode),
                    provides=provides_words(need.provides), skills=[s for s in need.skills.splitlines() if s],
                    languages=[language(c) for c in need.languages.split()],
                    host_kind=host_kind_word(host.kind) if host else "",
                    period=period_words(need), viewer=user)


def period_words(need: Need) -> str:
    """'1 février 2027 – 21 février 2027', in the reader's language; one end may be open."""
    locale = current_locale.get()
    ends = [format_date(d, "d MMMM y", locale=locale) if d else "…" for d in (need.starts_on, need.ends_on)]
    return " – ".join(ends)
