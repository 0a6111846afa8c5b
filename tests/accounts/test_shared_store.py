"""Sessions and login throttling live in a store shared by every worker: the database, or Redis."""

from __future__ import annotations

import uuid

import pytest
from litestar.testing import TestClient

from app.main import create_app
from tests.support import login, make_user

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["database", "redis"])
def two_workers(request, settings):  # type: ignore[no-untyped-def]
    """Two app instances on one database, as two workers behind a proxy would be."""
    # a key prefix of this test's own: other runs share the local Redis at the same time
    prefix = f"passerelle-test-{uuid.uuid4().hex}"
    shared = settings.model_copy(update={"redis_url": REDIS_URL if request.param == "redis" else None,
                                         "redis_key_prefix": prefix})
    yield [create_app(shared), create_app(shared)]
    if request.param == "redis":
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(match=f"{prefix}:*"):
            store.delete(key)


def test_a_session_made_by_one_worker_is_honoured_by_the_other(two_workers, engine):
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    make_user(engine, email)
    first, second = two_workers
    with TestClient(first, base_url="http://testserver.local") as a, \
            TestClient(second, base_url="http://testserver.local") as b:
        assert login(a, email).status_code in (302, 303)
        b.cookies = a.cookies
        r = b.get("/account")
        assert r.status_code == 200 and email in r.text


def test_failed_logins_count_across_workers(two_workers, engine):
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    make_user(engine, email)
    first, second = two_workers
    with TestClient(first, base_url="http://testserver.local") as a, \
            TestClient(second, base_url="http://testserver.local") as b:
        for i in range(10):
            assert login(a if i % 2 else b, email, "wrong password!").status_code == 400
        assert login(a, email).status_code == 429
        assert login(b, email).status_code == 429
