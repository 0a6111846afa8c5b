"""Shared fixtures: every database test runs on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from app.db import make_engine
from app.settings import PROJECT_ROOT, Settings
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


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Module-scoped: Playwright's sync API keeps an event loop running in the main thread while it is
    open, which would break later tests that call asyncio.run()."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_FLAGS, chromium_path

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS,
                                              timeout=30_000)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(_migrated: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The app on 127.0.0.1 with a fresh SQLite database; browser tests run against it."""
    from app.main import create_app
    from tests.browser import serve

    url = _migrated["sqlite"]
    engine = make_engine(url)
    _empty(engine)
    engine.dispose()
    settings = Settings(database_url=url, scheduler_enabled=False, passerelle_env="test",
                        upload_dir=tmp_path / "uploads")
    app = create_app(settings)
    with serve(app) as base_url:
        app.state.settings = settings.model_copy(update={"site_url": base_url})
        yield base_url


@pytest.fixture
def page_factory(browser, live_server):  # type: ignore[no-untyped-def]
    """New isolated browser contexts (one per person in the story); requests off loopback are refused."""
    contexts = []
    offsite: list[str] = []

    def new_page(locale: str = "fr-FR", javascript: bool = True):  # type: ignore[no-untyped-def]
        from tests.browser import guarded_page

        page = guarded_page(browser, (live_server,), offsite, locale=locale, java_script_enabled=javascript,
                            base_url=live_server)
        contexts.append(page.context)
        return page

    new_page.offsite = offsite  # type: ignore[attr-defined]
    yield new_page
    for context in contexts:
        context.close()
    assert not offsite, f"pages asked another host: {offsite}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """A fresh localstripe on a free loopback port for the whole session (marketplace and browser tests);
    stopped at the end."""
    port = _free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed below with the process
    process = subprocess.Popen([sys.executable, "-m", "tests.marketplace.localstripe_loopback", str(port)],
                               cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"localstripe exited with code {process.returncode}")
            try:
                httpx.delete(f"{url}/_config/data", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("localstripe did not start within 20 seconds") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
