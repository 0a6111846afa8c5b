"""The compare page at 1, 2 and 4 web workers behind nginx, side by side with a trivial endpoint.

Every compare request asks a different amount (a cache miss: each sender types their own); the
trivial endpoint (/robots.txt) goes through the same nginx to the same workers. The topology is the
production one (tests/topology.py: Debian's nginx from a temporary folder, `passerelle run --workers N`,
Redis for sessions), without the scheduler. Goal: 2 workers >= 1.5 x 1 worker on a 2-core machine.

The database is the demo data (SQLite built once under var/bench/, or with --postgres URL a private
schema of that database, dropped afterwards) until bench/scale.py's full-scale builder is used through
--database-url. Loopback only; every process is stopped by its pid.
Usage: python bench/workers.py [--workers 1,2,4] [--seconds 8] [--rounds 2] [--connections 16]
                               [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test | --database-url URL]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import load  # noqa: E402

COMPARE = "/?from=FR&to=SN&amount={amount}&currency=EUR"
TRIVIAL = "/robots.txt"
REDIS = "redis://127.0.0.1:6379/0"


PORTS = range(8164, 8170)  # the scale stream's own (8160-8169; bench/scale.py serves on 8160-8163)


def demo_database(url: str) -> None:
    from app.db import get_engine
    from app.demo import load_demo
    from app.schema import upgrade

    upgrade(url)
    load_demo(engine=get_engine(url))


def measure(database_url: str, workers: int, args: argparse.Namespace, offset: list[int]) -> dict[str, dict]:
    """Best of the rounds for each path at this many workers (the paths interleaved, same machine)."""
    import httpx

    from tests.topology import topology

    prefix = f"passerelle-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    env = {"DATABASE_URL": database_url, "REDIS_URL": REDIS, "REDIS_KEY_PREFIX": prefix,
           "SECRET_KEY": secrets.token_urlsafe(48), "PASSERELLE_ENV": "test", "SCHEDULER_ENABLED": "false",
           "WEB_ACCESS_LOG": "false"}
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as folder, \
            topology(Path(folder), env, workers=workers, scheduler=False, ports=list(PORTS)) as top:
        port = int(top.url.rsplit(":", 1)[1])
        page = httpx.get(top.url + COMPARE.replace("{amount}", "123.45"), timeout=30)
        assert page.status_code == 200, page.text[:300]
        results: dict[str, list[dict[str, float]]] = {COMPARE: [], TRIVIAL: []}
        for path in (TRIVIAL, COMPARE):  # warm-up: templates compiled, connections open, caches of the data
            load(port, path, args.connections, 1.5, start=offset[0])
            offset[0] += 100_000
        for _ in range(args.rounds):
            for path in (TRIVIAL, COMPARE):
                results[path].append(load(port, path, args.connections, args.seconds, start=offset[0]))
                offset[0] += 100_000  # amounts never asked before in this process
        served = {upstream for _request, _status, upstream in top.served()}
    print(f"  {workers} worker(s): nginx sent requests to {len(served - {'-'})} upstream(s)", flush=True)
    return {path: max(runs, key=lambda r: r["rps"]) for path, runs in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default=None, help="e.g. the full-scale database of bench/scale.py")
    parser.add_argument("--postgres", default=None, help="the demo data in a private schema of this database")
    args = parser.parse_args()
    drop = None
    if args.database_url:
        url = args.database_url
    elif args.postgres:
        from tests.support import postgres_schema_url

        url, drop = postgres_schema_url(args.postgres, "bench_workers")
        demo_database(url)
    else:
        path = ROOT / "var" / "bench" / "workers-demo.sqlite3"
        url = f"sqlite:///{path}"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            demo_database(url)
    try:
        run(url, args)
    finally:
        if drop is not None:
            drop()


def run(url: str, args: argparse.Namespace) -> None:
    print(f"database: {url.split('@')[-1].split('?')[0]}; {args.connections} connections; {os.cpu_count()} cores; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    offset = [0]
    table = {n: measure(url, n, args, offset) for n in (int(w) for w in args.workers.split(","))}
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = table[min(table)][COMPARE]["rps"]
    print(f"{'workers':>7} | {'compare (new amount each)':>34} | {'trivial /robots.txt':>34} | ratio | vs 1")
    for n, best in table.items():
        c, t = best[COMPARE], best[TRIVIAL]
        print(f"{n:>7} | {c['rps']:7.1f} req/s p50 {c['p50_ms']:6.1f} p99 {c['p99_ms']:7.1f} ms | "
              f"{t['rps']:7.1f} req/s p50 {t['p50_ms']:6.1f} p99 {t['p99_ms']:7.1f} ms | "
              f"{c['rps'] / t['rps']:5.2f} | {c['rps'] / base:4.2f}")
    if 1 in table and 2 in table:
        gain = table[2][COMPARE]["rps"] / table[1][COMPARE]["rps"]
        print(f"compare page, 2 workers vs 1: {gain:.2f} x (goal >= 1.5)")


if __name__ == "__main__":
    main()
