"""Serve the app with one uvicorn worker on a free loopback port, for the benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(database_url: str, timeout: float = 30.0, port: int | None = None) -> Iterator[int]:
    """One worker on ``port`` (a free one when None) while the block runs; stopped by its pid."""
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SCHEDULER_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log"],
                            cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def load(port: int, path: str, connections: int, seconds: float, start: int = 0, cookie: str = "") -> dict[str, float]:
    """Load ``path`` from its own process; ``{amount}`` in it varies per request from the ``start``-th; ``cookie``
    (``name=value``) is sent with every request, as a signed-in browser does."""
    import json

    out = subprocess.run([sys.executable, str(ROOT / "bench" / "loadgen.py"), "127.0.0.1", str(port), path,
                          str(connections), str(seconds), str(start), cookie],
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))
