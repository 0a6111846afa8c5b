"""Payment methods as one registry: manual payments show the programme's accounts on the receipt and in the
mail; no code outside the registry decides anything by comparing method names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from app.billing import methods
from app.models import OutboxMessage, Pledge
from app.settings import PROJECT_ROOT
from tests.marketplace.helpers import person, programme_accounts, published
from tests.support import login, post_form


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "member": person(session, engine, "kofi@example.org", "member")}


def test_the_registry_refuses_duplicates_and_knows_its_methods():
    assert set(methods.REGISTRY) == {"bank_transfer", "mobile_money", "stripe_card"}
    with pytest.raises(ValueError):
        methods.register(methods.StripeCard())
    with pytest.raises(KeyError):
        methods.get("cash_in_envelope")


def test_no_payment_branch_on_a_method_name_outside_the_registry():
    branch = re.compile(r"""method\s*(==|!=|in)\s*["'(\[]|PledgeMethod\.\w+\s*(==|!=)|(==|!=)\s*PledgeMethod\.""")
    offenders = []
    for folder, pattern in (("app", "*.py"), ("templates", "*.html")):
        for path in Path(PROJECT_ROOT, folder).rglob(pattern):
            if path.name == "methods.py" and path.parent.name == "billing":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if branch.search(line) and "request.method" not in line:
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_a_mobile_money_pledge_shows_the_number_reference_and_amount_on_the_receipt_and_in_the_mail(
        client, session, settings, people):
    programme_accounts(session)
    session.commit()
    listing = published(session, settings, people["promoter"], people["staff"])
    login(client, "kofi@example.org")
    client.cookies.set("lang", "en")
    page = f"/projects/{listing.slug}"
    form = client.get(page).text
    assert 'value="bank_transfer"' in form and 'value="mobile_money"' in form and 'value="stripe_card"' not in form
    response = post_form(client, page, f"{page}/pledge", {"amount": "75", "method": "mobile_money"})
    assert response.status_code == 200
    pledge = session.exec(select(Pledge)).one()
    assert pledge.method == "mobile_money"
    receipt = response.text
    assert pledge.reference in receipt and "+221770000000" in receipt and "€75.00" in receipt
    assert "FR7630006000011234567890189" not in receipt, "only the accounts of the chosen method"
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "kofi@example.org")).one()
    assert pledge.reference in mail.subject and pledge.reference in mail.body and "+221770000000" in mail.body
    # Staff mark it received: the member gets a second mail.
    login(client, "moussa@example.org")
    staff_page = f"/staff/listings/{listing.id}"
    post_form(client, staff_page, f"/staff/pledges/{pledge.id}/received", {}, follow_redirects=False)
    session.refresh(pledge)
    assert pledge.state == "paid"
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "kofi@example.org")).all()
    assert len(mails) == 2 and pledge.reference in mails[1].subject


def test_an_unknown_or_unoffered_method_is_refused_beside_the_choice(client, session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    login(client, "kofi@example.org")
    page = f"/projects/{listing.slug}"
    response = post_form(client, page, f"{page}/pledge", {"amount": "75", "method": "stripe_card"})
    assert response.status_code == 400 and 'id="f-method-error"' in response.text
    assert session.exec(select(Pledge)).all() == []
