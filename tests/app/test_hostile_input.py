"""Issue 10, finding 3: each odd input that answered 500 now answers a translated 4xx (one named test per case)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, select

from app.errors import BadInput
from app.marketplace import disbursements, listings, pledges
from app.models import ListingDocument, ListingState, PledgeMethod
from app.settings import Settings
from tests.marketplace.helpers import draft, listing_form, person, published
from tests.support import csrf_from, login, post_form

HUGE = "9223372036854775808"  # 2**63: beyond any id a database row can have
PG_INT = "2147483648"  # 2**31: beyond PostgreSQL's INTEGER keys (a 500 there before), fine for SQLite's
THOUSAND_ZEROS = "0." + "0" * 3000 + "1"


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    site_url="http://testserver.local", upload_dir=tmp_path / "uploads")


@pytest.fixture
def world(session: Session, engine, settings):  # type: ignore[no-untyped-def]
    people = {role: person(session, engine, f"{role}@example.org", role) for role in ("member", "promoter", "staff")}
    live = published(session, settings, people["promoter"], people["staff"])
    mine = draft(session, settings, people["promoter"], title="Ruches de Sikasso")
    session.commit()
    return {"people": people, "live": live, "draft": mine}


def _refused(response, field: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if field and response.headers.get("content-type", "").startswith("application/json"):
        assert response.json()["field"] == field


def test_projects_page_superscript_two(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/projects?page=²")
    assert response.status_code == 200  # the browse page falls back to page 1, as for any hand-edited filter


@pytest.mark.parametrize("amount", ["1e-999999", THOUSAND_ZEROS, "NaN", "Infinity", "1e308", "9" * 40, "²"])
def test_compare_page_amount_out_of_reach(client, amount: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/", params={"from": "FR", "to": "SN", "amount": amount},
                          headers={"Accept-Language": "en"})
    assert response.status_code == 400 and 'id="c-amount-error"' in response.text


@pytest.mark.parametrize("amount", ["1e-999999", THOUSAND_ZEROS, "NaN", "-Infinity", "1E+20", "9" * 40])
def test_compare_api_amount_out_of_reach(client, amount: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/compare", params={"from": "FR", "to": "SN", "amount": amount})
    _refused(response, "amount")
    assert response.status_code == 400


def test_project_photo_id_beyond_64_bits(client, world) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/projects/{world['live'].slug}/photos/{HUGE}").status_code == 404
    assert client.get(f"/projects/x/photos/{HUGE}").status_code == 404


@pytest.mark.parametrize("path", [f"/documents/{HUGE}", f"/my/pledges/{HUGE}", f"/my/pledges/{HUGE}/pay",
                                  f"/my/listings/{HUGE}/edit", f"/my/listings/{HUGE}", f"/staff/listings/{HUGE}",
                                  "/documents/99999999999999999999999999999999999999",
                                  f"/my/listings/{PG_INT}", f"/my/pledges/{PG_INT}", f"/documents/{PG_INT}"])
def test_signed_in_ids_beyond_64_bits(client, world, path: str) -> None:  # type: ignore[no-untyped-def]
    role = "staff" if path.startswith("/staff") else "promoter" if "listings" in path or "documents" in path \
        else "member"
    assert login(client, f"{role}@example.org").status_code in (302, 303)
    assert client.get(path, follow_redirects=False).status_code == 404


def test_signed_in_post_ids_beyond_64_bits(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "member@example.org")
    token = csrf_from(client.get("/my/pledges").text)
    assert client.post(f"/my/pledges/{HUGE}/cancel", data={"_csrf_token": token}).status_code == 404


@pytest.mark.parametrize("amount", ["1e308", "9" * 40, "1E+20", "NaN", "²"])
def test_pledge_amount_out_of_reach(client, world, amount: str) -> None:  # type: ignore[no-untyped-def]
    login(client, "member@example.org")
    page = f"/projects/{world['live'].slug}"
    response = post_form(client, page, f"{page}/pledge", {"amount": amount, "method": "manual"},
                         follow_redirects=False)
    _refused(response)
    with pytest.raises(BadInput):
        pledges.parse_amount(amount, "EUR")


@pytest.mark.parametrize(("field", "value"), [
    ("goal", "1e308"), ("min_pledge", "1e30"), ("budget", "Mill ; 1e308"), ("milestones", "2027-03-01 ; Mill ; 1e308"),
    ("campaign_days", "²"), ("expected_jobs", "³"), ("goal", "9" * 40), ("expected_jobs", "9" * 40),
])
def test_listing_numbers_out_of_reach(client, world, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert field in listings.read_form(listing_form(**{field: value})).errors
    login(client, "promoter@example.org")
    page = f"/my/listings/{world['draft'].id}/edit"
    response = post_form(client, page, page, listing_form(**{field: value}), follow_redirects=False)
    assert response.status_code == 400


def test_staff_milestone_superscript_two(session, world) -> None:  # type: ignore[no-untyped-def]
    live, staff = world["live"], world["people"]["staff"]
    pledge = pledges.create(session, live, world["people"]["member"], Decimal("100"), PledgeMethod.manual)
    pledges.mark_received(session, pledge, staff)
    live.state = ListingState.funded.value
    session.add(live)
    session.flush()
    for milestone in ("²", HUGE, "abc", "-1"):
        with pytest.raises(BadInput) as refused:
            disbursements.record(session, live, staff, {"amount": "50", "paid_on": "2026-01-02", "reference": "VIR-1",
                                                        "milestone_id": milestone})
        assert refused.value.field == "milestone_id"


@pytest.mark.parametrize("snapshot", ["abc", "²", HUGE, ""])
def test_staff_confirm_snapshot_not_a_number(client, world, snapshot: str) -> None:  # type: ignore[no-untyped-def]
    login(client, "staff@example.org")
    response = post_form(client, "/staff/observations", "/staff/observations/confirm", {"snapshot": snapshot},
                         follow_redirects=False)
    assert response.status_code == 404


def test_alert_unsubscribe_id_not_a_number(client) -> None:  # type: ignore[no-untyped-def]
    for alert in ("²", HUGE, "abc"):
        response = post_form(client, "/alerts/unsubscribe?alert=1&key=x", "/alerts/unsubscribe",
                             {"alert": alert, "key": "x"})
        assert response.status_code == 400


def test_open_data_amount_usd_superscript(client) -> None:  # type: ignore[no-untyped-def]
    for raw in ("²", "9" * 40, "2E+2"):
        _refused(client.get("/api/v1/corridors/FR-SN/stats", params={"amount_usd": raw}), "amount_usd")


def test_document_of_a_draft_stays_hidden_under_odd_ids(client, session, world) -> None:  # type: ignore[no-untyped-def]
    document = session.exec(select(ListingDocument).where(ListingDocument.listing_id == world["draft"].id)).first()
    assert document is not None
    login(client, "member@example.org")
    assert client.get(f"/documents/{document.id}").status_code == 404
