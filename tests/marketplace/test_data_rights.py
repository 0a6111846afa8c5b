"""Data rights as an EU member expects them: a copy of my data, and erasure that keeps totals true."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlmodel import select

from app.models import OutboxMessage, Pledge, PledgeMethod, RateAlert, User
from tests.marketplace.helpers import person, published
from tests.support import login, post_form

EMAIL = "kofi@example.org"


def _pledged(session, engine, settings):  # type: ignore[no-untyped-def]
    from app.marketplace import pledges

    promoter = person(session, engine, "awa@example.org", "promoter")
    staff = person(session, engine, "moussa@example.org", "staff")
    member = person(session, engine, EMAIL)
    listing = published(session, settings, promoter, staff, goal="1000", min_pledge="10")
    pledge = pledges.create(session, listing, member, Decimal("75"), PledgeMethod.manual)
    assert pledges.mark_received(session, pledge, staff)
    session.add(RateAlert(email=EMAIL, corridor="FR-SN", amount=Decimal("200"), currency="EUR",
                          kind="total_cost_below", threshold=Decimal("2.5"), token_hash="x" * 64))
    session.add(OutboxMessage(to_address=EMAIL, subject="Your pledge", body="Thank you, Kofi"))
    session.commit()
    session.refresh(listing)
    return member, listing, pledge


def test_download_my_data_needs_the_password_and_gives_json(client, session, engine, settings):
    member, listing, pledge = _pledged(session, engine, settings)
    login(client, EMAIL)
    assert client.post("/account/export", data={"export_password": "correct horse battery"}).status_code == 403
    wrong = post_form(client, "/account", "/account/export", {"export_password": "not it at all"})
    assert wrong.status_code == 400 and 'id="f-export_password-error"' in wrong.text
    answer = post_form(client, "/account", "/account/export", {"export_password": "correct horse battery"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    assert answer.headers["content-disposition"].startswith("attachment;")
    data = json.loads(answer.content)
    assert data["account"]["email"] == EMAIL
    assert data["pledges"] == [{**data["pledges"][0], "reference": pledge.reference, "amount": "75",
                                "currency": "EUR", "project": listing.title}]
    assert data["price_alerts"][0]["corridor"] == "FR-SN"
    assert "Your pledge" in [m["subject"] for m in data["mails"]]
    assert "password" not in json.dumps(data).lower(), "no hash, no secret in the copy"


def test_delete_my_account_erases_personal_data_and_keeps_the_pledge_counted(app, client, session, engine,
                                                                            settings):
    from litestar.testing import TestClient

    member, listing, pledge = _pledged(session, engine, settings)
    total, backers = listing.secured_total, listing.backer_count
    assert (total, backers) == (Decimal("75"), 1)
    login(client, EMAIL)
    with TestClient(app, base_url="http://testserver.local") as phone:
        login(phone, EMAIL)
        assert client.post("/account/delete", data={"delete_password": "correct horse battery",
                                                    "confirm": "yes"}).status_code == 403
        unticked = post_form(client, "/account", "/account/delete", {"delete_password": "correct horse battery"})
        assert unticked.status_code == 400
        wrong = post_form(client, "/account", "/account/delete", {"delete_password": "not it at all", "confirm": "yes"})
        assert wrong.status_code == 400
        session.expire_all()
        assert session.get(User, member.id).email == EMAIL, "nothing erased on a refusal"  # type: ignore[union-attr]

        done = post_form(client, "/account", "/account/delete",
                         {"delete_password": "correct horse battery", "confirm": "yes"}, follow_redirects=False)
        assert done.status_code in (302, 303) and done.headers["location"] == "/"
        assert phone.get("/account", follow_redirects=False).status_code in (302, 303), "every session ended"
    assert client.get("/account", follow_redirects=False).status_code in (302, 303)

    session.expire_all()
    erased = session.get(User, member.id)
    assert erased is not None and erased.deleted_at is not None
    assert EMAIL not in erased.email and erased.display_name == ""
    assert session.exec(select(RateAlert).where(RateAlert.email == EMAIL)).all() == []
    assert session.exec(select(OutboxMessage).where(OutboxMessage.to_address == EMAIL)).all() == []
    kept = session.get(Pledge, pledge.id)
    assert kept is not None and kept.member_id == member.id and kept.amount == Decimal("75")
    session.refresh(listing)
    assert (listing.secured_total, listing.backer_count) == (total, backers), "totals stay true"
    assert login(client, EMAIL).status_code == 400, "the old password opens nothing"
    # The address is free again: a new registration creates a new account.
    post_form(client, "/register", "/register", {"email": EMAIL, "password": "long enough pw"})
    session.expire_all()
    assert len(session.exec(select(User).where(User.email == EMAIL)).all()) == 1


def test_promoters_with_projects_and_staff_are_closed_by_the_office(client, session, engine, settings):
    _pledged(session, engine, settings)
    for email in ("awa@example.org", "moussa@example.org"):
        login(client, email)
        answer = post_form(client, "/account", "/account/delete",
                           {"delete_password": "correct horse battery", "confirm": "yes"})
        assert answer.status_code == 409 or answer.status_code == 400
        post_form(client, "/account", "/logout", {})
    session.expire_all()
    assert session.exec(select(User).where(User.deleted_at.is_not(None))).all() == []  # type: ignore[union-attr]
