"""`passerelle run --workers N`, `passerelle nginx-site` and the files of deploy/."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from app.cli import main
from app.settings import PROJECT_ROOT, Settings
from app.workers import worker_ports
from tests.topology import env_template, free_ports

DEPLOY = PROJECT_ROOT / "deploy"


def test_workers_take_consecutive_ports_and_refuse_impossible_ones():
    assert worker_ports(8001, 3) == [8001, 8002, 8003]
    for first, count in ((8001, 0), (65535, 2), (0, 1)):
        with pytest.raises(ValueError):
            worker_ports(first, count)


def test_the_committed_nginx_site_is_what_the_command_prints():
    committed = (DEPLOY / "nginx" / "passerelle.conf").read_text()
    workers = re.search(r"passerelle run --workers (\d+) --port (\d+)", committed)
    assert workers, "the site names the workers it expects"
    args = ["nginx-site", "--workers", workers[1], "--port", workers[2], "--listen", "80",
            "--server-name", "passerelle.example.org", "--static-root", "/srv/passerelle/app/static"]
    printed = CliRunner().invoke(main, args)
    assert printed.exit_code == 0, printed.output
    assert printed.output == committed, f"regenerate it: passerelle {shlex.join(args)} > deploy/nginx/passerelle.conf"
    assert "X-Forwarded-For $remote_addr" in committed, "nginx replaces the client's own claim"


def test_the_env_template_is_a_production_setup_without_secrets():
    values = env_template()
    secrets = {"SECRET_KEY", "SMTP_PASSWORD", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"}
    assert secrets <= values.keys() and not any(values[name] for name in secrets), "no secret is committed"
    known = {name.upper() for name in Settings.model_fields}
    assert not values.keys() - known, "every line of the template is a setting"
    settings = Settings(**{k.lower(): v for k, v in values.items() if v} | {"secret_key": "s" * 40})  # type: ignore[arg-type]
    assert settings.production and not settings.scheduler_enabled and settings.web_workers >= 2
    assert settings.redis_url and settings.database_url.startswith("postgresql")
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert "passerelle run" in units["passerelle-web.service"]
    assert "passerelle scheduler" in units["passerelle-scheduler.service"]
    assert all("EnvironmentFile=/etc/passerelle/passerelle.env" in unit for unit in units.values())


def test_a_worker_that_dies_stops_the_others_and_the_supervisor_fails(tmp_path):
    first, taken = free_ports(2)
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", taken))
    blocker.listen()  # the second worker cannot bind its port and dies at start
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SCHEDULER_ENABLED": "false"}
    try:
        supervisor = subprocess.Popen([sys.executable, "-m", "app.cli", "run", "--workers", "2", "--port",
                                       str(first)], cwd=tmp_path, env=env, stderr=subprocess.PIPE)
        try:
            _out, err = supervisor.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            supervisor.communicate()
            raise
    finally:
        blocker.close()
    assert supervisor.returncode == 1, err.decode()[-2000:]
    pids = [int(pid) for pid in re.findall(rb"worker pid (\d+) on ", err)]
    assert len(pids) == 2
    time.sleep(0.2)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
