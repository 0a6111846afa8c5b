"""In real Chromium, in French and English: a member pledges by card, is sent to the Checkout fake's hosted
page (another loopback origin, as Stripe's is), pays, and comes back to a receipt that says paid — the
app having heard it from the signed `checkout.session.completed` webhook, not from the redirect."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.db import make_engine
from app.models import Pledge, PledgeState
from app.settings import PROJECT_ROOT, Settings
from tests.browser import guarded_page, serve_site
from tests.browser_tests.test_pages_in_browser import _violations
from tests.marketplace.checkout_fake import CheckoutFake, checkout_fake
from tests.marketplace.conftest import WEBHOOK_SECRET
from tests.marketplace.helpers import person, published

KEY = "sk_test_passerelle"
SHOTS = PROJECT_ROOT / "var" / "screenshots"
WORDS = {
    "fr-FR": {"email": "Adresse e-mail", "password": "Mot de passe", "login": "Se connecter",
              "amount": "Montant promis (EUR)", "card": "Carte", "pledge": "Promettre",
              "receipt": "Reçu de promesse de don", "paid": "Payé"},
    "en-GB": {"email": "E-mail address", "password": "Password", "login": "Log in",
              "amount": "Amount to pledge (EUR)", "card": "Card", "pledge": "Pledge",
              "receipt": "Pledge receipt", "paid": "Paid"},
}


@dataclass
class CardSite:
    url: str
    fake: CheckoutFake
    settings: Settings


@pytest.fixture
def card_site(_migrated: dict[str, str], tmp_path: Path, localstripe_url: str) -> Iterator[CardSite]:
    """The app on loopback with Stripe configured against the Checkout fake, whose events reach the app's
    webhook over HTTP."""
    httpx.delete(f"{localstripe_url}/_config/data", timeout=5).raise_for_status()
    where: dict[str, str] = {}

    def deliver(payload: bytes, headers: dict[str, str]) -> int:
        answer = httpx.post(f"{where['app']}/billing/stripe/webhook", content=payload, headers=headers, timeout=20)
        return answer.status_code

    with checkout_fake(localstripe_url, KEY, WEBHOOK_SECRET, deliver) as fake:
        settings = Settings(database_url=_migrated["sqlite"], scheduler_enabled=False, passerelle_env="test",
                            upload_dir=tmp_path / "uploads", stripe_secret_key=KEY,
                            stripe_webhook_secret=WEBHOOK_SECRET, stripe_api_base=fake.url,
                            stripe_checkout_origin=fake.url)
        with serve_site(settings) as (base_url, running):
            where["app"] = base_url
            yield CardSite(base_url, fake, running)


def _page(browser, site: CardSite, locale: str, width: int, height: int, offsite: list[str]) -> Page:  # type: ignore[no-untyped-def]
    """A browser context that may ask the app and the Checkout page, and nothing else."""
    return guarded_page(browser, (site.url, site.fake.url), offsite, locale=locale, base_url=site.url,
                        viewport={"width": width, "height": height})


@pytest.mark.parametrize(("locale", "width", "height"), [("fr-FR", 360, 740), ("en-GB", 1280, 800)])
def test_a_card_pledge_goes_through_checkout_to_a_paid_receipt(browser, card_site, locale, width, height):
    words, lang = WORDS[locale], locale[:2]
    engine = make_engine(card_site.settings.database_url)
    with Session(engine) as session:
        promoter = person(session, engine, "awa@example.org", "promoter")
        staff = person(session, engine, "moussa@example.org", "staff")
        person(session, engine, "kofi@example.org", "member")
        listing = published(session, card_site.settings, promoter, staff, goal="1000", min_pledge="10",
                            funding_model="keep_it_all", title="Four solaire de Ziguinchor")
        slug = listing.slug
    offsite: list[str] = []
    member = _page(browser, card_site, locale, width, height, offsite)
    try:
        member.goto("/login")
        member.get_by_label(words["email"]).fill("kofi@example.org")
        member.get_by_label(words["password"]).fill("correct horse battery")
        member.get_by_role("button", name=words["login"]).click()
        member.goto(f"/projects/{slug}")
        member.get_by_label(words["amount"]).fill("75")
        member.get_by_role("radio", name=words["card"]).check()
        member.get_by_role("button", name=words["pledge"], exact=True).click()

        expect(member.get_by_role("heading", name="Checkout (test mode)")).to_be_visible()
        assert member.url.startswith(f"{card_site.fake.url}/pay/cs_test_"), member.url
        expect(member.locator("#amount")).to_have_text("75.00 EUR")
        member.get_by_label("Card number").fill("4242 4242 4242 4242")
        member.get_by_role("button", name="Pay", exact=True).click()

        expect(member.get_by_role("heading", name=words["receipt"])).to_be_visible()
        assert member.url.startswith(card_site.url) and member.url.endswith("?checkout=done"), member.url
        expect(member.locator("#pledge-state")).to_have_text(words["paid"])
        reference = member.locator("#pledge-reference").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        member.screenshot(path=str(SHOTS / f"card-receipt-{lang}-{width}.png"), full_page=True)
        assert member.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll"
        assert not _violations(member)
    finally:
        member.context.close()
    assert card_site.fake.deliveries == [("checkout.session.completed", 200)]
    with Session(engine) as session:
        pledge = session.exec(select(Pledge).where(Pledge.reference == reference)).one()
        assert pledge.state == PledgeState.paid
    engine.dispose()
    assert not offsite, f"pages asked another host: {offsite}"
