"""`passerelle backup` and `passerelle restore` give back identical data, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from app.backup import BackupError, backup, restore
from app.models import KeyValue, OutboxMessage, RateAlert
from app.settings import PROJECT_ROOT
from tests.support import make_user


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order."""
    with engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.execute(
                    select(table).order_by(*(table.primary_key.columns or table.columns)))]
                for table in SQLModel.metadata.sorted_tables}


def _fill(engine: Engine) -> None:
    make_user(engine, "awa@example.org")
    make_user(engine, "moussa@example.org", "staff")
    with Session(engine) as session:
        session.add(OutboxMessage(to_address="awa@example.org", subject="Bonjour", body="Accents: é à ç — ✓"))
        session.add(KeyValue(key="sessions:abc", value=b"\x00\xffbinary"))
        session.add(RateAlert(email="awa@example.org", corridor="FR-SN", amount=Decimal("655.957"), currency="EUR",
                              kind="total_cost_below", threshold=Decimal("2.5"), token_hash="t" * 64))
        session.commit()


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "PASSERELLE_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def test_restore_gives_back_exactly_what_was_backed_up(db_url, engine, tmp_path: Path):
    _fill(engine)
    before = _snapshot(engine)
    assert before["user"] and before["outbox_message"] and before["country"]
    path = tmp_path / "backups" / "passerelle.backup"
    made = _cli(db_url, "backup", str(path))
    assert made.returncode == 0, made.stderr
    assert path.stat().st_size > 0

    # A bad day: rows deleted, changed and added after the backup.
    with Session(engine) as session:
        session.execute(OutboxMessage.__table__.delete())  # type: ignore[attr-defined]
        session.add(KeyValue(key="sessions:new", value=b"later"))
        session.commit()
    make_user(engine, "late@example.org")
    assert _snapshot(engine) != before

    done = _cli(db_url, "restore", "--yes", str(path))
    assert done.returncode == 0, done.stderr
    engine.dispose()  # connections opened before the restore may hold the old catalogue (PostgreSQL)
    assert _snapshot(engine) == before


def test_restore_asks_before_replacing_the_database(db_url, engine, tmp_path: Path):
    _fill(engine)
    path = backup(db_url, tmp_path / "first.backup")
    make_user(engine, "late@example.org")
    after = _snapshot(engine)
    env = {**os.environ, "DATABASE_URL": db_url, "PASSERELLE_ENV": "test"}
    answer = subprocess.run([sys.executable, "-m", "app.cli", "restore", str(path)], cwd=PROJECT_ROOT, env=env,
                            input="n\n", capture_output=True, text=True, timeout=120, check=False)
    assert answer.returncode != 0 and "Aborted" in answer.stderr + answer.stdout
    assert _snapshot(engine) == after


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(db_url, engine, tmp_path: Path):
    _fill(engine)
    before = _snapshot(engine)
    junk = tmp_path / "holiday.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a database")
    with pytest.raises(BackupError, match="not"):
        restore(db_url, junk)
    assert _snapshot(engine) == before
