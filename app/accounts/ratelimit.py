"""Login throttling: attempts counted per e-mail and per client address in the shared store.

An attempt is counted *before* its password is checked, in one atomic increment: forty simultaneous
guesses cannot all pass a check made before any of them was counted. A success clears the e-mail's
counter and gives its attempt back to the address.
"""

from __future__ import annotations

from litestar.stores.base import Store

from app.store import CounterStore


class LoginThrottle:
    def __init__(self, store: Store, max_failures: int, window_seconds: int) -> None:
        assert isinstance(store, CounterStore), "the rate-limit store needs atomic counters (app.store)"
        self.store: CounterStore = store
        self.plain: Store = store
        self.max_failures = max_failures
        self.window = window_seconds

    @staticmethod
    def _keys(email: str, client: str) -> tuple[str, str]:
        return f"email:{email.strip().lower()}", f"ip:{client}"

    async def attempt(self, email: str, client: str) -> bool:
        """Count one attempt; False when the e-mail or the address has used up its window."""
        by_email, by_ip = self._keys(email, client)
        emails = await self.store.increment(by_email, expires_in=self.window)
        addresses = await self.store.increment(by_ip, expires_in=self.window)
        # The address limit is looser: several people may share one public address.
        return emails <= self.max_failures and addresses <= self.max_failures * 5

    async def succeeded(self, email: str, client: str) -> None:
        by_email, by_ip = self._keys(email, client)
        await self.plain.delete(by_email)
        await self.store.increment(by_ip, by=-1, expires_in=self.window)

    async def count(self, email: str) -> int:
        raw = await self.plain.get(self._keys(email, "")[0])
        return int(raw) if raw else 0
