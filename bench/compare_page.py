"""Compare page vs a trivial endpoint of the same app, one uvicorn worker, 16 connections, side by side.

Prints the throughput ratio (goal >= 0.5) and the compare page's p99 latency (goal <= 30 ms).
The corridor is France -> Morocco of the World Bank's 2025 Q3 sample: 39 services.
Usage: python bench/compare_page.py [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import load, serve  # noqa: E402

COMPARE = "/?from=FR&to=MA&amount=200&currency=EUR"
TRIVIAL = "/robots.txt"


def prepare(path: Path) -> str:
    from app.db import get_engine
    from app.schema import upgrade
    from app.settings import Settings
    from scrapers.pipeline import ingest

    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        upgrade(url)
        sample = ROOT / "app/data/rpw/rpw_2025q3_sample.xlsx"
        ingest("rpw", sample.read_bytes(), url=sample.as_uri(), engine=get_engine(url),
               settings=Settings(database_url=url))
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    url = prepare(ROOT / "var/bench/compare.sqlite3")
    with serve(url) as port:
        import httpx

        page = httpx.get(f"http://127.0.0.1:{port}{COMPARE}")
        offers = page.text.count('<th scope="row">')
        print(f"compare page: {offers} offers, {len(page.content)} bytes")
        assert offers >= 25, "the benchmark needs a corridor with at least 25 offers"
        load(port, COMPARE, args.connections, 1)  # warm-up
        load(port, TRIVIAL, args.connections, 1)
        results: dict[str, list[dict[str, float]]] = {COMPARE: [], TRIVIAL: []}
        for _ in range(args.rounds):  # interleaved, so both see the same machine
            for path in (TRIVIAL, COMPARE):
                results[path].append(load(port, path, args.connections, args.seconds))
    best = {path: max(runs, key=lambda r: r["rps"]) for path, runs in results.items()}
    for path, r in best.items():
        print(f"{path:45s} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms")
    ratio = best[COMPARE]["rps"] / best[TRIVIAL]["rps"]
    print(f"throughput ratio compare/trivial: {ratio:.2f} (goal >= 0.5)")
    print(f"compare page p99 at {args.connections} connections: {best[COMPARE]['p99_ms']:.1f} ms (goal <= 30 ms)")


if __name__ == "__main__":
    main()
