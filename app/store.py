"""The store shared by every worker: sessions and rate-limit counters, in the database or in Redis.

Every operation is one statement, so concurrent workers never lose an update nor collide on a key:
`set` is an upsert, `increment` adds to a counter and gives its new value in the same statement
(`INSERT … ON CONFLICT … DO UPDATE … RETURNING` on SQLite and PostgreSQL, `INCR` + `EXPIRE NX` in one
MULTI on Redis).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import anyio
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from sqlalchemy import Engine, and_, case, cast, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import Integer, LargeBinary, Text

from app.models import KeyValue
from app.models.base import aware

TABLE = KeyValue.__table__  # type: ignore[attr-defined]


@runtime_checkable
class CounterStore(Protocol):
    async def increment(self, key: str, by: int = 1, expires_in: int | timedelta | None = None) -> int:
        """Add `by` to the counter at `key` (0 if absent or expired) and return the new value. The expiry
        is set when the counter starts, not moved by later increments: a fixed window."""


def _seconds(expires_in: int | timedelta) -> float:
    return expires_in.total_seconds() if isinstance(expires_in, timedelta) else float(expires_in)


class DatabaseStore(Store):
    """A Litestar store backed by the `key_value` table, so several workers share sessions without Redis."""

    def __init__(self, engine: Engine, namespace: str = "") -> None:
        self.engine = engine
        self.namespace = namespace
        self._insert: Any = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}" if self.namespace else key

    @staticmethod
    def _expiry(expires_in: int | timedelta | None) -> datetime | None:
        if expires_in is None:
            return None
        return datetime.now(UTC) + timedelta(seconds=_seconds(expires_in))

    def _set(self, key: str, value: bytes, expires_in: int | timedelta | None) -> None:
        statement = self._insert(TABLE).values(key=self._key(key), value=value, expires_at=self._expiry(expires_in))
        statement = statement.on_conflict_do_update(
            index_elements=[TABLE.c.key],
            set_={"value": statement.excluded.value, "expires_at": statement.excluded.expires_at})
        with self.engine.begin() as conn:
            conn.execute(statement)

    def _get(self, key: str, renew_for: int | timedelta | None) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(TABLE.c.value, TABLE.c.expires_at)
                               .where(TABLE.c.key == self._key(key))).first()
        if row is None:
            return None
        now = datetime.now(UTC)
        expires = aware(row.expires_at)
        if expires is not None and expires <= now:
            # Only if it is still the expired row: another worker may have written a fresh value since.
            with self.engine.begin() as conn:
                conn.execute(delete(TABLE).where(TABLE.c.key == self._key(key), TABLE.c.expires_at <= now))
            return None
        if renew_for is not None and expires is not None:
            with self.engine.begin() as conn:
                conn.execute(update(TABLE).where(TABLE.c.key == self._key(key))
                             .values(expires_at=self._expiry(renew_for)))
        return bytes(row.value)

    def _increment(self, key: str, by: int, expires_in: int | timedelta | None) -> int:
        now = datetime.now(UTC)
        statement = self._insert(TABLE).values(key=self._key(key), value=str(by).encode(),
                                               expires_at=self._expiry(expires_in))
        expired = and_(TABLE.c.expires_at.is_not(None), TABLE.c.expires_at <= now)
        added: Any
        if self.engine.dialect.name == "postgresql":
            current = cast(func.convert_from(TABLE.c.value, "UTF8"), Integer)
            added = func.convert_to(cast(current + by, Text), "UTF8")
        else:
            added = cast(cast(TABLE.c.value, Integer) + by, LargeBinary)
        # Both CASEs read the row as it was before this statement (SQL's SET semantics).
        statement = statement.on_conflict_do_update(
            index_elements=[TABLE.c.key],
            set_={"value": case((expired, statement.excluded.value), else_=added),
                  "expires_at": case((expired, statement.excluded.expires_at), else_=TABLE.c.expires_at)},
        ).returning(TABLE.c.value)
        with self.engine.begin() as conn:
            value = conn.execute(statement).scalar_one()
        return int(bytes(value))

    def _delete(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.key == self._key(key)))

    def _delete_all(self) -> None:
        prefix = f"{self.namespace}:" if self.namespace else ""
        with self.engine.begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.key.startswith(prefix, autoescape=True)))

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await anyio.to_thread.run_sync(self._set, key, data, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await anyio.to_thread.run_sync(self._get, key, renew_for)

    async def increment(self, key: str, by: int = 1, expires_in: int | timedelta | None = None) -> int:
        return await anyio.to_thread.run_sync(self._increment, key, by, expires_in)

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(self._delete, key)

    async def delete_all(self) -> None:
        await anyio.to_thread.run_sync(self._delete_all)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        def read() -> int | None:
            with self.engine.connect() as conn:
                expires = aware(conn.execute(select(TABLE.c.expires_at)
                                             .where(TABLE.c.key == self._key(key))).scalar())
            return None if expires is None else int((expires - datetime.now(UTC)).total_seconds())
        return await anyio.to_thread.run_sync(read)


class SharedRedisStore(RedisStore):
    """Litestar's Redis store plus an atomic counter."""

    async def increment(self, key: str, by: int = 1, expires_in: int | timedelta | None = None) -> int:
        name = self._make_key(key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(name, by)
            if expires_in is not None:
                # NX: the window starts with the counter; later increments do not stretch it.
                pipe.expire(name, max(1, int(_seconds(expires_in))), nx=True)
            results = await pipe.execute()
        return int(results[0])


def make_store(namespace: str, engine: Engine, redis_url: str | None, redis_prefix: str = "passerelle") -> Store:
    if redis_url:
        return SharedRedisStore.with_client(url=redis_url, namespace=f"{redis_prefix}:{namespace}")
    return DatabaseStore(engine, namespace)
