"""Every migration goes up and down cleanly, on SQLite and on PostgreSQL, and matches the models."""

from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app.db import make_engine
from app.schema import alembic_config, downgrade, modelled, upgrade
from tests.support import postgres_schema_url

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("TEST_POSTGRES_URL") else [])


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url, drop = postgres_schema_url(os.environ["TEST_POSTGRES_URL"], "migrations")
    yield url
    drop()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_each_revision_goes_up_and_down(empty_url):
    config = alembic_config(empty_url)
    revisions = list(ScriptDirectory.from_config(config).walk_revisions("base", "heads"))
    assert revisions, "no migrations found"
    upgrade(empty_url)
    assert "user" in _tables(empty_url) and "country" in _tables(empty_url)
    # Step down through every revision, newest first (a merge revision has two parents, so the steps are
    # named, not "-1"): each downgrade runs once and the last leaves nothing behind.
    for target in [r.revision for r in revisions[1:]] + ["base"]:
        command.downgrade(config, target)
    assert _tables(empty_url) == set()
    upgrade(empty_url)
    downgrade("base", empty_url)
    assert _tables(empty_url) == set()


def test_migrations_match_the_models(empty_url):
    upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False,
                                                                  "include_name": modelled}),
                                SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_reference_data_is_seeded(empty_url):
    from sqlmodel import Session, select

    from app.models import Country

    upgrade(empty_url)
    upgrade(empty_url)  # twice: seeding is idempotent
    engine = make_engine(empty_url)
    with Session(engine) as session:
        senegal = session.get(Country, "SN")
        assert senegal and senegal.alpha3 == "SEN" and senegal.currency == "XOF"
        assert senegal.name_fr == "Sénégal" and senegal.name_en == "Senegal"
        assert session.get(Country, "CM").currency == "XAF"  # type: ignore[union-attr]
        assert len(session.exec(select(Country)).all()) >= 249
    engine.dispose()
