"""Issue 10, finding 4: every text has one maximum length, shown in its form and enforced by the server."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from app.limits import DEFAULT, TEXT_LIMITS, text_limit
from app.models import Listing, ProjectUpdate, RateAlert, User
from app.models.marketplace import Disbursement
from app.settings import PROJECT_ROOT, Settings
from tests.marketplace.helpers import listing_form, person, published
from tests.support import login, post_form

TEXT_TYPES = {"text", "email", "password", "search", "tel", "url"}


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    site_url="http://testserver.local", upload_dir=tmp_path / "uploads")


def test_every_text_input_and_textarea_of_every_template_has_a_maxlength() -> None:
    missing = []
    for path in sorted((PROJECT_ROOT / "templates").rglob("*.html")):
        source = path.read_text()
        for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", source, flags=re.S):
            kind = re.search(r'type="([a-z-]+)"', tag)
            if tag.startswith("<input") and kind and kind.group(1) not in TEXT_TYPES | {"{{ type }}"}:
                continue
            if "maxlength=" not in tag:
                missing.append(f"{path.relative_to(PROJECT_ROOT)}: {tag[:80]}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(("model", "column", "field"), [
    (Listing, "title", "title"), (Listing, "summary", "summary"), (Listing, "town", "town"),
    (Listing, "org_name", "org_name"), (Listing, "org_legal_form", "org_legal_form"),
    (Listing, "org_registration", "org_registration"), (User, "email", "email"), (User, "display_name", "display_name"),
    (RateAlert, "email", "email"), (ProjectUpdate, "title", "title"), (Disbursement, "reference", "reference"),
])
def test_a_text_the_server_accepts_fits_its_column(model, column: str, field: str) -> None:  # type: ignore[no-untyped-def]
    length = model.__table__.c[column].type.length
    assert length is None or text_limit(field) <= length


def test_the_form_shows_the_tables_numbers(client, session: Session, engine) -> None:  # type: ignore[no-untyped-def]
    person(session, engine, "promoter@example.org", "promoter")
    login(client, "promoter@example.org")
    html = client.get("/my/listings/new").text
    for name in ("title", "summary", "story", "impact", "budget", "town"):
        assert re.search(rf'id="f-{name}"[^>]*maxlength="{TEXT_LIMITS[name]}"', html, flags=re.S), name


def test_a_two_megabyte_update_is_refused_and_not_published(client, session: Session, engine,  # type: ignore[no-untyped-def]
                                                             settings: Settings) -> None:
    promoter = person(session, engine, "promoter@example.org", "promoter")
    staff = person(session, engine, "staff@example.org", "staff")
    listing = published(session, settings, promoter, staff)
    login(client, "promoter@example.org")
    page = f"/my/listings/{listing.id}"
    refused = post_form(client, page, f"{page}/updates", {"title": "News", "body": "x" * 2_000_000},
                        headers={"Accept-Language": "en"})
    assert refused.status_code == 400 and "too long" in refused.text and "body" in refused.text
    assert session.exec(select(ProjectUpdate)).first() is None
    # exactly at the limit, with Windows line ends counted as browsers count them (one character each)
    body = ("a" * 8 + "\r\n") * (TEXT_LIMITS["body"] // 9) + "a" * (TEXT_LIMITS["body"] % 9)
    assert len(body.replace("\r\n", "\n")) == TEXT_LIMITS["body"]
    accepted = post_form(client, page, f"{page}/updates", {"title": "News", "body": body}, follow_redirects=False)
    assert accepted.status_code in (302, 303)


@pytest.mark.parametrize("field", ["story", "impact", "title", "summary", "org_name", "budget"])
def test_listing_texts_over_their_limit_are_refused_in_french(client, session: Session, engine,  # type: ignore[no-untyped-def]
                                                             field: str) -> None:
    person(session, engine, "promoter@example.org", "promoter")
    login(client, "promoter@example.org")
    refused = post_form(client, "/my/listings/new", "/my/listings/new",
                        listing_form(**{field: "é" * (TEXT_LIMITS[field] + 1)}))
    assert refused.status_code == 400 and "Ce texte est trop long" in refused.text
    assert session.exec(select(Listing)).first() is None


def test_fields_nobody_listed_still_have_a_limit(client) -> None:  # type: ignore[no-untyped-def]
    refused = post_form(client, "/login", "/login",
                        {"email": "a@b.c", "password": "x", "whatever": "y" * (DEFAULT + 1)})
    assert refused.status_code == 400
    api = client.post("/login", data={"email": "a" * 300}, headers={"Accept": "application/json"})
    assert api.status_code in (400, 403)


def test_every_field_of_the_account_forms_has_its_limit() -> None:
    """Fields added to the account pages (download / delete my data, the admin's role change) are in the table."""
    import re
    from pathlib import Path

    from app.limits import TEXT_LIMITS

    templates = Path(__file__).resolve().parents[2] / "templates" / "pages"
    names = set()
    for page in ("account.html", "admin_accounts.html", "login.html", "register.html", "password_forgot.html",
                 "password_reset.html"):
        text = (templates / page).read_text()
        names |= set(re.findall(r'name="([a-z_]+)"', text)) | set(re.findall(r'\(\s*"([a-z_]+)", _\(', text))
    missing = sorted(names - set(TEXT_LIMITS) - {"_csrf_token"})
    assert names and not missing, missing


# Issue: an over-long text or a padded choice on an HTML form answered the bare 'Request not understood' page,
# naming the field by its key ('title'), and everything typed was lost. Each form is now shown again (400) with
# the message beside the field, naming it by the form's own label, and every other value kept.
def _need_poster(session: Session, engine, settings) -> str:  # type: ignore[no-untyped-def]
    from tests.skills.helpers import host_account

    host_account(session, engine, "host@example.org", "approved", person(session, engine, "staff@example.org", "staff"))
    return "host@example.org"


def _member(session: Session, engine, settings) -> str:  # type: ignore[no-untyped-def]
    person(session, engine, "member@example.org", "member")
    return "member@example.org"


def _promoter(session: Session, engine, settings) -> str:  # type: ignore[no-untyped-def]
    person(session, engine, "promoter@example.org", "promoter")
    return "promoter@example.org"


def _pledger(session: Session, engine, settings) -> str:  # type: ignore[no-untyped-def]
    live = published(session, settings, person(session, engine, "promoter@example.org", "promoter"),
                     person(session, engine, "staff@example.org", "staff"))
    assert live.slug
    return _member(session, engine, settings)


def _pending_host(session: Session, engine, settings) -> str:  # type: ignore[no-untyped-def]
    from tests.skills.helpers import host_account

    host_account(session, engine, "host@example.org")
    return "host@example.org"


def _updater(session: Session, engine, settings) -> str:  # type: ignore[no-untyped-def]
    published(session, settings, person(session, engine, "promoter@example.org", "promoter"),
              person(session, engine, "staff@example.org", "staff"))
    return "promoter@example.org"


def _mission(state: str, as_host: bool):  # type: ignore[no-untyped-def]
    """A mission of a hospital's need in `state` (invited, offered, accepted); who signs in, and the ids."""
    def build(session: Session, engine, settings) -> tuple[str, dict[str, int]]:  # type: ignore[no-untyped-def]
        from app.skills import missions
        from tests.skills.mission_helpers import host_with_need, profile
        from tests.skills.mission_helpers import person as someone

        host_user = someone(session, engine, "host@example.org", "host")
        _host, need = host_with_need(session, host_user)
        member = someone(session, engine, "member@example.org", "member")
        staff = someone(session, engine, "staff@example.org", "staff")
        found = profile(session, member)
        if state == "invited":
            mission = missions.invite(session, need, found, staff)
        else:
            mission = missions.offer(session, need, member, found)
            missions.broker(session, mission, staff)
            if state == "accepted":
                missions.host_accept(session, mission, host_user)
        session.commit()
        assert mission.id is not None and need.id is not None
        return (host_user if as_host else member).email, {"mission": mission.id, "need": need.id}
    return build


def _staff_mission(session: Session, engine, settings) -> tuple[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    """An offer put to the host; programme staff signs in (to decline it for the host)."""
    _email, ids = _mission("offered", False)(session, engine, settings)
    return "staff@example.org", ids


PROFILE = {"occupation": "2212", "job_title": "Anaesthetist", "lang_fr": "on", "origin_country": "SN",
           "residence_country": "FR", "mode": "remote", "days_per_year": "10", "action": "save",
           "qualifications": "Diplôme d'anesthésie, Dakar 2009"}
ALERT = {"from": "FR", "to": "SN", "amount": "200", "kind": "total_cost_below", "threshold": "2",
         "email": "awa@example.org"}
FORMS = {  # page, action, who, the form, the field made too long (and its label), a choice padded, a field echoed
    "register": ("/register", "/register", None, {"display_name": "Awa", "email": "awa@example.org",
                 "password": "correct horse battery", "role": "promoter"}, "display_name", "Your name", "role",
                 'value="awa@example.org"'),
    "register_host": ("/register/host", "/register/host", None,
                      {"name": "Hôpital de Kaolack", "kind": "hospital", "country": "SN", "town": "Kaolack",
                       "display_name": "Awa", "email": "awa@example.org", "password": "correct horse battery"},
                      "name", "Name of the institution", "country", 'value="Kaolack"'),
    "my_host": ("/my/host", "/my/host", _pending_host,
                {"name": "Hôpital de Kaolack", "kind": "hospital", "country": "SN", "town": "Kaolack"},
                "description", "What the institution does", "kind", 'value="Kaolack"'),
    "listing": ("/my/listings/new", "/my/listings/new", _promoter, listing_form(), "title", "Title", "sector",
                'value="GIE Jappo"'),
    "need": ("/my/needs/new", "/my/needs/new", _need_poster, None, "title", "Title", "occupation",
             'value="Kaolack"'),
    "skills": ("/my/skills", "/my/skills", _member, PROFILE, "job_title", "Your job in your own words",
               "origin_country", "Diplôme d&#39;anesthésie, Dakar 2009</textarea>"),
    "pledge": ("/projects/{slug}", "/projects/{slug}/pledge", _pledger,
               {"amount": "100", "method": "bank_transfer"}, "amount", "Amount to pledge (%(currency)s)", "method",
               'value="bank_transfer" checked'),
    "update": ("/my/listings/{id}", "/my/listings/{id}/updates", _updater, {"title": "News", "body": "The mill runs."},
               "title", "Update title", None, "The mill runs.</textarea>"),
    "alert": ("/login", "/alerts", None, ALERT, "threshold", "Threshold", "kind", 'value="awa@example.org"'),
    "forgot": ("/password/forgot", "/password/forgot", None, {"email": "awa@example.org"}, "email", "E-mail address",
               None, 'value="' + "7" * 50),  # the address itself is kept, to be corrected
    "reset": ("/password/reset?token=abc", "/password/reset", None, {"token": "abc"}, "password", "New password",
              None, 'name="token" value="abc"'),
    "password": ("/account", "/account/password", _member, {"current_password": "correct horse battery"},
                 "new_password", "New password", None, None),
    # download and delete my data: a password only, never echoed
    "export": ("/account", "/account/export", _member, {}, "export_password", "Your password, to confirm", None,
               None),
    "delete": ("/account", "/account/delete", _member,
               {"confirm": "yes", "delete_password": "correct horse battery"}, "delete_password",
               "Your password, to confirm", "confirm", None),
    # the member's and the host's mission forms
    "mission_accept": ("/my/missions/{mission}", "/my/missions/{mission}/accept", _mission("invited", False), {},
                       "message", "A word to the host (optional)", None, None),
    "mission_withdraw": ("/my/missions/{mission}", "/my/missions/{mission}/withdraw", _mission("offered", False),
                         {}, "reason", "Why (optional, the host and staff read it)", None, None),
    "offer_decline": ("/my/needs/{need}/offers/{mission}", "/my/needs/{need}/offers/{mission}/decline",
                      _mission("offered", True), {}, "reason",
                      "Why (optional; programme staff read it, and the member if you write it)", None, None),
    "offer_schedule": ("/my/needs/{need}/offers/{mission}", "/my/needs/{need}/offers/{mission}/schedule",
                       _mission("accepted", True), {"ends_on": "2027-03-01"}, "starts_on", "First day", None,
                       'value="2027-03-01"'),
    "offer_complete": ("/my/needs/{need}/offers/{mission}", "/my/needs/{need}/offers/{mission}/complete",
                       _mission("accepted", True), {}, "days", "Days delivered", None, None),
    # staff declining an offer for the host
    "staff_decline": ("/staff/missions/{mission}", "/staff/missions/{mission}/decline", _staff_mission, {},
                      "reason", "Reason (the member reads it)", None, None),
}


def _signed_in(client, session: Session, engine, settings, who, page: str, action: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Sign in the one `who` makes; the page and action with their ids filled in."""
    made = who(session, engine, settings)
    email, ids = made if isinstance(made, tuple) else (made, {})
    login(client, email)
    if "{id}" in action or "{slug}" in action:
        listing = session.exec(select(Listing)).one()
        ids = {**ids, "id": listing.id, "slug": listing.slug}
    return page.format(**ids), action.format(**ids)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(FORMS))
def test_an_over_long_text_is_answered_beside_its_field_and_the_form_kept(  # type: ignore[no-untyped-def]
        client, session: Session, engine, settings: Settings, name: str, lang: str) -> None:
    import html

    from tests.browser import translator
    from tests.skills.helpers import NEED_FORM

    page, action, who, form, field, label, choice, echoed = FORMS[name]
    form = dict(form or NEED_FORM)
    if who is not None:
        page, action = _signed_in(client, session, engine, settings, who, page, action)
    if choice:
        form[choice] = f"  {form[choice]} \t"  # stray whitespace around a choice: stripped and accepted
    t = translator(lang)
    refused = post_form(client, page, action, form | {field: "7" * (text_limit(field) + 1)},
                        headers={"Accept-Language": lang}, follow_redirects=False)
    assert refused.status_code == 400, (refused.status_code, refused.text[:300])
    assert refused.headers["content-type"].startswith("text/html")
    assert t("Request not understood") not in refused.text  # the form itself, not the error page
    text = html.unescape(refused.text)
    error = re.search(rf'<p class="error" id="[a-z]-{field}-error">(.*?)</p>', text, re.S)
    assert error, text[:2000]
    shown_label = t(label, currency="EUR") if "%(" in label else t(label)
    assert error.group(1) == t("This text is too long: %(length)s characters for at most %(limit)s (field "
                               "“%(field)s”).", length=text_limit(field) + 1, limit=text_limit(field),
                               field=shown_label)
    if echoed:  # what else was typed is kept
        assert html.unescape(echoed) in text, re.findall(r"<input[^>]*>", text)
    assert "correct horse battery" not in text  # but never a password
    assert "7" * (text_limit(field) + 1) not in text or "password" not in field  # not even the refused one
    if choice:  # the padded choice was not refused
        assert not re.search(rf'id="[a-z]-{choice}-error"', refused.text)


@pytest.mark.parametrize("name", [n for n in FORMS if FORMS[n][6]])
def test_a_padded_choice_is_accepted(client, session: Session, engine, settings: Settings,  # type: ignore[no-untyped-def]
                                     name: str) -> None:
    from tests.skills.helpers import NEED_FORM

    page, action, who, form, _field, _label, choice, _echoed = FORMS[name]
    form = dict(form or NEED_FORM)
    if who is not None:
        page, action = _signed_in(client, session, engine, settings, who, page, action)
    if name == "alert":
        from app.demo import load_demo
        load_demo(engine=engine)
    assert choice
    form[choice] = f" {form[choice]}  "
    accepted = post_form(client, page, action, form, follow_redirects=False)
    assert accepted.status_code in (302, 303), (accepted.status_code, accepted.text[:1500])


def test_the_json_api_keeps_its_error_body_for_a_field_too_long(client) -> None:  # type: ignore[no-untyped-def]
    from tests.support import csrf_from

    token = csrf_from(client.get("/register").text)
    response = client.post("/register", data={"_csrf_token": token, "email": "a@b.org", "password": "x" * 20,
                                              "display_name": "y" * 500},
                           headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "display_name" and "display_name" in body["error"] and body["status"] == 400


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_closing_a_need_takes_a_padded_outcome_and_answers_a_long_one_beside_it(  # type: ignore[no-untyped-def]
        client, session: Session, engine, settings: Settings, lang: str) -> None:
    from app.models.skills import Need
    from tests.browser import translator

    email, ids = _mission("offered", True)(session, engine, settings)
    login(client, email)
    page = f"/my/needs/{ids['need']}"
    t = translator(lang)
    refused = post_form(client, page, f"{page}/close", {"outcome": "filled" + " " * 20 + "x"},
                        headers={"Accept-Language": lang}, follow_redirects=False)
    assert refused.status_code == 400 and t("Request not understood") not in refused.text
    assert t("Please choose whether the need is filled or closed.") in refused.text  # beside the choice
    assert t("Stop taking offers") in refused.text  # the need's own page, its form there
    accepted = post_form(client, page, f"{page}/close", {"outcome": " filled \t"}, follow_redirects=False)
    assert accepted.status_code in (302, 303)
    session.expire_all()
    assert session.get(Need, ids["need"]).state == "filled"  # type: ignore[union-attr]


def _staff_decision(kind: str):  # type: ignore[no-untyped-def]
    """A host waiting for review, or a host's need submitted to staff; staff signs in. The subject's staff page."""
    def build(session: Session, engine, settings) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        from app.skills import need_vetting
        from tests.skills.helpers import host_account, need_draft

        staff = person(session, engine, "staff@example.org", "staff")
        user, host = host_account(session, engine, "host@example.org", "approved" if kind == "need" else "pending",
                                  staff)
        if kind == "host":
            return staff.email, f"/staff/hosts/{host.id}"
        if kind == "listing":
            from app.marketplace import vetting
            from tests.marketplace.helpers import draft

            listing = draft(session, settings, person(session, engine, "promoter@example.org", "promoter"))
            vetting.submit(session, listing, session.get(type(staff), listing.promoter_id))
            session.commit()
            return staff.email, f"/staff/listings/{listing.id}"
        need = need_draft(session, user, host)
        need_vetting.submit(session, need, user)
        session.commit()
        return staff.email, f"/staff/needs/{need.id}"
    return build


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("kind", "action", "label"), [
    ("host", "reject", "Reason for rejection"), ("need", "request-changes", "Comments for the poster"),
    ("listing", "request-changes", "Comments for the promoter")])
def test_a_staff_decision_answers_an_over_long_reason_beside_it(  # type: ignore[no-untyped-def]
        client, session: Session, engine, settings: Settings, kind: str, action: str, label: str,
        lang: str) -> None:
    import html

    from tests.browser import translator

    email, page = _staff_decision(kind)(session, engine, settings)
    login(client, email)
    t = translator(lang)
    typed = "Le numéro d'agrément manque. " + "7" * text_limit("reason")
    refused = post_form(client, page, f"{page}/{action}", {"reason": typed}, headers={"Accept-Language": lang},
                        follow_redirects=False)
    assert refused.status_code == 400 and t("Request not understood") not in refused.text
    text = html.unescape(refused.text)
    error = re.search(rf'<p class="error" id="f-reason-{action}-error">(.*?)</p>', text, re.S)
    assert error, text[:2000]
    assert error.group(1) == t("This text is too long: %(length)s characters for at most %(limit)s (field "
                               "“%(field)s”).", length=len(typed), limit=text_limit("reason"), field=t(label))
    assert f">{typed}</textarea>" in text  # the reason typed is kept, to be cut
    accepted = post_form(client, page, f"{page}/{action}", {"reason": "Le numéro d'agrément manque."},
                         follow_redirects=False)
    assert accepted.status_code in (302, 303)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_document_upload_takes_a_padded_kind_and_answers_a_long_one_beside_it(  # type: ignore[no-untyped-def]
        client, session: Session, engine, settings: Settings, lang: str) -> None:
    from tests.browser import translator
    from tests.support import csrf_from

    promoter = person(session, engine, "promoter@example.org", "promoter")
    login(client, promoter.email)
    listing = post_form(client, "/my/listings/new", "/my/listings/new", listing_form(), follow_redirects=False)
    page = listing.headers["location"]
    t = translator(lang)
    pdf = ("statuts.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    refused = client.post(f"{page}/documents", data={"kind": "registration" + " " * 30 + "x",
                                                     "_csrf_token": csrf_from(client.get(page).text)},
                          files={"document": pdf}, headers={"Accept-Language": lang}, follow_redirects=False)
    assert refused.status_code == 400 and t("Request not understood") not in refused.text
    assert 'id="f-kind-error"' in refused.text or t("Please choose what kind of document this is.") in refused.text
    accepted = client.post(f"{page}/documents", data={"kind": " registration \t",
                                                      "_csrf_token": csrf_from(client.get(page).text)},
                           files={"document": pdf}, follow_redirects=False)
    assert accepted.status_code in (302, 303), accepted.text[:500]
