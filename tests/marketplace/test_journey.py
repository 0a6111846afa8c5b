"""The whole path through the pages, as the browser test will click it (manual-payment mode)."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlmodel import select

from app.marketplace.checklist import ITEMS
from app.models import Listing, Pledge
from tests.marketplace.helpers import PDF, listing_form
from tests.support import csrf_from, login, make_user, post_form


def _as(client, email):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    assert login(client, email).status_code in (302, 303)


def test_promoter_to_receipt(client, engine, session):
    for email, role in (("awa@example.org", "promoter"), ("moussa@example.org", "staff"),
                        ("fatou@example.org", "staff"), ("kofi@example.org", "member")):
        make_user(engine, email, role)
    settings_goal = "60000"  # above the default 50,000 EUR threshold: two staff approvals

    _as(client, "awa@example.org")
    r = post_form(client, "/my/listings/new", "/my/listings/new", listing_form(goal=settings_goal, min_pledge="20",
                  budget="Mill ; 60000"), follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    page = r.headers["location"]
    listing_id = int(page.rsplit("/", 1)[1])
    token = csrf_from(client.get(page).text)
    r = client.post(f"{page}/documents", data={"kind": "registration", "_csrf_token": token},
                    files={"document": ("statuts.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    assert "statuts.pdf" in client.get(page).text
    r = post_form(client, page, f"{page}/submit", {}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text

    _as(client, "moussa@example.org")
    assert "Moulin" in client.get("/staff/listings").text
    review = f"/staff/listings/{listing_id}"
    r = post_form(client, review, f"{review}/request-changes", {"reason": "Add the 2025 accounts, please."},
                  follow_redirects=False)
    assert r.status_code in (302, 303), r.text

    _as(client, "awa@example.org")
    mine = client.get(page).text
    assert "Add the 2025 accounts, please." in mine
    r = post_form(client, page, f"{page}/submit", {}, follow_redirects=False)
    assert r.status_code in (302, 303)

    _as(client, "fatou@example.org")
    checklist = {f"status_{code}": "pass" for code in ITEMS}
    post_form(client, review, f"{review}/checklist", checklist)
    r = post_form(client, review, f"{review}/approve", {}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    assert session.get(Listing, listing_id).state == "submitted"  # type: ignore[union-attr]
    _as(client, "moussa@example.org")
    r = post_form(client, review, f"{review}/approve", {}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    r = post_form(client, review, f"{review}/publish", {}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    listing = session.exec(select(Listing).where(Listing.id == listing_id)).one()
    session.refresh(listing)
    assert listing.state == "published"

    _as(client, "kofi@example.org")
    project = f"/projects/{listing.slug}"
    assert "Moulin" in client.get("/projects").text
    r = post_form(client, project, f"{project}/pledge", {"amount": "150", "method": "bank_transfer"},
                  follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    receipt = r.headers["location"]
    text = client.get(receipt).text
    assert "promise to pay" in text.lower() or "promesse" in text.lower()
    reference = re.search(r'id="pledge-reference">([^<]+)<', text).group(1)  # type: ignore[union-attr]
    before = re.search(r'<progress max="100" value="([^"]+)"', client.get(project).text).group(1)  # type: ignore[union-attr]
    assert Decimal(before) == 0, "a promise is not counted before the money arrives"

    _as(client, "moussa@example.org")
    pledge = session.exec(select(Pledge).where(Pledge.reference == reference)).one()
    r = post_form(client, review, f"/staff/pledges/{pledge.id}/received", {}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text

    _as(client, "kofi@example.org")
    progress = re.search(r'<progress max="100" value="([^"]+)"', client.get(project).text).group(1)  # type: ignore[union-attr]
    assert Decimal(progress) == Decimal("0.25")
    mine = client.get("/my/pledges").text
    assert reference in mine
    receipt_page = client.get(receipt).text
    assert reference in receipt_page and ("Paid" in receipt_page or "Payé" in receipt_page)
