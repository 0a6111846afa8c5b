"""A real HTTP server on 127.0.0.1 (random port) standing in for a source, in its own thread.

``answers[path]`` says how to answer GETs of that path: an ``Answer`` (status, body, content type,
delay) or a callable taking the query and returning one. Every request is recorded.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

from tests.loopback import serving

MAX_DELAY = 5.0  # a "slow" answer never holds a test longer than this


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0


Route = Answer | Callable[[dict[str, str]], Answer]


@dataclass
class SourceServer:
    port: int
    answers: dict[str, Route] = field(default_factory=dict)
    hits: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits_on(self, path: str) -> list[dict[str, str]]:
        return [query for hit, query in self.hits if hit == path]


@contextmanager
def source_server() -> Iterator[SourceServer]:
    """Start the server; it is shut down (and its port released) when the block ends."""
    state = SourceServer(port=0)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            parsed = urlparse(self.path)
            query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
            with lock:
                state.hits.append((parsed.path, query))
            route = state.answers.get(parsed.path, Answer(404, b"not found", "text/plain"))
            answer = route(query) if callable(route) else route
            time.sleep(min(answer.delay, MAX_DELAY))
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: that is what a timeout test wants

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence the access log
            pass

    with serving(Handler, join_timeout=MAX_DELAY + 1) as port:
        state.port = port
        yield state
