"""Comparison tests read real data: the World Bank's 2025 Q3 quotes (23 corridors) and history, via the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "app" / "data"


@pytest.fixture
def rpw_loaded(engine, settings):  # type: ignore[no-untyped-def]
    from scrapers.pipeline import ingest

    for source, path in (("rpw", DATA / "rpw/rpw_2025q3_wca.xlsx"),
                         ("rpw_history", DATA / "rpw/rpw_corridor_averages_2011q1_2020q3.csv")):
        report = ingest(source, path.read_bytes(), url=path.as_uri(), engine=engine, settings=settings)
        assert report.published > 0, report
    return engine
