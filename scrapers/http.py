"""The one HTTP client every collector uses: honest about who it is, bounded, polite and retried.

Fetching is network in, bytes out; what the bytes mean is each source's parser's business.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx

USER_AGENT = "Passerelle/0.1 (+remittance price comparison; {contact})"

QueryParams = Mapping[str, str | int | float]


@dataclass(frozen=True)
class FetchResult:
    """What a source answered: the body exactly as received, when, and its fingerprint."""

    url: str
    status: int
    content: bytes
    content_type: str | None
    fetched_at: datetime
    sha256: str


class FetchError(Exception):
    """A source could not be fetched: retries exhausted, or an answer that retrying cannot fix."""

    def __init__(self, url: str, reason: str, *, attempts: int, status: int | None = None) -> None:
        super().__init__(f"GET {url} failed after {attempts} attempt(s): {reason}")
        self.url = url
        self.reason = reason
        self.attempts = attempts
        self.status = status


class _Retriable(Exception):
    def __init__(self, reason: str, *, status: int | None = None, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.wait = wait


class Fetcher:
    """Async GET with a timeout, retries and a concurrency limit per host.

    Contract for collectors:
    - use it as ``async with Fetcher(contact=settings.collector_contact) as fetcher:``;
    - ``await fetcher.get(url, params=...)`` returns a :class:`FetchResult` for a 2xx/3xx answer
      (redirects are followed) or raises :class:`FetchError`;
    - connection errors, timeouts, 429 and 5xx are retried ``retries`` times with exponential
      backoff and jitter; a ``Retry-After`` header is obeyed, and one asking for more than
      ``max_retry_after`` seconds ends the fetch at once rather than stalling a collection cycle;
    - other 4xx answers are not retried: asking again will not change them;
    - at most ``per_host`` requests are in flight to one host:port; a request waiting for its
      turn is not charged against its timeout.
    """

    def __init__(
        self,
        contact: str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        per_host: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 120.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not contact.strip():
            raise ValueError("a collector must say how to reach its operator (contact)")
        if retries < 0 or per_host < 1 or timeout <= 0:
            raise ValueError("retries >= 0, per_host >= 1 and timeout > 0 are required")
        self.user_agent = USER_AGENT.format(contact=contact.strip())
        self.timeout = timeout
        self.retries = retries
        self.per_host = per_host
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _open(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                headers={"User-Agent": self.user_agent},
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=True,
                transport=self._transport,
            )
        return self._client

    async def get(
        self, url: str, *, params: QueryParams | None = None, headers: Mapping[str, str] | None = None
    ) -> FetchResult:
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = await self._attempt(url, params, headers)
            except _Retriable as failure:
                if attempt == attempts:
                    raise FetchError(url, failure.reason, attempts=attempt, status=failure.status) from None
                if failure.wait is not None and failure.wait > self.max_retry_after:
                    reason = f"{failure.reason}, Retry-After asks for {failure.wait:.0f} s"
                    raise FetchError(url, reason, attempts=attempt, status=failure.status) from None
                await asyncio.sleep(failure.wait if failure.wait is not None else self._backoff(attempt))
                continue
            if response.status_code >= 400:
                reason = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                raise FetchError(url, reason, attempts=attempt, status=response.status_code)
            content = response.content
            return FetchResult(
                url=str(response.url),
                status=response.status_code,
                content=content,
                content_type=response.headers.get("content-type"),
                fetched_at=datetime.now(UTC),
                sha256=hashlib.sha256(content).hexdigest(),
            )
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(
        self, url: str, params: QueryParams | None, headers: Mapping[str, str] | None
    ) -> httpx.Response:
        client = self._open()
        host = httpx.URL(url).netloc.decode("ascii").lower()
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(self.per_host)
        async with slot:
            try:
                # httpx times each phase; this bounds the whole exchange (a slow drip of bytes).
                async with asyncio.timeout(self.timeout):
                    response = await client.get(url, params=params, headers=headers)
            except httpx.UnsupportedProtocol as exc:
                raise FetchError(url, str(exc), attempts=1) from exc
            except TimeoutError as exc:
                raise _Retriable(f"no complete answer within {self.timeout:g} s") from exc
            except httpx.TimeoutException as exc:
                raise _Retriable(f"timed out ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise _Retriable(f"{type(exc).__name__}: {exc}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(url, f"{type(exc).__name__}: {exc}", attempts=1) from exc
        status = response.status_code
        if status == 429 or status >= 500:
            wait = _retry_after(response.headers.get("retry-after"))
            raise _Retriable(f"HTTP {status} {response.reason_phrase}".rstrip(), status=status, wait=wait)
        return response

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        # Half fixed, half random: retries from many collectors spread out instead of arriving together.
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent or bad."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def fetch(url: str, *, contact: str, params: QueryParams | None = None, **options: Any) -> FetchResult:
    """One-off synchronous fetch (CLI, shell); not for use inside a running event loop."""

    async def run() -> FetchResult:
        async with Fetcher(contact, **options) as fetcher:
            return await fetcher.get(url, params=params)

    return asyncio.run(run())
