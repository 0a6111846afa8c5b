"""One-statement reads made from the event loop itself, without a worker thread: what every signed-in request
reads (its session and user, `app.sessions`) and what a cached page checks (a data version).

Handing a read to a worker thread and back costs more than the read: one uvicorn worker served 4 000 anonymous
requests a second but under 1 000 signed-in ones, the difference being one such hop. So:
- SQLite: the statement runs in the loop, through the engine. A read of a few rows by key from a local file takes
  microseconds, and in WAL mode a reader never waits for a writer.
- PostgreSQL: psycopg's asynchronous connections, in autocommit (one round trip per read, no BEGIN / ROLLBACK
  around it), at most POOL per worker, kept open; the loop serves other requests while the server answers. A
  connection that fails is dropped and the read is tried once more on a new one (what the pool's pre-ping does
  for the others).

Only for short reads by key, and (`rows`, PostgreSQL) the few indexed statements of a page whose server time is
what it waits for (the staff match page, `app.skills.match_page`): anything longer belongs in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import psycopg
from litestar import Litestar
from sqlalchemy import Engine, Select
from sqlalchemy.engine import make_url

APPLICATION = "passerelle loop reads"  # as pg_stat_activity shows these connections
POOL = 8  # PostgreSQL connections per worker process at most (reads beyond wait for one to be free)


class LoopReader:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self._conninfo = make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False) \
            if self.postgres else ""
        self._idle: list[psycopg.AsyncConnection[Any]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots = asyncio.Semaphore(POOL)
        self._compiled: dict[Select[Any], tuple[str, dict[str, Any], list[str]]] = {}
        self._closing: set[asyncio.Task[None]] = set()

    async def first(self, statement: Select[Any], params: dict[str, Any]) -> dict[str, Any] | None:
        """The statement's first row as {column name: value}, or None."""
        if not self.postgres:
            with self.engine.connect() as local:
                row = local.execute(statement, params).first()
            return dict(row._mapping) if row is not None else None
        sql, fixed, names = self._sql(statement)
        self._own_loop()
        async with self._slots:
            return await self._read(sql, fixed | params, names)

    async def rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """PostgreSQL only: every row of a textual statement (``:name`` parameters, as ``sqlalchemy.text``)."""
        assert self.postgres, "SQLite statements run where the caller is (app.skills.match_page: a worker thread)"
        self._own_loop()
        async with self._slots:
            return await self._fetch(_pyformat(sql), params, every=True)  # type: ignore[no-any-return]

    async def _read(self, sql: str, params: dict[str, Any], names: list[str]) -> dict[str, Any] | None:
        found = await self._fetch(sql, params, every=False)
        return dict(zip(names, found, strict=True)) if found is not None else None

    async def _fetch(self, sql: str, params: dict[str, Any], every: bool) -> Any:
        for attempt in (1, 2):
            conn = await self._connection()
            try:
                cursor = await conn.execute(sql, params)
                found = await (cursor.fetchall() if every else cursor.fetchone())
            except psycopg.OperationalError:
                await conn.close()
                if attempt == 2:
                    raise
                continue
            finally:
                self._release(conn)
            return found
        raise AssertionError("unreachable")

    def _sql(self, statement: Select[Any]) -> tuple[str, dict[str, Any], list[str]]:
        """The statement in psycopg's terms: its SQL, the values of its own literals, its columns' names."""
        compiled = self._compiled.get(statement)
        if compiled is None:
            done = statement.compile(dialect=self.engine.dialect)
            names: Sequence[str] = list(statement.selected_columns.keys())
            compiled = self._compiled[statement] = (str(done), dict(done.params), list(names))
        return compiled

    def _own_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # connections belong to the loop that opened them (tests start several)
            for conn in self._idle:
                conn.pgconn.finish()  # the old loop's: closed without it
            self._idle, self._loop, self._slots = [], loop, asyncio.Semaphore(POOL)

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed:
                return conn
        return await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True, application_name=APPLICATION)

    def _release(self, conn: psycopg.AsyncConnection[Any]) -> None:
        if conn.closed:
            return
        if len(self._idle) < POOL and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            self._idle.append(conn)
        else:
            task = asyncio.get_running_loop().create_task(conn.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=512)
def _pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s`` (a literal ``%`` doubled; ``::`` casts left alone)."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


def loop_reader(app: Litestar) -> LoopReader:
    """The app's reader (one per app and process, on the app's engine)."""
    reader = getattr(app.state, "loop_reader", None)
    if reader is None:
        reader = app.state.loop_reader = LoopReader(app.state.engine)
    return reader  # type: ignore[no-any-return]


async def close_loop_reader(app: Litestar) -> None:
    reader = getattr(app.state, "loop_reader", None)
    if reader is not None:
        await reader.close()
