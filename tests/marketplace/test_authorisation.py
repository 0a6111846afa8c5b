"""Every marketplace route against every role: who may see and do what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from app.marketplace import pledges
from app.models import ListingDocument, PledgeMethod
from tests.marketplace.helpers import draft, person, published
from tests.support import csrf_from, login

ROLES = ("anonymous", "member", "promoter", "other_promoter", "staff", "admin")
LOGIN = "login"
# (method, path, expected per role in ROLES order). 404 hides other people's things; 403 is a missing role.
MATRIX = [
    ("GET", "/projects", (200, 200, 200, 200, 200, 200)),
    ("GET", "/projects/{slug}", (200, 200, 200, 200, 200, 200)),
    ("GET", "/projects/{draft_slug}", (404, 404, 200, 404, 200, 200)),
    ("GET", "/api/v1/projects", (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/projects/{slug}", (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/projects/{draft_slug}", (404, 404, 404, 404, 404, 404)),
    ("POST", "/projects/{slug}/pledge", (LOGIN, 303, 403, 303, 303, 303)),
    ("GET", "/my/listings", (LOGIN, 403, 200, 200, 200, 200)),
    ("GET", "/my/listings/new", (LOGIN, 403, 200, 200, 200, 200)),
    ("GET", "/my/listings/{draft_id}", (LOGIN, 403, 200, 404, 404, 404)),
    ("GET", "/my/listings/{draft_id}/edit", (LOGIN, 403, 200, 404, 404, 404)),
    ("POST", "/my/listings/{draft_id}/edit", (LOGIN, 403, 400, 404, 404, 404)),
    ("POST", "/my/listings/{draft_id}/documents", (LOGIN, 403, 400, 404, 404, 404)),
    ("POST", "/my/listings/{draft_id}/submit", (LOGIN, 403, 303, 404, 404, 404)),
    ("POST", "/my/listings/{id}/updates", (LOGIN, 403, 400, 404, 404, 404)),
    ("GET", "/documents/{document_id}", (LOGIN, 404, 200, 404, 200, 200)),
    ("GET", "/staff/listings", (LOGIN, 403, 403, 403, 200, 200)),
    ("GET", "/staff/listings/{id}", (LOGIN, 403, 403, 403, 200, 200)),
    ("POST", "/staff/listings/{id}/checklist", (LOGIN, 403, 403, 403, 303, 303)),
    ("POST", "/staff/listings/{submitted_id}/approve", (LOGIN, 403, 403, 403, 400, 400)),
    ("POST", "/staff/listings/{submitted_id}/reject", (LOGIN, 403, 403, 403, 400, 400)),
    ("POST", "/staff/listings/{id}/suspend", (LOGIN, 403, 403, 403, 400, 400)),
    ("POST", "/staff/pledges/{pledge_id}/received", (LOGIN, 403, 403, 403, 303, 303)),
    ("GET", "/staff/exports/listings.csv", (LOGIN, 403, 403, 403, 200, 200)),
    ("GET", "/staff/exports/pledges.csv", (LOGIN, 403, 403, 403, 200, 200)),
    ("GET", "/my/pledges", (LOGIN, 200, 200, 200, 200, 200)),
    ("GET", "/my/pledges/{pledge_id}", (LOGIN, 200, 404, 404, 404, 404)),
    ("GET", "/my/pledges/{pledge_id}/pay", (LOGIN, 200, 404, 404, 404, 404)),
    ("POST", "/my/pledges/{pledge_id}/cancel", (LOGIN, 303, 404, 404, 404, 404)),
]


@pytest.fixture
def world(session, engine, settings):  # type: ignore[no-untyped-def]
    users = {role: person(session, engine, f"{role}@example.org", role.replace("other_", ""))
             for role in ROLES if role != "anonymous"}
    live = published(session, settings, users["promoter"], users["staff"])
    waiting = draft(session, settings, users["promoter"], title="Séchoir solaire")
    from app.marketplace import vetting

    vetting.submit(session, waiting, users["promoter"])
    still_draft = draft(session, settings, users["promoter"], title="Ruches de Sikasso")
    pledge = pledges.create(session, live, users["member"], Decimal("25"), PledgeMethod.manual)
    session.commit()
    document = session.exec(select(ListingDocument).where(ListingDocument.listing_id == still_draft.id)).first()
    assert document is not None
    return {"slug": live.slug, "id": live.id, "draft_slug": still_draft.slug, "draft_id": still_draft.id,
            "submitted_id": waiting.id, "document_id": document.id, "pledge_id": pledge.id}


@pytest.mark.parametrize("role", ROLES)
def test_route_access_by_role(client, world, role):  # type: ignore[no-untyped-def]
    if role != "anonymous":
        assert login(client, f"{role}@example.org").status_code in (302, 303)
    failures = []
    for method, template, expected_by_role in MATRIX:
        expected = expected_by_role[ROLES.index(role)]
        path = template.format(**world)
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        else:
            token = csrf_from(client.get("/login").text)
            data = {"_csrf_token": token, "amount": "20", "method": "bank_transfer"}
            response = client.post(path, data=data, follow_redirects=False)
        status = response.status_code
        if expected == LOGIN:
            ok = status in (302, 303) and response.headers["location"].startswith("/login")
        elif expected == 303:
            ok = status in (302, 303) and not response.headers["location"].startswith("/login")
        else:
            ok = status == expected
        if not ok:
            failures.append(f"{method} {path}: expected {expected}, got {status}")
    assert not failures, "\n".join(failures)
