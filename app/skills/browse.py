"""Browsing published needs: filters (country, sector, occupation, remote), newest first, pages of twelve.

Only `published` needs are public. Every filter is an indexed condition: the state with the country or the
publication time (`ix_need_state_*`), the sector, and the occupation as a range of codes (an ISCO-08 major
group "2" is every unit group from "2" up to, not including, "3"), which a b-tree serves on both databases.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.errors import BadInput
from app.models import Host, Listing, Need, NeedState, Sector, WorkMode
from app.numbers import parse_page

PAGE_SIZE = 12
PUBLISHED = NeedState.published.value
REMOTE_MODES = (WorkMode.remote.value, WorkMode.either.value)
NEWEST = (col(Need.published_at).desc(), col(Need.id).desc())


def occupation_code(value: str | None) -> str:
    """An ISCO-08 major group (1 digit) or unit group (4 digits), else ""."""
    value = (value or "").strip()
    return value if len(value) in (1, 4) and value.isascii() and value.isdigit() else ""


@dataclass(frozen=True)
class NeedQuery:
    country: str = ""
    sector: str = ""
    occupation: str = ""  # a major group ("2") or a unit group ("2211")
    remote: bool = False  # only needs that can be done from abroad (remote or either)
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str]) -> NeedQuery:
        """Unknown values fall back to the defaults: a hand-edited URL still shows something sensible."""
        country = (params.get("country") or "").upper()[:2]
        try:
            page = parse_page(params.get("page"))
        except BadInput:
            page = 1
        return cls(
            country=country if country.isascii() and country.isalpha() and len(country) == 2 else "",
            sector=params.get("sector", "") if params.get("sector") in Sector.__members__ else "",
            occupation=occupation_code(params.get("occupation")),
            remote=(params.get("remote") or "").lower() in ("1", "true", "on", "yes"),
            page=page,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string for this search with some values changed, leaving out the defaults."""
        values = asdict(self) | changes
        defaults = asdict(NeedQuery())
        out = {k: str(v) for k, v in values.items() if v != defaults[k] and v not in ("", None)}
        if values["remote"]:
            out["remote"] = "1"
        return out


@dataclass
class NeedPage:
    items: list[Need]
    total: int
    page: int
    pages: int


def _conditions(query: NeedQuery) -> list[Any]:
    conditions: list[Any] = [Need.state == PUBLISHED]
    if query.country:
        conditions.append(Need.country == query.country)
    if query.sector:
        conditions.append(Need.sector == query.sector)
    if len(query.occupation) == 4:
        conditions.append(Need.occupation == query.occupation)
    elif query.occupation:
        following = chr(ord(query.occupation) + 1)  # "9" -> ":", the character after "9"
        conditions.append(col(Need.occupation) >= query.occupation)
        conditions.append(col(Need.occupation) < following)
    if query.remote:
        conditions.append(col(Need.mode).in_(REMOTE_MODES))
    return conditions


def browse(session: Session, query: NeedQuery) -> NeedPage:
    conditions = _conditions(query)
    total = session.exec(select(func.count()).select_from(Need).where(*conditions)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    items = session.exec(select(Need).where(*conditions).order_by(*NEWEST)
                         .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return NeedPage(list(items), total, page, pages)


def published_need(session: Session, need_id: int) -> Need | None:
    need = session.get(Need, need_id)
    return need if need is not None and need.state == PUBLISHED else None


def unit_groups_wanted(session: Session) -> list[str]:
    """The unit groups of the published needs, for the occupation chooser."""
    return list(session.exec(select(Need.occupation).where(Need.state == PUBLISHED).distinct()
                             .order_by(Need.occupation)).all())


def wanted_by(session: Session, needs: list[Need]) -> dict[int, Host | Listing]:
    """Need id -> the host institution or the project that wants it, in two queries for a whole page."""
    host_ids = {n.host_id for n in needs if n.host_id}
    listing_ids = {n.listing_id for n in needs if n.listing_id and not n.host_id}
    hosts = {h.id: h for h in session.exec(select(Host).where(col(Host.id).in_(host_ids)))} if host_ids else {}
    projects = {x.id: x for x in session.exec(select(Listing).where(col(Listing.id).in_(listing_ids)))} \
        if listing_ids else {}
    found: dict[int, Host | Listing] = {}
    for need in needs:
        owner = hosts.get(need.host_id) if need.host_id else projects.get(need.listing_id or 0)
        if need.id is not None and owner is not None:
            found[need.id] = owner
    return found
