"""Schema management: Alembic upgrade/downgrade and the reference data seeded after it."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from app.settings import PROJECT_ROOT, get_settings

# Objects the database keeps beside the models, written with raw SQL by their own migration: the full-text index
# of skill profiles (profiles_01: an FTS5 virtual table and its shadow tables on SQLite, a tsvector table on
# PostgreSQL). Autogenerate and the models-match-migrations test leave them out.
UNMODELLED_PREFIXES = ("skill_profile_fts",)


def modelled(name: str | None, type_: str, parent_names: object = None) -> bool:
    """Alembic's `include_name` hook: False for the objects above, so they are never compared or dropped."""
    return not (name or "").startswith(UNMODELLED_PREFIXES)


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["url"] = url or get_settings().database_url
    return config


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)
    from app.db import get_engine
    from app.reference import seed_reference

    engine = get_engine(url or get_settings().database_url)
    seed_reference(engine)
    fill_current_offers(engine)


def fill_current_offers(engine: Engine) -> None:
    """An existing database reaching revision scale_01 has quotes but no current offers yet: compute them
    once from the stored quotes (afterwards every load keeps them up to date)."""
    from sqlalchemy import inspect, text

    from scrapers import current_offers

    with engine.begin() as conn:
        if not inspect(conn).has_table("current_corridor"):
            return  # a downgrade target before scale_01
        empty = conn.execute(text("SELECT 1 FROM current_corridor LIMIT 1")).first() is None
        if empty and conn.execute(text("SELECT 1 FROM quote LIMIT 1")).first() is not None:
            current_offers.rebuild(conn)


def downgrade(revision: str, url: str | None = None) -> None:
    command.downgrade(alembic_config(url), revision)
