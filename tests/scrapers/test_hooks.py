"""After-load hooks: the app's work after a load (price alerts) runs once the load is published,
and a failing hook never fails the run nor stops the next hook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from app.models import Quote, RunStatus
from app.settings import Settings
from scrapers.hooks import Load, after_load
from scrapers.pipeline import ingest

SAMPLE = Path(__file__).resolve().parents[2] / "app/data/rpw/rpw_2025q3_sample.xlsx"


@pytest.fixture
def registered() -> Iterator[list[tuple[str, Load, int]]]:
    calls: list[tuple[str, Load, int]] = []

    def failing(engine: Engine, settings: Settings, load: Load) -> None:
        raise RuntimeError("a hook that breaks")

    def counting(engine: Engine, settings: Settings, load: Load) -> None:
        with engine.connect() as conn:  # another connection: the load must already be committed
            calls.append(("counting", load, int(conn.execute(select(func.count()).select_from(Quote)).scalar_one())))

    after_load.register("test failing", failing)
    after_load.register("test counting", counting)
    try:
        yield calls
    finally:
        after_load.unregister("test failing")
        after_load.unregister("test counting")


def test_hooks_run_after_the_load_is_committed(engine: Engine, settings: Settings,
                                               registered: list[tuple[str, Load, int]]) -> None:
    report = ingest("rpw", SAMPLE.read_bytes(), url=SAMPLE.as_uri(), engine=engine, settings=settings)
    assert report.status is RunStatus.ok, report.error
    [(_name, load, stored)] = registered
    assert (load.source, load.kind, load.published) == ("rpw", "quotes", report.published)
    assert "FR-SN" in load.corridors
    assert stored == report.published, "the hook sees every published quote"


def test_a_failed_run_runs_no_hook(engine: Engine, settings: Settings,
                                   registered: list[tuple[str, Load, int]]) -> None:
    report = ingest("rpw", b"not a workbook", url="file:///broken.xlsx", engine=engine, settings=settings)
    assert report.status is RunStatus.failed
    assert registered == []


def test_the_app_registers_price_alerts(settings: Settings) -> None:
    from app.main import create_app

    after_load.unregister("price alerts")
    create_app(settings)
    assert "price alerts" in after_load.names()
