"""A small HTTP/1.1 keep-alive load generator (asyncio, raw sockets) for the benchmarks.

It runs in its own process, opens N connections to one loopback server and reports throughput and
latency percentiles. Python is slower than wrk, but the server under test is slower still, and every
figure we quote is a ratio of two endpoints measured the same way in the same run.

A path containing ``{amount}`` gets a different amount on every request (100.00, 100.01, … from the
``start``-th): what senders do, each typing their own, so that no answer comes from a cache.
A path ``@FILE`` sends the targets listed in FILE (one a line) in turn, from the ``start``-th, round and round:
more distinct targets than a cache holds (and in a cycle) means every answer is built afresh.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from collections.abc import Iterator


def amount(n: int) -> str:
    return f"{100 + n // 100}.{n % 100:02d}"


async def _connection(host: str, port: int, path: str, deadline: float, latencies: list[float],
                      counter: Iterator[int], cookie: str = "", targets: list[str] | None = None) -> None:
    reader, writer = await asyncio.open_connection(host, port)

    def request() -> bytes:
        if targets:
            target = targets[next(counter) % len(targets)]
        else:
            target = path.replace("{amount}", amount(next(counter))) if "{amount}" in path else path
        signed = f"Cookie: {cookie}\r\n" if cookie else ""
        return (f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: gzip\r\n"
                f"Accept-Language: fr\r\n{signed}\r\n").encode()

    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            chunked = False
            for line in head.split(b"\r\n"):
                lower = line.lower()
                if lower.startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif lower.startswith(b"transfer-encoding:") and b"chunked" in lower:
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head[:80])
            latencies.append(time.perf_counter() - start)
    finally:
        writer.close()


async def run(host: str, port: int, path: str, connections: int, seconds: float, start: int = 0,
              cookie: str = "") -> dict[str, float]:
    latencies: list[float] = []
    counter = itertools.count(start)
    targets = None
    if path.startswith("@"):
        with open(path[1:], encoding="utf-8") as listed:
            targets = [line.strip() for line in listed if line.strip()]
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_connection(host, port, path, deadline, latencies, counter, cookie, targets)
                           for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50_ms": pct(0.50), "p99_ms": pct(0.99)}


if __name__ == "__main__":
    host, port, path, connections, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), \
        float(sys.argv[5])
    first = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    cookie = sys.argv[7] if len(sys.argv) > 7 else ""  # a signed-in person's session cookie, for staff pages
    print(json.dumps(asyncio.run(run(host, port, path, connections, seconds, first, cookie))))
