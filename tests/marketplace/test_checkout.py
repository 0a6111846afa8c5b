"""Card pledges through Stripe Checkout, at the HTTP level, on both databases.

The app talks to the Checkout fake (tests/marketplace/checkout_fake.py) on a loopback port, which answers
the Checkout endpoints itself and passes every other Stripe call to localstripe; the member's browser is
played by httpx against the fake's hosted page; the fake's signed `checkout.session.*` events go to the
app's webhook as Stripe would send them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from sqlmodel import select

from app.models import Pledge, PledgeCard, PledgeState, ProcessedWebhookEvent
from tests.marketplace.checkout_fake import CheckoutFake, checkout_fake, sign
from tests.marketplace.conftest import WEBHOOK_SECRET
from tests.marketplace.helpers import person, published
from tests.support import csrf_from, login, post_form

P = PledgeState
HOOK = "/billing/stripe/webhook"
VISA, DECLINED = "4242 4242 4242 4242", "4000000000000002"


@pytest.fixture
def fake(client, settings, billing, localstripe_url) -> Iterator[CheckoutFake]:  # type: ignore[no-untyped-def]
    """Stripe configured against the Checkout fake; its events delivered to the app's webhook."""
    def deliver(payload: bytes, headers: dict[str, str]) -> int:
        return int(client.post(HOOK, content=payload, headers=headers).status_code)

    with checkout_fake(localstripe_url, "sk_test_passerelle", WEBHOOK_SECRET, deliver) as running:
        settings.stripe_api_base = running.url
        yield running


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "member": person(session, engine, "kofi@example.org", "member")}


def _stripe(localstripe_url: str, kind: str) -> list[dict]:  # type: ignore[type-arg]
    response = httpx.get(f"{localstripe_url}/v1/{kind}", params={"limit": "100"}, timeout=5,
                         headers={"Authorization": "Bearer sk_test_passerelle"})
    response.raise_for_status()
    return response.json()["data"]  # type: ignore[no-any-return]


def _pledge_by_card(client, session, settings, people, amount: str = "40", **listing):  # type: ignore[no-untyped-def]
    """The member's pledge form, sent by card: the app's answer (a redirect) and the pledge."""
    target = published(session, settings, people["promoter"], people["staff"], goal="100", min_pledge="10",
                       budget="Mill ; 100", **listing)
    login(client, "kofi@example.org")
    client.cookies.set("lang", "en")
    page = f"/projects/{target.slug}"
    answer = post_form(client, page, f"{page}/pledge", {"amount": amount, "method": "stripe_card"},
                       follow_redirects=False)
    pledge = session.exec(select(Pledge).where(Pledge.listing_id == target.id)).one()
    return answer, pledge, target


def _pay(page_url: str, card: str) -> httpx.Response:
    """The member on the hosted page: it shows the amount, they type a card number and press Pay."""
    shown = httpx.get(page_url, timeout=10)
    assert shown.status_code == 200, shown.text
    action = re.search(r'<form method="post" action="([^"]+)"', shown.text)
    assert action
    return httpx.post(httpx.URL(page_url).join(action.group(1)), data={"card": card}, timeout=20)


def test_a_card_pledge_goes_to_checkout_and_the_completed_event_makes_it_paid(
        client, session, settings, people, fake, localstripe_url):
    answer, pledge, listing = _pledge_by_card(client, session, settings, people, funding_model="keep_it_all")
    assert answer.status_code in (302, 303), answer.text[:500]
    location = answer.headers["location"]
    assert location.startswith(f"{fake.url}/pay/cs_test_"), location
    [checkout] = fake.sessions.values()
    assert (checkout["mode"], checkout["amount_total"], checkout["currency"]) == ("payment", 4000, "eur")
    assert checkout["metadata"] == {"pledge_id": str(pledge.id)}
    assert checkout["success_url"] == f"{settings.site_url}/my/pledges/{pledge.id}?checkout=done"
    assert checkout["customer"].startswith("cus_")
    assert "40.00 EUR" in httpx.get(location, timeout=10).text, "the hosted page shows the pledge's amount"

    paid = _pay(location, VISA)
    assert paid.status_code == 303 and paid.headers["location"] == checkout["success_url"]
    assert fake.deliveries == [("checkout.session.completed", 200)]
    session.refresh(pledge)
    session.refresh(listing)
    assert pledge.state == P.paid
    assert listing.secured_total == Decimal("40") and listing.backer_count == 1
    [intent] = _stripe(localstripe_url, "payment_intents")
    assert (intent["amount"], intent["currency"], intent["status"]) == (4000, "eur", "succeeded")
    assert intent["metadata"] == {"pledge_id": str(pledge.id)}

    receipt = client.get(f"/my/pledges/{pledge.id}?checkout=done")
    state = re.search(r'<strong id="pledge-state">([^<]*)</strong>', receipt.text)
    assert state and state.group(1) == "Paid", receipt.text[:2000]
    # Stripe sends an event again when it is unsure it arrived: nothing changes twice.
    again = client.post(HOOK, content=fake.payloads[0], headers=sign(fake.payloads[0], WEBHOOK_SECRET))
    assert again.json()["outcome"] == "duplicate"
    session.refresh(listing)
    assert listing.secured_total == Decimal("40") and listing.backer_count == 1


def test_an_all_or_nothing_card_pledge_saves_the_card_on_checkout_and_charges_nothing(
        client, session, settings, people, fake, localstripe_url):
    answer, pledge, listing = _pledge_by_card(client, session, settings, people, amount="60")
    [checkout] = fake.sessions.values()
    assert checkout["mode"] == "setup" and checkout["amount_total"] is None
    assert "card saved for later" in httpx.get(answer.headers["location"], timeout=10).text
    saved = _pay(answer.headers["location"], VISA)
    assert saved.status_code == 303
    assert fake.deliveries == [("checkout.session.completed", 200)]
    session.refresh(pledge)
    session.refresh(listing)
    assert pledge.state == P.card_saved
    card = session.get(PledgeCard, pledge.id)  # billing's own row: the marketplace's pledge has no Stripe column
    assert card and card.customer_id == checkout["customer"]
    assert card.payment_method_id and card.payment_method_id.startswith("pm_")
    assert listing.secured_total == Decimal("60")
    assert _stripe(localstripe_url, "payment_intents") == [], "nothing is charged before the goal is met"


def test_a_declined_card_stays_on_checkout_and_the_pledge_still_waits(client, session, settings, people, fake):
    answer, pledge, _listing = _pledge_by_card(client, session, settings, people, funding_model="keep_it_all")
    refused = _pay(answer.headers["location"], DECLINED)
    assert refused.status_code == 402 and "declined" in refused.text
    assert fake.deliveries == []
    session.refresh(pledge)
    assert pledge.state == P.awaiting_payment


def test_an_expired_checkout_changes_nothing_and_the_member_can_pay_later(client, session, settings, people, fake):
    answer, pledge, listing = _pledge_by_card(client, session, settings, people, funding_model="keep_it_all")
    [first] = fake.sessions
    assert fake.expire(first) == 200
    session.expire_all()
    outcomes = session.exec(select(ProcessedWebhookEvent.type, ProcessedWebhookEvent.outcome)).all()
    assert [tuple(row) for row in outcomes] == [("checkout.session.expired", "checkout expired")]
    session.refresh(pledge)
    assert pledge.state == P.awaiting_payment
    assert httpx.get(answer.headers["location"], timeout=10).status_code == 410, "an expired page takes nothing"

    receipt = client.get(f"/my/pledges/{pledge.id}")
    assert f'href="/my/pledges/{pledge.id}/pay"' in receipt.text, "the receipt offers to pay again"
    token = csrf_from(client.get(f"/my/pledges/{pledge.id}/pay").text)
    retry = client.post(f"/my/pledges/{pledge.id}/pay", data={"_csrf_token": token}, follow_redirects=False)
    assert retry.status_code in (302, 303)
    assert retry.headers["location"] != answer.headers["location"], "a fresh Checkout page"
    assert _pay(retry.headers["location"], VISA).status_code == 303
    session.refresh(pledge)
    session.refresh(listing)
    assert pledge.state == P.paid and listing.secured_total == Decimal("40")


def test_checkout_events_with_a_wrong_signature_or_amount_change_nothing(client, session, settings, people, fake):
    answer, pledge, _listing = _pledge_by_card(client, session, settings, people, funding_model="keep_it_all")
    [checkout_id] = fake.sessions
    obj = fake.sessions[checkout_id] | {"status": "complete", "payment_status": "paid", "payment_intent": "pi_x"}
    payload = fake.event("checkout.session.completed", obj)
    assert client.post(HOOK, content=payload, headers=sign(payload, "whsec_someone_else")).status_code == 400
    stale = sign(payload, WEBHOOK_SECRET, stamp=1_700_000_000)  # replayed long after: outside the tolerance
    assert client.post(HOOK, content=payload, headers=stale).status_code == 400
    short = fake.event("checkout.session.completed", obj | {"amount_total": 100})
    assert client.post(HOOK, content=short, headers=sign(short, WEBHOOK_SECRET)).status_code == 400
    session.refresh(pledge)
    assert pledge.state == P.awaiting_payment
    assert json.loads(payload)["data"]["object"]["metadata"] == {"pledge_id": str(pledge.id)}


def test_forms_may_lead_to_the_checkout_page_only_when_cards_are_on(client, settings):
    settings.stripe_secret_key = None
    assert "form-action 'self';" in client.get("/projects").headers["content-security-policy"]
    settings.stripe_secret_key = "sk_test_passerelle"
    policy = client.get("/projects").headers["content-security-policy"]
    assert "form-action 'self' https://checkout.stripe.com;" in policy
    assert "script-src 'self';" in policy, "nothing else is loosened"


def test_back_from_checkout_before_the_webhook_the_receipt_says_it_is_being_confirmed(
        client, session, settings, people, fake):
    answer, pledge, _listing = _pledge_by_card(client, session, settings, people, funding_model="keep_it_all")
    fake.hold = True
    back = _pay(answer.headers["location"], VISA)
    early = client.get(httpx.URL(back.headers["location"]).raw_path.decode())
    assert 'id="checkout-confirming"' in early.text, "the return itself proves nothing: the member is told so"
    assert '<strong id="pledge-state">Awaiting payment</strong>' in early.text
    assert fake.release() == [200]
    late = client.get(httpx.URL(back.headers["location"]).raw_path.decode())
    assert 'id="checkout-confirming"' not in late.text
    assert '<strong id="pledge-state">Paid</strong>' in late.text
