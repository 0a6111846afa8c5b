"""Issue 11, done-when 1, in real Chromium, in French (phone) and English (desktop), mail through a real SMTP
server on loopback: a host institution registers and is vetted, posts a need, staff publish it; a member
writes a skill profile, finds the need at /skills, offers; staff see the member ranked among the matches and
broker; the host accepts; both see each other's contact details; the host confirms 5 days delivered; the
host's public page shows them; the member downloads the certificate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.db import make_engine
from app.settings import PROJECT_ROOT, Settings
from tests.browser import guarded_page, serve_site, translator
from tests.browser_tests.test_pages_in_browser import _violations
from tests.mail_server import Mailbox, smtp_server
from tests.support import make_user

SHOTS = PROJECT_ROOT / "var" / "screenshots"
VIEWPORTS = {"fr": (360, 740), "en": (1280, 800)}
PASSWORD = "correct horse battery"
STAFF, MEMBER = "mariama.staff@example.org", "aissatou.member@example.org"
HOST, HOST_PHONE = "direction@hopital-kaolack.example.org", "+221 33 941 00 00"
HOSPITAL = "Hôpital régional de Kaolack"
NEED = "Anesthésiste pour former l'équipe du bloc"


def _text(mail: Message) -> str:
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _subject(mail: Message) -> str:
    return str(make_header(decode_header(mail["Subject"] or "")))


@pytest.fixture
def site(_migrated: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Settings, Mailbox]]:
    with smtp_server() as (mailbox, port):
        settings = Settings(database_url=_migrated["sqlite"], scheduler_enabled=False, passerelle_env="test",
                            upload_dir=tmp_path / "uploads", smtp_host="127.0.0.1", smtp_port=port,
                            smtp_starttls=False)
        with serve_site(settings) as (base_url, running):
            yield base_url, running, mailbox


def _page(browser, base_url: str, lang: str, offsite: list[str]) -> Page:  # type: ignore[no-untyped-def]
    width, height = VIEWPORTS[lang]
    return guarded_page(browser, (base_url,), offsite, locale="fr-FR" if lang == "fr" else "en-GB",
                        base_url=base_url, viewport={"width": width, "height": height})


def _log_in(page: Page, t: Callable[..., str], email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label(t("E-mail address")).fill(email)
    page.get_by_label(t("Password")).fill(password)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()


def _shot(page: Page, name: str, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"skills-journey-{name}-{lang}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: sideways scroll"
    assert not _violations(page), f"{name}: {_violations(page)}"


def _write_profile(page: Page, t: Callable[..., str]) -> None:
    """The member's skill profile, through the form as a person fills it in (no JavaScript needed)."""
    page.goto("/my/skills")
    page.get_by_label(t("Occupation (ISCO-08)")).select_option("2212")
    page.get_by_label(t("Your job in your own words")).fill("Anesthésiste-réanimatrice")
    page.get_by_label(t("Skill %(n)s", n=1)).fill("anesthésie")
    page.get_by_label(t("Skill %(n)s", n=2)).fill("formation")
    page.locator("input[name=lang_fr]").check()
    page.get_by_label(t("Country of origin")).select_option("SN")
    page.get_by_label(t("Country where you live")).select_option("FR")
    page.locator("input[name=mode][value=either]").check()
    page.get_by_label(t("Days a year you could give")).fill("20")
    page.get_by_label(t("A few words about what you could offer")).fill("Quinze ans de bloc opératoire à Lyon.")
    page.get_by_role("button", name=t("Save my profile")).click()
    expect(page.locator(".flash.success, .badge.ok").first).to_be_visible()


def _find_the_need(page: Page, t: Callable[..., str]) -> None:
    """At /skills, with the filters a member would use: the country, the occupation group, on site."""
    page.goto("/skills")
    page.get_by_label(t("Country")).select_option("SN")
    page.get_by_label(t("Occupation (ISCO-08)")).select_option("2")
    expect(page.locator("#results")).to_contain_text(NEED)
    page.get_by_role("button", name=t("Show needs")).click()  # the plain form, as without JavaScript
    expect(page).to_have_url(re.compile(r"/skills\?.*country=SN"))
    page.get_by_role("link", name=NEED).click()
    expect(page.get_by_role("heading", name=NEED)).to_be_visible()


def _register_host(page: Page, t: Callable[..., str], mailbox: Mailbox) -> None:
    """The hospital's director registers the institution and confirms the address from the mail received."""
    page.goto("/register/host")
    page.get_by_label(t("Your name (the contact person)")).fill("Dr Awa Ndiaye")
    page.get_by_label(t("E-mail address")).fill(HOST)
    page.get_by_label(t("Password")).fill(PASSWORD)
    page.get_by_label(t("Name of the institution")).fill(HOSPITAL)
    page.get_by_label(t("Kind of institution")).select_option("hospital")
    page.get_by_label(t("Country"), exact=True).select_option("SN")
    page.get_by_label(t("Town"), exact=True).fill("Kaolack")
    page.get_by_label(t("What the institution does")).fill("L'hôpital de référence de la région de Kaolack.")
    page.get_by_label(t("Telephone")).fill(HOST_PHONE)
    page.get_by_role("button", name=t("Register the institution")).click()
    mailbox.wait_for(1)
    mails = mailbox.to(HOST)
    assert mails, "no mail to the host"
    link = re.search(r"http://\S+/verify\?token=\S+", _text(mails[0]))
    assert link, _text(mails[0])
    page.goto(link.group(0))
    _log_in(page, t, HOST)


def _post_need(page: Page, t: Callable[..., str]) -> int:
    """The host posts the need and submits it for review; returns its id."""
    page.goto("/my/needs/new")
    # By field name: the form is the needs stream's, its labels may still change (axe checks they exist).
    form = page.locator("form[action='/my/needs/new']")
    form.locator("[name=title]").fill(NEED)
    form.locator("[name=description]").fill("Trois semaines au bloc opératoire pour former les infirmiers "
                                            "anesthésistes.")
    occupation = form.locator("[name=occupation]")
    if occupation.evaluate("e => e.tagName") == "SELECT":
        occupation.select_option("2212")
    else:
        occupation.fill("2212")
    form.locator("[name=skills]").fill("anesthésie\nformation")
    form.locator("[name=languages]").fill("fr wo")
    form.locator("[name=country]").select_option("SN")
    form.locator("[name=town]").fill("Kaolack")
    form.locator("[name=sector]").select_option("health")
    form.locator("[name=days_wanted]").fill("15")
    form.locator("input[name=provides_lodging]").check()
    page.get_by_role("button", name=t("Save as draft")).click()
    expect(page).to_have_url(re.compile(r"/my/needs/[0-9]+$"))
    need_id = int(page.url.rsplit("/", 1)[1])
    page.locator("#submit").get_by_role("button", name=t("Submit for review")).click()
    expect(page.locator("#need-state")).to_have_text(t("Submitted for review"))
    return need_id


def _vet_and_publish(page: Page, t: Callable[..., str], need_id: int) -> int:
    """Staff approve the institution, pass the need's checklist and publish it; returns the host's id."""
    page.goto("/staff/hosts")
    page.get_by_role("link", name=HOSPITAL).first.click()
    host_id = int(re.search(r"/staff/hosts/([0-9]+)", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_role("button", name=t("Approve the institution")).click()
    expect(page.locator("#host-state")).to_have_text(t("Approved"))
    page.goto(f"/staff/needs/{need_id}")
    for select in page.locator("select[name^='status_']").all():
        select.select_option("pass")
    page.get_by_role("button", name=t("Save the checklist")).click()
    page.get_by_role("button", name=t("Publish the need")).click()
    expect(page.locator("#need-state")).to_have_text(t("Published"))
    return host_id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_need_found_offered_brokered_delivered_and_certified(browser, site, lang: str, tmp_path: Path) -> None:
    base_url, settings, mailbox = site
    t = translator(lang)
    engine = make_engine(settings.database_url)
    make_user(engine, STAFF, role="staff")
    make_user(engine, MEMBER)
    engine.dispose()
    offsite: list[str] = []

    # A host institution registers, is vetted, posts a need; staff publish it.
    host = _page(browser, base_url, lang, offsite)
    staff = _page(browser, base_url, lang, offsite)
    _log_in(staff, t, STAFF)
    _register_host(host, t, mailbox)
    need_id = _post_need(host, t)
    _shot(host, "host-need", lang)
    host_id = _vet_and_publish(staff, t, need_id)

    # A member writes a profile, finds the need at /skills and offers.
    member = _page(browser, base_url, lang, offsite)
    _log_in(member, t, MEMBER)
    _write_profile(member, t)
    _shot(member, "profile", lang)
    _find_the_need(member, t)
    _shot(member, "need", lang)
    member.get_by_label(t("A word to the host (optional)")).fill("Libre en février.")
    member.get_by_role("button", name=t("Offer my skills")).click()
    expect(member).to_have_url(re.compile(r"/my/missions/[0-9]+(#.*)?$"))
    mission_id = int(re.search(r"/my/missions/([0-9]+)", member.url).group(1))  # type: ignore[union-attr]
    mission_page = f"/my/missions/{mission_id}"

    # Staff see the member ranked among the matches, then put the offer to the host.
    staff.goto(f"/staff/needs/{need_id}/matches")
    expect(staff.locator("ol.matches li").first).to_contain_text("Anesthésiste-réanimatrice")
    _shot(staff, "matches", lang)
    staff.goto(f"/staff/missions/{mission_id}")
    staff.get_by_role("button", name=t("Put the offer to the host")).click()
    expect(staff.locator("#broker")).to_have_count(0)

    # The host accepts: each side now sees the other's contact details.
    host.goto(f"/my/needs/{need_id}/offers")
    host.get_by_role("link", name=t("Open offer no. %(id)s", id=mission_id)).click()
    expect(host.get_by_text("Quinze ans de bloc opératoire à Lyon.")).to_be_visible()  # the profile, offered
    host.get_by_role("button", name=t("Accept this offer")).click()
    expect(host.locator("#contacts")).to_contain_text(MEMBER)
    _shot(host, "offer-accepted", lang)
    member.goto(mission_page)
    expect(member.locator("#contacts")).to_contain_text(HOST)
    expect(member.locator("#contacts")).to_contain_text(HOST_PHONE)

    # The host sets the dates and confirms 5 days delivered; the host's public page shows them.
    offer_page = host.url
    today = date.today()  # the days are confirmed once the mission has begun: a mission of last week
    host.get_by_label(t("First day")).fill((today - timedelta(days=8)).isoformat())
    host.get_by_label(t("Last day")).fill((today - timedelta(days=4)).isoformat())
    host.get_by_role("button", name=t("Save the dates")).click()
    host.goto(offer_page)
    host.get_by_label(t("Days delivered")).fill("5")
    host.get_by_role("button", name=t("Confirm the days delivered")).click()
    expect(host.locator("#mission-state")).to_have_text(t("completed"))
    visitor = _page(browser, base_url, lang, offsite)
    visitor.goto(f"/skills/needs/{need_id}")
    expect(visitor.locator("dl.facts")).to_contain_text(t("Expertise given so far"))
    expect(visitor.locator("dl.facts")).to_contain_text(t("%(num)s days", num=5) if lang == "en" else "5 jours")
    visitor.goto(f"/skills/hosts/{host_id}")
    expect(visitor.locator(".days-given")).to_contain_text("5")
    _shot(visitor, "days-given", lang)

    # The member downloads the certificate.
    member.goto(mission_page)
    member.get_by_role("link", name=t("My certificate")).click()
    _shot(member, "certificate", lang)
    with member.expect_download() as download:
        member.get_by_role("link", name=t("Download the certificate")).click()
    saved = tmp_path / "certificate.html"
    download.value.save_as(saved)
    text = saved.read_text()
    assert NEED.replace("'", "&#39;") in text or NEED in text
    assert HOSPITAL in text and "5" in text
    assert not offsite, offsite

