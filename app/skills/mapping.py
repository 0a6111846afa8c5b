"""Diaspora mapping: active skill profiles counted by country of origin × country of residence × ISCO-08 major
group, for staff and, through them, partner governments. No person is ever named; small cells are withheld.

The rule (also explained on the page):

1. A *cell* is one (origin, residence, major group). Every cell counting fewer than THRESHOLD (5) people is
   withheld, empty cells included, so "withheld" never tells 0 from 1–4.
2. No true total is ever published. A row, column or grand total is the sum of the cells *shown* in that view,
   and says so when cells were withheld from it. Subtracting the shown cells from a total therefore gives 0,
   never a withheld count.
3. Every view is cut from the one full table of cells, after rule 1: a filter only chooses which of those
   cells to show (and the totals sum what is shown), it never counts people again. Two filtered views, or a
   filtered view and the unfiltered one, differ only by cells shown in both, so differencing them yields
   sums of published cells, never a withheld one.
4. What appears at all (the countries offered in the filters, the rows, the columns) depends only on the cells
   shown: a row appears when at least one of its cells in view is shown; a country is offered when it is in
   such a row. The existence of a row made only of small cells is not disclosed either.

So everything published (page, CSV, SVG) is a function of the shown cells alone: two pools that differ only in
withheld cells give identical outputs, whatever filters, subtraction or differencing one tries (the tests
compare such pools). Nothing here reads a name, an e-mail, a job title or any free text of a profile.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import SkillProfile

THRESHOLD = 5
MAJOR_GROUPS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")  # ISCO-08 order: armed forces (0) last

Key = tuple[str, str, str]  # (origin, residence, major group)


@dataclass(frozen=True)
class MappingQuery:
    origin: str = ""
    residence: str = ""
    group: str = ""  # an ISCO-08 major group, one digit

    @classmethod
    def from_params(cls, params: dict[str, str]) -> MappingQuery:
        """Unknown values are ignored: the filters only ever choose among the cells shown."""
        def country(name: str) -> str:
            value = (params.get(name) or "").strip().upper()
            return value if len(value) == 2 and value.isascii() and value.isalpha() else ""

        group = (params.get("group") or "").strip()
        return cls(country("origin"), country("residence"), group if group in MAJOR_GROUPS else "")

    def params(self) -> dict[str, str]:
        return {k: v for k, v in (("origin", self.origin), ("residence", self.residence), ("group", self.group))
                if v}


@dataclass
class Row:
    origin: str
    residence: str
    cells: list[int | None]  # one per column of the view; None: withheld (fewer than THRESHOLD people)
    total: int  # the sum of the cells shown
    withheld: bool  # some cell of this row was withheld (the total leaves it out)


@dataclass
class Mapping:
    query: MappingQuery
    groups: list[str]  # the columns of this view
    rows: list[Row]
    column_totals: list[int]  # sums of the cells shown, per column
    column_withheld: list[bool]
    total: int  # the sum of every cell shown in this view
    withheld: bool
    origins: list[str] = field(default_factory=list)  # the filters' choices (countries with a cell shown)
    residences: list[str] = field(default_factory=list)


def pool(session: Session) -> dict[Key, int]:
    """People per cell, active profiles only: the one full table every view is cut from."""
    group = func.substr(SkillProfile.occupation, 1, 1)
    rows = session.exec(select(SkillProfile.origin_country, SkillProfile.residence_country, group, func.count())
                        .where(SkillProfile.active == True)  # noqa: E712
                        .group_by(SkillProfile.origin_country, SkillProfile.residence_country, group)).all()
    return {(o, r, g): n for o, r, g, n in rows if g in MAJOR_GROUPS}


def shown_cells(counts: dict[Key, int]) -> dict[Key, int]:
    """Rule 1: only cells of at least THRESHOLD people; every other cell (empty ones too) is withheld."""
    return {key: n for key, n in counts.items() if n >= THRESHOLD}


def view(shown: dict[Key, int], query: MappingQuery) -> Mapping:
    """Rules 2–4: the view of `query`, computed from the shown cells alone (never from the counts)."""
    groups_in_view = [query.group] if query.group else list(MAJOR_GROUPS)
    pairs: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (origin, residence, group), n in shown.items():
        if (query.origin in ("", origin)) and (query.residence in ("", residence)) and group in groups_in_view:
            pairs[(origin, residence)][group] = n
    columns = [g for g in groups_in_view if any(g in cells for cells in pairs.values())] or groups_in_view
    rows = []
    for (origin, residence), cells in pairs.items():
        values = [cells.get(g) for g in columns]
        rows.append(Row(origin, residence, values, sum(v for v in values if v is not None),
                        any(v is None for v in values)))
    rows.sort(key=lambda row: (-row.total, row.origin, row.residence))
    column_values = [[row.cells[i] for row in rows] for i in range(len(columns))]
    every_pair = {(o, r) for o, r, _g in shown}
    return Mapping(
        query=query, groups=columns, rows=rows,
        column_totals=[sum(v for v in values if v is not None) for values in column_values],
        column_withheld=[any(v is None for v in values) for values in column_values],
        total=sum(row.total for row in rows), withheld=any(row.withheld for row in rows),
        origins=sorted({o for o, _r in every_pair}), residences=sorted({r for _o, r in every_pair}))


def mapping(session: Session, query: MappingQuery) -> Mapping:
    return view(shown_cells(pool(session)), query)
