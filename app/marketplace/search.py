"""Browsing published projects: filters, sorting and pages, read from the listing table alone.

Totals are denormalised on the listing (see pledges.move), so a page of results never touches pledges.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.orm import defer
from sqlalchemy.sql import operators
from sqlmodel import Session, col, select

from app.errors import BadInput
from app.models import FundingModel, Listing, ListingState, Sector
from app.numbers import parse_page

S = ListingState
PAGE_SIZE = 12
PUBLIC_STATES = (S.published.value, S.funded.value, S.disbursing.value, S.completed.value, S.expired.value)
STATUSES: dict[str, tuple[str, ...]] = {
    "open": (S.published.value,),
    "funded": (S.funded.value, S.disbursing.value, S.completed.value),
    "closed": (S.expired.value,),
    "all": PUBLIC_STATES,
}
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (col(Listing.published_at).desc(), col(Listing.id).desc()),
    "closing": (col(Listing.deadline).asc(), col(Listing.id).asc()),
    "funded": (col(Listing.funded_pct).desc(), col(Listing.id).desc()),
}


@dataclass(frozen=True)
class BrowseQuery:
    country: str = ""
    sector: str = ""
    model: str = ""
    status: str = "open"
    q: str = ""
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str]) -> BrowseQuery:
        """Unknown values fall back to the defaults: a hand-edited URL still shows something sensible."""
        country = (params.get("country") or "").upper()[:2]
        try:
            page = parse_page(params.get("page"))
        except BadInput:
            page = 1
        return cls(
            country=country if country.isalpha() and len(country) == 2 else "",
            sector=params.get("sector", "") if params.get("sector") in Sector.__members__ else "",
            model=params.get("model", "") if params.get("model") in FundingModel.__members__ else "",
            status=params.get("status", "open") if params.get("status") in STATUSES else "open",
            q=(params.get("q") or "").strip()[:100],
            sort=params.get("sort", "newest") if params.get("sort") in SORTS else "newest",
            page=page,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string for this search with some values changed, leaving out the defaults."""
        values = asdict(self) | changes
        defaults = asdict(BrowseQuery())
        return {k: str(v) for k, v in values.items() if v != defaults[k] and v not in ("", None)}


@dataclass
class ResultPage:
    items: list[Listing]
    total: int
    page: int
    pages: int


def browse(session: Session, query: BrowseQuery) -> ResultPage:
    conditions: list[Any] = [col(Listing.state).in_(STATUSES[query.status])]
    if query.country:
        conditions.append(Listing.country == query.country)
    if query.sector:
        conditions.append(Listing.sector == query.sector)
    if query.model:
        conditions.append(Listing.funding_model == query.model)
    if query.q:
        pattern = "%" + query.q.replace("\\", "").replace("%", "").replace("_", " ") + "%"
        conditions.append(or_(col(Listing.title).ilike(pattern), col(Listing.summary).ilike(pattern),
                              col(Listing.town).ilike(pattern), col(Listing.org_name).ilike(pattern)))
    total = session.exec(select(func.count()).select_from(Listing).where(*conditions)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    order = SORTS[query.sort]
    if len(conditions) > 1 and session.get_bind().dialect.name == "sqlite":
        # Wrapping the sort column hides it from SQLite's planner, which would otherwise walk the whole sort
        # index testing every row, instead of starting from the far fewer rows of the country or sector index.
        order = tuple(_unindexed(term) for term in order)
    items = session.exec(select(Listing).options(defer(Listing.story), defer(Listing.impact))  # type: ignore[arg-type]
                         .where(*conditions).order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return ResultPage(list(items), total, page, pages)


def _unindexed(term: Any) -> Any:
    column = term.element
    if column.key == "id":
        return term
    hidden = func.coalesce(column, column)  # same value and type, but no index can serve it
    return hidden.desc() if term.modifier is operators.desc_op else hidden.asc()


def public_by_slug(session: Session, slug: str) -> Listing | None:
    return session.exec(select(Listing).where(Listing.slug == slug,
                                              col(Listing.state).in_(PUBLIC_STATES))).first()
