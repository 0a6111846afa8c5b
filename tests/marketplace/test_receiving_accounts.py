"""Admins set up the programme's receiving accounts; a receipt shows the accounts a pledge can be paid into,
each with the exact amount in the account's currency; references carry check digits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from app.billing import receiving, references
from app.models import OutboxMessage, PaymentAuditEntry, Pledge, ReceivingAccount
from tests.marketplace.helpers import programme_accounts, published
from tests.support import csrf_from, login, post_form

IBAN = "FR7630006000011234567890189"


def test_a_reference_has_check_digits_that_catch_every_single_typo_and_swap():
    reference = references.new()
    assert references.is_valid(reference) and len(reference) == 12
    body, digits = reference[2:9], reference[10:]
    for i, char in enumerate(body):
        for other in references.ALPHABET.replace(char, ""):
            assert references.check_digits(body[:i] + other + body[i + 1:]) != digits
        if i + 1 < len(body) and body[i] != body[i + 1]:
            assert references.check_digits(body[:i] + body[i + 1] + body[i] + body[i + 2:]) != digits
    # As banks and people write it: lower case, spaces or no separators, among other words.
    assert references.find(f"VIR SEPA {reference.lower().replace('-', ' ')} MERCI") == [reference]
    assert references.find("DON " + reference.replace("-", "")) == [reference]
    wrong = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    assert references.find(wrong) == [] and references.looks_like_one(wrong)


@pytest.mark.parametrize(("raw", "ok"), [
    ("FR76 3000 6000 0112 3456 7890 189", True), ("fr7630006000011234567890189", True),
    ("SN08SN0100152000048500003035", True), ("FR7630006000011234567890188", False),  # one digit off
    ("FR763000600001123456789018", False),  # a character missing
    ("3000600001123456789018", False), ("", False), ("FR76 3000 6000 0112 3456 7890 189 ÷", False),
])
def test_ibans_are_checked_by_length_and_check_digits(raw, ok):
    assert (receiving.iban_error(raw) is None) is ok


def test_mobile_numbers_are_kept_in_international_form_of_their_country():
    assert receiving.phone_number("77 123 45 67", "SN") == "+221771234567"
    assert receiving.phone_number("+221 77-123-45-67", "SN") == "+221771234567"
    assert receiving.phone_number("00221771234567", "SN") == "+221771234567"
    assert receiving.phone_number("07 07 12 34 56", "CI") == "+2250707123456"
    assert receiving.phone_number("+33612345678", "SN") is None  # a French number is no Senegalese wallet
    assert receiving.phone_number("77 123 45", "SN") is None
    assert receiving.phone_number("٧٧١٢٣٤٥٦٧", "SN") is None


def test_the_amount_due_is_exact_at_the_peg_or_not_offered():
    assert receiving.due_in(Decimal("50"), "EUR", "XOF") == Decimal("32798")  # 32 797.85 rounded
    assert receiving.due_in(Decimal("75"), "EUR", "XOF") == Decimal("49197")
    assert receiving.due_in(Decimal("32798"), "XOF", "EUR") == Decimal("50.00")
    assert receiving.due_in(Decimal("50"), "EUR", "GHS") is None  # no treaty rate: never guessed


def test_only_admins_reach_the_accounts_page_and_every_change_needs_the_form_token(client, session, people):
    assert client.get("/admin/accounts", follow_redirects=False).status_code in (302, 303)
    login(client, "moussa@example.org")  # staff, not admin
    assert client.get("/admin/accounts").status_code == 403
    login(client, "aminata@example.org")
    assert client.get("/admin/accounts").status_code == 200
    forged = client.post("/admin/accounts/", data={"kind": "bank", "holder": "X", "iban": IBAN, "currency": "EUR"})
    assert forged.status_code == 403 and session.exec(select(ReceivingAccount)).all() == []


def test_a_mistyped_iban_is_refused_beside_its_field_with_everything_kept_in_french(client, session, people):
    login(client, "aminata@example.org")
    client.cookies.set("lang", "fr")
    response = post_form(client, "/admin/accounts", "/admin/accounts/",
                         {"kind": "bank", "holder": "Programme Passerelle", "iban": "FR76 3000 6000 0112 3456 7890 188",
                          "bic": "AGRIFRPP", "currency": "EUR"})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert 'id="f-iban-error"' in response.text and "chiffres de contrôle" in response.text
    assert 'value="FR76 3000 6000 0112 3456 7890 188"' in response.text
    assert 'value="Programme Passerelle"' in response.text
    assert session.exec(select(ReceivingAccount)).all() == []
    wallet = post_form(client, "/admin/accounts", "/admin/accounts/",
                       {"kind": "mobile_money", "holder": "Passerelle Sénégal", "operator": "wave", "country": "SN",
                        "number": "+33 6 12 34 56 78"})
    assert wallet.status_code == 400 and 'id="f-number-error"' in wallet.text and 'id="f-iban-error"' not in wallet.text


def test_admins_add_and_stop_showing_accounts_and_the_trail_says_who(client, session, people):
    login(client, "aminata@example.org")
    client.cookies.set("lang", "en")
    post_form(client, "/admin/accounts", "/admin/accounts/",
              {"kind": "bank", "holder": "Programme Passerelle", "iban": "fr76 3000 6000 0112 3456 7890 189",
               "bic": "agrifrpp", "currency": "EUR"})
    post_form(client, "/admin/accounts", "/admin/accounts/",
              {"kind": "mobile_money", "holder": "Passerelle Sénégal", "operator": "orange_money", "country": "SN",
               "number": "77 000 00 00"})
    bank, wallet = session.exec(select(ReceivingAccount).order_by(ReceivingAccount.id)).all()
    assert (bank.iban, bank.bic, bank.currency) == (IBAN, "AGRIFRPP", "EUR")
    assert (wallet.number, wallet.currency, wallet.country) == ("+221770000000", "XOF", "SN")
    page = client.get("/admin/accounts").text
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "+221770000000" in page
    post_form(client, "/admin/accounts", f"/admin/accounts/{wallet.id}/deactivate", {})
    session.refresh(wallet)
    assert wallet.active is False
    trail = session.exec(select(PaymentAuditEntry).order_by(PaymentAuditEntry.id)).all()
    assert [e.action for e in trail] == ["account_added", "account_added", "account_deactivated"]
    assert {e.actor_id for e in trail} == {people["admin"].id}
    assert "aminata@example.org" in client.get("/admin/accounts").text


def test_a_euro_pledge_by_mobile_money_says_the_exact_cfa_amount_to_send(client, session, settings, people):
    programme_accounts(session)
    session.add(ReceivingAccount(kind="mobile_money", holder="Passerelle Ghana", operator="mtn_momo",
                                 country="GH", number="+233240000000", currency="GHS"))
    session.commit()
    listing = published(session, settings, people["promoter"], people["staff"])
    login(client, "kofi@example.org")
    client.cookies.set("lang", "fr")
    page = f"/projects/{listing.slug}"
    receipt = post_form(client, page, f"{page}/pledge", {"amount": "75", "method": "mobile_money"}).text
    pledge = session.exec(select(Pledge)).one()
    assert references.is_valid(pledge.reference) and pledge.reference in receipt
    assert "49\u202f197\xa0FCFA" in receipt and "+221770000000" in receipt
    assert "+233240000000" not in receipt, "a cedi wallet cannot take an exact euro amount"
    assert IBAN not in receipt and "FR76 3000" not in receipt, "only the accounts of the chosen method"
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "kofi@example.org")).one()
    assert pledge.reference in mail.subject
    assert "49\u202f197\xa0FCFA → Orange Money (SN) +221770000000" in mail.body and "75,00\xa0€" in mail.body
    assert "+233240000000" not in mail.body
    mine = client.get("/my/pledges").text
    assert pledge.reference in mine and "75,00\xa0€" in mine


def test_a_bank_transfer_receipt_shows_the_iban_and_the_euro_amount(client, session, settings, people):
    session.add(ReceivingAccount(kind="bank", holder="Programme Passerelle", iban=IBAN, bic="AGRIFRPP", currency="EUR"))
    session.commit()
    listing = published(session, settings, people["promoter"], people["staff"])
    login(client, "kofi@example.org")
    client.cookies.set("lang", "en")
    page = f"/projects/{listing.slug}"
    token = csrf_from(client.get(page).text)
    receipt = client.post(f"{page}/pledge", data={"amount": "50", "method": "bank_transfer", "_csrf_token": token}).text
    assert "FR76 3000 6000 0112 3456 7890 189" in receipt and "€50.00" in receipt and "AGRIFRPP" in receipt


@pytest.mark.parametrize(("raw", "says"), [
    ("FR76 3000 6", "Cet IBAN a 9 caractères ; les IBAN de ce pays en ont 27."),  # groups left out
    ("FR76", "Cet IBAN a 4 caractères ; les IBAN de ce pays en ont 27."),
    ("QA12 345", "Cet IBAN a 7 caractères ; un IBAN en a entre 15 et 34."),  # a country of no known length
    ("ZZ12 3456 7890 1234", "Un IBAN commence par le code de son pays (FR, SN…)."),
    ("3000 6000", "Un IBAN commence par deux lettres et deux chiffres, suivis de 30 lettres et chiffres au plus."),
])
def test_a_short_iban_is_told_its_length_not_only_its_shape(raw, says):
    assert receiving.iban_error(raw) == says
