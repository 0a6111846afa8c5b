"""In real Chromium, in French (phone) and English (desktop), with mail going through a real SMTP server on
loopback: an admin sets up the programme's bank account and an Orange Money wallet; a newcomer registers,
confirms the address from the mail received, pledges by bank transfer and by mobile money, and finds the
reference, the account and the exact amount to send (CFA francs for the wallet) on the receipt and in the
mail; staff upload the bank's statement CSV and the transfer pledge becomes received."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.billing.receiving import due_in
from app.db import make_engine
from app.i18n import fmt_money
from app.settings import PROJECT_ROOT, Settings
from tests.browser import guarded_page, serve_site, translator
from tests.browser_tests.test_pages_in_browser import _violations
from tests.mail_server import Mailbox, smtp_server
from tests.marketplace.helpers import person, published
from tests.support import make_user

SHOTS = PROJECT_ROOT / "var" / "screenshots"
VIEWPORTS = {"fr": (360, 740), "en": (1280, 800)}
IBAN, IBAN_SHOWN = "FR7630006000011234567890189", "FR76 3000 6000 0112 3456 7890 189"
WALLET = "+221771234567"


def _subject(mail: Message) -> str:
    return str(make_header(decode_header(mail["Subject"] or "")))


def _text(mail: Message) -> str:
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


@pytest.fixture
def site(_migrated: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Settings, Mailbox]]:
    """The app on loopback sending its mail right after each commit to aiosmtpd on loopback."""
    with smtp_server() as (mailbox, port):
        settings = Settings(database_url=_migrated["sqlite"], scheduler_enabled=False, passerelle_env="test",
                            upload_dir=tmp_path / "uploads", smtp_host="127.0.0.1", smtp_port=port,
                            smtp_starttls=False)
        with serve_site(settings) as (base_url, running):
            yield base_url, running, mailbox


def _person_page(browser, base_url: str, lang: str, offsite: list[str]) -> Page:  # type: ignore[no-untyped-def]
    width, height = VIEWPORTS[lang]
    return guarded_page(browser, (base_url,), offsite, locale="fr-FR" if lang == "fr" else "en-GB",
                        base_url=base_url, viewport={"width": width, "height": height})


def _log_in(page: Page, t: Callable[..., str], email: str, password: str = "correct horse battery") -> None:
    page.goto("/login")
    page.get_by_label(t("E-mail address")).fill(email)
    page.get_by_label(t("Password")).fill(password)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()


def _shot(page: Page, name: str, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"manual-{name}-{lang}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scroll"
    assert not _violations(page), f"{name}: {_violations(page)}"


def _pledge(page: Page, t: Callable[..., str], slug: str, amount: str, method: str) -> str:
    page.goto(f"/projects/{slug}")
    page.get_by_label(t("Amount to pledge (%(currency)s)", currency="EUR")).fill(amount)
    page.get_by_role("radio", name=re.compile("^" + re.escape(t(method)))).check()
    page.get_by_role("button", name=t("Pledge"), exact=True).click()
    expect(page.get_by_role("heading", name=t("Pledge receipt"))).to_be_visible()
    return page.locator("#pledge-reference").inner_text().strip()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_verify_pledge_by_transfer_and_mobile_money_then_staff_match_a_statement(
        browser, site, lang: str, tmp_path: Path):
    base_url, settings, mailbox = site
    t = translator(lang)
    engine = make_engine(settings.database_url)
    make_user(engine, "admin@example.org", role="admin")
    with Session(engine) as session:
        promoter = person(session, engine, "awa@example.org", "promoter")
        staff = person(session, engine, "moussa@example.org", "staff")
        slug = published(session, settings, promoter, staff, goal="6500", min_pledge="10",
                         budget="Moulin ; 6500").slug
    engine.dispose()
    offsite: list[str] = []

    # The admin sets up where members send money.
    admin = _person_page(browser, base_url, lang, offsite)
    _log_in(admin, t, "admin@example.org")
    admin.goto("/admin/accounts")
    bank = admin.locator("#add-bank")
    bank.get_by_label(t("Account holder")).fill("Programme Passerelle")
    bank.get_by_label(t("IBAN")).fill(IBAN_SHOWN.lower())
    bank.get_by_label(t("BIC (optional for SEPA transfers)")).fill("BNPAFRPP")
    bank.get_by_role("button", name=t("Add the bank account")).click()
    expect(admin.get_by_text(IBAN_SHOWN).first).to_be_visible()
    wallet = admin.locator("#add-wallet")
    wallet.get_by_label(t("Wallet holder")).fill("Programme Passerelle")
    wallet.get_by_label(t("Operator")).select_option("orange_money")
    wallet.get_by_label(t("Country of the wallet")).select_option("SN")
    wallet.get_by_label(t("Wallet number")).fill("77 123 45 67")
    wallet.get_by_role("button", name=t("Add the wallet")).click()
    expect(admin.get_by_text(WALLET).first).to_be_visible()
    _shot(admin, "accounts", lang)

    # A newcomer registers and confirms the address from the mail itself.
    member = _person_page(browser, base_url, lang, offsite)
    member.goto("/register")
    member.get_by_label(t("Your name")).fill("Kofi Mensah")
    member.get_by_label(t("E-mail address")).fill("kofi@example.org")
    member.get_by_label(t("Password")).fill("un mot de passe long")
    member.get_by_role("button", name=t("Create my account")).click()
    mailbox.wait_for(1)
    [welcome] = mailbox.to("kofi@example.org")
    link = re.search(r"http://\S+/verify\?token=\S+", _text(welcome))
    assert link, _text(welcome)
    member.goto(link.group(0))
    expect(member.get_by_text(t("Thank you: your e-mail address is confirmed."))).to_be_visible()
    _log_in(member, t, "kofi@example.org", "un mot de passe long")

    # By bank transfer: the receipt and the mail say where, how much and with which reference.
    transfer = _pledge(member, t, slug, "150", "Bank transfer")
    how = member.locator("#how-to-pay")
    expect(how).to_contain_text(IBAN_SHOWN)
    expect(how).to_contain_text(transfer)
    expect(how).to_contain_text(fmt_money(Decimal("150"), "EUR", lang))
    _shot(member, "receipt-transfer", lang)
    mails = mailbox.wait_for(2)
    body = _text([m for m in mails if transfer in _subject(m)][0])
    assert transfer in body and IBAN_SHOWN in body and fmt_money(Decimal("150"), "EUR", lang) in body, body

    # By mobile money into a CFA wallet: the exact CFA amount, never "send euros".
    wallet_pledge = _pledge(member, t, slug, "50", "Mobile money")
    how = member.locator("#how-to-pay")
    due = due_in(Decimal("50"), "EUR", "XOF")
    assert due is not None
    francs = fmt_money(due, "XOF", lang)
    expect(how).to_contain_text(WALLET)
    expect(how).to_contain_text(wallet_pledge)
    expect(how).to_contain_text(francs)
    _shot(member, "receipt-wallet", lang)
    mails = mailbox.wait_for(3)
    body = _text([m for m in mails if wallet_pledge in _subject(m)][0])
    assert wallet_pledge in body and WALLET in body and francs in body, body

    # Staff upload the bank's statement: the transfer with its reference and exact amount is received.
    desk = _person_page(browser, base_url, lang, offsite)
    _log_in(desk, t, "moussa@example.org")
    desk.goto("/staff/payments")
    statement = tmp_path / "releve.csv"
    statement.write_text("date;amount;reference;payer\n"
                         f"2026-12-01;150,00;VIR SEPA {transfer} KOFI MENSAH;Kofi Mensah\n"
                         "2026-12-01;80,00;DON SANS REFERENCE;Inconnu\n", encoding="utf-8")
    desk.get_by_label(t("CSV file")).set_input_files(str(statement))
    desk.get_by_role("button", name=t("Upload and match")).click()
    expect(desk.locator("#waiting")).to_contain_text("Inconnu")  # the line it could not match waits
    _shot(desk, "statement", lang)

    member.goto("/my/pledges")
    member.get_by_role("link", name=t("Receipt for %(reference)s", reference=transfer)).click()
    expect(member.locator("#pledge-state")).to_have_text(t("Paid"))
    mailbox.wait_for(4)
    subjects = [_subject(m) for m in mailbox.to("kofi@example.org")]
    assert t("Payment received for %(reference)s — Passerelle", reference=transfer) in subjects, subjects
    for page in (admin, member, desk):
        page.context.close()
    assert not offsite, f"pages asked another host: {offsite}"
