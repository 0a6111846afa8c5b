"""The marketplace's rules: who may pledge, how much, to what; budgets that add up to the goal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from app.errors import BadInput, Conflict, Forbidden
from app.marketplace import listings, pledges
from app.models import Listing, Pledge, PledgeMethod
from tests.marketplace.helpers import listing_form, person, published
from tests.support import login, post_form


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    from app.i18n import current_locale

    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "member": person(session, engine, "kofi@example.org", "member")}


def test_an_unverified_address_cannot_pledge(client, session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    member = people["member"]
    member.email_verified_at = None
    session.add(member)
    session.commit()
    with pytest.raises(Forbidden):
        pledges.create(session, listing, member, Decimal("50"), PledgeMethod.bank_transfer, settings=settings)
    session.rollback()
    login(client, "kofi@example.org")
    client.cookies.set("lang", "en")
    page = f"/projects/{listing.slug}"
    assert 'id="verify-notice"' in client.get(page).text
    refused = post_form(client, page, f"{page}/pledge", {"amount": "50", "method": "bank_transfer"})
    assert refused.status_code == 403 and "confirm your e-mail address" in refused.text
    assert session.exec(select(Pledge)).all() == []


def test_a_pledge_lies_between_the_minimum_and_the_ceiling(session, settings, people):
    # Goal 1000 €, minimum 10 €: a single pledge may not exceed the goal (multiple 1) nor the ceiling.
    listing = published(session, settings, people["promoter"], people["staff"])
    member = people["member"]
    with pytest.raises(BadInput, match="minimum"):
        pledges.create(session, listing, member, Decimal("9.99"), PledgeMethod.bank_transfer, settings=settings)
    with pytest.raises(BadInput, match="largest"):
        pledges.create(session, listing, member, Decimal("1000.01"), PledgeMethod.bank_transfer, settings=settings)
    assert pledges.create(session, listing, member, Decimal("1000"), PledgeMethod.bank_transfer, settings=settings)
    settings.pledge_ceiling = Decimal("500")
    assert pledges.maximum(listing, settings) == Decimal("500")
    with pytest.raises(BadInput, match="largest"):
        pledges.create(session, listing, member, Decimal("500.01"), PledgeMethod.bank_transfer, settings=settings)
    settings.pledge_goal_multiple = Decimal("0.1")
    assert pledges.maximum(listing, settings) == Decimal("100")


def test_the_ceiling_of_a_cfa_listing_is_converted_at_the_peg(session, settings, people):
    settings.second_approval_above = Decimal("1000000")  # one approval is enough for this test
    listing = published(session, settings, people["promoter"], people["staff"], goal="100000000", currency="XOF",
                        min_pledge="5000", budget="Chambre froide ; 100000000", milestones="")
    assert pledges.maximum(listing, settings) == Decimal("13119140")  # 20 000 € × 655.957
    with pytest.raises(BadInput):
        pledges.create(session, listing, people["member"], Decimal("13119141"), PledgeMethod.bank_transfer,
                       settings=settings)


def test_an_example_project_is_browsable_but_takes_no_pledge(client, session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    listing.is_example = True
    session.add(listing)
    session.commit()
    with pytest.raises(Conflict):
        pledges.create(session, listing, people["member"], Decimal("50"), PledgeMethod.bank_transfer,
                       settings=settings)
    session.rollback()
    login(client, "kofi@example.org")
    client.cookies.set("lang", "en")
    page = f"/projects/{listing.slug}"
    html = client.get(page).text
    assert 'id="example-notice"' in html and f'action="{page}/pledge"' not in html
    refused = post_form(client, page, f"{page}/pledge", {"amount": "50", "method": "bank_transfer"})
    assert refused.status_code == 409 and "example project" in refused.text
    assert session.exec(select(Pledge)).all() == []


def test_budget_lines_add_up_to_the_goal_or_say_what_covers_the_rest(client, people, session):
    short = listings.read_form(listing_form(goal="60000", budget="Chambre froide ; 20000"))
    assert "less than the goal" in short.errors["budget"]
    larger = listings.read_form(listing_form(goal="1000", budget="Moulin ; 700\nAbri ; 800"))
    assert "other_funding" in larger.errors
    covered = listings.read_form(listing_form(goal="1000", budget="Moulin ; 700\nAbri ; 800",
                                              other_funding="Fonds propres du GIE : 500 €"))
    assert not covered.errors
    exact = listings.read_form(listing_form(goal="1000", budget="Moulin ; 700\nAbri ; 300"))
    assert not exact.errors
    login(client, "awa@example.org")
    client.cookies.set("lang", "en")
    response = post_form(client, "/my/listings/new", "/my/listings/new",
                         listing_form(goal="60000", budget="Chambre froide ; 20000"))
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert 'id="f-budget-error"' in response.text and "less than the goal" in response.text
    assert session.exec(select(Listing)).all() == []
