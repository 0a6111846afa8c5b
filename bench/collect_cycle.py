"""Bench one Wise collection cycle: 40 corridors × 5 amounts through the real Wise collector.

A local asyncio server on 127.0.0.1, in its own process, answers every request with a Wise-shaped
JSON after a fixed latency (100 ms), serving any number at once (keep-alive, like the real API), so
the only limit is the Fetcher's per-host one.
Ideal wall time = requests × latency ÷ per-host limit; prints wall ÷ ideal (goal ≤ 1.5).

    python bench/collect_cycle.py [--per-host 8] [--latency 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


TEMPLATE = json.loads((ROOT / "tests" / "fixtures" / "wise" / "eur_xof_fr_sn_200.json").read_text())
SENDERS = {"FR": "EUR", "BE": "EUR", "DE": "EUR", "ES": "EUR", "IT": "EUR",
           "GB": "GBP", "US": "USD", "CA": "CAD"}
RECEIVERS = {"SN": "XOF", "ML": "XOF", "CI": "XOF", "TG": "XOF", "CM": "XAF"}
AMOUNTS = (50, 100, 200, 500, 1000)
GOAL = 1.5


def answer(query: dict[str, list[str]]) -> bytes:
    """The recorded EUR→XOF answer, relabelled for the corridor and amount asked."""
    document = dict(TEMPLATE)
    document["sourceCurrency"] = query["sourceCurrency"][0]
    document["targetCurrency"] = query["targetCurrency"][0]
    document["sourceCountry"] = query["sourceCountry"][0]
    document["targetCountry"] = query["targetCountry"][0]
    document["amount"] = float(query["sendAmount"][0])
    # each quote says which sending country it prices: the one asked, as a real answer would
    document["providers"] = [
        {**provider, "quotes": [{**quote, "sourceCountry": quote["sourceCountry"] and query["sourceCountry"][0]}
                                for quote in provider["quotes"]]}
        for provider in TEMPLATE["providers"]
    ]
    return json.dumps(document).encode()


async def serve(latency: float, ready: Connection) -> None:
    """Answer every request after ``latency`` seconds, keeping connections alive like a real API."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                body = answer(parse_qs(urlsplit(head.split(" ", 2)[1]).query))
                await asyncio.sleep(latency)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    ready.send(server.sockets[0].getsockname()[1])
    await server.serve_forever()


def run_server(latency: float, ready: Connection) -> None:
    """The far end runs in its own process: the remote API does not share our CPU."""
    asyncio.run(serve(latency, ready))


def cycle(port: int, per_host: int, latency: float) -> tuple[int, int, float, float]:
    """One run of the real Wise collector (fetch, snapshots, parse, validate, normalise, load into a fresh
    SQLite database): (requests, quotes published, wall time of the fetch phase, wall time of the run)."""
    import app.comparison.alerts  # noqa: F401 - checked after each load; a running scheduler has it imported
    from app.db import make_engine
    from app.schema import upgrade
    from app.settings import Settings
    from scrapers.pipeline import collect, ingest

    corridors = [f"{src}-{dst}" for src in SENDERS for dst in RECEIVERS]
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/bench.sqlite3"
        upgrade(url)
        settings = Settings(database_url=url, wise_api_url=f"http://127.0.0.1:{port}/v4/comparisons/",
                            wise_corridors=corridors, wise_amounts=list(AMOUNTS), collector_per_host=per_host,
                            collector_retries=0, collector_timeout_seconds=30, scheduler_enabled=False)
        engine = make_engine(url)
        # the reference rates of the answers' day, so every corridor can be priced (not timed)
        daily = ROOT / "tests" / "fixtures" / "ecb" / "eurofxref-daily.xml"
        ingest("ecb", daily.read_bytes(), url=daily.as_uri(), engine=engine, settings=settings)
        marks: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            marks[stage] = time.perf_counter()  # the last event of each stage

        started = time.perf_counter()
        report = collect("wise", engine=engine, settings=settings, trigger="bench", progress=progress)
        wall = time.perf_counter() - started
        engine.dispose()
    if report.status.value != "ok":
        raise SystemExit(f"the collector run was {report.status.value} ({report.rejected} rows refused): "
                         f"{report.error}")
    fetched = marks.get("fetch", started + wall) - started  # the last answer fetched, stored and parsed
    return len(corridors) * len(AMOUNTS), report.published, fetched, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=run_server, args=(args.latency, theirs), daemon=True)
    server.start()
    try:
        if not ours.poll(10):
            raise SystemExit("the bench server did not start")
        requests, rows, fetched, wall = cycle(ours.recv(), args.per_host, args.latency)
    finally:
        server.terminate()
        server.join(5)
    ideal = requests * args.latency / args.per_host
    ratio = wall / ideal
    print(f"{requests} requests, {rows} quotes published, per-host limit {args.per_host}, "
          f"latency {args.latency * 1000:.0f} ms")
    print(f"last answer in (stored and parsed) after {fetched:.3f} s; whole collector run {wall:.3f} s")
    print(f"ideal {ideal:.3f} s, whole run wall/ideal {ratio:.3f} (goal <= {GOAL})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
