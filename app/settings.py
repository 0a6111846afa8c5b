"""One settings class: every knob is an environment variable (or a line of `.env`) with a safe default."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production below


class InsecureSettings(ValueError):
    """A setting that is fine for development is unsafe in production."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    passerelle_env: str = Field("development", description="development | test | production")
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'passerelle.sqlite3'}"
    redis_url: str | None = None
    secret_key: str = DEV_SECRET_KEY
    site_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000

    # Mail: with no SMTP host the outbox is the only delivery (readable by admins in development).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str = "Passerelle <no-reply@passerelle.invalid>"

    # Stripe is optional: without keys, pledges are promises to pay by transfer or mobile money.
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None

    scheduler_enabled: bool = True
    login_max_failures: int = 10
    login_window_seconds: int = 900
    session_max_age_seconds: int = 14 * 24 * 3600

    # Collector sources: base URLs are settings so tests and mirrors can point elsewhere.
    wise_api_url: str = "https://api.wise.com/v4/comparisons/"
    ecb_rates_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
    ecb_history_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
    rpw_dataset_url: str = "https://remittanceprices.worldbank.org/sites/default/files/rpw_dataset.xlsx"
    collector_contact: str = "passerelle@passerelle.invalid"

    @property
    def production(self) -> bool:
        return self.passerelle_env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.production and (self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32):
            raise InsecureSettings(
                "SECRET_KEY is the development default (or shorter than 32 characters) while "
                "PASSERELLE_ENV=production. Set SECRET_KEY to a long random value, e.g. the output of "
                "`python -c \"import secrets; print(secrets.token_urlsafe(48))\"`."
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
