"""Transactions behave alike on SQLite and PostgreSQL: savepoints nest inside the outer transaction."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.models import KeyValue


def _keys(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(KeyValue.key)).all())


def test_a_savepoint_rolled_back_inside_a_transaction_keeps_the_outer_work(engine):
    with Session(engine) as session:
        session.add(KeyValue(key="outer-before", value=b"1"))
        session.flush()
        with pytest.raises(RuntimeError), session.begin_nested():
            session.add(KeyValue(key="inner", value=b"2"))
            session.flush()
            raise RuntimeError("undo the savepoint only")
        session.add(KeyValue(key="outer-after", value=b"3"))
        session.commit()
    assert _keys(engine) == ["outer-after", "outer-before"]


def test_a_released_savepoint_is_still_undone_by_the_outer_rollback(engine):
    """On pysqlite's own transaction handling a SAVEPOINT opened first *was* the transaction: its
    RELEASE committed, and the outer rollback had nothing left to undo (finding 1)."""
    with Session(engine) as session:
        with session.begin_nested():
            session.add(KeyValue(key="recorded-first", value=b"1"))
        session.add(KeyValue(key="then", value=b"2"))
        session.flush()
        session.rollback()
    assert _keys(engine) == []


def test_reads_then_writes_of_two_connections_both_commit(engine):
    """Read, then write, while another connection writes: both wait their turn, neither fails."""
    with Session(engine) as session:
        session.add(KeyValue(key="counter", value=b"0"))
        session.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def bump(name: str) -> None:
        try:
            with Session(engine) as session:
                session.exec(select(KeyValue).where(col(KeyValue.key) == "counter")).one()
                barrier.wait(timeout=10)
                session.add(KeyValue(key=name, value=b"1"))
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=bump, args=(f"writer-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert _keys(engine) == ["counter", "writer-0", "writer-1"]


def test_a_read_written_with_a_common_table_expression_takes_no_write_lock(engine):
    """SQLite: a WITH ... SELECT (the staff match page's tier counts) is a read: it once opened BEGIN IMMEDIATE, and
    concurrent match pages queued on the write lock (2 s stalls under load). A WITH that writes still takes it."""
    from sqlalchemy import text

    with engine.connect() as reader, engine.connect() as writer:
        counted = reader.execute(text("WITH c AS (SELECT count(*) AS n FROM key_value) SELECT n FROM c")).scalar()
        assert counted == 0
        # the reader holds no lock: another connection writes and commits at once
        writer.execute(text("INSERT INTO key_value (key, value) VALUES ('written', :v)"), {"v": b"1"})
        writer.commit()
        if engine.dialect.name == "sqlite":
            assert not reader.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]
            reader.execute(text("WITH v AS (SELECT 'by-cte' AS k) INSERT INTO key_value (key, value)"
                                " SELECT k, :v FROM v"), {"v": b"2"})
            assert reader.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]
        reader.commit()
    assert _keys(engine) == ["by-cte", "written"] if engine.dialect.name == "sqlite" else ["written"]
