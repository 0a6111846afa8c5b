"""APScheduler 3 wiring: one job per collector at its own interval, and one runner across processes.

Every process that may schedule (each web worker with SCHEDULER_ENABLED, each `passerelle scheduler`)
starts a ``CollectorScheduler``; only the one holding the runner lock has jobs. The lock is a
PostgreSQL advisory lock held by a dedicated connection (released by the server if the process
dies), or on SQLite a lease row renewed three times per lease. A file lock would not do: several
hosts share no file system. The others poll the lock and take over when it is free.

When a job is due is read from the database (the last run of its source + its interval), not from
memory, so a new runner neither repeats a run the old one just made nor forgets one that is due.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, Engine, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.mail import mail_job
from app.models import CollectorRun, SchedulerLease
from app.models.base import aware, utcnow
from app.settings import Settings

log = logging.getLogger(__name__)
LOCK_NAME = "passerelle-scheduler"
ADVISORY_KEY = 0x50617373  # "Pass": the runner's key, paired with the schema's (below)
# Two deployments (or test runs) in different schemas of one database must not wait for each other.
LOCK_ARGS = "CAST(:key AS integer), hashtext(current_schema())"
Job = tuple[str, Callable[[], Any], int]  # (id, function, interval in seconds)


class RunnerLock(Protocol):
    def acquire(self) -> bool:
        """Take the lock, or confirm it is still ours; False when another process holds it."""

    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL: a session-level advisory lock on a connection kept open for as long as we run."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        try:
            if self._conn is not None:
                self._conn.execute(text("SELECT 1"))  # the lock lives exactly as long as this connection
                return True
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if conn.execute(text(f"SELECT pg_try_advisory_lock({LOCK_ARGS})"), {"key": ADVISORY_KEY}).scalar():
                self._conn = conn
                return True
            conn.close()
        except DBAPIError as exc:
            log.warning("scheduler lock connection lost: %s", exc)
            self._drop()
        return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text(f"SELECT pg_advisory_unlock({LOCK_ARGS})"), {"key": ADVISORY_KEY})
            except DBAPIError:
                pass
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except DBAPIError:
                pass
        self._conn = None


class LeaseLock:
    """Any database: a row naming the holder until a deadline; the holder renews it, others wait it out."""

    def __init__(self, engine: Engine, holder: str, lease_seconds: float) -> None:
        self.engine, self.holder, self.lease = engine, holder, timedelta(seconds=lease_seconds)

    def acquire(self) -> bool:
        table = SchedulerLease.__table__  # type: ignore[attr-defined]
        now = utcnow()
        mine_or_expired = (table.c.holder == self.holder) | (table.c.expires_at < now)
        try:
            with self.engine.begin() as conn:
                renewed = conn.execute(update(table).where(table.c.name == LOCK_NAME, mine_or_expired)
                                       .values(holder=self.holder, expires_at=now + self.lease))
                if renewed.rowcount == 1:
                    return True
                if conn.execute(select(func.count()).where(table.c.name == LOCK_NAME)).scalar_one():
                    return False
                conn.execute(insert(table).values(name=LOCK_NAME, holder=self.holder, expires_at=now + self.lease))
            return True
        except (IntegrityError, DBAPIError) as exc:  # another process inserted first, or the database is busy
            log.info("scheduler lease not taken: %s", type(exc).__name__)
            return False

    def release(self) -> None:
        table = SchedulerLease.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.name == LOCK_NAME, table.c.holder == self.holder)
                         .values(expires_at=utcnow() - timedelta(seconds=1)))


def collector_jobs(settings: Settings, engine: Engine) -> list[Job]:
    """One job per schedulable collector, at the interval its settings give (see app/settings.py)."""
    from scrapers.collectors import COLLECTORS

    def job(source: str) -> Callable[[], Any]:
        def run() -> Any:
            from scrapers.pipeline import collect
            from scrapers.runs import AlreadyRunning

            try:
                report = collect(source, engine=engine, settings=settings, trigger="schedule")
                log.info("%s: %s, %d published, %d rejected", source, report.status.value, report.published,
                         report.rejected)
            except AlreadyRunning as exc:
                log.info("%s", exc)
        return run

    return [(source, job(source), int(getattr(settings, f"{source}_interval_seconds")))
            for source, collector in COLLECTORS.items() if collector.schedulable]


def domain_jobs() -> list[Job]:
    """Jobs other domains declare (marketplace campaign closing, …); a domain not built yet has none."""
    try:
        from app.marketplace.jobs import JOBS
    except ImportError:
        return []
    return list(JOBS)


def next_due(engine: Engine, job_id: str, interval: int) -> datetime:
    """When a collector job is next due: its source's last run + the interval (now if overdue or never)."""
    now = datetime.now(UTC)
    with engine.connect() as conn:
        runs = CollectorRun.__table__.c  # type: ignore[attr-defined]
        last = conn.execute(select(func.max(runs.started_at)).where(runs.source == job_id)).scalar()
    due = (aware(last) or now) + timedelta(seconds=interval) if last is not None else now
    return max(due, now)


class CollectorScheduler:
    """Runs the jobs while this process holds the runner lock (see module doc)."""

    def __init__(self, settings: Settings, engine: Engine, jobs: list[Job] | None = None) -> None:
        self.settings, self.engine = settings, engine
        holder = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.lock: RunnerLock = (AdvisoryLock(engine) if engine.dialect.name == "postgresql"
                                 else LeaseLock(engine, holder, settings.scheduler_lease_seconds))
        self.jobs = jobs if jobs is not None else collector_jobs(settings, engine) + domain_jobs() + [
            mail_job(engine, settings)]
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="scheduler-lock", daemon=True)

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        self._step_down(wait=True)
        try:
            self.lock.release()
        except Exception:  # shutting down must not fail; an unreleased lease simply expires
            log.exception("could not release the scheduler lock")

    def _watch(self) -> None:
        while not self._stop.is_set():
            holding = self.lock.acquire()
            if holding and not self.leading:
                self._lead()
            elif not holding and self.leading:
                log.warning("scheduler lock lost: stepping down")
                self._step_down(wait=False)
            # a lease must be renewed well before it runs out; a standby only needs to notice a free lock
            pause = (self.settings.scheduler_lease_seconds / 3 if self.leading and isinstance(self.lock, LeaseLock)
                     else self.settings.scheduler_lock_poll_seconds)
            self._stop.wait(pause)

    def _lead(self) -> None:
        scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"max_instances": 1, "coalesce": True,
                                                                    "misfire_grace_time": 3600})
        for job_id, function, seconds in self.jobs:
            scheduler.add_job(function, IntervalTrigger(seconds=seconds, timezone=UTC), id=job_id,
                              name=job_id, next_run_time=next_due(self.engine, job_id, seconds),
                              max_instances=1, coalesce=True)
        scheduler.start()
        self.scheduler = scheduler
        log.info("scheduler running %d job(s) in this process (pid %s)", len(self.jobs), os.getpid())

    def _step_down(self, *, wait: bool) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=wait)
            self.scheduler = None


def start_in_app(app: Any) -> None:
    """Litestar on_startup: the scheduler lives in the web process when SCHEDULER_ENABLED."""
    settings: Settings = app.state.settings
    if settings.scheduler_enabled:
        app.state.scheduler = CollectorScheduler(settings, app.state.engine)
        app.state.scheduler.start()


def stop_in_app(app: Any) -> None:
    scheduler = getattr(app.state, "scheduler", None)
    if scheduler is not None:
        scheduler.stop()
