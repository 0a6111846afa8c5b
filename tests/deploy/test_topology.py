"""The production topology on loopback: nginx (Debian's), two web workers, PostgreSQL, Redis and the
scheduler, each its own process. A member signs in through one worker and posts a form through the other.

It needs PostgreSQL (TEST_POSTGRES_URL, else the local one), Redis and nginx; a missing one fails the test.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from sqlmodel import Session, select

from app.db import make_engine
from app.models import CollectorRun, Listing, User
from app.schema import upgrade
from tests.marketplace.helpers import listing_form
from tests.support import csrf_from, make_user, postgres_schema_url
from tests.topology import Topology, env_template, still_ours, topology

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = "redis://127.0.0.1:6379/0"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLIENT_ADDRESS = "127.0.0.3"  # the test's browser: a loopback address that is neither nginx's nor the workers'
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Topology, str, str]]:
    folder = tmp_path_factory.mktemp("topology")
    url, drop = postgres_schema_url(POSTGRES, "topology")
    prefix = f"passerelle-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    offline = (folder / "offline").as_uri()  # no such file: every other source fails at once, offline
    env = {key: value for key, value in env_template().items() if value} | {
        # plain http on loopback: production's Secure cookies would never come back from the client
        "PASSERELLE_ENV": "test", "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url, "REDIS_URL": REDIS, "REDIS_KEY_PREFIX": prefix,
        "UPLOAD_DIR": str(folder / "uploads"),
        "ECB_RATES_URL": (FIXTURES / "ecb" / "eurofxref-daily.xml").as_uri(),
        "ECB_HISTORY_URL": offline, "IMF_RATES_URL": offline, "WISE_API_URL": offline, "RPW_DATASET_URL": offline,
        "RPW_CATALOG_URL": offline, "WISE_CORRIDORS": "FR-SN", "WISE_AMOUNTS": "200", "COLLECTOR_RETRIES": "0",
        "SCHEDULER_LOCK_POLL_SECONDS": "0.5",
    }
    try:
        upgrade(url)
        with topology(folder / "run", env, workers=2) as top:
            yield top, url, prefix
            started = [top.processes[name].pid for name in ("web", "scheduler")] + top.worker_pids()
        assert not [pid for pid in started if still_ours(pid)], "every process the test started is stopped"
    finally:
        store = redis.Redis.from_url(REDIS)
        for key in store.scan_iter(match=f"{prefix}:*"):
            store.delete(key)
        drop()


def _client() -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=CLIENT_ADDRESS), timeout=30)


def _upstreams(top: Topology, method: str, path: str) -> list[str]:
    return [upstream for request, _status, upstream in top.served() if request.startswith(f"{method} {path} ")]


def _worker_of(top: Topology, method: str, path: str, count: int = 1) -> str:
    """The worker nginx sent the ``count``-th ``method path`` to (from its access log, which nginx
    writes just after the answer has left: it is waited for)."""
    deadline = time.monotonic() + 5
    while True:
        hits = _upstreams(top, method, path)
        if len(hits) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(hits) >= count, f"nginx did not log {method} {path}: {top.served()}"
    return hits[count - 1]


def test_sign_in_through_one_worker_and_post_a_form_through_another(deployed):  # type: ignore[no-untyped-def]
    top, url, prefix = deployed
    engine = make_engine(url)
    email = f"promoter-{uuid.uuid4().hex[:6]}@example.org"
    make_user(engine, email, role="promoter", password=PASSWORD)
    logins, posts = len(_upstreams(top, "POST", "/login")), len(_upstreams(top, "POST", "/my/listings/new"))
    with _client() as browser:
        token = csrf_from(browser.get(f"{top.url}/login").text)
        signed_in = browser.post(f"{top.url}/login", data={"email": email, "password": PASSWORD,
                                                           "_csrf_token": token})
        assert signed_in.status_code in (302, 303), signed_in.text[:500]
        login_worker = _worker_of(top, "POST", "/login", logins + 1)
        # idle workers take turns (least_conn, then round robin): a request more or less reaches the other
        for attempt in range(6):
            page = browser.get(f"{top.url}/my/listings/new")
            assert page.status_code == 200, "the session made by one worker is honoured by the others"
            posted = browser.post(f"{top.url}/my/listings/new",
                                  data={**listing_form(title=f"Moulin {attempt}"), "_csrf_token": csrf_from(page.text)})
            assert posted.status_code in (302, 303), posted.text[:500]
            posts += 1
            if _worker_of(top, "POST", "/my/listings/new", posts) != login_worker:
                break
            assert email in browser.get(f"{top.url}/account").text  # one request more shifts the turn
        form_worker = _worker_of(top, "POST", "/my/listings/new", posts)
    assert {login_worker, form_worker} <= {f"127.0.0.1:{port}" for port in top.worker_ports}
    assert form_worker != login_worker, "the form went through another worker than the sign-in"
    with Session(engine) as session:
        promoter = session.exec(select(User).where(User.email == email)).one()
        titles = session.exec(select(Listing.title).where(Listing.promoter_id == promoter.id)).all()
    assert f"Moulin {attempt}" in titles
    store = redis.Redis.from_url(REDIS)
    assert list(store.scan_iter(match=f"{prefix}:sessions:*")), "sessions live in Redis under the private prefix"
    engine.dispose()


def test_the_login_throttle_counts_the_address_nginx_saw_not_the_one_claimed(deployed):  # type: ignore[no-untyped-def]
    top, _url, prefix = deployed
    with _client() as browser:
        token = csrf_from(browser.get(f"{top.url}/login").text)
        refused = browser.post(f"{top.url}/login", headers={"X-Forwarded-For": "203.0.113.9"},
                               data={"email": "nobody@example.org", "password": "wrong password!",
                                     "_csrf_token": token})
    assert refused.status_code == 400
    keys = [key.decode() for key in redis.Redis.from_url(REDIS).scan_iter(match=f"{prefix}:ratelimit:*")]
    assert any(CLIENT_ADDRESS in key for key in keys), keys
    assert not any("203.0.113.9" in key for key in keys), "a client chose the address it is counted under"


def test_nginx_serves_static_files_with_the_apps_caching_headers(deployed):  # type: ignore[no-untyped-def]
    from app.assets import LONG_LIVED, REVALIDATE, asset_url

    top, _url, _prefix = deployed
    versioned = asset_url("css/app.css")
    plain = versioned.split("?")[0]
    before = len(_upstreams(top, "GET", plain))
    kept, asked = httpx.get(f"{top.url}{versioned}"), httpx.get(f"{top.url}{plain}")
    assert kept.status_code == asked.status_code == 200 and kept.headers["x-content-type-options"] == "nosniff"
    assert kept.headers["cache-control"] == LONG_LIVED, "a content-hashed URL is kept a year"
    assert asked.headers["cache-control"] == REVALIDATE, "an unversioned URL is asked again"
    assert _worker_of(top, "GET", plain, before + 1) == "-", "no worker was asked for a file on disk"
    assert _worker_of(top, "GET", versioned, 1) == "-"


def test_the_scheduler_is_its_own_process_and_the_workers_run_no_jobs(deployed):  # type: ignore[no-untyped-def]
    top, url, _prefix = deployed
    engine = make_engine(url)
    deadline = time.monotonic() + 60
    runs: list[CollectorRun] = []
    while time.monotonic() < deadline:
        with Session(engine) as session:
            runs = list(session.exec(select(CollectorRun).where(CollectorRun.source == "ecb",
                                                                CollectorRun.status == "ok")).all())
        if runs:
            break
        time.sleep(0.5)
    engine.dispose()
    assert runs and runs[0].trigger == "schedule", top.log("scheduler")[-2000:]
    assert "scheduler running" in top.log("scheduler")
    assert "scheduler running" not in top.log("web"), "SCHEDULER_ENABLED=false keeps jobs out of the workers"
    assert top.processes["scheduler"].poll() is None and top.processes["web"].poll() is None
    assert len(top.worker_pids()) == 2
