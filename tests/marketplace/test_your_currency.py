"""Members see amounts in their own currency too, labelled approximate, at the latest ECB rate stored; a
refused pledge lands on the form (the page is anchored at it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.models import ReferenceRate
from tests.marketplace.helpers import person, published
from tests.support import login, post_form


@pytest.fixture
def listing(session, engine, settings):  # type: ignore[no-untyped-def]
    session.add(ReferenceRate(date=dt.date(2026, 4, 10), currency="USD", per_eur=Decimal("1.0700"), source="ecb"))
    session.add(ReferenceRate(date=dt.date(2026, 4, 13), currency="USD", per_eur=Decimal("1.0850"), source="ecb"))
    session.commit()
    return published(session, settings, person(session, engine, "awa@example.org", "promoter"),
                     person(session, engine, "moussa@example.org", "staff"))


@pytest.mark.parametrize(("languages", "shown"), [
    ("en-US,en;q=0.8", "≈ 1,085\xa0USD in your currency, approximate: ECB rate of 2026-04-13"),
    ("en-GB", None),   # no GBP rate stored: nothing is guessed
    ("en", None),      # a language names no country
    ("en-FR", None),   # euros already
    ("en-SN", None),   # CFA francs: the exact peg is shown instead
])
def test_the_goal_in_the_member_currency_is_approximate_and_dated(client, listing, languages, shown):
    client.cookies.set("lang", "en")
    page = client.get(f"/projects/{listing.slug}", headers={"accept-language": languages}).text
    if shown:
        assert shown in page
    else:
        assert "in your currency" not in page


def test_a_refused_pledge_lands_on_the_form_with_the_error(client, session, engine, listing):
    person(session, engine, "kofi@example.org")
    login(client, "kofi@example.org")
    page = f"/projects/{listing.slug}"
    assert f'action="{page}/pledge#pledge"' in client.get(page).text
    refused = post_form(client, page, f"{page}/pledge", {"amount": "abc", "method": "bank_transfer"})
    assert refused.status_code == 400 and 'id="f-amount-error"' in refused.text
