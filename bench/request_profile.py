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


async def call(app: Any, target: str, cookie: str = "") -> tuple[int, int]:
    path, _, query = target.partition("?")
    headers = [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip"), (b"accept-language", b"fr")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": headers,
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


async def loop(app: Any, path: str, start: int, count: int, cookie: str = "") -> float:
    """``count`` requests in turn; ``path`` as bench/loadgen.py reads it (``{amount}`` varying, ``@FILE`` a list)."""
    targets = Path(path[1:]).read_text(encoding="utf-8").split() if path.startswith("@") else []
    began = time.perf_counter()
    for n in range(start, start + count):
        target = targets[n % len(targets)] if targets else path.replace("{amount}", amount(n))
        status, _size = await call(app, target, cookie)
        if status != 200:
            raise SystemExit(f"{path}: status {status}")
    return (time.perf_counter() - began) / count


async def signed_in_cookie(app: Any, email: str) -> str:
    """A session of the account ``email`` written to the app's session store, as logging in does."""
    import json
    import secrets

    from sqlmodel import Session, select

    from app.models import User
    from app.sessions import COOKIE

    with Session(app.state.engine) as db:
        user = db.exec(select(User).where(User.email == email)).one()
    session_id = secrets.token_urlsafe(32)
    await app.stores.get("sessions").set(session_id, json.dumps({"uid": user.id, "epoch": user.session_epoch}),
                                         expires_in=3600)
    return f"{COOKIE}={session_id}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/?from=FR&to=SN&amount={amount}&currency=EUR")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--callers", default="", help="also print who calls the functions matching this")
    parser.add_argument("--signed-in", metavar="EMAIL", default="",
                        help="send the cookie of a fresh session of this (existing) account with every request")
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.database_url, SCHEDULER_ENABLED="false")
    from app.main import create_app

    app = create_app()

    async def run() -> None:
        async with app.lifespan():
            cookie = await signed_in_cookie(app, args.signed_in) if args.signed_in else ""
            await loop(app, args.path, 10_000_000, 20, cookie)  # warm-up: prepared data, templates, version read
            mean = await loop(app, args.path, 0, args.requests, cookie)
            print(f"{args.path}: {mean * 1000:.2f} ms per request unprofiled (load average {os.getloadavg()[0]:.1f})")
            if args.no_profile:
                return
            profile = cProfile.Profile()
            profile.enable()
            await loop(app, args.path, 1_000_000, args.requests, cookie)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats(args.sort)
            stats.print_stats(args.top)
            if args.callers:
                stats.print_callers(args.callers)

    asyncio.run(run())


if __name__ == "__main__":
    main()
