"""Marketplace fixtures: uploads go to a temporary folder, never to var/uploads."""

from __future__ import annotations

import pytest

from app.settings import Settings


@pytest.fixture
def settings(db_url: str, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    site_url="http://testserver.local", upload_dir=tmp_path / "uploads")
