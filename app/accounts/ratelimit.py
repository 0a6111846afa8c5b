"""Login throttling: failures counted per e-mail and per client address in the shared store."""

from __future__ import annotations

from litestar.stores.base import Store


class LoginThrottle:
    def __init__(self, store: Store, max_failures: int, window_seconds: int) -> None:
        self.store = store
        self.max_failures = max_failures
        self.window = window_seconds

    @staticmethod
    def _keys(email: str, client: str) -> tuple[str, str]:
        return f"email:{email.strip().lower()}", f"ip:{client}"

    async def _count(self, key: str) -> int:
        raw = await self.store.get(key)
        return int(raw) if raw else 0

    async def blocked(self, email: str, client: str) -> bool:
        by_email, by_ip = self._keys(email, client)
        # The address limit is looser: several people may share one public address.
        return (await self._count(by_email) >= self.max_failures
                or await self._count(by_ip) >= self.max_failures * 5)

    async def failed(self, email: str, client: str) -> None:
        for key in self._keys(email, client):
            await self.store.set(key, str(await self._count(key) + 1), expires_in=self.window)

    async def succeeded(self, email: str, client: str) -> None:
        await self.store.delete(self._keys(email, client)[0])
