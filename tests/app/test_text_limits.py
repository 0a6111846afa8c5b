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
