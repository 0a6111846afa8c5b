"""The record of every collection: snapshots of raw answers and one ``collector_run`` row per run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.models import CollectorRun, RunStatus, Snapshot
from app.models.base import aware, utcnow
from scrapers.http import FetchResult

# A run still "running" after this long died with its process: it no longer blocks a new one.
ABANDONED_AFTER = timedelta(hours=2)


class AlreadyRunning(Exception):
    """Another run of this source has not finished: two runs of one collector never overlap."""


def store_snapshot(engine: Engine, source: str, result: FetchResult) -> int:
    """Keep an answer exactly as received, before anything parses it; identical bytes are stored once."""
    with Session(engine) as session:
        existing = session.exec(select(Snapshot.id).where(Snapshot.source == source,
                                                          Snapshot.sha256 == result.sha256)).first()
        if existing is not None:
            return existing
        snapshot = Snapshot(source=source, url=result.url, status=result.status, content_type=result.content_type,
                            sha256=result.sha256, size=len(result.content), fetched_at=result.fetched_at,
                            content=result.content)
        session.add(snapshot)
        session.flush()
        found = snapshot.id  # read before the commit expires it: after, reading it loads the content back
        session.commit()
        assert found is not None
        return found


def start_run(engine: Engine, source: str, trigger: str) -> int:
    """Open a run, refusing while another run of the source is in progress."""
    with Session(engine) as session:
        running = session.exec(select(CollectorRun).where(CollectorRun.source == source,
                                                          CollectorRun.status == RunStatus.running.value)).all()
        for other in running:
            if utcnow() - (aware(other.started_at) or utcnow()) < ABANDONED_AFTER:
                raise AlreadyRunning(f"{source} is already running (run {other.id})")
            other.status, other.finished_at = RunStatus.failed.value, utcnow()
            other.error = "abandoned: its process stopped before finishing"
            session.add(other)
        run = CollectorRun(source=source, trigger=trigger)
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def finish_run(engine: Engine, run_id: int, *, status: RunStatus, rows_in: int = 0, published: int = 0,
               new: int = 0, rejected: int = 0, error: str | None = None,
               snapshot_ids: Sequence[int] = ()) -> None:
    with Session(engine) as session:
        session.execute(update(CollectorRun).where(col(CollectorRun.id) == run_id).values(
            status=status.value, finished_at=utcnow(), rows_in=rows_in, rows_published=published, rows_new=new,
            rows_rejected=rejected, error=error, snapshot_ids=json.dumps(list(snapshot_ids))))
        session.commit()


def snapshot_content(engine: Engine, snapshot_id: int) -> tuple[str, bytes] | None:
    """(source, bytes) of a stored snapshot, to read it again (staff confirming an upload)."""
    with Session(engine) as session:
        snapshot = session.get(Snapshot, snapshot_id)
        return None if snapshot is None else (snapshot.source, bytes(snapshot.content))
