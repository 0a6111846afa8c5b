"""CSRF on every form and htmx post, security headers, role guards."""

from __future__ import annotations

from tests.support import csrf_from, login, make_user


def test_form_post_without_csrf_token_is_refused(client, engine):
    make_user(engine, "a@example.org")
    client.get("/login")  # receives the CSRF cookie, but the form field is left out
    r = client.post("/login", data={"email": "a@example.org", "password": "correct horse battery"})
    assert r.status_code == 403
    assert "form" in r.text.lower() or "formulaire" in r.text.lower()


def test_htmx_post_without_csrf_header_is_refused_and_with_it_accepted(client, engine):
    make_user(engine, "b@example.org")
    page = client.get("/login").text
    token = csrf_from(page)
    body = {"email": "b@example.org", "password": "correct horse battery"}
    assert client.post("/login", data=body, headers={"HX-Request": "true"}).status_code == 403
    r = client.post("/login", data=body, headers={"HX-Request": "true", "x-csrftoken": token},
                    follow_redirects=False)
    assert r.status_code in (302, 303)
    # The page hands htmx the token through hx-headers, not through an inline script.
    assert f'"x-csrftoken": "{token}"' in page


def test_csrf_token_from_another_session_is_refused(client, app):
    from litestar.testing import TestClient

    with TestClient(app, base_url="http://testserver.local") as other:
        foreign = csrf_from(other.get("/login").text)
    client.get("/login")
    r = client.post("/login", data={"email": "x@example.org", "password": "whatever long", "_csrf_token": foreign})
    assert r.status_code == 403


def test_security_headers_and_no_inline_script(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "<script>" not in r.text and "onclick=" not in r.text and "style=" not in r.text


def test_responses_are_gzipped(client):
    r = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"


def test_staff_page_refuses_members_and_redirects_anonymous(client, engine):
    r = client.get("/staff/", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login?next=/staff")
    make_user(engine, "member@example.org")
    login(client, "member@example.org")
    assert client.get("/staff/").status_code == 403


def test_staff_and_admin_pages(client, engine):
    make_user(engine, "staff@example.org", role="staff")
    login(client, "staff@example.org")
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/outbox").status_code == 403
    make_user(engine, "admin@example.org", role="admin")
    login(client, "admin@example.org")
    assert client.get("/admin/outbox").status_code == 200


def test_healthz_reports_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(tmp_path):
    from litestar.testing import TestClient

    from app.main import create_app
    from app.settings import Settings

    bad = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1",
                   scheduler_enabled=False)
    with TestClient(create_app(bad)) as c:
        r = c.get("/healthz")
    assert r.status_code == 503 and r.json()["database"].startswith("unreachable")


def test_production_cookies_are_secure_and_hsts_is_sent(settings, engine):
    from litestar.testing import TestClient

    from app.main import create_app

    make_user(engine, "prod@example.org")
    production = settings.model_copy(update={"passerelle_env": "production", "secret_key": "s" * 48})
    with TestClient(create_app(production), base_url="https://testserver.local") as c:
        r = login(c, "prod@example.org")
        cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
        session_cookie = [c for c in cookies if c.startswith("passerelle_session=")]
        assert session_cookie and all("Secure" in c and "HttpOnly" in c for c in session_cookie)
        assert r.headers["strict-transport-security"].startswith("max-age=")
