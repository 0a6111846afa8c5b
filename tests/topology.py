"""The production topology on loopback: nginx in a private folder, `passerelle run --workers N`, and
`passerelle scheduler`, each started as its own process and stopped by pid (tests and bench/workers.py)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.nginx import SiteOptions, render_private_conf, render_site
from app.settings import PROJECT_ROOT

ENV_TEMPLATE = PROJECT_ROOT / "deploy" / "passerelle.env.example"
LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d{3}) .* upstream=(?P<upstream>\S+)')
WORKER_PID = re.compile(r"worker pid (\d+) on ")


def nginx_binary() -> str:
    """Debian's nginx; its absence fails the run (.ci/run installs it), it never skips."""
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(path, os.X_OK):
        raise RuntimeError("nginx is needed for the topology test: apt-get install -y nginx (.ci/run installs it)")
    return path


def env_template() -> dict[str, str]:
    """deploy/passerelle.env.example as a mapping (the values a deployment starts from)."""
    values = {}
    for line in ENV_TEMPLATE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def free_ports(count: int, consecutive: bool = True) -> list[int]:
    """``count`` free loopback ports (consecutive when asked: the workers')."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        ports = list(range(base, base + count)) if consecutive else [base]
        if ports[-1] > 65535:
            continue
        held = []
        try:
            for port in ports:
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return ports
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free loopback ports")


@dataclass
class Topology:
    url: str  # nginx
    worker_ports: list[int]
    folder: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def served(self) -> list[tuple[str, int, str]]:
        """(request line, status, upstream) of every request nginx logged, in order."""
        if not self.access_log.exists():
            return []
        return [(m["request"], int(m["status"]), m["upstream"])
                for line in self.access_log.read_text().splitlines() if (m := LOG_LINE.search(line))]

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def worker_pids(self) -> list[int]:
        return [int(pid) for pid in WORKER_PID.findall(self.log("web"))]


def _wait_ok(url: str, deadline: float, process: subprocess.Popen[bytes], what: str) -> None:
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer {url} in time")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes], signum: int = signal.SIGTERM, grace: float = 35.0) -> None:
    if process.poll() is None:
        process.send_signal(signum)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def still_ours(pid: int) -> bool:
    """The pid is alive and still one of our web workers (not a stranger that was given the number)."""
    try:
        return b"app.cli" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _reap(pids: list[int]) -> None:
    """The supervisor stops its workers; should one outlive it, it is stopped here, by its pid."""
    for pid in pids:
        if still_ours(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@contextmanager
def topology(folder: Path, env: Mapping[str, str], workers: int = 2, scheduler: bool = True,
             startup_seconds: float = 90.0, ports: list[int] | None = None) -> Iterator[Topology]:
    """nginx on a free loopback port in front of ``workers`` web processes, plus the scheduler process.

    ``env`` is the processes' environment on top of this one (DATABASE_URL, REDIS_URL, …); ``ports``, when
    given, are the workers' then nginx's (a benchmark's own range), else free ones are found.
    """
    folder.mkdir(parents=True, exist_ok=True)
    nginx = nginx_binary()
    *ports, nginx_port = ports[:workers + 1] if ports else free_ports(workers + 1)
    site = folder / "site.conf"
    site.write_text(render_site(SiteOptions(ports=ports, static_root=PROJECT_ROOT / "app" / "static",
                                            listen=f"127.0.0.1:{nginx_port}", server_name="localhost",
                                            access_log=str(folder / "access.log"))))
    conf = folder / "nginx.conf"
    conf.write_text(render_private_conf(folder, site))
    environment = {**os.environ, **env, "WEB_WORKERS": str(workers), "PORT": str(ports[0]),
                   "HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    top = Topology(url=f"http://127.0.0.1:{nginx_port}", worker_ports=ports, folder=folder)
    with ExitStack() as stack:
        def start(name: str, command: list[str], signum: int = signal.SIGTERM) -> subprocess.Popen[bytes]:
            out = stack.enter_context(open(folder / f"{name}.log", "wb"))
            process = subprocess.Popen(command, cwd=folder, env=environment, stdout=out, stderr=subprocess.STDOUT)
            top.processes[name] = process
            stack.callback(_stop, process, signum)
            return process

        stack.callback(lambda: _reap(top.worker_pids()))
        web = start("web", [sys.executable, "-m", "app.cli", "run"])
        if scheduler:
            start("scheduler", [sys.executable, "-m", "app.cli", "scheduler"])
        proxy = start("nginx", [nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
                      signal.SIGQUIT)  # nginx's graceful stop
        deadline = time.monotonic() + startup_seconds
        try:
            for port in ports:
                _wait_ok(f"http://127.0.0.1:{port}/healthz", deadline, web, f"the worker on port {port}")
            _wait_ok(f"{top.url}/healthz", deadline, proxy, "nginx")
        except RuntimeError as exc:
            errors = folder / "error.log"
            nginx_said = errors.read_text(errors="replace") if errors.exists() else ""
            raise RuntimeError(f"{exc}\n--- web\n{top.log('web')[-3000:]}\n--- nginx\n{nginx_said}") from None
        yield top
