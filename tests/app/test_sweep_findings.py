"""What the hostile-form and look sweep of 2026-12-04 found, one named test per finding (both databases)."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import Session, select

from app.settings import Settings
from tests.marketplace.helpers import person, published
from tests.support import login, post_form


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    site_url="http://testserver.local", upload_dir=tmp_path / "uploads")


def _error(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'<p class="error" id="f-amount-error">(.*?)</p>', response.text, re.S)
    assert found, response.text[:500]
    return html.unescape(found.group(1))


@pytest.mark.parametrize(("lang", "amount", "message"), [
    ("fr", "500", "La promesse minimale pour ce projet est de 10\u202f000\u00a0FCFA."),
    ("en", "500", "The minimum pledge for this project is 10,000\u00a0FCFA."),
    # a fraction of a franc, or not a number: the example is an amount the project takes, not 50 FCFA
    ("fr", "10000,5", "Indiquez un montant, par exemple 10\u202f000."),
    ("en", "abc", "Please enter an amount, for example 10,000."),
    # beyond the project's largest pledge: the project's own bound, not the money ceiling (6 500 000 000)
    ("fr", "9" * 15, "La promesse la plus élevée que ce projet accepte est de 1\u202f000\u202f000\u00a0FCFA."),
])
def test_pledge_bounds_are_told_as_the_hint_shows_them(client, session: Session, engine, settings, lang: str,
                                                        amount: str, message: str) -> None:
    """A CFA project (minimum 10 000 FCFA) refused '500' with 'est de 10000 XOF' (raw, unformatted), and '10000,5'
    or 'abc' with 'for example 50', an amount below its minimum; 15 nines named a bound of 6 500 000 000."""
    promoter, staff = person(session, engine, "promoter@example.org", "promoter"), \
        person(session, engine, "staff@example.org", "staff")
    person(session, engine, "member@example.org", "member")
    live = published(session, settings, promoter, staff, currency="XOF", goal="1000000", min_pledge="10000",
                     budget="Moulin ; 700000\nAbri ; 300000", milestones="2027-03-01 ; Moulin ; 700000")
    login(client, "member@example.org")
    page = f"/projects/{live.slug}"
    response = post_form(client, page, f"{page}/pledge", {"amount": amount, "method": "manual"},
                         headers={"Accept-Language": lang}, follow_redirects=False)
    assert response.status_code == 400
    assert _error(response) == message
    assert f'value="{amount}"' in response.text  # what was typed is kept


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_suspended_host_is_not_told_it_is_vetted(client, session: Session, engine, lang: str) -> None:
    """/my/host of a suspended institution said 'Your institution is vetted' under 'State: Suspended' and offered
    'Post a need', a need staff could then never publish; it now says what suspension means, with staff's reason."""
    from tests.browser import translator
    from tests.skills.helpers import host_account

    t = translator(lang)
    staff = person(session, engine, "staff@example.org", "staff")
    host_account(session, engine, "host@example.org", "suspended", staff)
    login(client, "host@example.org")
    text = html.unescape(client.get("/my/host", headers={"Accept-Language": lang}).text)
    assert t("Your institution is vetted: to change its details, write to programme staff.") not in text
    assert t("Post a need") not in text
    assert t("Your institution is suspended: its needs are not public and no new need can be published. To know "
             "why, or to ask for it to be reinstated, write to programme staff.") in text
    assert "Registration expired." in text  # staff's reason
    assert t("My needs") in text  # the drafts stay within reach


def test_approved_host_still_told_it_is_vetted(client, session: Session, engine) -> None:
    from tests.browser import translator
    from tests.skills.helpers import host_account

    t = translator("en")
    host_account(session, engine, "host@example.org", "approved", person(session, engine, "staff@example.org", "staff"))
    login(client, "host@example.org")
    text = html.unescape(client.get("/my/host", headers={"Accept-Language": "en"}).text)
    assert t("Your institution is vetted: to change its details, write to programme staff.") in text
    assert t("Post a need") in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_field_sent_twice_is_not_called_data(client, session: Session, engine, lang: str) -> None:
    """A form with one field twice answered 'data does not have the expected form' ('data n'a pas la forme
    attendue'): the handler's parameter name, in neither language. It now says what may have happened."""
    from tests.browser import translator
    from tests.support import csrf_from

    t = translator(lang)
    person(session, engine, "member@example.org", "member")
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", content=f"_csrf_token={token}&email=member%40example.org&email=x&password=p",
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": lang})
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "data" not in re.sub(r"<[^>]+>", " ", text.split("<main", 1)[1]).split()
    assert t("This form could not be read: a field may have been sent twice. Please reload the page and send the "
             "form again.") in text


def test_staff_review_title_follows_french_typography(client, session: Session, engine, settings) -> None:
    """The staff review page was titled 'Examen: Moulin…' in French (no space before the colon), pieced together
    from 'Review' and ': '; the whole title is one message now, its project title escaped once."""
    promoter, staff = person(session, engine, "promoter@example.org", "promoter"), \
        person(session, engine, "staff@example.org", "staff")
    live = published(session, settings, promoter, staff, title="Moulin <b>&</b> Co")
    login(client, "staff@example.org")
    page = client.get(f"/staff/listings/{live.id}", headers={"Accept-Language": "fr"}).text
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and title.group(1) == "Examen : Moulin &lt;b&gt;&amp;&lt;/b&gt; Co — Passerelle"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_host_finds_its_institution_from_every_page(client, session: Session, engine, lang: str) -> None:
    """The menu of a host account had no way to /my/host (nor to its needs, linked from there): once off that page
    after logging in, a host had to type the address. The menu now has 'My institution' for hosts alone."""
    from tests.browser import translator
    from tests.skills.helpers import host_account

    t = translator(lang)
    host_account(session, engine, "host@example.org", "approved", person(session, engine, "staff@example.org", "staff"))
    person(session, engine, "member@example.org", "member")
    login(client, "host@example.org")
    nav = client.get("/projects", headers={"Accept-Language": lang}).text.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert f'<a href="/my/host">{t("My institution")}</a>' in html.unescape(nav)
    client.cookies.clear()
    login(client, "member@example.org")
    assert 'href="/my/host"' not in client.get("/projects").text


def test_a_mistyped_price_alert_costs_no_mail(client, session: Session, engine, settings) -> None:
    """Only mail we would send is counted against the sending limits, said the alert page, but only a mistyped
    address was answered before counting: a threshold or an amount refused still used one of the connection's
    mails, so a sender who mistyped the threshold a few times was told 'Too many messages' before any was sent."""
    from app.demo import load_demo
    load_demo(engine=engine)
    settings.mail_per_client = 2  # the client's settings: the page reads the limit from them
    alert = {"from": "FR", "to": "SN", "amount": "200", "kind": "total_cost_below", "email": "awa@example.org"}
    for threshold in ("abc", "1e999", "١٢٣", "150"):  # refused, each with its field's message
        refused = post_form(client, "/", "/alerts", alert | {"threshold": threshold}, follow_redirects=False)
        assert refused.status_code == 400, (threshold, refused.status_code)
    sent = post_form(client, "/", "/alerts", alert | {"threshold": "5"}, follow_redirects=False)
    assert sent.status_code in (302, 303)


def test_a_flash_message_is_shown_once_even_through_the_back_button(client, session: Session, engine) -> None:
    """After a few actions, older flash messages showed again above newer ones: the page that had shown one was
    kept by the browser and came back with Back (Chromium's back/forward cache). A page that shows a flash is now
    `no-store`; the next page has no flash, and pages without one keep their caching."""
    from tests.app.test_text_limits import PROFILE

    flashes = lambda text: re.findall(r'<p class="flash [a-z]+" role="status">', text)  # noqa: E731
    person(session, engine, "member@example.org", "member")
    login(client, "member@example.org")
    for _round in range(2):
        saved = post_form(client, "/my/skills", "/my/skills", PROFILE)
        assert saved.status_code == 200 and len(flashes(saved.text)) == 1
        assert saved.headers["cache-control"] == "no-store"
    later = client.get("/my/skills")
    assert flashes(later.text) == [] and "no-store" not in later.headers.get("cache-control", "")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_suspended_host_reads_its_needs_but_drafts_and_edits_none(client, session: Session, engine,  # type: ignore[no-untyped-def]
                                                                     lang: str) -> None:
    """A suspended institution could still write, edit and submit needs at /my/needs (needs staff could never
    publish); it is now told it is suspended, keeps a read-only view of its needs, and every write is refused."""
    from app.models import Need
    from tests.browser import translator
    from tests.skills.helpers import NEED_FORM, host_account, need_draft
    from tests.support import csrf_from

    t = translator(lang)
    told = t("Your institution is suspended: its needs are not public and no new need can be published. To know "
             "why, or to ask for it to be reinstated, write to programme staff.")
    user, host = host_account(session, engine, "host@example.org", "suspended",
                              person(session, engine, "staff@example.org", "staff"))
    need = need_draft(session, user, host)
    login(client, "host@example.org")
    headers = {"Accept-Language": lang}
    mine = client.get("/my/needs", headers=headers)
    assert told in html.unescape(mine.text) and 'href="/my/needs/new"' not in mine.text
    shown = client.get(f"/my/needs/{need.id}", headers=headers)
    assert shown.status_code == 200 and need.title in html.unescape(shown.text)
    assert f"/my/needs/{need.id}/edit" not in shown.text and f"/my/needs/{need.id}/submit" not in shown.text
    for path in ("/my/needs/new", f"/my/needs/{need.id}/edit"):
        refused = client.get(path, headers=headers)
        assert refused.status_code == 403 and told in html.unescape(refused.text), path
    token = csrf_from(mine.text)
    for path in ("/my/needs/new", f"/my/needs/{need.id}/edit", f"/my/needs/{need.id}/submit"):
        refused = client.post(path, data=NEED_FORM | {"title": "Changed", "_csrf_token": token}, headers=headers,
                              follow_redirects=False)
        assert refused.status_code == 403 and told in html.unescape(refused.text), path
    session.expire_all()
    assert [(n.title, n.state) for n in session.exec(select(Need)).all()] == [(need.title, "draft")]


def test_the_demo_needs_read_in_french_as_the_demo_projects_do(client, engine) -> None:  # type: ignore[no-untyped-def]
    """The French /skills listed 'Accountant to set up the cooperative's books (5 days, remote)' among French needs:
    a need is written once in its poster's words, like a listing, and the example ones are now all in French."""
    from app.demo import load_demo
    from app.skills.demo import NEEDS

    load_demo(engine=engine)
    page = html.unescape(client.get("/skills", headers={"Accept-Language": "fr"}).text)
    for _email, values in NEEDS:
        assert values["title"] in page
    for english in ("Accountant", "books", "remote)", "(5 days"):
        assert english not in page


def test_the_projects_own_need_is_on_skills_whichever_demo_module_was_imported_first(  # type: ignore[no-untyped-def]
        client, engine) -> None:
    """The example project's need ('Frigoriste…') was missing from /skills in the test above: importing
    app.skills.demo first registered its loader before the marketplace's, so it ran before the project existed."""
    import app.skills.demo  # noqa: F401  (first, as the test above does)
    from app.demo import load_demo
    from app.skills.demo import LISTING_NEED

    load_demo(engine=engine)
    page = html.unescape(client.get("/skills", headers={"Accept-Language": "fr"}).text)
    assert LISTING_NEED[1]["title"] in page
