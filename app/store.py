"""The store shared by every worker: sessions and rate-limit counters, in the database or in Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
from litestar.stores.base import Store
from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from app.models import KeyValue
from app.models.base import aware


class DatabaseStore(Store):
    """A Litestar store backed by the `key_value` table, so several workers share sessions without Redis."""

    def __init__(self, engine: Engine, namespace: str = "") -> None:
        self.engine = engine
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}" if self.namespace else key

    @staticmethod
    def _expiry(expires_in: int | timedelta | None) -> datetime | None:
        if expires_in is None:
            return None
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
        return datetime.now(UTC) + timedelta(seconds=seconds)

    def _set(self, key: str, value: bytes, expires_in: int | timedelta | None) -> None:
        with Session(self.engine) as session:
            row = session.get(KeyValue, self._key(key))
            if row is None:
                row = KeyValue(key=self._key(key), value=value)
            row.value = value
            row.expires_at = self._expiry(expires_in)
            session.add(row)
            session.commit()

    def _get(self, key: str, renew_for: int | timedelta | None) -> bytes | None:
        with Session(self.engine) as session:
            row = session.get(KeyValue, self._key(key))
            if row is None:
                return None
            expires = aware(row.expires_at)
            if expires is not None and expires <= datetime.now(UTC):
                session.delete(row)
                session.commit()
                return None
            if renew_for is not None and expires is not None:
                row.expires_at = self._expiry(renew_for)
                session.add(row)
                session.commit()
            return bytes(row.value)

    def _delete(self, key: str) -> None:
        with Session(self.engine) as session:
            session.execute(delete(KeyValue).where(col(KeyValue.key) == self._key(key)))
            session.commit()

    def _delete_all(self) -> None:
        with Session(self.engine) as session:
            prefix = f"{self.namespace}:" if self.namespace else ""
            session.execute(delete(KeyValue).where(col(KeyValue.key).startswith(prefix)))
            session.commit()

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await anyio.to_thread.run_sync(self._set, key, data, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await anyio.to_thread.run_sync(self._get, key, renew_for)

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(self._delete, key)

    async def delete_all(self) -> None:
        await anyio.to_thread.run_sync(self._delete_all)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        def read() -> int | None:
            with Session(self.engine) as session:
                row = session.get(KeyValue, self._key(key))
                expires = aware(row.expires_at) if row else None
                return None if expires is None else int((expires - datetime.now(UTC)).total_seconds())
        return await anyio.to_thread.run_sync(read)


def make_store(namespace: str, engine: Engine, redis_url: str | None, redis_prefix: str = "passerelle") -> Store:
    if redis_url:
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=redis_url, namespace=f"{redis_prefix}:{namespace}")
    return DatabaseStore(engine, namespace)
