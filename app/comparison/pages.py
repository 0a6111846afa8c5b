"""The sender's pages: compare (home), a corridor's history, a provider's offers, the methodology."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
from jinja2 import Environment
from jinja2.filters import do_urlencode
from litestar import Controller, MediaType, Request, Response, get
from litestar.params import Parameter
from litestar.response import Template
from markupsafe import Markup, escape
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.comparison import chart, provider_offers
from app.comparison.cache import ComparisonCache
from app.comparison.indicators import history, latest_stats, parse_corridor_code
from app.comparison.invest import suggestions
from app.comparison.offers import (
    PAYOUTS,
    SORTS,
    Comparison,
    Mode,
    Question,
    answer,
    parse_amount,
    question,
    resolve_corridor,
)
from app.comparison.prepared import Prepared, prepare
from app.comparison.provider_offers import AMOUNT, corridors_of, provider_lines
from app.comparison.ranking import ALIASES, DEFAULT_SORT
from app.comparison.results import error_html, results_html
from app.compressed import Layout, respond
from app.errors import DomainError, NotFound
from app.i18n import _, current_locale, fmt_money, ngettext
from app.models import Country
from app.models.current import CurrentCorridor
from app.page_cache import (
    CSRF_INPUT_MARK,
    CSRF_MARK,
    csrf_text,
    is_anonymous,
    page_layout,
    render_shared,
    serve_layout,
    with_csrf,
)
from app.reference import corridor_name, country_name, reading_order
from app.settings import Settings
from basics.corridors import Corridor, alpha2, country_currency, payout_currency
from providers import UNREVIEWED, UnknownProvider, get_provider

DEFAULTS = {"from": "FR", "to": "SN", "amount": "200", "currency": "EUR"}
# The compare page of an anonymous visitor is cut where a new amount changes it (its shell, rendered once per
# language, corridor and options): the amount typed, the form's one-line summary, the results, their live
# summary, the language links' return address, and the CSRF token.
SHELL_MARKS = {"csrf": CSRF_MARK, "amount": "\x00amount\x00", "ask": "\x00ask\x00", "summary": "\x00summary\x00",
               "results": "\x00results\x00", "next": str(do_urlencode("\x00next\x00"))}
# Errors about a parameter with no visible field of its own are shown beside the field that sets it.
FIELD_OF = {"currency": "amount"}
CSRF_MARK_BYTES = CSRF_MARK.encode()


def country_choices(engine: Engine, origin: str) -> tuple[list[Country], list[Country]]:
    """Origins with prices, and the destinations with prices from ``origin`` (by name in the reader's language)."""
    with Session(engine, expire_on_commit=False) as session:
        return _country_choices(session, origin)


def _country_choices(session: Session, origin: str) -> tuple[list[Country], list[Country]]:
    pairs = session.exec(select(CurrentCorridor.source_country, CurrentCorridor.destination_country)).all()
    senders = {a for a, _b in pairs} or {DEFAULTS["from"]}
    receivers = {b for a, b in pairs if a == origin}
    countries = {c.alpha2: c for c in session.exec(select(Country).where(
        col(Country.alpha2).in_(senders | receivers))).all()}
    locale = current_locale.get()

    def by_name(codes: set[str]) -> list[Country]:
        return sorted((countries[c] for c in codes if c in countries), key=lambda c: reading_order(c.name(locale)))

    return by_name(senders), by_name(receivers)


def _currencies(form: dict[str, str]) -> tuple[str, str]:
    """The sending and receiving currencies the form's labels name ("" for a country we do not know)."""
    def currency(code: str, of: Callable[[str], str | None]) -> str:
        found = alpha2(code)
        return (of(found) or "") if found else ""

    return currency(form["from"], country_currency), currency(form["to"], payout_currency)


def ask_line(form: dict[str, str]) -> str:
    """The folded form's one line: 'France → Sénégal · 200,00 € envoyés' (as typed if it is not a number)."""
    send, receive = _currencies(form)
    origin, destination = (country_name(c) if alpha2(c) else c for c in (form["from"], form["to"]))
    receiving = form["mode"] == Mode.receive
    currency = receive if receiving else send
    try:
        shown = fmt_money(parse_amount(form["amount"], currency=currency or None), currency) if currency else None
    except DomainError:
        shown = None
    amount = shown or f'{form["amount"]} {currency}'.strip()
    line = _("%(amount)s to arrive", amount=amount) if receiving else _("%(amount)s sent", amount=amount)
    return f"{origin} → {destination} · {line}"


def summary_line(comparison: Comparison) -> str:
    """The one line a screen reader announces after each search (the page's only live region)."""
    if comparison.ask.mode is Mode.receive:
        return ngettext("%(num)s offer for %(amount)s to arrive: %(corridor)s.",
                        "%(num)s offers for %(amount)s to arrive: %(corridor)s.", len(comparison.offers),
                        amount=fmt_money(comparison.amount, comparison.corridor.receive_currency),
                        corridor=corridor_name(comparison.corridor.code))
    return ngettext("%(num)s offer for %(amount)s: %(corridor)s.", "%(num)s offers for %(amount)s: %(corridor)s.",
                    len(comparison.offers), amount=fmt_money(comparison.amount, comparison.currency),
                    corridor=corridor_name(comparison.corridor.code))


def asked(form: dict[str, str]) -> Question:
    """The form's question, checked (a DomainError names what is wrong)."""
    receive = form["amount"] if form["mode"] == Mode.receive else None
    return question(form["from"], form["to"], form["amount"], form["currency"] or None, form["payout"] or None,
                    form["payin"] or None, form["sort"], receive=receive)


class Published(NamedTuple):
    """A published statistic as the panel shows it (a value: the panel's block is memoised by it)."""

    source: str
    period: str
    services: int | None
    average_total_cost_pct: Any
    smart_pct: Any
    min_total_cost_pct: Any


def render_results(settings: Settings, form: dict[str, str], env: Environment,
                   find: Callable[[Corridor], Prepared]) -> tuple[str, int, str | None, str]:
    """The results fragment (offers, corridor panel, alert form) as HTML, its HTTP status, the form field
    the error is about (so that only that field is marked invalid), and the one-line summary; ``find``
    gives what the corridor's comparison needs besides the amount."""
    try:
        wanted = asked(form)
        data = find(wanted.corridor)
        comparison = answer(data.services, wanted, settings)
    except DomainError as error:
        field = FIELD_OF.get(error.field, error.field) if error.field else None
        return error_html(error, field), error.status_code, field, ""
    figures = comparison.figures
    published = tuple(Published(s.source, s.period, s.services, s.average_total_cost_pct, s.smart_pct,
                                s.min_total_cost_pct) for s in data.published)
    projects = suggestions(data.projects, figures.saving_per_year, comparison.currency) \
        if figures and figures.saving > 0 else []
    part = env.globals["part"]  # the memoised macros of partials/_offer_parts.html (app.templating)
    assert callable(part)
    html = results_html(comparison, figures, published, projects, form, CSRF_INPUT_MARK, part)
    return html, 200, None, summary_line(comparison)


def build_results(engine: Engine, settings: Settings, form: dict[str, str],
                  env: Environment) -> tuple[str, int, str | None, str]:
    """``render_results`` reading the corridor from the database (in a worker thread)."""
    return render_results(settings, form, env, lambda corridor: prepare(engine, corridor))


def render_form(form: dict[str, str], error_field: str | None, env: Environment, searched: bool,
                countries: tuple[list[Country], list[Country]], ask: str | None = None) -> str:
    senders, receivers = countries
    return env.get_template("partials/_compare_form.html").render(
        form=form, payouts=PAYOUTS, sorts=SORTS, senders=senders, receivers=receivers, error_field=error_field,
        currencies=_currencies(form), ask_line=ask_line(form) if ask is None else ask, searched=searched)


def build_form(engine: Engine, form: dict[str, str], error_field: str | None, env: Environment,
               searched: bool) -> str:
    return render_form(form, error_field, env, searched, country_choices(engine, form["from"]))


async def cached_results(cache: ComparisonCache, settings: Settings, form: dict[str, str],
                         env: Environment) -> tuple[str, int, str | None, str]:
    """The results fragment for ``form``: from the cache, else priced and rendered in the event loop from the
    corridor's prepared data (read in a worker thread once per data version)."""
    key = ("results", current_locale.get(), *form.values())
    found: tuple[str, int, str | None, str] | None = cache.get(key)
    if found is not None:
        return found
    generation = cache.generation
    try:
        corridor: Corridor | None = resolve_corridor(form["from"], form["to"])
    except DomainError:
        corridor = None  # render_results words the error
    data = await cache.prepared(corridor) if corridor is not None else None

    def find(wanted: Corridor) -> Prepared:
        assert data is not None and data.corridor == wanted
        return data

    return cache.put(key, render_results(settings, form, env, find), generation)


async def cached_countries(cache: ComparisonCache, origin: str) -> tuple[list[Country], list[Country]]:
    """The form's countries for ``origin`` (read in a worker thread once per data version and language)."""
    key = ("countries", current_locale.get(), origin)
    found: tuple[list[Country], list[Country]] | None = cache.get(key)
    if found is None:
        generation = cache.generation
        found = cache.put(key, await anyio.to_thread.run_sync(country_choices, cache.engine, origin), generation)
    return found


async def cached_form(cache: ComparisonCache, form: dict[str, str], error_field: str | None, env: Environment,
                      searched: bool) -> str:
    key = ("form", current_locale.get(), error_field, searched, *form.values())
    found: str | None = cache.get(key)
    if found is not None:
        return found
    generation = cache.generation
    countries = await cached_countries(cache, form["from"])
    return cache.put(key, render_form(form, error_field, env, searched, countries), generation)


async def compare_shell(cache: ComparisonCache, request: Request[Any, Any, Any], form: dict[str, str],
                        error_field: str | None, env: Environment, searched: bool) -> Layout:
    """The anonymous compare page for ``form`` whatever its amount, cut at ``SHELL_MARKS`` (once per data version,
    language, corridor, options and error field)."""
    key = ("shell", current_locale.get(), error_field, searched, *(v for k, v in form.items() if k != "amount"))
    found: Layout | None = cache.get(key)
    if found is None:
        generation = cache.generation
        marks = SHELL_MARKS
        countries = await cached_countries(cache, form["from"])
        form_html = render_form({**form, "amount": marks["amount"]}, error_field, env, searched, countries,
                                ask=marks["ask"])
        html = env.get_template("pages/compare.html").render(
            request=request, csrf_token=lambda: CSRF_MARK, csrf_input=CSRF_INPUT_MARK, searched=searched,
            form_html=Markup(form_html), results_html=Markup(marks["results"]),  # noqa: S704 - marks, escaped
            summary=marks["summary"], lang_next="\x00next\x00", every=form["all"])
        found = cache.put(key, Layout(html, marks), generation)
    return found


def here(request: Request[Any, Any, Any]) -> str:
    """The address the language links return to (base.html's own when it has no ``lang_next``)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _markless(form: dict[str, str]) -> bool:
    """No value of ``form`` could be mistaken for a mark of the shell."""
    return not any("\x00" in v or "%00" in v for v in form.values())


def form_updates(engine: Engine, form: dict[str, str], shown: dict[str, str], env: Environment) -> str:
    """After an htmx search, the parts of the form that depend on the corridor, swapped out of band: the
    destinations when the origin changed, the amount's currencies when the corridor changed."""
    parts = []
    if form["from"] != shown["from"]:
        _senders, receivers = country_choices(engine, form["from"])
        parts.append(env.get_template("partials/_compare_to.html").render(
            form=form, receivers=receivers, error_field=None, oob=True))
    if (form["from"], form["to"]) != (shown["from"], shown["to"]):
        parts.append(env.get_template("partials/_compare_mode.html").render(
            form=form, currencies=_currencies(form), oob=True))
    return "".join(parts)


def _shown_corridor(url: str) -> dict[str, str]:
    """The origin and destination the page showed before an htmx search (from its address)."""
    query = parse_qs(urlsplit(url).query)
    return {name: (query.get(name, [DEFAULTS[name]])[0] or DEFAULTS[name]).upper() for name in ("from", "to")}


def corridor_context(engine: Engine, corridor: Corridor, providers: bool) -> dict[str, Any]:
    """What a corridor's history page shows: the quarterly averages, each provider's line if asked, the latest
    published statistics and the two countries."""
    with Session(engine) as db:
        points = history(db, corridor)
        lines = chart.provider_lines(db, corridor) if providers else {}
        countries = {c.alpha2: c for c in db.exec(select(Country).where(
            col(Country.alpha2).in_([corridor.source_country, corridor.destination_country]))).all()}
        return {"corridor": corridor, "points": points, "chart": chart.history_chart(points, lines),
                "swatch": chart.swatch, "lines": lines, "show_providers": providers,
                "stats": latest_stats(db, corridor), "countries": countries}


class ComparisonPages(Controller):
    @get("/")
    async def compare_page(self, request: Request[Any, Any, Any], settings: Settings,
                           source: Annotated[str | None, Parameter(query="from")] = None,
                           to: str | None = None, amount: str | None = None, currency: str | None = None,
                           payout: str | None = None, payin: str | None = None, sort: str = DEFAULT_SORT,
                           mode: str | None = None, receive: str | None = None,
                           every: Annotated[str | None, Parameter(query="all")] = None) -> Template | Response[Any]:
        # "?receive=100000" and the form's "?mode=receive&amount=100000" ask the same question
        asks_receive = bool(receive) or mode == Mode.receive
        form = {"from": (source or DEFAULTS["from"]).upper(), "to": (to or DEFAULTS["to"]).upper(),
                "amount": receive or amount or DEFAULTS["amount"], "currency": (currency or "").upper(),
                "payout": payout or "", "payin": payin or "", "sort": ALIASES.get(sort, sort),
                "mode": Mode.receive.value if asks_receive else Mode.send.value,
                "all": "1" if every == "1" else ""}  # a long table shows its first offers unless all are asked
        cache: ComparisonCache = request.app.state.comparison_cache
        await cache.check()
        env: Environment = request.app.template_engine.engine  # type: ignore[union-attr]
        hx = bool(request.headers.get("hx-request"))
        anonymous = not hx and is_anonymous(request) and _markless(form)
        page_key = ("page", current_locale.get(), request.url.query)
        if anonymous:  # the page as it was last asked, the visitor's own token spliced in
            page: tuple[Layout, int] | tuple[Layout, int, dict[str, str]] | None = cache.get(page_key)
            if page is not None and len(page) == 2:
                return serve_layout(request, page[0], page[1])
            if page is not None:  # asked twice: worth keeping whole, compressed once
                shell, status, values = page
                layout = page_layout(shell.text(values))
                cache.put(page_key, (layout, status))
                return serve_layout(request, layout, status)
        generation = cache.generation
        html, status, error_field, summary = await cached_results(cache, settings, form, env)
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "results":
            # The summary's live region stays in the page; only its text changes (innerHTML keeps the node).
            shown = _shown_corridor(request.headers.get("hx-current-url", ""))
            oob = (f'<p id="results-summary" hx-swap-oob="innerHTML">{escape(summary)}</p>'
                   f'<span id="ask-line" hx-swap-oob="innerHTML">{escape(ask_line(form))}</span>')
            updates = await anyio.to_thread.run_sync(form_updates, cache.engine, form, shown, env)
            return Response(with_csrf(request, html) + oob + updates, media_type=MediaType.HTML)
        # After a search (any question in the address) the form folds on a phone, so the answer comes first.
        searched = any(v for v in (source, to, amount, receive))
        if anonymous:  # the shell of the corridor and options, this amount's parts spliced in
            shell = await compare_shell(cache, request, form, error_field, env, searched)
            values = {"amount": str(escape(form["amount"])), "ask": str(escape(ask_line(form))),
                      "summary": str(escape(summary)), "results": html, "next": str(do_urlencode(here(request)))}
            cache.put(page_key, (shell, status, values), generation)
            own = {name: value.encode() for name, value in values.items() if name != "results"}
            own["csrf"] = token = csrf_text(request).encode()
            # the token put in after encoding: the same bytes (the mark is ASCII), one pass less over the offers
            own["results"] = html.encode().replace(CSRF_MARK_BYTES, token)
            return respond(request, shell.fill(own), MediaType.HTML, status)
        form_html = await cached_form(cache, form, error_field, env, searched)
        # Both fragments come from autoescaping templates.
        context = {"form_html": Markup(form_html), "results_html": Markup(html), "summary": summary,  # noqa: S704
                   "searched": searched, "every": form["all"]}
        return Template("pages/compare.html", status_code=status, context={
            **context, "results_html": Markup(with_csrf(request, html))})  # noqa: S704

    @get("/corridors/{code:str}")
    async def corridor_page(self, request: Request[Any, Any, Any], code: str,
                            providers: bool = False) -> Template | Response[Any]:
        """Async on purpose: the history is read in a worker thread once per data version; anonymous visitors
        then get the whole page from the comparison's cache (a load of quotes or statistics drops it)."""
        corridor = parse_corridor_code(code)
        cache: ComparisonCache = request.app.state.comparison_cache
        await cache.check()
        key = ("corridor", current_locale.get(), corridor.code, providers)
        anonymous = is_anonymous(request)
        if anonymous and (layout := cache.get(key)) is not None:
            return serve_layout(request, layout)
        generation = cache.generation
        context = await anyio.to_thread.run_sync(corridor_context, cache.engine, corridor, providers)
        if not anonymous or not context["points"]:  # a corridor without data is not kept (codes are many)
            return Template("pages/corridor.html", context=context)
        shared = await anyio.to_thread.run_sync(render_shared, request, "pages/corridor.html", context)
        return serve_layout(request, cache.put(key, shared, generation))

    @get("/providers/{slug:str}")
    async def provider_page(self, request: Request[Any, Any, Any], settings: Settings,
                            slug: str) -> Template | Response[Any]:
        try:
            provider = get_provider(slug)
            if provider is UNREVIEWED:  # names staff have not mapped yet, many firms: no page of their own
                raise UnknownProvider(slug)
        except UnknownProvider:
            raise NotFound(_("We do not know this provider.")) from None
        cache: ComparisonCache = request.app.state.comparison_cache
        await cache.check()
        key = ("provider", current_locale.get(), slug)
        anonymous = is_anonymous(request)
        if anonymous and (layout := cache.get(key)) is not None:
            return serve_layout(request, layout)
        generation = cache.generation
        corridors = await anyio.to_thread.run_sync(corridors_of, cache.engine, slug)
        prepared = await cache.prepared_many(corridors)  # a few statements for some 180 corridors
        groups = await anyio.to_thread.run_sync(provider_lines, prepared, settings, slug)
        context = {"provider": provider, "groups": groups, "amount": AMOUNT, "fold_above": provider_offers.FOLD_ABOVE,
                   "served": sum(len(lines) for lines in groups.values())}
        if not anonymous:
            return Template("pages/provider.html", context=context)
        shared = await anyio.to_thread.run_sync(render_shared, request, "pages/provider.html", context)
        return serve_layout(request, cache.put(key, shared, generation))

    @get("/methodology", sync_to_thread=False)
    def methodology(self) -> Template:
        return Template(f"pages/methodology_{current_locale.get()}.html")
