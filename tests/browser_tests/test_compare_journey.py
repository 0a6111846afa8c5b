"""In real Chromium, in both languages: compare, change amount and payout (htmx and without JavaScript),
open a corridor's history, and subscribe to an alert confirmed through the outbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support import make_user

DATA = Path(__file__).resolve().parents[2] / "app" / "data"
WORDS = {
    "fr-FR": {"amount": "Montant", "payout": "La famille le reçoit en", "wallet": "Portefeuille mobile",
              "offers": "Offres pour", "history": "Le coût total moyen dans le temps", "threshold": "Seuil",
              "email": "Adresse e-mail", "create": "Créer l'alerte", "on": "Votre alerte est active",
              "compare": "Comparer", "login": "Se connecter", "password": "Mot de passe",
              "corridor": "France → Sénégal"},
    "en-GB": {"amount": "Amount", "payout": "The family receives it as", "wallet": "Mobile wallet",
              "offers": "Offers for", "history": "Average total cost over time", "threshold": "Threshold",
              "email": "E-mail address", "create": "Create the alert", "on": "Your alert is on",
              "compare": "Compare", "login": "Log in", "password": "Password",
              "corridor": "France → Senegal"},
}


@pytest.fixture
def loaded_server(live_server, _migrated):  # type: ignore[no-untyped-def]
    from app.db import get_engine
    from app.settings import Settings
    from scrapers.pipeline import ingest

    engine = get_engine(_migrated["sqlite"])
    settings = Settings(database_url=_migrated["sqlite"], scheduler_enabled=False)
    for source, path in (("rpw", DATA / "rpw/rpw_2025q3_wca.xlsx"),
                         ("rpw_history", DATA / "rpw/rpw_corridor_averages_2011q1_2020q3.csv")):
        ingest(source, path.read_bytes(), url=path.as_uri(), engine=engine, settings=settings)
    make_user(engine, "admin@example.org", role="admin")
    return live_server


def _rows(page) -> int:  # type: ignore[no-untyped-def]
    return page.locator("table.offers tbody tr.offer").count()


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_compare_with_htmx(page_factory, loaded_server, locale):
    w = WORDS[locale]
    page = page_factory(locale=locale)
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile(w["offers"]))).to_be_visible()
    all_rows = _rows(page)
    assert all_rows >= 10
    first_received = page.locator("td.received strong").first.inner_text()
    page.evaluate("window.notReloaded = true")  # survives only if htmx swaps instead of navigating

    page.get_by_label(w["amount"], exact=True).fill("500")
    page.get_by_label(w["amount"], exact=True).press("Enter")
    expect(page).to_have_url(re.compile(r"amount=500"))
    expect(page.locator("td.received strong").first).not_to_have_text(first_received)

    page.get_by_label(w["payout"]).select_option(label=w["wallet"])
    expect(page).to_have_url(re.compile(r"payout=mobile_wallet"))
    expect(page.locator("table.offers tbody tr.offer")).not_to_have_count(all_rows)
    assert 0 < _rows(page) < all_rows
    assert page.evaluate("window.notReloaded === true"), "the page was reloaded: htmx did not swap"
    # The pushed URL is a real page: reloading it shows the same table.
    wallet_rows = _rows(page)
    page.reload()
    assert _rows(page) == wallet_rows and page.get_by_label(w["amount"], exact=True).input_value() == "500"


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_compare_without_javascript(page_factory, loaded_server, locale):
    w = WORDS[locale]
    page = page_factory(locale=locale, javascript=False)
    page.goto("/")
    all_rows = _rows(page)
    page.get_by_label(w["amount"], exact=True).fill("500")
    page.get_by_label(w["payout"]).select_option(label=w["wallet"])
    page.get_by_role("button", name=w["compare"], exact=True).click()
    expect(page).to_have_url(re.compile(r"amount=500.*payout=mobile_wallet"))
    assert 0 < _rows(page) < all_rows


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_corridor_history_and_alert(page_factory, loaded_server, locale):
    w = WORDS[locale]
    page = page_factory(locale=locale)
    page.goto("/")
    page.get_by_role("link", name=w["corridor"]).click()
    expect(page.get_by_role("heading", name=w["history"])).to_be_visible()
    expect(page.locator("svg.chart polyline")).to_have_count(1)

    page.goto("/")
    page.get_by_label(w["threshold"]).fill("2")
    page.get_by_label(w["email"]).fill("moussa@example.org")
    page.get_by_role("button", name=w["create"]).click()
    expect(page.get_by_role("status").filter(has_text="moussa@example.org")).to_be_visible()

    admin = page_factory(locale=locale)
    admin.goto("/login")
    admin.get_by_label(w["email"]).fill("admin@example.org")
    admin.get_by_label(w["password"]).fill("correct horse battery")
    admin.get_by_role("button", name=w["login"]).click()
    admin.goto("/admin/outbox")
    body = admin.locator("article.mail", has_text="moussa@example.org").first.inner_text()
    link = re.search(r"http://\S+/alerts/confirm\?token=\S+", body)
    assert link, body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name=w["on"])).to_be_visible()
