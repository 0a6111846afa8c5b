"""One runner across processes: two `passerelle scheduler` processes on one database run each due job
exactly once; the runner locks (PostgreSQL advisory lock, lease row) admit one holder at a time.

Like every database test, these run on SQLite and, when TEST_POSTGRES_URL is set (always in CI), on
PostgreSQL; the advisory-lock test exists only then.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.db import make_engine
from app.models import CollectorRun
from app.scheduler import AdvisoryLock, LeaseLock, next_due
from scrapers.collectors import COLLECTORS
from tests.conftest import BACKENDS
from tests.scrapers.source_server import Answer, source_server

ROOT = Path(__file__).resolve().parents[1]
SCHEDULED = sorted(source for source, collector in COLLECTORS.items() if collector.schedulable)
DEADLINE = 90.0  # seconds for both processes to start and the runner to finish every due job


def _head(path: Path, lines: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


def _environment(db_url: str, base: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "TEST_POSTGRES_URL"}
    env.update({
        "DATABASE_URL": db_url, "PASSERELLE_ENV": "test", "WISE_API_URL": f"{base}/wise",
        "WISE_CORRIDORS": "FR-SN", "WISE_AMOUNTS": "200", "ECB_RATES_URL": f"{base}/ecb/daily.xml",
        "ECB_HISTORY_URL": f"{base}/ecb/hist.csv", "IMF_RATES_URL": f"{base}/imf.csv",
        "RPW_DATASET_URL": f"{base}/rpw.xlsx", "SCHEDULER_LOCK_POLL_SECONDS": "0.3",
        "SCHEDULER_LEASE_SECONDS": "10", "COLLECTOR_TIMEOUT_SECONDS": "10", "COLLECTOR_RETRIES": "0",
        **{f"{source.upper()}_INTERVAL_SECONDS": "3600" for source in SCHEDULED},
    })
    return env


def _runs(engine) -> list[CollectorRun]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(CollectorRun)).all())


def test_two_scheduler_processes_run_each_due_job_exactly_once(db_url, engine, tmp_path):  # type: ignore[no-untyped-def]
    fixtures = ROOT / "tests" / "fixtures"
    with source_server() as server:
        server.answers.update({
            "/wise": Answer(body=(fixtures / "wise" / "eur_xof_fr_sn_200.json").read_bytes()),
            "/ecb/daily.xml": Answer(body=(fixtures / "ecb" / "eurofxref-daily.xml").read_bytes(),
                                     content_type="text/xml"),
            "/ecb/hist.csv": Answer(body=_head(ROOT / "app" / "data" / "fx" / "eurofxref-hist.csv", 30),
                                    content_type="text/csv"),
            "/imf.csv": Answer(body=_head(ROOT / "app" / "data" / "fx" / "imf_annual_rates_per_usd.csv", 200),
                               content_type="text/csv"),
            "/rpw.xlsx": Answer(body=(ROOT / "app" / "data" / "rpw" / "rpw_2025q3_sample.xlsx").read_bytes(),
                                content_type="application/octet-stream"),
        })
        env = _environment(db_url, server.url(""))
        logs = [tmp_path / f"scheduler{n}.log" for n in (1, 2)]
        processes = [subprocess.Popen([sys.executable, "-m", "app.cli", "scheduler"], cwd=ROOT, env=env,
                                      stdout=log.open("wb"), stderr=subprocess.STDOUT) for log in logs]
        try:
            deadline = time.monotonic() + DEADLINE
            while time.monotonic() < deadline:
                finished = {r.source for r in _runs(engine) if r.finished_at is not None}
                if finished >= set(SCHEDULED) or any(p.poll() is not None for p in processes):
                    break
                time.sleep(0.3)
            time.sleep(2.0)  # several lock polls later, the standby must still not have run anything
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            codes = []
            for process in processes:
                try:
                    codes.append(process.wait(timeout=30))
                except subprocess.TimeoutExpired:
                    process.kill()
                    codes.append(process.wait())
        output = "\n".join(log.read_text(errors="replace") for log in logs)
        runs = _runs(engine)
        assert Counter(r.source for r in runs) == Counter(SCHEDULED), output
        assert all(r.trigger == "schedule" and r.status == "ok" for r in runs), [(r.source, r.error) for r in runs]
        assert len(server.hits_on("/wise")) == 1 and len(server.hits_on("/rpw.xlsx")) == 1
        assert output.count("job(s) in this process") == 1, output
        assert codes == [0, 0], output


def test_a_job_is_due_from_its_last_run_not_from_process_start(engine):  # type: ignore[no-untyped-def]
    from app.models.base import utcnow

    assert abs((next_due(engine, "wise", 3600) - utcnow()).total_seconds()) < 5  # never ran: due now
    with Session(engine) as session:
        session.add(CollectorRun(source="wise", status="ok"))
        session.commit()
    assert 3590 < (next_due(engine, "wise", 3600) - utcnow()).total_seconds() <= 3600


def test_lease_admits_one_holder_until_it_expires(engine):  # type: ignore[no-untyped-def]
    first, second = LeaseLock(engine, "host-a:1", 0.5), LeaseLock(engine, "host-b:2", 0.5)
    assert first.acquire() and first.acquire(), "the holder renews"
    assert not second.acquire()
    time.sleep(0.6)  # the first holder stopped renewing (crashed)
    assert second.acquire()
    assert not first.acquire(), "a holder that let its lease lapse has lost it"
    second.release()
    assert first.acquire()


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgres"])
def test_advisory_lock_is_held_by_one_connection_and_freed_when_it_dies(backend, _migrated):  # type: ignore[no-untyped-def]
    engines = [make_engine(_migrated[backend]) for _ in range(2)]
    first, second = AdvisoryLock(engines[0]), AdvisoryLock(engines[1])
    try:
        assert first.acquire() and first.acquire()
        assert not second.acquire()
        first._drop()  # the runner's connection is gone (process died): the server frees the lock
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()
        for engine in engines:
            engine.dispose()


def test_the_web_process_runs_the_scheduler_and_offline_sources_fail_cleanly(db_url, engine, monkeypatch):  # type: ignore[no-untyped-def]
    import socket

    from litestar.testing import TestClient

    from app.main import create_app
    from app.settings import Settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{probe.getsockname()[1]}"  # nobody listens there: we are offline
    monkeypatch.setattr("app.scheduler.domain_jobs", list)  # only the collectors, on the test database
    settings = Settings(database_url=db_url, passerelle_env="test", scheduler_enabled=True,
                        wise_api_url=f"{nowhere}/wise", ecb_rates_url=f"{nowhere}/ecb",
                        ecb_history_url=f"{nowhere}/hist", imf_rates_url=f"{nowhere}/imf",
                        rpw_dataset_url=f"{nowhere}/rpw", rpw_catalog_url=f"{nowhere}/catalog",
                        wise_corridors=["FR-SN"], wise_amounts=[200],
                        collector_retries=0, scheduler_lock_poll_seconds=0.2)
    app = create_app(settings)
    with TestClient(app):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len([r for r in _runs(engine) if r.finished_at]) < len(SCHEDULED):
            time.sleep(0.2)
        assert app.state.scheduler.leading
    assert not app.state.scheduler.leading, "the scheduler stops with the web process"
    runs = _runs(engine)
    assert sorted(r.source for r in runs) == SCHEDULED
    assert all(r.status == "failed" and "ConnectError" in (r.error or "") for r in runs)
