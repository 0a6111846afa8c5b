"""One settings class: every knob is an environment variable (or a line of `.env`) with a safe default."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production below


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    passerelle_env: str = Field("development", description="development | test | production")
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'passerelle.sqlite3'}"
    redis_url: str | None = None
    # Every Redis key starts with this: several deployments (or a test run) can share one Redis.
    redis_key_prefix: str = "passerelle"
    secret_key: str = DEV_SECRET_KEY
    site_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    # `passerelle run` starts this many web processes on consecutive ports from `port` (nginx balances them).
    web_workers: int = Field(1, ge=1, le=64)
    # Proxies whose X-Forwarded-For/-Proto are believed (nginx on this host); a client's own header is not.
    forwarded_allow_ips: str = "127.0.0.1"
    # Each worker's own request log; behind nginx its access log (with the worker's address) is enough.
    web_access_log: bool = True

    # Mail: with no SMTP host the outbox is the only delivery (readable by admins in development).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    mail_from: str = "Passerelle <no-reply@passerelle.invalid>"
    smtp_timeout_seconds: float = 20.0
    # Delivery: a scheduled job every MAIL_INTERVAL_SECONDS (and right after commit in the web process);
    # a failed try waits MAIL_RETRY_SECONDS, then twice as long each time (at most 6 h); after
    # MAIL_MAX_ATTEMPTS tries, or at once on a permanent SMTP refusal, the message is a dead letter.
    mail_interval_seconds: int = 60
    mail_retry_seconds: int = 60
    mail_max_attempts: int = 8
    # Sending limits on mails anyone can trigger (register, password reset, price alerts), per hour:
    # per recipient address, and per client address (a looser limit: people share public addresses).
    mail_limit_window_seconds: int = 3600
    mail_per_recipient: int = 3
    mail_per_client: int = 20

    # Stripe is optional: without keys, pledges are promises to pay by transfer or mobile money.
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None
    # Where Stripe's hosted Checkout pages live: the pledge forms' CSP `form-action` lets them redirect there.
    stripe_checkout_origin: str = "https://checkout.stripe.com"

    # Marketplace: documents live outside the public static files; large goals need two staff approvals
    # (the threshold is in euros; CFA goals are converted at the fixed peg).
    upload_dir: Path = PROJECT_ROOT / "var" / "uploads"
    second_approval_above: Decimal = Decimal("50000")
    pledge_cancel_hours: int = 48
    # The largest single pledge: at most this many euros (CFA francs at the peg) and this multiple of the goal.
    pledge_ceiling: Decimal = Decimal("20000")
    pledge_goal_multiple: Decimal = Decimal("1")
    # Unpaid promises (transfer, mobile money) get one reminder this many days before the deadline.
    pledge_remind_days: int = 5

    scheduler_enabled: bool = True
    login_max_failures: int = 10
    login_window_seconds: int = 900
    session_max_age_seconds: int = 14 * 24 * 3600

    # Collector sources: base URLs are settings so tests and mirrors can point elsewhere.
    wise_api_url: str = "https://api.wise.com/v4/comparisons/"
    ecb_rates_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
    ecb_history_url: str = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
    # RPW: the World Bank Data Catalog's view of dataset 0037898 lists every release (a new resource id
    # each quarter); RPW_DATASET_URL is the last known file, used when the catalog does not answer.
    # Checked against the catalog's documentation on 2026-12-01 (nothing could be fetched live here).
    rpw_catalog_url: str = "https://datacatalogapi.worldbank.org/ddhxext/DatasetView?dataset_unique_id=0037898"
    rpw_dataset_url: str = ("https://datacatalogfiles.worldbank.org/ddh-published/0037898/DR0095523/"
                            "rpw_dataset_2011_2025_q3.xlsx")
    collector_contact: str = "passerelle@passerelle.invalid"
    imf_rates_url: str = "https://codeforiati.org/imf-exchangerates/imf_exchangerates.csv"
    # The DataBank series stopped in 2020 and never changes: the bundled export is the source.
    rpw_history_url: str = (PROJECT_ROOT / "app" / "data" / "rpw" / "rpw_corridor_averages_2011q1_2020q3.csv").as_uri()
    # Public APIs without keys: a bounded, patient client (a source slower than this is down for us).
    collector_timeout_seconds: float = 30.0
    collector_retries: int = 3
    collector_per_host: int = 4
    # Wise: corridors ("FR-SN", or "BE-CD:EUR-USD" when paid out in another currency) x amounts sent.
    wise_corridors: Annotated[list[str], NoDecode] = [
        "FR-SN", "FR-ML", "FR-CI", "FR-CM", "FR-TG", "FR-BJ", "FR-BF", "FR-MA", "IT-SN", "ES-SN"]
    wise_amounts: Annotated[list[int], NoDecode] = [50, 100, 200, 500, 1000]
    # RPW publishes margins to 2 decimals: a gap above 0.1 point is a different reference rate, not rounding.
    margin_disagreement_points: Decimal = Decimal("0.1")

    # How often each collector runs (seconds), and when its data counts as stale (hours).
    # Wise re-prices competitors from markups it collects about daily: four looks a day follow the
    # mid rate without hammering a free API (corridors x amounts requests each time).
    wise_interval_seconds: int = 6 * 3600
    wise_fresh_hours: int = 48
    # The ECB publishes once per working day near 16:00 CET: every 3 h catches it the same afternoon;
    # Easter closes it four days, so rates five days old are still the latest there are.
    ecb_interval_seconds: int = 3 * 3600
    ecb_fresh_hours: int = 5 * 24
    # The history file only repairs days the daily collector missed: weekly is plenty.
    ecb_history_interval_seconds: int = 7 * 24 * 3600
    ecb_history_fresh_hours: int = 14 * 24
    # IMF annual averages appear once a year.
    imf_interval_seconds: int = 30 * 24 * 3600
    imf_fresh_hours: int = 550 * 24
    # The RPW dataset is quarterly and published months after the quarter (no 2025 Q2 round): a weekly
    # look finds a release within days at the price of one 50 MB download a week.
    rpw_interval_seconds: int = 7 * 24 * 3600
    rpw_fresh_hours: int = 270 * 24
    # Staff observations come by hand; a corridor not shopped for four months is stale.
    staff_fresh_hours: int = 120 * 24
    # One scheduler runs jobs; the others check this often whether they must take over.
    scheduler_lock_poll_seconds: float = 15.0
    # Where PostgreSQL advisory locks are unavailable (SQLite) the runner holds a lease this long and
    # renews it three times per lease, so a crashed runner is replaced within one lease.
    scheduler_lease_seconds: float = 60.0

    @field_validator("wise_corridors", "wise_amounts", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        """Accept "FR-SN,FR-ML" as well as a JSON list from the environment."""
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [p.strip() for p in text.split(",") if p.strip()]
        return value

    @property
    def production(self) -> bool:
        return self.passerelle_env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.production and (self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32):
            raise ValueError(
                "SECRET_KEY is the development default (or shorter than 32 characters) while "
                "PASSERELLE_ENV=production. Set SECRET_KEY to a long random value, e.g. the output of "
                "`python -c \"import secrets; print(secrets.token_urlsafe(48))\"`."
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
