"""Migration 0002 creates exactly the collector tables the models describe, and goes down cleanly."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table
from app.db import make_engine
from app.schema import downgrade, upgrade
from tests.conftest import BACKENDS
from tests.support import postgres_schema_url

TABLES = {"snapshot", "collector_run", "quarantine", "quote", "corridor_stat", "reference_rate",
          "provider_mapping", "scheduler_lease"}


def _fresh_url(backend: str, tmp_path) -> tuple[str, object]:  # type: ignore[no-untyped-def]
    if backend == "postgres":
        return postgres_schema_url(os.environ["TEST_POSTGRES_URL"], "migration")
    return f"sqlite:///{tmp_path / 'migration.sqlite3'}", lambda: None


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, SQLModel.metadata)
    engine.dispose()

    def table_of(diff: object) -> str | None:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:] if isinstance(item, tuple) else ():
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None:
                return str(table.name)
            if name in TABLES:
                return str(name)
            if isinstance(part, str) and part in TABLES:
                return part
        return None

    return [d for d in diffs if table_of(d) in TABLES]


@pytest.mark.parametrize("backend", BACKENDS)
def test_collectors_migration_matches_models_and_goes_down(backend: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url, drop = _fresh_url(backend, tmp_path)
    try:
        upgrade(url)
        assert _differences(url) == []
        engine = make_engine(url)
        assert TABLES <= set(inspect(engine).get_table_names())
        engine.dispose()
        downgrade("0001", url)
        engine = make_engine(url)
        assert not TABLES & set(inspect(engine).get_table_names())
        engine.dispose()
        upgrade(url)
    finally:
        drop()  # type: ignore[operator]
