"""Helpers for tests: isolated PostgreSQL schemas, form posts with the CSRF token, users."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import psycopg
from sqlalchemy.engine import make_url


def postgres_schema_url(base_url: str, label: str) -> tuple[str, Callable[[], None]]:
    """A private schema in the test database, so parallel runs and the migration test never collide."""
    url = make_url(base_url)
    schema = f"t_{label}_{os.getpid()}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), drop


def csrf_from(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def post_form(client, page: str, action: str, data: dict[str, str], **kwargs):  # type: ignore[no-untyped-def]
    """GET the page (to receive the CSRF cookie and field), then POST the form like a browser."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "_csrf_token": token}, **kwargs)


def make_user(engine, email: str, role: str = "member", password: str = "correct horse battery") -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from app.accounts.service import create_user

    with Session(engine) as session:
        create_user(session, email, password, role=role, verified=True)
        session.commit()


def login(client, email: str, password: str = "correct horse battery"):  # type: ignore[no-untyped-def]
    return post_form(client, "/login", "/login", {"email": email, "password": password},
                     follow_redirects=False)
