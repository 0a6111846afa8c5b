"""Marketplace fixtures: uploads in a temporary folder; Stripe configured against localstripe (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.billing.gateway import BillingGateway
from app.settings import Settings

WEBHOOK_SECRET = "whsec_passerelle_test"


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    site_url="http://testserver.local", upload_dir=tmp_path / "uploads")


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


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    """The people of a marketplace test, each with a verified address (a test module may define its own)."""
    from tests.marketplace.helpers import person

    return {"admin": person(session, engine, "aminata@example.org", "admin"),
            "promoter": person(session, engine, "awa@example.org", "promoter"),
            "staff": person(session, engine, "moussa@example.org", "staff"),
            "staff2": person(session, engine, "fatou@example.org", "staff"),
            "member": person(session, engine, "kofi@example.org", "member")}
