"""CSV exports for programme staff: every listing, every pledge."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.models import Listing, Pledge, User


def _csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        # A leading =, +, - or @ would run as a formula in a spreadsheet: quote it out.
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    return buffer.getvalue()


def listings_csv(session: Session) -> str:
    rows = session.exec(select(Listing, User).join(User, col(User.id) == col(Listing.promoter_id))
                        .order_by(col(Listing.id))).all()
    return _csv(["id", "slug", "title", "state", "country", "town", "sector", "funding_model", "goal", "currency",
                 "secured_total", "backers", "promoter_email", "organisation", "published_at", "deadline",
                 "example"],
                ([lst.id, lst.slug, lst.title, lst.state, lst.country, lst.town, lst.sector, lst.funding_model,
                  lst.goal, lst.currency, lst.secured_total, lst.backer_count, user.email, lst.org_name,
                  lst.published_at.isoformat() if lst.published_at else "",
                  lst.deadline.isoformat() if lst.deadline else "", "yes" if lst.is_example else "no"]
                 for lst, user in rows))


def pledges_csv(session: Session) -> str:
    rows = session.exec(select(Pledge, Listing, User).join(Listing, col(Listing.id) == col(Pledge.listing_id))
                        .join(User, col(User.id) == col(Pledge.member_id)).order_by(col(Pledge.id))).all()
    return _csv(["id", "reference", "listing", "member_email", "amount", "currency", "state", "method", "created_at",
                 "secured_at"],
                ([p.id, p.reference, lst.slug, user.email, p.amount, p.currency, p.state, p.method,
                  p.created_at.isoformat(), p.secured_at.isoformat() if p.secured_at else ""]
                 for p, lst, user in rows))
