"""Every refused form of the marketplace answers HTML: the same page again, the error beside its field,
the entered values kept, and the refusal's status (never the JSON a handler without a type would send)."""

from __future__ import annotations

import re

import pytest

from app.marketplace import vetting
from tests.marketplace.helpers import draft, pass_checklist, person, published
from tests.support import csrf_from, login, post_form


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "staff2": person(session, engine, "fatou@example.org", "staff"),
            "member": person(session, engine, "kofi@example.org", "member")}


def _html_error(response, status: int, field: str, text: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    html = response.text
    assert html.lstrip().lower().startswith("<!doctype html>")
    match = re.search(rf'<p class="error" id="f-{re.escape(field)}-error">([^<]*)</p>', html)
    assert match, f"no error beside {field}: {html[:2000]}"
    assert text in match.group(1), match.group(1)
    return html


@pytest.mark.parametrize(("amount", "text"), [("1", "minimum"), ("abc", "amount"), ("-20", "more than zero")])
def test_a_refused_pledge_shows_the_project_again_with_the_error_beside_the_amount(
        client, session, settings, people, amount, text):
    listing = published(session, settings, people["promoter"], people["staff"])
    login(client, "kofi@example.org")
    client.cookies.set("lang", "en")
    page = f"/projects/{listing.slug}"
    html = _html_error(post_form(client, page, f"{page}/pledge", {"amount": amount, "method": "bank_transfer"}),
                       400, "amount", text)
    assert f'value="{amount}"' in html, "what the member typed is kept"
    assert csrf_from(html), "the re-rendered form can be sent again"


def test_an_incomplete_new_listing_keeps_every_value_and_marks_each_field(client, people):
    login(client, "awa@example.org")
    response = post_form(client, "/my/listings/new", "/my/listings/new",
                         {"title": "Four solaire", "summary": "", "goal": "abc", "min_pledge": "10", "budget": ""})
    html = _html_error(response, 400, "summary", "")
    for field in ("goal", "country", "sector", "budget"):
        assert f'id="f-{field}-error"' in html, field
    assert 'value="Four solaire"' in html


def test_a_fake_pdf_is_refused_beside_the_file_field(client, session, settings, people):
    listing = draft(session, settings, people["promoter"])
    login(client, "awa@example.org")
    page = f"/my/listings/{listing.id}"
    token = csrf_from(client.get(page).text)
    response = client.post(f"{page}/documents", data={"kind": "registration", "_csrf_token": token},
                           files={"document": ("statuts.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    _html_error(response, 400, "document", "")


def test_refused_staff_decisions_re_render_the_review_page(client, session, settings, people):
    listing = draft(session, settings, people["promoter"])
    vetting.submit(session, listing, people["promoter"])
    session.commit()
    login(client, "moussa@example.org")
    page = f"/staff/listings/{listing.id}"
    # Approving before the checklist is done.
    response = post_form(client, page, f"{page}/approve", {})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in response.text
    # A waived item without its note is refused when the checklist is saved, and nothing typed is lost.
    data = {f"status_{code}": "pass" for code in ("legal_registration", "identity_sanctions")}
    data |= {"status_site_visit": "waived", "note_site_visit": "", "note_track_record": "Bilans 2024 vus"}
    response = post_form(client, page, f"{page}/checklist", data)
    html = _html_error(response, 400, "note_site_visit", "")
    assert 'value="Bilans 2024 vus"' in html
    assert "ce point dispensé demande une note" in html  # one item missing its note: said in the singular
    data |= {"status_track_record": "waived", "note_track_record": ""}
    html = _html_error(post_form(client, page, f"{page}/checklist", data), 400, "note_site_visit", "")
    assert "ces points dispensés demandent une note" in html and "#f-note_track_record" in html
    # Rejecting without a reason.
    _html_error(post_form(client, page, f"{page}/reject", {"reason": " "}), 400, "reason-reject", "")


def test_an_over_long_checklist_note_is_answered_beside_it_and_everything_typed_kept(client, session, settings,
                                                                                     people):
    from app.limits import text_limit

    listing = draft(session, settings, people["promoter"])
    vetting.submit(session, listing, people["promoter"])
    session.commit()
    login(client, "moussa@example.org")
    page = f"/staff/listings/{listing.id}"
    long = "n" * (text_limit("note_site_visit") + 1)
    data = {"status_legal_registration": " pass ", "status_site_visit": "waived", "note_site_visit": long,
            "note_track_record": "Bilans 2024 vus"}
    response = post_form(client, page, f"{page}/checklist", data)
    html = _html_error(response, 400, "note_site_visit", "")
    assert "Requête non comprise" not in html
    assert "cette note est trop longue" in html and "demande une note" not in html
    assert "(champ « Note sur : Visite sur place »)" in html
    assert 'value="Bilans 2024 vus"' in html and f'value="{long}"' in html  # nothing typed is lost
    assert re.search(r'<option value="pass" selected>', html)  # the padded choice was read
    # nothing was saved: the items are still pending
    response = client.get(page)
    assert "Bilans 2024 vus" not in response.text


def test_approving_twice_or_ones_own_listing_is_an_html_refusal(client, session, settings, people):
    listing = draft(session, settings, people["promoter"], goal="80000", min_pledge="10",
                    budget="Chambre froide ; 80000")
    vetting.submit(session, listing, people["promoter"])
    pass_checklist(session, listing)
    session.commit()
    own = draft(session, settings, people["staff"], title="Rucher de Kolda")
    vetting.submit(session, own, people["staff"])
    pass_checklist(session, own)
    session.commit()
    login(client, "moussa@example.org")
    client.cookies.set("lang", "en")
    page = f"/staff/listings/{listing.id}"
    assert post_form(client, page, f"{page}/approve", {}, follow_redirects=False).status_code == 302
    again = post_form(client, page, f"{page}/approve", {})
    assert again.status_code == 409 and again.headers["content-type"].startswith("text/html")
    assert "already approved" in again.text and 'role="alert"' in again.text
    mine = post_form(client, f"/staff/listings/{own.id}", f"/staff/listings/{own.id}/approve", {})
    assert mine.status_code == 403 and mine.headers["content-type"].startswith("text/html")
    assert "your own project" in mine.text
