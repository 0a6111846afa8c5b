"""Profile a request loop in-process (no server, no sockets): the app's own cost per request, by function.

    python bench/request_profile.py --database-url sqlite:///var/bench/scale_204000_365.sqlite3 \
        [--path '/?from=FR&to=SN&amount={amount}&currency=EUR'] [--requests 400] [--top 40] [--sort tottime]

Each request goes through the whole ASGI application (middleware, CSRF, sessions, compression) as uvicorn
would call it, ``{amount}`` varying per request as in ``bench/loadgen.py``. Prints the mean time per request
(after a warm-up of 20 requests, unprofiled), then cProfile's table of the profiled loop.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def amount(n: int) -> str:
    return f"{100 + n // 100}.{n % 100:02d}"


async def call(app: Any, target: str) -> tuple[int, int]:
    path, _, query = target.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip"), (b"accept-language", b"fr")],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "state": {}}
    status, size = 0, 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)
    return status, size


async def loop(app: Any, path: str, start: int, count: int) -> float:
    began = time.perf_counter()
    for n in range(start, start + count):
        status, _size = await call(app, path.replace("{amount}", amount(n)))
        if status != 200:
            raise SystemExit(f"{path}: status {status}")
    return (time.perf_counter() - began) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/?from=FR&to=SN&amount={amount}&currency=EUR")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.database_url, SCHEDULER_ENABLED="false")
    from app.main import create_app

    app = create_app()

    async def run() -> None:
        async with app.lifespan():
            await loop(app, args.path, 10_000_000, 20)  # warm-up: prepared data, templates, first version read
            mean = await loop(app, args.path, 0, args.requests)
            print(f"{args.path}: {mean * 1000:.2f} ms per request unprofiled (load average {os.getloadavg()[0]:.1f})")
            if args.no_profile:
                return
            profile = cProfile.Profile()
            profile.enable()
            await loop(app, args.path, 1_000_000, args.requests)
            profile.disable()
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)

    asyncio.run(run())


if __name__ == "__main__":
    main()
