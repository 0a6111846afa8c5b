"""Four-eyes approvals under real concurrency: two staff at the same moment give one transition and both
names in the trail; one staff member clicking twice at once gets one approval and a 409, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from sqlmodel import Session, col, select

from app.errors import Conflict
from app.marketplace import audit, vetting
from app.models import Approval, AuditEntry, Listing, User
from tests.browser import serve
from tests.marketplace.helpers import draft, pass_checklist, person
from tests.support import csrf_from

BIG = {"goal": "80000", "min_pledge": "10", "budget": "Chambre froide ; 80000", "milestones": ""}


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "staff2": person(session, engine, "fatou@example.org", "staff")}


def _submitted(session: Session, settings, people) -> Listing:  # type: ignore[no-untyped-def]
    listing = draft(session, settings, people["promoter"], **BIG)
    vetting.submit(session, listing, people["promoter"])
    pass_checklist(session, listing)
    session.commit()
    assert vetting.approvals_needed(listing, settings) == 2
    return listing


def _at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _approve_in_own_session(engine, settings, listing_id: int, staff_id: int) -> Callable[[], bool]:  # type: ignore[no-untyped-def]
    def call() -> bool:
        with Session(engine, expire_on_commit=False) as db:
            listing = vetting.lock(db, listing_id)
            staff = db.get(User, staff_id)
            assert staff is not None
            done = vetting.approve(db, listing, staff, settings)
            db.commit()
            return done
    return call


def test_two_staff_approving_at_the_same_moment_give_one_transition_and_two_audit_rows(
        session, engine, settings, people):
    for _round in range(3):  # a race lost once by luck would not prove much
        listing = _submitted(session, settings, people)
        assert listing.id is not None and people["staff"].id and people["staff2"].id
        results = _at_once(_approve_in_own_session(engine, settings, listing.id, people["staff"].id),
                           _approve_in_own_session(engine, settings, listing.id, people["staff2"].id))
        assert sorted(results) == [False, True], results  # type: ignore[type-var]
        session.expire_all()
        fresh = session.get(Listing, listing.id)
        assert fresh is not None and fresh.state == "approved"
        trail = session.exec(select(AuditEntry).where(AuditEntry.listing_id == listing.id)
                             .order_by(col(AuditEntry.id))).all()
        decisions = [(e.from_state, e.to_state, e.actor_id) for e in trail if e.from_state == "submitted"]
        assert len(decisions) == 2 and {d[2] for d in decisions} == {people["staff"].id, people["staff2"].id}
        assert [d[:2] for d in decisions] == [("submitted", "submitted"), ("submitted", "approved")]
        assert all('"status":"pass"' in e.checklist for e in trail if e.from_state == "submitted")
    assert audit.verify(session) == []


def test_the_same_staff_member_approving_twice_at_once_gets_one_approval_and_a_conflict(
        session, engine, settings, people):
    listing = _submitted(session, settings, people)
    assert listing.id is not None and people["staff"].id
    call = _approve_in_own_session(engine, settings, listing.id, people["staff"].id)
    results = _at_once(call, call)
    assert sorted(map(type, results), key=str) == sorted([bool, Conflict], key=str), results
    assert len(session.exec(select(Approval).where(Approval.listing_id == listing.id)).all()) == 1
    session.expire_all()
    assert session.get(Listing, listing.id).state == "submitted"  # type: ignore[union-attr]


def test_served_app_double_click_and_two_staff_never_answer_5xx(app, session, settings, people):
    listing = _submitted(session, settings, people)
    with serve(app) as base:
        clients = []
        for email in ("moussa@example.org", "moussa@example.org", "fatou@example.org"):
            client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
            token = csrf_from(client.get("/login").text)
            assert client.post("/login", data={"email": email, "password": "correct horse battery",
                                        "_csrf_token": token}).status_code == 302
            clients.append((client, csrf_from(client.get(f"/staff/listings/{listing.id}").text)))

        def approve(pair):  # type: ignore[no-untyped-def]
            client, token = pair
            return lambda: client.post(f"/staff/listings/{listing.id}/approve", data={"_csrf_token": token}).status_code

        statuses = _at_once(*(approve(pair) for pair in clients))
        for client, _token in clients:
            client.close()
    assert all(isinstance(s, int) and s < 500 for s in statuses), statuses
    # Moussa twice (one 302, one 409) and Fatou once (302): approved whatever the order.
    assert sorted(statuses) == [302, 302, 409], statuses  # type: ignore[type-var]
    session.expire_all()
    fresh = session.get(Listing, listing.id)
    assert fresh is not None and fresh.state == "approved"
    assert fresh.goal == Decimal("80000")


def test_the_trail_shows_both_approvers_with_their_checklist(client, session, settings, people):
    from tests.support import login, post_form

    listing = _submitted(session, settings, people)
    page = f"/staff/listings/{listing.id}"
    for email in ("moussa@example.org", "fatou@example.org"):
        client.cookies.clear()
        login(client, email)
        client.cookies.set("lang", "en")
        assert post_form(client, page, f"{page}/approve", {}, follow_redirects=False).status_code == 302
    html = client.get(page).text
    trail = html[html.index('id="audit"'):]
    assert trail.count('class="audit-approval"') == 1 and "Approval recorded" in trail
    assert "moussa@example.org" in trail and "fatou@example.org" in trail
    assert trail.count("Checklist at that moment") == 2, "each approval keeps the checklist it was given on"
