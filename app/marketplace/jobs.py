"""The marketplace's scheduled jobs, for app/scheduler.py to register.

Each entry is (job id, function taking no argument, interval in seconds). Closing is idempotent, so a
missed or doubled run is harmless; five minutes keeps deadlines prompt without load.
"""

from __future__ import annotations

from collections.abc import Callable

from app.db import session_scope
from app.models.base import utcnow


def close_campaigns() -> str:
    from app.marketplace.campaigns import close_due_campaigns

    with session_scope() as session:
        return str(close_due_campaigns(session, utcnow()))


def remind_unpaid_promises() -> str:
    from app.marketplace.reminders import due_reminders
    from app.settings import get_settings

    with session_scope() as session:
        return str(due_reminders(session, utcnow(), get_settings()))


JOBS: list[tuple[str, Callable[[], str], int]] = [("marketplace.close_campaigns", close_campaigns, 300),
                                                  ("marketplace.remind_unpaid_promises", remind_unpaid_promises, 3600)]
