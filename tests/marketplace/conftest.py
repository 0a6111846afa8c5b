"""Marketplace fixtures: uploads in a temporary folder; localstripe started once per session on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from app.billing.gateway import BillingGateway
from app.settings import PROJECT_ROOT, Settings

WEBHOOK_SECRET = "whsec_passerelle_test"


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    site_url="http://testserver.local", upload_dir=tmp_path / "uploads")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """A fresh localstripe on a free loopback port for the whole session; stopped at the end."""
    port = _free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed below with the process
    process = subprocess.Popen([sys.executable, "-m", "tests.marketplace.localstripe_loopback", str(port)],
                               cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"localstripe exited with code {process.returncode}")
            try:
                httpx.delete(f"{url}/_config/data", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("localstripe did not start within 20 seconds") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def billing(localstripe_url: str, settings: Settings) -> Iterator[BillingGateway]:
    """Stripe configured against localstripe, emptied before each test."""
    httpx.delete(f"{localstripe_url}/_config/data", timeout=5).raise_for_status()
    settings.stripe_secret_key = "sk_test_passerelle"
    settings.stripe_webhook_secret = WEBHOOK_SECRET
    settings.stripe_api_base = localstripe_url
    gateway = BillingGateway.from_settings(settings)
    assert gateway is not None
    yield gateway
