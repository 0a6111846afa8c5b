"""A visitor can register, confirm the address, log in and out; bad input gets a clear error."""

from __future__ import annotations

import re

from sqlmodel import select

from app.models import OutboxMessage, User
from tests.support import login, make_user, post_form


def test_register_verify_login_logout(client, session):
    r = post_form(client, "/register", "/register",
                  {"email": "Awa@Example.org", "password": "long enough pw", "role": "member",
                   "display_name": "Awa"}, follow_redirects=False)
    assert r.status_code in (302, 303), r.text
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "awa@example.org")).one()
    link = re.search(r"/verify\?token=\S+", mail.body)
    assert link
    assert client.get(link.group(0), follow_redirects=False).status_code in (302, 303)
    user = session.exec(select(User).where(User.email == "awa@example.org")).one()
    session.refresh(user)
    assert user.email_verified_at is not None
    # The token is single-use.
    assert client.get(link.group(0)).status_code == 400
    # Registering signs nobody in (the answer is the same for a taken address): log in.
    assert client.get("/account", follow_redirects=False).status_code in (302, 303)
    assert login(client, "awa@example.org", "long enough pw").status_code in (302, 303)
    assert "awa@example.org" in client.get("/account").text
    logout = post_form(client, "/account", "/logout", {}, follow_redirects=False)
    assert logout.status_code in (302, 303)
    assert client.get("/account", follow_redirects=False).status_code in (302, 303)


def test_register_rejects_bad_input_and_keeps_what_was_typed(client):
    r = post_form(client, "/register", "/register",
                  {"email": "not-an-email", "password": "long enough pw", "display_name": "Moussa"})
    assert r.status_code == 400
    assert 'value="not-an-email"' in r.text and 'value="Moussa"' in r.text
    assert "long enough pw" not in r.text
    r = post_form(client, "/register", "/register", {"email": "a@b.org", "password": "short"})
    assert r.status_code == 400 and 'aria-invalid="true"' in r.text
    r = post_form(client, "/register", "/register",
                  {"email": "a@b.org", "password": "long enough pw", "role": "admin"})
    assert r.status_code == 400, "nobody may register as admin"


def test_register_does_not_tell_whether_an_address_has_an_account(client, engine, session):
    """Finding 10: /register said "an account already exists". Now both answers are the same, and the
    owner of the taken address gets a mail instead of a second account."""
    make_user(engine, "fatou@example.org")
    answers, pages = [], []
    for email in ("FATOU@example.org", "binta@example.org"):
        answer = post_form(client, "/register", "/register", {"email": email, "password": "long enough pw"},
                           follow_redirects=False)
        answers.append((answer.status_code, answer.headers["location"]))
        pages.append(client.get("/login").text.replace(email.lower(), "EMAIL"))
    assert answers == [(302, "/login")] * 2
    assert pages[0] == pages[1]
    users = session.exec(select(User).where(User.email == "fatou@example.org")).all()
    assert len(users) == 1 and users[0].password_hash != "long enough pw"
    assert login(client, "fatou@example.org", "long enough pw").status_code == 400, "the password was not replaced"
    mails = {m.to_address: m for m in session.exec(select(OutboxMessage)).all()}
    assert "/password/forgot" in mails["fatou@example.org"].body and "/verify?token=" in mails["binta@example.org"].body


def test_wrong_password_ten_times_is_rate_limited(client, engine):
    make_user(engine, "ibrahima@example.org")
    for _ in range(10):
        assert login(client, "ibrahima@example.org", "wrong password!").status_code == 400
    # Even the right password is refused now, until the window passes.
    r = login(client, "ibrahima@example.org")
    assert r.status_code == 429
    assert "Too many" in r.text or "Trop" in r.text


def test_right_password_logs_in(client, engine):
    make_user(engine, "kofi@example.org")
    r = login(client, "kofi@example.org")
    assert r.status_code in (302, 303) and r.headers["location"] == "/"


def test_login_refuses_open_redirect(client, engine):
    make_user(engine, "ama@example.org")
    r = post_form(client, "/login", "/login",
                  {"email": "ama@example.org", "password": "correct horse battery", "next": "//evil.example"},
                  follow_redirects=False)
    assert r.headers["location"] == "/"


def test_password_reset(client, engine, session):
    make_user(engine, "seydou@example.org")
    post_form(client, "/password/forgot", "/password/forgot", {"email": "seydou@example.org"})
    post_form(client, "/password/forgot", "/password/forgot", {"email": "nobody@example.org"})
    mails = session.exec(select(OutboxMessage)).all()
    assert [m.to_address for m in mails] == ["seydou@example.org"]
    token = re.search(r"token=(\S+)", mails[0].body).group(1)  # type: ignore[union-attr]
    r = post_form(client, f"/password/reset?token={token}", "/password/reset",
                  {"token": token, "password": "a brand new secret"}, follow_redirects=False)
    assert r.status_code in (302, 303)
    assert login(client, "seydou@example.org", "a brand new secret").status_code in (302, 303)


def test_session_cookie_flags(client, engine):
    make_user(engine, "mariama@example.org")
    r = login(client, "mariama@example.org")
    cookie = [v for k, v in r.headers.multi_items() if k == "set-cookie" and "passerelle_session" in v][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
