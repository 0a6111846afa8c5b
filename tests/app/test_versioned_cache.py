"""app.cache.VersionedCache: where the data version is read (never synchronously in the event loop once known),
and the served process's frozen heap (app.asgi)."""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import Any

from app.cache import VersionedCache


class Counting(VersionedCache):
    def __init__(self) -> None:
        super().__init__(engine=None, recheck_seconds=0.0)  # type: ignore[arg-type]  # never touched
        self.reads: list[str] = []

    def _read_version(self) -> tuple[Any, ...]:
        self.reads.append(threading.current_thread().name)
        return (len(self.reads) // 1000,)  # the same version for the first thousand reads


def test_in_the_event_loop_a_known_version_is_read_by_check_in_a_worker_thread_never_by_get() -> None:
    cache = Counting()
    loop_thread: list[str] = []

    async def request() -> None:
        loop_thread.append(threading.current_thread().name)
        await cache.check()  # due (recheck 0): read in a worker thread
        cache.put("k", "v")
        for _ in range(5):  # due again at once, but known: not read here
            assert cache.get("k") == "v"

    asyncio.run(request())
    asyncio.run(request())
    assert len(cache.reads) == 2
    assert loop_thread[0] not in cache.reads


def test_the_first_version_and_code_in_worker_threads_still_read_it_themselves() -> None:
    cache = Counting()

    async def first_get() -> None:
        assert cache.get("k") is None  # nothing known yet: read now, even in the loop

    asyncio.run(first_get())
    assert len(cache.reads) == 1
    done = threading.Thread(target=lambda: cache.get("k"), name="handler thread")
    done.start()
    done.join()
    assert cache.reads[-1] == "handler thread"  # a sync handler's get() reads a due version as before


def test_the_served_app_freezes_its_heap_once_started() -> None:
    from app.asgi import app, freeze_heap

    assert freeze_heap in app.on_startup
    try:
        freeze_heap()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # the rest of this test process collects as before
