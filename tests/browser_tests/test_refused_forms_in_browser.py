"""In real Chromium, in French (phone) and English (desktop): every refused form of issue 9 comes back as
an HTML page with its error beside the field it concerns, linked to it for screen readers, the typed values
kept — never the JSON source a browser would show. Pledge amounts 1, abc and -20; an empty and an
incomplete new listing; a fake PDF; approving before the checklist, twice, one's own listing; a waived
checklist item without its note."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session

from app.db import make_engine
from app.i18n import fmt_money
from app.marketplace import checklist, vetting
from app.settings import PROJECT_ROOT, Settings
from tests.browser import translator
from tests.browser_tests.test_pages_in_browser import _violations
from tests.marketplace.helpers import draft, pass_checklist, person, published

SHOTS = PROJECT_ROOT / "var" / "screenshots"
VIEWPORTS = {"fr": (360, 740), "en": (1280, 800)}


def _log_in(page: Page, t: Callable[..., str], email: str) -> None:
    page.goto("/login")
    page.get_by_label(t("E-mail address")).fill(email)
    page.get_by_label(t("Password")).fill("correct horse battery")
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()


def _refused(page: Page, submit: Locator, status: int) -> None:
    """Press the button; the answer to the POST is an HTML page with the refusal's status."""
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        submit.click()
    answer = info.value
    assert answer.status == status, (answer.url, answer.status)
    assert answer.headers["content-type"].startswith("text/html"), answer.headers["content-type"]
    page.wait_for_load_state()
    expect(page.locator("pre")).to_have_count(0)  # not a source view


def _beside(page: Page, field_id: str, text: str | None = None) -> Locator:
    """The error of `field_id` is shown next to it and is what a screen reader announces with it."""
    error = page.locator(f"#{field_id}-error")
    expect(error).to_be_visible()
    if text is not None:
        expect(error).to_have_text(text)
    else:
        expect(error).not_to_be_empty()
    control = page.locator(f"#{field_id}")
    expect(control).to_have_attribute("aria-invalid", "true")
    assert f"{field_id}-error" in (control.get_attribute("aria-describedby") or "").split()
    box, near = control.bounding_box(), error.bounding_box()
    assert box and near and 0 <= near["y"] - box["y"] <= box["height"] + 60, (box, near)
    return error


def _shot(page: Page, lang: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"refused-{name}-{lang}.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scroll"
    assert not _violations(page), f"{name}: {_violations(page)}"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_refused_form_of_issue_9_shows_its_error_beside_the_field(page_factory, live_server, _migrated,
                                                                       tmp_path: Path, lang: str):
    t = translator(lang)
    width, height = VIEWPORTS[lang]
    engine = make_engine(_migrated["sqlite"])
    settings = Settings(database_url=_migrated["sqlite"], passerelle_env="test", upload_dir=tmp_path / "uploads")
    with Session(engine) as session:
        promoter = person(session, engine, "awa@example.org", "promoter")
        staff = person(session, engine, "moussa@example.org", "staff")
        person(session, engine, "kofi@example.org", "member")
        project = published(session, settings, promoter, staff, goal="1000", min_pledge="10")
        to_vet = draft(session, settings, promoter, title="Chambre froide de Mopti", goal="80000",
                       min_pledge="10", budget="Chambre froide ; 80000")
        vetting.submit(session, to_vet, promoter)
        session.commit()
        own = draft(session, settings, staff, title="Rucher de Kolda")
        vetting.submit(session, own, staff)
        pass_checklist(session, own)
        session.commit()
        slug, vet_id, own_id, draft_id = project.slug, to_vet.id, own.id, draft(session, settings, promoter).id
    engine.dispose()
    locale = "fr-FR" if lang == "fr" else "en-GB"

    member = page_factory(locale=locale)
    member.set_viewport_size({"width": width, "height": height})
    _log_in(member, t, "kofi@example.org")
    for amount, message in (("1", t("The minimum pledge for this project is %(min)s.",
                                     min=fmt_money(Decimal(10), "EUR", lang))),
                            ("abc", t("Please enter an amount, for example %(example)s.", example="50")),
                            ("-20", t("The amount must be more than zero."))):
        member.goto(f"/projects/{slug}")
        member.get_by_label(t("Amount to pledge (%(currency)s)", currency="EUR")).fill(amount)
        _refused(member, member.get_by_role("button", name=t("Pledge"), exact=True), 400)
        _beside(member, "f-amount", message)
        expect(member.locator("#f-amount")).to_have_value(amount)
        _shot(member, lang, f"pledge-{amount}")

    promoter_page = page_factory(locale=locale)
    promoter_page.set_viewport_size({"width": width, "height": height})
    _log_in(promoter_page, t, "awa@example.org")
    promoter_page.goto("/my/listings/new")
    _refused(promoter_page, promoter_page.get_by_role("button", name=t("Save as draft")), 400)
    for field in ("f-title", "f-summary", "f-country", "f-sector", "f-goal", "f-budget"):
        _beside(promoter_page, field)
    _shot(promoter_page, lang, "listing-empty")
    promoter_page.get_by_label(t("Title"), exact=True).fill("Four solaire")
    promoter_page.get_by_label(t("Funding goal")).fill("abc")
    _refused(promoter_page, promoter_page.get_by_role("button", name=t("Save as draft")), 400)
    _beside(promoter_page, "f-goal")
    _beside(promoter_page, "f-summary")
    expect(promoter_page.locator("#f-title")).to_have_value("Four solaire")
    expect(promoter_page.locator("#f-goal")).to_have_value("abc")
    assert not promoter_page.locator("#f-title-error").count(), "a valid field carries no error"
    _shot(promoter_page, lang, "listing-incomplete")

    promoter_page.goto(f"/my/listings/{draft_id}")
    promoter_page.get_by_label(t("Kind of document")).select_option("registration")
    promoter_page.get_by_label(t("File (PDF, JPEG or PNG, 10 MB at most)")).set_input_files(
        {"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 an executable"})
    _refused(promoter_page, promoter_page.get_by_role("button", name=t("Upload the document")), 400)
    _beside(promoter_page, "f-document", t("Only PDF, JPEG and PNG files are accepted."))
    _shot(promoter_page, lang, "fake-pdf")

    desk = page_factory(locale=locale)
    desk.set_viewport_size({"width": width, "height": height})
    _log_in(desk, t, "moussa@example.org")
    desk.goto(f"/staff/listings/{vet_id}")
    _refused(desk, desk.get_by_role("button", name=t("Approve"), exact=True), 400)
    alert = desk.get_by_role("alert")
    still_open = t("Every checklist item must pass, or be waived with a note, before approval. "
                   "Still open: %(items)s.").split("%(items)s")[0].strip()
    expect(alert).to_contain_text(still_open)
    expect(alert).to_be_in_viewport()
    _shot(desk, lang, "approve-before-checklist")

    for select in desk.locator("select[name^='status_']").all():
        select.select_option("pass")
    desk.locator("#f-status-site_visit").select_option("waived")
    desk.locator("#f-note_track_record").fill("Bilans 2024 vus")
    _refused(desk, desk.get_by_role("button", name=t("Save the checklist")), 400)
    site_visit = t(checklist.ITEMS["site_visit"])
    _beside(desk, "f-note_site_visit", t("A waived item needs a note saying why: %(item)s.", item=site_visit))
    summary = desk.locator("#checklist-error")
    expect(summary).to_be_in_viewport()  # the page opens at the checklist, the missing note named
    expect(summary.get_by_role("link", name=site_visit)).to_have_attribute("href", "#f-note_site_visit")
    expect(desk.locator("#f-note_track_record")).to_have_value("Bilans 2024 vus")
    expect(desk.locator("#f-status-site_visit")).to_have_value("waived")
    _shot(desk, lang, "waived-without-note")

    desk.locator("#f-note_site_visit").fill("Visite remplacée par un appel vidéo")
    desk.get_by_role("button", name=t("Save the checklist")).click()
    desk.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(desk.get_by_text(t("Your approval is recorded. This goal needs a second approval by another staff "
                              "member."))).to_be_visible()
    _refused(desk, desk.get_by_role("button", name=t("Approve"), exact=True), 409)
    alert = desk.get_by_role("alert")
    expect(alert).to_have_text(t("You have already approved this submission; another staff member must approve it."))
    expect(alert).to_be_in_viewport()
    _shot(desk, lang, "approve-twice")

    desk.goto(f"/staff/listings/{own_id}")
    _refused(desk, desk.get_by_role("button", name=t("Approve"), exact=True), 403)
    alert = desk.get_by_role("alert")
    expect(alert).to_have_text(t("You cannot approve your own project."))
    expect(alert).to_be_in_viewport()
    _shot(desk, lang, "approve-own")
