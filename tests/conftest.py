"""Shared fixtures: every database test runs on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from app.db import make_engine
from app.settings import Settings
from tests.support import postgres_schema_url

# Reference tables are seeded once per session and kept; everything else is emptied between tests.
KEEP = {"country", "currency", "alembic_version"}
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("TEST_POSTGRES_URL") else [])


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    from app.schema import upgrade

    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"}
    cleanups = []
    if "postgres" in BACKENDS:
        # A requested PostgreSQL that cannot be reached fails the run: it must never skip silently.
        url, drop = postgres_schema_url(os.environ["TEST_POSTGRES_URL"], "suite")
        urls["postgres"] = url
        cleanups.append(drop)
    for url in urls.values():
        upgrade(url)
    yield urls
    for drop in cleanups:
        drop()


def _empty(engine: Engine) -> None:
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in KEEP]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, _migrated: dict[str, str]) -> Iterator[str]:
    url = _migrated[request.param]
    engine = make_engine(url)
    _empty(engine)
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    from app.db import get_engine

    yield get_engine(db_url)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    site_url="http://testserver.local")


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    from app.main import create_app

    return create_app(settings)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from litestar.testing import TestClient

    with TestClient(app, base_url="http://testserver.local") as c:
        yield c
