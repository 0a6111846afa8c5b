"""The shared fetcher against a real HTTP server on 127.0.0.1: retries, give-up, timeout, politeness."""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC

import pytest

from scrapers.http import Fetcher, FetchError, fetch

CONTACT = "ops@passerelle.example"
Reply = tuple[int, dict[str, str], bytes, float]  # status, headers, body, delay before answering


@dataclass
class ScriptedServer:
    """A real HTTP/1.1 server; ``script(n)`` says how to answer the n-th request (from 1)."""

    script: Callable[[int], Reply]
    requests: list[dict[str, str]] = field(default_factory=list)
    active: int = 0
    peak: int = 0
    port: int = 0
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v4/comparisons/"

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            self.requests.append({"request-line": head[0], **headers})
            self.active += 1
            self.peak = max(self.peak, self.active)
            try:
                status, extra, body, delay = self.script(len(self.requests))
                await asyncio.sleep(delay)
            finally:
                self.active -= 1
            lines = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}", f"Content-Length: {len(body)}",
                     "Connection: close", *(f"{k}: {v}" for k, v in extra.items())]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def run(coroutine: Awaitable[object], limit: float = 20) -> object:
    async def bounded() -> object:
        return await asyncio.wait_for(coroutine, limit)
    return asyncio.run(bounded())  # type: ignore[arg-type]


JSON = {"Content-Type": "application/json"}


def test_retries_server_errors_then_returns_the_answer() -> None:
    def script(n: int) -> Reply:
        return (500, {}, b"oops", 0) if n <= 2 else (200, JSON, b'{"providers": []}', 0)

    async def scenario() -> None:
        async with ScriptedServer(script) as server, Fetcher(CONTACT, backoff=0.01) as fetcher:
            result = await fetcher.get(server.url, params={"sourceCurrency": "EUR", "sendAmount": 200})
            assert len(server.requests) == 3
            assert result.status == 200 and result.content == b'{"providers": []}'
            assert result.content_type == "application/json"
            assert result.sha256 == hashlib.sha256(result.content).hexdigest()
            assert result.fetched_at.tzinfo is UTC
            assert result.url.endswith("?sourceCurrency=EUR&sendAmount=200")
            agent = server.requests[0]["user-agent"]
            assert agent == f"Passerelle/0.1 (+remittance price comparison; {CONTACT})"

    run(scenario())


def test_gives_up_after_the_configured_retries_with_a_clear_error() -> None:
    async def scenario() -> None:
        async with ScriptedServer(lambda n: (503, {}, b"", 0)) as server, \
                Fetcher(CONTACT, retries=2, backoff=0.01) as fetcher:
            expected = r"after 3 attempt\(s\): HTTP 503 Service Unavailable"
            with pytest.raises(FetchError, match=expected) as caught:
                await fetcher.get(server.url)
            assert len(server.requests) == 3
            assert caught.value.status == 503 and caught.value.url == server.url

    run(scenario())


def test_client_errors_are_not_retried() -> None:
    async def scenario() -> None:
        async with ScriptedServer(lambda n: (404, {}, b"", 0)) as server, Fetcher(CONTACT, backoff=0.01) as f:
            with pytest.raises(FetchError, match="HTTP 404") as caught:
                await f.get(server.url)
            assert len(server.requests) == 1 and caught.value.attempts == 1

    run(scenario())


def test_retry_after_is_obeyed() -> None:
    def script(n: int) -> Reply:
        return (429, {"Retry-After": "1"}, b"", 0) if n == 1 else (200, JSON, b"{}", 0)

    async def scenario() -> None:
        async with ScriptedServer(script) as server, Fetcher(CONTACT, backoff=0.01) as fetcher:
            started = time.monotonic()
            await fetcher.get(server.url)
            assert time.monotonic() - started >= 0.95
            assert len(server.requests) == 2

    run(scenario())


def test_a_retry_after_beyond_the_limit_ends_the_fetch_at_once() -> None:
    async def scenario() -> None:
        async with ScriptedServer(lambda n: (503, {"Retry-After": "3600"}, b"", 0)) as server, \
                Fetcher(CONTACT, max_retry_after=60) as fetcher:
            with pytest.raises(FetchError, match="Retry-After asks for 3600 s"):
                await fetcher.get(server.url)
            assert len(server.requests) == 1

    run(scenario(), limit=5)


def test_a_server_too_slow_to_answer_times_out_and_is_retried() -> None:
    async def scenario() -> None:
        async with ScriptedServer(lambda n: (200, JSON, b"{}", 5.0)) as server, \
                Fetcher(CONTACT, timeout=0.3, retries=1, backoff=0.01) as fetcher:
            started = time.monotonic()
            with pytest.raises(FetchError, match="after 2 attempt"):
                await fetcher.get(server.url)
            assert time.monotonic() - started < 2
            assert len(server.requests) == 2

    run(scenario())


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there

    async def scenario() -> None:
        async with Fetcher(CONTACT, retries=2, backoff=0.01) as fetcher:
            with pytest.raises(FetchError, match=r"after 3 attempt\(s\): ConnectError"):
                await fetcher.get(f"http://127.0.0.1:{port}/")

    run(scenario())


def test_concurrency_is_limited_per_host_not_globally() -> None:
    async def scenario() -> None:
        async with ScriptedServer(lambda n: (200, JSON, b"{}", 0.1)) as one, \
                ScriptedServer(lambda n: (200, JSON, b"{}", 0.1)) as two, \
                Fetcher(CONTACT, per_host=3) as fetcher:
            urls = [one.url] * 12 + [two.url] * 12
            results = await asyncio.gather(*(fetcher.get(url) for url in urls))
            assert all(result.status == 200 for result in results)
            assert (one.peak, two.peak) == (3, 3)
            assert len(one.requests) == len(two.requests) == 12

    run(scenario())


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        body = b"<Envelope/>"
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture
def threaded_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/eurofxref-daily.xml"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_sync_wrapper_fetches_once(threaded_server: str) -> None:
    result = fetch(threaded_server, contact=CONTACT, timeout=5)
    assert result.content == b"<Envelope/>" and result.content_type == "text/xml"


def test_a_collector_must_give_a_contact() -> None:
    with pytest.raises(ValueError, match="contact"):
        Fetcher("  ")
