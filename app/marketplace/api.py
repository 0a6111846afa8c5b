"""The open-data API of projects: `GET /api/v1/projects` and `/api/v1/projects/{slug}` (public ones only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from sqlmodel import Session

from app.errors import NotFound
from app.i18n import _
from app.marketplace import listings, search
from app.models import FundingModel, Listing, Sector
from app.numbers import MAX_PAGE
from app.open_data import answers, aware, check, check_choice, check_length, one_of, pattern, plain

COUNTRY2 = r"^[A-Za-z]{2}$"
SECTORS = tuple(Sector.__members__)
MODELS = tuple(FundingModel.__members__)
MAX_QUERY = 100  # what the search reads of q (``search.BrowseQuery``)


@dataclass
class ProjectSummary:
    slug: str
    title: str
    summary: str
    country: str
    town: str
    sector: str
    funding_model: str
    state: str
    goal: str
    currency: str
    secured_total: str
    funded_pct: str
    backers: int
    published_at: datetime | None
    deadline: datetime | None
    is_example: bool
    url: str


@dataclass
class BudgetItem:
    label: str
    amount: str


@dataclass
class ProjectDetail(ProjectSummary):
    story: str
    organisation: str
    expected_jobs: int
    impact: str
    min_pledge: str
    budget: list[BudgetItem]


@dataclass
class ProjectPage:
    items: list[ProjectSummary]
    total: int
    page: int
    pages: int


def _summary_fields(listing: Listing) -> dict[str, object]:
    return {"slug": listing.slug, "title": listing.title, "summary": listing.summary, "country": listing.country,
            "town": listing.town, "sector": listing.sector, "funding_model": listing.funding_model,
            "state": listing.state, "goal": plain(listing.goal), "currency": listing.currency,
            "secured_total": plain(listing.secured_total), "funded_pct": plain(listing.funded_pct),
            "backers": listing.backer_count, "published_at": aware(listing.published_at),
            "deadline": aware(listing.deadline),
            "is_example": listing.is_example, "url": f"/projects/{listing.slug}"}


class ProjectApiController(Controller):
    path = "/api/v1/projects"
    tags = ["projects"]

    @get("/", sync_to_thread=True, summary="Published projects with their funding progress",
         responses=answers(400))
    def index(self, db: Session,
              country: Annotated[str | None, pattern(COUNTRY2, "ISO 3166 alpha-2 code, any case", required=False)
                                 ] = None,
              sector: Annotated[str | None, one_of(SECTORS, "Sector", required=False)] = None,
              model: Annotated[str | None, one_of(MODELS, "Funding model", required=False)] = None,
              status: Annotated[str | None, one_of(search.STATUSES, "Which projects (default open)",
                                                   required=False)] = None,
              q: Annotated[str | None, Parameter(description="Words of the title, summary or town",
                                                 max_length=MAX_QUERY, required=False)] = None,
              sort: Annotated[str | None, one_of(search.SORTS, "Order (default newest)", required=False)] = None,
              page: Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="1 to 10 000")] = 1) -> ProjectPage:
        check(country, COUNTRY2, "country", _("The country is two letters, such as SN."))
        for name, value, values in (("sector", sector, SECTORS), ("model", model, MODELS),
                                    ("status", status, search.STATUSES), ("sort", sort, search.SORTS)):
            check_choice(value, values, name)
        check_length(q, MAX_QUERY, "q")
        params = {"country": country, "sector": sector, "model": model, "status": status, "sort": sort,
                  "q": (q or "").replace("\x00", ""), "page": str(page)}
        query = search.BrowseQuery.from_params({k: v for k, v in params.items() if v is not None})
        result = search.browse(db, query)
        return ProjectPage([ProjectSummary(**_summary_fields(x)) for x in result.items],  # type: ignore[arg-type]
                           result.total, result.page, result.pages)

    @get("/{slug:str}", sync_to_thread=True, summary="One published project", responses=answers(400, 404))
    def show(self, db: Session, slug: str) -> ProjectDetail:
        listing = search.public_by_slug(db, slug)
        if listing is None:
            raise NotFound(_("We could not find this project."))
        budget = [BudgetItem(b.label, plain(b.amount) or "0") for b in listings.budget_of(db, listing)]
        return ProjectDetail(**_summary_fields(listing), story=listing.story,  # type: ignore[arg-type]
                             organisation=listing.org_name, expected_jobs=listing.expected_jobs,
                             impact=listing.impact, min_pledge=plain(listing.min_pledge) or "0", budget=budget)
