"""Password reset and sessions (finding 5): a new link voids the old one; a reset or a change of
password ends the other sessions; "sign out everywhere" ends them all."""

from __future__ import annotations

import re

from litestar.testing import TestClient
from sqlmodel import select

from app.models import OutboxMessage
from tests.support import login, make_user, post_form

EMAIL = "seydou@example.org"


def _reset_tokens(session) -> list[str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == EMAIL)
                         .order_by(OutboxMessage.id)).all()
    return [re.search(r"token=(\S+)", m.body).group(1) for m in mails if "/password/reset" in m.body]  # type: ignore[union-attr]


def _reset(client, token: str, password: str):  # type: ignore[no-untyped-def]
    return post_form(client, f"/password/reset?token={token}", "/password/reset",
                     {"token": token, "password": password}, follow_redirects=False)


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/account", follow_redirects=False).status_code == 200


def test_a_new_reset_link_voids_the_earlier_one(client, engine, session):
    make_user(engine, EMAIL)
    for _ in range(2):
        post_form(client, "/password/forgot", "/password/forgot", {"email": EMAIL})
    first, second = _reset_tokens(session)
    assert _reset(client, first, "the first new secret").status_code == 400
    assert _reset(client, second, "the second new secret").status_code in (302, 303)
    assert _reset(client, first, "the first new secret").status_code == 400, "still void after the reset"
    assert login(client, EMAIL, "the first new secret").status_code == 400
    assert login(client, EMAIL, "the second new secret").status_code in (302, 303)


def test_a_reset_ends_every_session_opened_before(app, client, engine, session):
    make_user(engine, EMAIL)
    with TestClient(app, base_url="http://testserver.local") as phone:
        assert login(phone, EMAIL).status_code in (302, 303) and _signed_in(phone)
        post_form(client, "/password/forgot", "/password/forgot", {"email": EMAIL})
        assert _reset(client, _reset_tokens(session)[-1], "a brand new secret").status_code in (302, 303)
        assert not _signed_in(phone), "the session opened before the reset is over"
        assert login(phone, EMAIL, "a brand new secret").status_code in (302, 303) and _signed_in(phone)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, client, engine):
    make_user(engine, EMAIL)
    with TestClient(app, base_url="http://testserver.local") as laptop:
        login(client, EMAIL)
        login(laptop, EMAIL)
        wrong = post_form(client, "/account", "/account/password",
                          {"current_password": "not my password", "new_password": "a brand new secret"})
        assert wrong.status_code == 400 and 'aria-invalid="true"' in wrong.text
        assert _signed_in(laptop), "a refused change ends nothing"
        short = post_form(client, "/account", "/account/password",
                          {"current_password": "correct horse battery", "new_password": "short"})
        assert short.status_code == 400
        changed = post_form(client, "/account", "/account/password",
                            {"current_password": "correct horse battery", "new_password": "a brand new secret"},
                            follow_redirects=False)
        assert changed.status_code in (302, 303)
        assert _signed_in(client), "the session that changed the password goes on"
        assert not _signed_in(laptop)
    with TestClient(app, base_url="http://testserver.local") as later:
        assert login(later, EMAIL, "a brand new secret").status_code in (302, 303)


def test_sign_out_everywhere_ends_every_session_on_every_worker(app, settings, client, engine):
    from app.main import create_app

    make_user(engine, EMAIL)
    other_worker = create_app(settings)
    with TestClient(other_worker, base_url="http://testserver.local") as phone:
        login(client, EMAIL)
        login(phone, EMAIL)
        assert _signed_in(client) and _signed_in(phone)
        page = client.get("/account").text
        assert 'action="/account/sign-out-everywhere"' in page
        out = post_form(client, "/account", "/account/sign-out-everywhere", {}, follow_redirects=False)
        assert out.status_code in (302, 303) and out.headers["location"] == "/login"
        assert not _signed_in(client) and not _signed_in(phone)
        assert login(phone, EMAIL).status_code in (302, 303) and _signed_in(phone), "logging in again works"


def test_sign_out_everywhere_needs_the_csrf_token(client, engine):
    make_user(engine, EMAIL)
    login(client, EMAIL)
    assert client.post("/account/sign-out-everywhere").status_code == 403
    assert _signed_in(client)
