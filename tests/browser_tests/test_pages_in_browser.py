"""Every public and member page (tests/browser_tests/site.py), in Chromium, French and English, on a
1280×800 desktop and a 360×740 phone: nothing scrolls sideways, axe-core finds no violation of any
impact, and a full-page screenshot is written to var/screenshots/ (git-ignored) to be looked at."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser_tests.site import (
    ADMIN,
    HOST,
    LOCALES,
    MEMBER,
    PAGES,
    PASSWORD,
    PROMOTER,
    SCREENSHOTS,
    STAFF,
    VIEWPORTS,
    SitePage,
    build,
)

AXE = Axe()
PEOPLE = {"member": MEMBER, "promoter": PROMOTER, "host": HOST, "staff": STAFF, "admin": ADMIN}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo site on loopback, built once for the module (its own SQLite file)."""
    from app.db import get_engine
    from app.main import create_app
    from app.schema import upgrade
    from app.settings import Settings
    from tests.browser import serve

    folder = tmp_path_factory.mktemp("site")
    url = f"sqlite:///{folder / 'site.sqlite3'}"
    upgrade(url)
    settings = Settings(database_url=url, scheduler_enabled=False, passerelle_env="test",
                        upload_dir=folder / "uploads")
    ids = build(get_engine(url), settings)
    app = create_app(settings)
    with serve(app) as base_url:
        app.state.settings = settings.model_copy(update={"site_url": base_url})
        yield {"url": base_url, "ids": ids, "states": {}}


def _state(browser, site: dict[str, Any], who: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Signs the person in once through the real login form; later contexts reuse the cookies."""
    if who not in site["states"]:
        context = browser.new_context(base_url=site["url"], locale="en-GB")
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("E-mail address").fill(PEOPLE[who])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url(lambda u: "/login" not in u)
        site["states"][who] = context.storage_state()
        context.close()
    return site["states"][who]  # type: ignore[no-any-return]


@pytest.fixture
def visit(browser, site):  # type: ignore[no-untyped-def]
    """Opens a listed page in a fresh context; any request off loopback fails the test."""
    contexts, offsite = [], []

    def open_page(entry: SitePage, locale: str, viewport: str):  # type: ignore[no-untyped-def]
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(base_url=site["url"], locale=locale, viewport={"width": width, "height": height},
                                      storage_state=_state(browser, site, entry.who) if entry.who else None)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site["url"])
                      else (offsite.append(route.request.url), route.abort()))
        contexts.append(context)
        page = context.new_page()
        response = page.goto(entry.path.format(**site["ids"]))
        if entry.fill:
            # The server's answer to a wrong form is what is checked, not the browser's own bubbles.
            page.evaluate("document.querySelectorAll('form').forEach(f => { f.noValidate = true; })")
            for selector, value in entry.fill:
                page.locator(selector).fill(value)
            with page.expect_navigation() as sent:
                page.locator(entry.submit).first.click()
            response = sent.value
        assert response is not None and response.status == entry.status, (entry.path, response and response.status)
        assert page.evaluate("document.documentElement.lang") == locale[:2]
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not offsite, f"pages asked another host: {offsite}"


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    results = AXE.run(page, options={"resultTypes": ["violations"]}).response
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(json.dumps(n["target"]) for n in v["nodes"][:4]) for v in results["violations"]]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("entry", PAGES, ids=[p.name for p in PAGES])
def test_page_fits_the_screen_and_axe_finds_nothing(visit, entry, locale, viewport):  # type: ignore[no-untyped-def]
    page = visit(entry, locale, viewport)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # see all, check all
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{entry.name}-{locale[:2]}-{viewport}.png", full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{entry.path} scrolls sideways: {widths[0]} px in a {widths[1]} px viewport"
    # Tables fit too, not only the page (the comparison's offers table is the compare page's own business).
    wide = page.evaluate("""[...document.querySelectorAll('.table-wrap')].filter(w => !w.querySelector('table.offers')
        && w.scrollWidth > w.clientWidth + 1).map(w => w.scrollWidth + ' px in ' + w.clientWidth)""")
    assert wide == [], f"{entry.path}: tables wider than the screen: {wide}"
    assert _violations(page) == []


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("chart", [SitePage("corridor", "/corridors/FR-SN?providers=true"),
                                   SitePage("mapping", "/staff/skills/mapping", who="staff")],
                         ids=["history", "mapping"])
def test_chart_labels_inside_and_readable_on_a_phone(visit, locale, chart):  # type: ignore[no-untyped-def]
    """In the browser's own layout: every text of the history chart (and the diaspora mapping's bars) lies
    inside the SVG's box and is at least 12 CSS px high on a 360 px phone."""
    page = visit(chart, locale, "phone")
    boxes = page.evaluate("""() => {
        const svg = document.querySelector('svg.chart'), outer = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, left: r.left - outer.left, right: outer.right - r.right,
                    top: r.top - outer.top, bottom: outer.bottom - r.bottom,
                    px: parseFloat(getComputedStyle(t).fontSize) * outer.width / svg.viewBox.baseVal.width};
        });
    }""")
    assert len(boxes) >= 6
    for box in boxes:
        assert min(box["left"], box["right"], box["top"], box["bottom"]) >= 0, box
        assert box["px"] >= 12, box
    if chart.name == "corridor":
        legend = page.locator("ul.legend li").all_inner_texts()
        assert len(legend) >= 3 and "Western Union" in " ".join(legend)


def test_after_an_htmx_search_only_the_field_in_error_is_invalid(visit):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = visit(SitePage("compare", "/"), "en-GB", "phone")
    page.evaluate("window.notReloaded = true")
    amount = page.get_by_label("Amount", exact=True)
    amount.fill("-3")
    amount.press("Enter")
    expect(page.locator("#results .error")).to_be_visible()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_attribute("aria-describedby", "c-amount-error")
    assert page.locator("[aria-invalid]").count() == 1
    amount.fill("200")
    amount.press("Enter")
    expect(page.locator("#results .error")).to_have_count(0)
    assert page.locator("[aria-invalid]").count() == 0
    expect(page.locator("#results-summary")).to_contain_text("€200.00")
    assert page.evaluate("window.notReloaded === true"), "htmx swapped the results"
