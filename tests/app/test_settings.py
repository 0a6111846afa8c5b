"""Settings come from the environment, with safe defaults; unsafe ones are refused in production."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.settings import DEV_SECRET_KEY, Settings


def test_default_secret_refused_in_production(monkeypatch):
    monkeypatch.setenv("PASSERELLE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ValueError):
        Settings()
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    assert Settings().production


def test_production_start_fails_with_a_clear_message():
    env = {"PASSERELLE_ENV": "production", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", "import app.asgi"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0
    assert "SECRET_KEY is the development default" in proc.stderr


def test_development_defaults_are_safe(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("DATABASE_URL", "SECRET_KEY", "PASSERELLE_ENV", "REDIS_URL", "STRIPE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    s = Settings()
    assert s.secret_key == DEV_SECRET_KEY and not s.production
    assert s.database_url.startswith("sqlite:///") and "/var/" in s.database_url
    assert s.stripe_secret_key is None and s.redis_url is None


def test_dotenv_file_is_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SMTP_HOST", raising=False)
    (tmp_path / ".env").write_text("SMTP_HOST=mail.example.org\nSCHEDULER_ENABLED=false\n")
    s = Settings()
    assert s.smtp_host == "mail.example.org" and s.scheduler_enabled is False
