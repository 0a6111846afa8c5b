"""The open-data API of needs: `GET /api/v1/needs` and `/api/v1/needs/{id}` (published ones only).

No personal data: a need names the institution or the project that wants the expertise, never a person
(no poster, no e-mail, no phone), and nothing of members' skill profiles or offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from sqlmodel import Session

from app.errors import NotFound
from app.i18n import _
from app.models import Host, Need, Sector
from app.numbers import MAX_ID, MAX_PAGE
from app.open_data import answers, aware, check, check_choice, one_of, pattern
from app.skills import browse

COUNTRY2 = r"^[A-Za-z]{2}$"
OCCUPATION = r"^[0-9](?:[0-9]{3})?$"
SECTORS = tuple(Sector.__members__)


@dataclass
class Organisation:
    """Who wants the expertise: a vetted host institution (`host`) or a project of the marketplace (`project`)."""
    kind: str
    name: str
    country: str
    town: str
    url: str


@dataclass
class NeedSummary:
    id: int
    title: str
    occupation: str
    skills: list[str]
    languages: list[str]
    country: str
    town: str
    sector: str
    mode: str
    days_wanted: int
    days_given: int
    starts_on: date | None
    ends_on: date | None
    provides: list[str]
    organisation: Organisation | None
    published_at: datetime | None
    url: str


@dataclass
class NeedDetail(NeedSummary):
    description: str


@dataclass
class NeedPage:
    items: list[NeedSummary]
    total: int
    page: int
    pages: int


def organisations(db: Session, needs: list[Need]) -> dict[int, Organisation]:
    found: dict[int, Organisation] = {}
    for need_id, owner in browse.wanted_by(db, needs).items():
        if isinstance(owner, Host):
            found[need_id] = Organisation("host", owner.name, owner.country, owner.town, f"/skills/hosts/{owner.id}")
        else:
            found[need_id] = Organisation("project", owner.org_name or owner.title, owner.country, owner.town,
                                          f"/projects/{owner.slug}")
    return found


def _summary_fields(need: Need, organisation: Organisation | None) -> dict[str, object]:
    return {"id": need.id, "title": need.title, "occupation": need.occupation,
            "skills": [s for s in need.skills.splitlines() if s.strip()], "languages": need.languages.split(),
            "country": need.country, "town": need.town, "sector": need.sector, "mode": need.mode,
            "days_wanted": need.days_wanted, "days_given": need.days_given, "starts_on": need.starts_on,
            "ends_on": need.ends_on, "provides": need.provides.split(), "organisation": organisation,
            "published_at": aware(need.published_at), "url": f"/skills/needs/{need.id}"}


class NeedApiController(Controller):
    path = "/api/v1/needs"
    tags = ["needs"]

    @get("/", sync_to_thread=True, summary="Published needs for expertise, newest first", responses=answers(400))
    def index(self, db: Session,
              country: Annotated[str | None, pattern(COUNTRY2, "ISO 3166 alpha-2 code, any case", required=False)
                                 ] = None,
              sector: Annotated[str | None, one_of(SECTORS, "Sector", required=False)] = None,
              occupation: Annotated[str | None, pattern(OCCUPATION, "ISCO-08 major group (1 digit) or unit group "
                                                        "(4 digits)", required=False)] = None,
              remote: Annotated[str | None, one_of(("true", "false"), "true: only needs that can be done "
                                                   "remotely (mode remote or either)", required=False)] = None,
              page: Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="1 to 10 000")] = 1) -> NeedPage:
        check(country, COUNTRY2, "country", _("The country is two letters, such as SN."))
        check(occupation, OCCUPATION, "occupation",
              _("The occupation is an ISCO-08 major group (one digit) or unit group (four digits), such as 2211."))
        check_choice(sector, SECTORS, "sector")
        check_choice(remote, ("true", "false"), "remote")
        params = {"country": country, "sector": sector, "occupation": occupation,
                  "remote": "1" if remote == "true" else "", "page": str(page)}
        query = browse.NeedQuery.from_params({k: v for k, v in params.items() if v is not None})
        result = browse.browse(db, query)
        found = organisations(db, result.items)
        return NeedPage([NeedSummary(**_summary_fields(n, found.get(n.id or 0))) for n in result.items],  # type: ignore[arg-type]
                        result.total, result.page, result.pages)

    @get("/{need_id:int}", sync_to_thread=True, summary="One published need", responses=answers(400, 404))
    def show(self, db: Session,
             need_id: Annotated[int, Parameter(ge=1, le=MAX_ID, description="The need's id")]) -> NeedDetail:
        need = browse.published_need(db, need_id)
        if need is None:
            raise NotFound(_("We could not find this need: it may have been filled or closed."))
        fields = _summary_fields(need, organisations(db, [need]).get(need_id))
        return NeedDetail(**fields, description=need.description)  # type: ignore[arg-type]
