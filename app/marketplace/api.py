"""The open-data API of projects: `GET /api/v1/projects` and `/api/v1/projects/{slug}` (public ones only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from sqlmodel import Session

from app.errors import NotFound
from app.i18n import _
from app.marketplace import listings, search
from app.models import Listing
from app.numbers import MAX_PAGE


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
    goal: Decimal
    currency: str
    secured_total: Decimal
    funded_pct: Decimal
    backers: int
    published_at: datetime | None
    deadline: datetime | None
    is_example: bool
    url: str


@dataclass
class BudgetItem:
    label: str
    amount: Decimal


@dataclass
class ProjectDetail(ProjectSummary):
    story: str
    organisation: str
    expected_jobs: int
    impact: str
    min_pledge: Decimal
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
            "state": listing.state, "goal": listing.goal, "currency": listing.currency,
            "secured_total": listing.secured_total, "funded_pct": listing.funded_pct,
            "backers": listing.backer_count, "published_at": listing.published_at, "deadline": listing.deadline,
            "is_example": listing.is_example, "url": f"/projects/{listing.slug}"}


class ProjectApiController(Controller):
    path = "/api/v1/projects"
    tags = ["projects"]

    @get("/", sync_to_thread=True, summary="Published projects with their funding progress")
    def index(self, db: Session,
              country: Annotated[str, Parameter(description="ISO 3166 alpha-2 code")] = "",
              sector: str = "", model: Annotated[str, Parameter(description="all_or_nothing | keep_it_all")] = "",
              status: Annotated[str, Parameter(description="open | funded | closed | all")] = "open",
              q: str = "", sort: Annotated[str, Parameter(description="newest | closing | funded")] = "newest",
              page: Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="1 to 10 000")] = 1) -> ProjectPage:
        query = search.BrowseQuery.from_params({"country": country, "sector": sector, "model": model,
                                                "status": status, "q": q, "sort": sort, "page": str(page)})
        result = search.browse(db, query)
        return ProjectPage([ProjectSummary(**_summary_fields(x)) for x in result.items],  # type: ignore[arg-type]
                           result.total, result.page, result.pages)

    @get("/{slug:str}", sync_to_thread=True, summary="One published project")
    def show(self, db: Session, slug: str) -> ProjectDetail:
        listing = search.public_by_slug(db, slug)
        if listing is None:
            raise NotFound(_("We could not find this project."))
        budget = [BudgetItem(b.label, b.amount) for b in listings.budget_of(db, listing)]
        return ProjectDetail(**_summary_fields(listing), story=listing.story,  # type: ignore[arg-type]
                             organisation=listing.org_name, expected_jobs=listing.expected_jobs,
                             impact=listing.impact, min_pledge=listing.min_pledge, budget=budget)
