"""Bench one Wise collection cycle: 40 corridors × 5 amounts through the Fetcher and the parser.

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
import time
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.http import Fetcher  # noqa: E402 - after the path fix, to run as a plain script
from scrapers.wise import parse_comparison  # noqa: E402

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


async def cycle(port: int, per_host: int) -> tuple[int, int, float]:
    url = f"http://127.0.0.1:{port}/v4/comparisons/"
    corridors = [(src, cur, dst, rec) for src, cur in SENDERS.items() for dst, rec in RECEIVERS.items()]

    async def one(fetcher: Fetcher, src: str, cur: str, dst: str, rec: str, amount: int) -> int:
        params: dict[str, str | int] = {"sourceCurrency": cur, "targetCurrency": rec, "sourceCountry": src,
                                        "targetCountry": dst, "sendAmount": amount}
        result = await fetcher.get(url, params=params)
        return parse_comparison(result.content, target_country=dst).height

    async with Fetcher("bench@passerelle.invalid", per_host=per_host, timeout=30, retries=0) as fetcher:
        started = time.perf_counter()
        rows = await asyncio.gather(*(one(fetcher, *corridor, amount)
                                      for corridor in corridors for amount in AMOUNTS))
        wall = time.perf_counter() - started
    return len(rows), sum(rows), wall


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
        requests, rows, wall = asyncio.run(cycle(ours.recv(), args.per_host))
    finally:
        server.terminate()
        server.join(5)
    ideal = requests * args.latency / args.per_host
    ratio = wall / ideal
    print(f"{requests} requests, {rows} quotes parsed, per-host limit {args.per_host}, "
          f"latency {args.latency * 1000:.0f} ms")
    print(f"wall {wall:.3f} s, ideal {ideal:.3f} s, wall/ideal {ratio:.3f} (goal <= {GOAL})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
