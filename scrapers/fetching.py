"""Fetching for the pipeline: every request concurrently, each answer snapshotted then parsed as it arrives.

Parsing an answer while the others are still on the wire keeps a 200-request Wise cycle close to its
network-bound ideal. Each answer is stored (``snapshot``) before its parser sees it, so whatever the
parser makes of it, the raw answer can be read again.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import polars as pl
from sqlalchemy import Engine

from app.settings import Settings
from scrapers.base import Collector, Request
from scrapers.errors import ParseError
from scrapers.http import Fetcher, FetchError, FetchResult
from scrapers.runs import store_snapshot


@dataclass
class Answer:
    """What one request brought back: the raw result, its snapshot, the parsed frame, or why not."""

    request: Request
    result: FetchResult | None = None
    error: str | None = None
    snapshot_id: int | None = None
    frame: pl.DataFrame | None = None


def result_of(content: bytes, url: str) -> FetchResult:
    """Bytes that were not fetched now (a file, an upload), shaped like a fetch."""
    return FetchResult(url=url, status=200, content=content, content_type=None, fetched_at=datetime.now(UTC),
                       sha256=hashlib.sha256(content).hexdigest())


def read_local(url: str) -> FetchResult:
    """A file:// URL (or a plain path) read like a fetch: a mirror on disk, a bundled file."""
    parsed = urlparse(url)
    path = Path(url2pathname(parsed.path)) if parsed.scheme == "file" else Path(url)
    return result_of(path.read_bytes(), path.resolve().as_uri())


def keep_and_read(collector: Collector, answer: Answer, engine: Engine) -> Answer:
    """Snapshot the answer, then parse it; a ParseError becomes the answer's error."""
    if answer.result is not None:
        answer.snapshot_id = store_snapshot(engine, collector.source, answer.result)
        try:
            answer.frame = collector.parse(answer.result.content, answer.request)
        except ParseError as exc:
            answer.error = f"{answer.result.url}: {exc}"
    return answer


async def fetch_all(requests: Sequence[Request], settings: Settings,
                    then: Callable[[Answer], Answer] | None = None,
                    arrived: Callable[[int, int], None] | None = None) -> list[Answer]:
    """Fetch every request concurrently (bounded per host by the shared client), passing each answer to
    ``then`` in a worker thread as soon as it arrives; never raises."""
    done = 0
    # one worker: answers are stored and parsed in arrival order, off the event loop, without several
    # threads competing for the database and the interpreter while requests are in flight
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse")
    async with Fetcher(settings.collector_contact, timeout=settings.collector_timeout_seconds,
                       retries=settings.collector_retries, per_host=settings.collector_per_host) as fetcher:

        async def fetch(request: Request) -> Answer:
            if not request.url.startswith(("http://", "https://")):
                try:
                    return Answer(request, result=read_local(request.url))
                except OSError as exc:
                    return Answer(request, error=f"{request.url}: {exc}")
            try:
                return Answer(request, result=await fetcher.get(request.url, params=request.params))
            except FetchError as exc:
                asked = "&".join(f"{k}={v}" for k, v in request.params.items())
                return Answer(request, error=f"{request.url}{'?' if asked else ''}{asked}: {exc.reason} "
                                             f"({exc.attempts} attempt(s))")

        async def one(request: Request) -> Answer:
            nonlocal done
            answer = await fetch(request)
            if then is not None:
                answer = await asyncio.get_running_loop().run_in_executor(reader, then, answer)
            done += 1
            if arrived is not None:
                arrived(done, len(requests))
            return answer

        try:
            return list(await asyncio.gather(*(one(request) for request in requests)))
        finally:
            reader.shutdown(wait=True)


def run_coroutine(coroutine: Coroutine[Any, Any, list[Answer]]) -> list[Answer]:
    """asyncio.run, also from a thread whose event loop is already running (then in a helper thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="collect") as pool:
        return pool.submit(asyncio.run, coroutine).result()
