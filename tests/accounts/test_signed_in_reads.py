"""A signed-in request reads its session and user in one statement from the event loop (app.sessions,
app.loop_reads), and keeps nothing of them: a sign-out or a role taken away counts at the very next request,
on every worker."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.main import create_app
from app.models import KeyValue, User
from app.sessions import COOKIE
from tests.support import login, make_user, post_form

BASE = "http://testserver.local"
STAFF = "desk@example.org"


def _staff_desk(client: TestClient) -> int:  # type: ignore[type-arg]
    return client.get("/staff/", follow_redirects=False).status_code


def test_a_staff_role_taken_away_on_another_worker_refuses_the_next_request(client, settings, engine):  # type: ignore[no-untyped-def]
    make_user(engine, STAFF, "staff")
    login(client, STAFF)
    assert _staff_desk(client) == 200
    with TestClient(create_app(settings), base_url=BASE) as other_worker:
        make_user(engine, "admin@example.org", "admin")
        login(other_worker, "admin@example.org")
        assert _staff_desk(other_worker) == 200
        with Session(engine) as session:  # the role changed, as an admin's tool would
            user = session.exec(select(User).where(User.email == STAFF)).one()
            user.role = "member"
            session.add(user)
            session.commit()
    assert _staff_desk(client) == 403
    assert client.get("/account").status_code == 200, "still signed in, as a member"


def test_a_sign_out_on_one_worker_ends_the_session_on_the_other_at_once(client, settings, engine):  # type: ignore[no-untyped-def]
    make_user(engine, STAFF, "staff")
    with TestClient(create_app(settings), base_url=BASE) as other_worker:
        login(client, STAFF)
        other_worker.cookies = client.cookies
        assert _staff_desk(other_worker) == 200 and _staff_desk(client) == 200
        cookies = dict(client.cookies)
        out = post_form(client, "/account", "/logout", {}, follow_redirects=False)
        assert out.status_code in (302, 303)
        other_worker.cookies.clear()
        for name, value in cookies.items():  # a copy of the cookie kept from before the sign-out
            other_worker.cookies.set(name, value)
        assert _staff_desk(other_worker) in (302, 303, 401)


def test_an_erased_account_signs_nobody_in(client, engine):  # type: ignore[no-untyped-def]
    make_user(engine, STAFF, "staff")
    login(client, STAFF)
    assert _staff_desk(client) == 200
    with engine.begin() as conn:  # the row gone from under the session
        conn.execute(text("UPDATE \"user\" SET deleted_at = CURRENT_TIMESTAMP WHERE email = :e"), {"e": STAFF})
    assert _staff_desk(client) in (302, 303, 401)


def test_reads_go_on_when_the_database_drops_the_loop_connections(client, engine):  # type: ignore[no-untyped-def]
    make_user(engine, STAFF, "staff")
    login(client, STAFF)
    assert _staff_desk(client) == 200
    if engine.dialect.name == "postgresql":  # a server restart, as the loop's own connections see it
        from app.loop_reads import APPLICATION

        with engine.begin() as conn:
            ended = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                      " WHERE application_name = :name AND datname = current_database()"),
                                 {"name": APPLICATION}).scalar()
        assert ended, "the loop reads have their own connections"
    assert _staff_desk(client) == 200
    assert _staff_desk(client) == 200


@pytest.mark.parametrize("damaged", [b"not json", b"\xff\xfe{\"uid\": 1}", b"[1, 2]", b"\"a string\"",
                                     b"{\"uid\": \"x\"}", b"{\"uid\": 99999999999999999999}",
                                     b"{\"uid\": 1099511627776}", b""])
def test_a_damaged_stored_session_signs_out_without_an_error(client, engine, damaged):  # type: ignore[no-untyped-def]
    """A stored session value that is not the JSON object we write (damaged, or written by something else) is
    read as no session: the page answers signed out, the value is dropped and the cookie cleared; never a 500."""
    make_user(engine, STAFF, "staff")
    login(client, STAFF)
    assert _staff_desk(client) == 200
    session_id = client.cookies.get(COOKIE)
    assert session_id
    with engine.begin() as conn:
        changed = conn.execute(KeyValue.__table__.update()  # type: ignore[attr-defined]
                               .where(KeyValue.__table__.c.key.endswith(session_id))  # type: ignore[attr-defined]
                               .values(value=damaged)).rowcount
    assert changed == 1
    page = client.get("/account", follow_redirects=False)
    assert page.status_code in (302, 303), page.text[:300]
    assert _staff_desk(client) in (302, 303, 401)
    assert client.get("/login").status_code == 200
    with engine.connect() as conn:
        left = conn.execute(select(KeyValue).where(col(KeyValue.key).endswith(session_id))).all()
    assert not left, "the damaged value is dropped"
    login(client, STAFF)  # and signing in again works
    assert _staff_desk(client) == 200
