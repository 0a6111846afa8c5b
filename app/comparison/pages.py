"""The sender's pages: compare (home), a corridor's history, a provider's offers, the methodology."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template
from sqlmodel import Session, col, select

from app.comparison import chart
from app.comparison.indicators import history, latest_stats, parse_corridor_code
from app.comparison.offers import PAYOUTS, SORTS, Comparison, compare
from app.errors import DomainError
from app.i18n import current_locale
from app.models import Country
from app.models.quotes import Quote
from app.settings import Settings
from providers import UnknownProvider, get_provider

DEFAULTS = {"from": "FR", "to": "SN", "amount": "200", "currency": "EUR"}
Q = Annotated[str | None, Parameter(query="from")]


def country_choices(session: Session) -> tuple[list[Country], list[Country]]:
    pairs = session.exec(select(Quote.source_country, Quote.destination_country).distinct()).all()
    senders = {a for a, _b in pairs} | {"FR"}
    receivers = {b for _a, b in pairs} | {"SN"}
    countries = {c.alpha2: c for c in session.exec(select(Country).where(
        col(Country.alpha2).in_(senders | receivers))).all()}
    locale = current_locale.get()

    def by_name(codes: set[str]) -> list[Country]:
        return sorted((countries[c] for c in codes if c in countries), key=lambda c: c.name(locale))

    return by_name(senders), by_name(receivers)


def savings(comparison: Comparison, average_pct: Decimal | None) -> dict[str, Decimal] | None:
    """What choosing the cheapest transparent offer instead of the corridor average saves."""
    costs = [o.total_cost_pct for o in comparison.offers if o.transparent and o.total_cost_pct is not None]
    if average_pct is None or not costs or min(costs) >= average_pct:
        return None
    per_transfer = comparison.amount * (average_pct - min(costs)) / 100
    return {"cheapest_pct": min(costs), "per_transfer": per_transfer, "per_year": per_transfer * 12}


class ComparisonPages(Controller):
    @get("/", sync_to_thread=True)
    def compare_page(self, request: Request[Any, Any, Any], db: Session, settings: Settings,
                     source: Annotated[str | None, Parameter(query="from")] = None,
                     to: str | None = None, amount: str | None = None, currency: str | None = None,
                     payout: str | None = None, payin: str | None = None, sort: str = "received") -> Template:
        form = {"from": source or DEFAULTS["from"], "to": to or DEFAULTS["to"],
                "amount": amount or DEFAULTS["amount"], "currency": currency or "",
                "payout": payout or "", "payin": payin or "", "sort": sort}
        context: dict[str, Any] = {"form": form, "payouts": PAYOUTS, "sorts": SORTS, "error": None,
                                   "comparison": None, "stats": None, "saving": None}
        try:
            comparison = compare(db, settings, form["from"], form["to"], form["amount"], currency or None,
                                 payout or None, payin or None, sort)
            stats = latest_stats(db, comparison.corridor)
            context.update(comparison=comparison, stats=stats,
                           saving=savings(comparison, stats.average_total_cost_pct if stats else None))
            form["currency"] = comparison.currency
        except DomainError as exc:
            context["error"] = exc
        status = context["error"].status_code if context["error"] else 200
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "results":
            return Template("partials/_results.html", context=context, status_code=200)
        senders, receivers = country_choices(db)
        context.update(senders=senders, receivers=receivers)
        return Template("pages/compare.html", context=context, status_code=status)

    @get("/corridors/{code:str}", sync_to_thread=True)
    def corridor_page(self, db: Session, code: str, providers: bool = False) -> Template:
        corridor = parse_corridor_code(code)
        points = history(db, corridor)
        lines = chart.provider_lines(db, corridor) if providers else {}
        svg = chart.history_svg(points, lines)
        return Template("pages/corridor.html", context={
            "corridor": corridor, "points": points, "svg": svg, "show_providers": providers,
            "stats": latest_stats(db, corridor), "countries": {c.alpha2: c for c in db.exec(select(Country).where(
                col(Country.alpha2).in_([corridor.source_country, corridor.destination_country]))).all()}})

    @get("/providers/{slug:str}", sync_to_thread=True)
    def provider_page(self, db: Session, settings: Settings, slug: str) -> Template:
        try:
            provider = get_provider(slug)
        except UnknownProvider:
            from app.errors import NotFound

            raise NotFound("unknown provider") from None
        corridors = db.exec(select(Quote.corridor).where(Quote.provider_slug == slug).distinct()).all()
        rows = []
        for code in sorted(corridors):
            corridor = parse_corridor_code(code)
            try:
                found = compare(db, settings, corridor.source_country, corridor.destination_country, "200")
            except DomainError:
                continue
            rows.extend((corridor, o) for o in found.offers if o.provider.slug == slug)
        return Template("pages/provider.html", context={"provider": provider, "rows": rows})

    @get("/methodology", sync_to_thread=False)
    def methodology(self) -> Template:
        return Template(f"pages/methodology_{current_locale.get()}.html")
