"""Where each price source stands: its last run, its last success, and whether its data is still fresh.

Data older than its source's freshness window (``<source>_fresh_hours`` in settings) is stale: shown,
never hidden, never presented as fresh. A source that never succeeded has no data to show.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from app.models import CollectorRun, ReferenceRate, RunStatus
from app.models.base import aware, utcnow
from app.models.current import CurrentOffer
from app.settings import Settings
from scrapers.collectors import COLLECTORS

RATE_SOURCES = {"ecb": "ecb", "ecb_history": "ecb", "imf": "imf"}  # collector -> reference_rate.source


@dataclass(frozen=True)
class SourceState:
    source: str
    schedulable: bool
    last_run: CollectorRun | None
    last_success: CollectorRun | None  # the latest run that published something (ok or partial)
    newest: datetime | None  # when the newest published observation (or rate) was made
    fresh_for: timedelta | None  # None: the data never goes stale (a frozen series)
    running: bool

    @property
    def freshness(self) -> str:
        """"fresh", "stale" or "never" (nothing published yet), judged on the data's own date: a
        file of old prices imported today is old prices."""
        if self.newest is None and (self.fresh_for is not None or self.last_success is None):
            return "never"
        if self.fresh_for is None or self.newest is None:
            return "fresh"
        return "fresh" if utcnow() - self.newest <= self.fresh_for else "stale"


def fresh_window(settings: Settings, source: str) -> timedelta | None:
    hours = getattr(settings, f"{source}_fresh_hours", None)
    return timedelta(hours=hours) if hours else None


def newest_data(session: Session, source: str) -> datetime | None:
    """The date of the newest thing a source published (quotes: observed_at; rates: their day).

    A source's newest quote is its service's latest, so it is among the current offers (a few thousand rows);
    the same maximum over ``quote`` read a year of history, 1.3 s for Wise at full scale."""
    kind = COLLECTORS[source].kind
    if kind == "quotes":
        return aware(session.exec(select(func.max(CurrentOffer.observed_at)).where(
            CurrentOffer.source == source)).one())
    if kind == "rates":
        day = session.exec(select(func.max(ReferenceRate.date)).where(
            ReferenceRate.source == RATE_SOURCES[source])).one()
        return datetime.combine(day, time(), UTC) if day else None
    return None


def source_states(session: Session, settings: Settings) -> list[SourceState]:
    states = []
    for source, collector in COLLECTORS.items():
        runs = select(CollectorRun).where(CollectorRun.source == source).order_by(col(CollectorRun.id).desc())
        last = session.exec(runs.limit(1)).first()
        success = session.exec(runs.where(col(CollectorRun.status).in_([RunStatus.ok, RunStatus.partial]))
                               .limit(1)).first()
        states.append(SourceState(source, collector.schedulable, last, success, newest_data(session, source),
                                  fresh_window(settings, source),
                                  running=last is not None and last.status == RunStatus.running.value))
    return states


def run_in_background(source: str, engine: Engine, settings: Settings, wait_seconds: float = 3.0) -> str | None:
    """Start a run now in a thread; return its status if it finishes within ``wait_seconds``, else None.

    "running" means the source was already running (here, in the scheduler or on another host).
    """
    from scrapers.pipeline import collect
    from scrapers.runs import AlreadyRunning

    outcome: list[str] = []

    def work() -> None:
        try:
            outcome.append(collect(source, engine=engine, settings=settings, trigger="staff").status.value)
        except AlreadyRunning:
            outcome.append("running")

    thread = threading.Thread(target=work, name=f"collect-{source}", daemon=True)
    thread.start()
    thread.join(wait_seconds)
    return outcome[0] if outcome else None
