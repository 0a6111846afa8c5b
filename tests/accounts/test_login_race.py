"""Forty simultaneous wrong passwords against a served app: ten are checked, thirty refused (finding 2).

A real uvicorn on loopback, forty client threads released together, on the database store (SQLite and
PostgreSQL) and on Redis.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter

import anyio
import httpx
import pytest

from app.main import create_app
from app.store import make_store
from tests.browser import serve
from tests.support import make_user

REDIS_URL = "redis://127.0.0.1:6379/14"  # not 15: test_shared_store empties that one
ATTEMPTS = 40


@pytest.fixture(params=["database", "redis"])
def store_kind(request) -> str:  # type: ignore[no-untyped-def]
    return str(request.param)


def _store_settings(settings, kind: str):  # type: ignore[no-untyped-def]
    if kind == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # a test database of the local Redis, emptied first
    return settings.model_copy(update={"redis_url": REDIS_URL if kind == "redis" else None})


async def _stored(engine, redis_url: str | None, key: str) -> bytes | None:  # type: ignore[no-untyped-def]
    """Read the counter through a store of this event loop (a Redis client belongs to one loop)."""
    return await make_store("ratelimit", engine, redis_url).get(key)


def test_forty_concurrent_wrong_logins_get_429_after_the_tenth(settings, engine, store_kind):
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    make_user(engine, email)
    app = create_app(_store_settings(settings, store_kind))
    statuses: list[int] = []
    barrier = threading.Barrier(ATTEMPTS)
    lock = threading.Lock()
    with serve(app) as base:
        def guess(n: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                page = client.get("/login").text
                token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
                barrier.wait(timeout=30)
                status = client.post("/login", data={"email": email, "password": f"wrong guess {n}",
                                                     "_csrf_token": token}).status_code
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        counts = Counter(statuses)
        assert counts == {400: 10, 429: 30}, counts
        stored = anyio.run(_stored, engine, app.state.settings.redis_url, f"email:{email}")
        assert stored is not None and int(stored) == ATTEMPTS
        # The right password is refused too while the window lasts: the lock is per account.
        with httpx.Client(base_url=base, timeout=30) as client:
            token = re.search(r'name="_csrf_token" value="([^"]+)"',  # type: ignore[union-attr]
                              client.get("/login").text).group(1)
            late = client.post("/login", data={"email": email, "password": "correct horse battery",
                                               "_csrf_token": token})
            assert late.status_code == 429
