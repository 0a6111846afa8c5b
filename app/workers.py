"""`passerelle run --workers N`: N single-process web servers on consecutive ports, for nginx to balance.

Why not uvicorn's own ``--workers``: its processes share one socket, so the proxy in front sees one
server. With one port per worker nginx balances by open connections (``least_conn``), sets a failing
worker aside and retries an idempotent request on the next one, and logs which worker served each
request (``$upstream_addr``); a worker can be restarted alone, and a test can prove that two requests
were served by two processes. This supervisor only starts the workers, forwards SIGTERM/SIGINT to them
and, when one dies, stops the others and exits non-zero so that systemd (``Restart=on-failure``)
starts the set again.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

import click

STOP_GRACE_SECONDS = 30.0  # uvicorn finishes the requests in flight first


def worker_ports(first_port: int, workers: int) -> list[int]:
    if workers < 1:
        raise ValueError("at least one worker")
    if not 0 < first_port <= 65536 - workers:
        raise ValueError(f"ports {first_port}…{first_port + workers - 1} are not all valid")
    return [first_port + i for i in range(workers)]


def serve_one(host: str, port: int, forwarded_allow_ips: str, access_log: bool = True) -> None:
    """One uvicorn process (the scheduler runs inside it when SCHEDULER_ENABLED)."""
    import uvicorn

    uvicorn.run("app.asgi:app", host=host, port=port, workers=1, proxy_headers=True,
                forwarded_allow_ips=forwarded_allow_ips, access_log=access_log, log_level="info")


def _worker_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "app.cli", "run", "--host", host, "--port", str(port), "--workers", "1"]


def supervise(host: str, ports: Sequence[int], poll_seconds: float = 0.5) -> int:
    """Run one worker per port until a signal or a worker's death; returns the exit status."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    children: list[subprocess.Popen[bytes]] = []
    status = 0
    try:
        for port in ports:
            child = subprocess.Popen(_worker_command(host, port))  # noqa: S603 - our own interpreter and CLI
            children.append(child)
            click.echo(f"worker pid {child.pid} on http://{host}:{port}", err=True)
        while not stop.wait(poll_seconds):
            dead = [c for c in children if c.poll() is not None]
            if dead:
                click.echo(f"worker pid {dead[0].pid} exited with {dead[0].returncode}: stopping the others",
                           err=True)
                status = 1
                break
    finally:
        _stop_all(children)
    return status


def _stop_all(children: Sequence[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)
