"""Sending limits on the mails anyone can make us send (register, password reset, price alerts).

Two counters in the shared rate-limit store, per window: the recipient address (nobody gets mail-bombed
through our forms) and the client address (one visitor cannot spray many recipients). A recipient over
its limit is answered exactly as usual and sent nothing, so the answer reveals nothing; a client over
its limit is told to wait.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from litestar import Request

from app.settings import Settings
from app.store import CounterStore


class Verdict(StrEnum):
    send = "send"
    quiet = "quiet"  # the recipient had enough: answer as usual, send nothing
    refuse = "refuse"  # the client had enough: 429


async def check(store: CounterStore, settings: Settings, kind: str, recipient: str, client: str) -> Verdict:
    window = settings.mail_limit_window_seconds
    to = await store.increment(f"mail:{kind}:to:{recipient.strip().lower()[:254]}", expires_in=window)
    by = await store.increment(f"mail:from:{client}", expires_in=window)
    if by > settings.mail_per_client:
        return Verdict.refuse
    return Verdict.send if to <= settings.mail_per_recipient else Verdict.quiet


async def check_request(request: Request[Any, Any, Any], settings: Settings, kind: str, recipient: str) -> Verdict:
    store = request.app.stores.get("ratelimit")
    assert isinstance(store, CounterStore)
    client = request.client.host if request.client else "unknown"
    return await check(store, settings, kind, recipient, client)
