"""Staff pages of the diaspora mapping: `/staff/skills/mapping` (table, SVG chart) and its CSV twin."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template
from sqlmodel import Session

from app.accounts.guards import staff_only
from app.marketplace.web import page
from app.reference import country_name
from app.skills import mapping
from app.skills.mapping_chart import bar_chart
from app.skills.occupations import occupation as occupation_label


def mapping_csv(view: mapping.Mapping) -> str:
    """One line per cell of the view: the people counted, or "<5" when withheld."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["origin", "origin_name", "residence", "residence_name", "isco_major_group",
                     "isco_major_group_label", "people"])
    withheld = f"<{mapping.THRESHOLD}"
    for row in view.rows:
        for group, value in zip(view.groups, row.cells, strict=True):
            writer.writerow([row.origin, country_name(row.origin), row.residence, country_name(row.residence), group,
                             occupation_label(group), withheld if value is None else value])
    return buffer.getvalue()


class MappingController(Controller):
    path = "/staff/skills"
    guards = [staff_only]

    @get("/mapping", sync_to_thread=True)
    def show(self, request: Request[Any, Any, Any], db: Session) -> Template:
        query = mapping.MappingQuery.from_params(dict(request.query_params))
        view = mapping.mapping(db, query)
        return page("staff_skills_mapping", view=view, chart=bar_chart(view), threshold=mapping.THRESHOLD,
                    group_label=occupation_label, all_groups=mapping.MAJOR_GROUPS,
                    origins=[(c, country_name(c)) for c in view.origins],
                    residences=[(c, country_name(c)) for c in view.residences])

    @get("/mapping.csv", sync_to_thread=True)
    def csv(self, request: Request[Any, Any, Any], db: Session) -> Response[str]:
        query = mapping.MappingQuery.from_params(dict(request.query_params))
        return Response(mapping_csv(mapping.mapping(db, query)), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="diaspora-mapping.csv"'})


