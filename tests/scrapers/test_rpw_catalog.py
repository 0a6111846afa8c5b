"""The RPW collector finds the newest release through the World Bank Data Catalog, falls back to the
last known file when the catalog fails, and imports a quarter once.

The catalog cannot be reached from here: a loopback server answers in the shape its documentation
gives for ``/ddhxext/DatasetView`` (a JSON object whose ``Resources`` list the files of the dataset).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from app.models import CollectorRun, Quote
from app.settings import Settings
from scrapers import rpw_catalog
from scrapers.pipeline import collect
from tests.scrapers.source_server import Answer, SourceServer, source_server

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "data" / "rpw" / "rpw_2025q3_sample.xlsx"
VIEW = "/ddhxext/DatasetView"
Q3 = "/ddh-published/0037898/DR0095523/rpw_dataset_2011_2025_q3.xlsx"
Q4 = "/ddh-published/0037898/DR0099999/rpw_dataset_2011_2025_q4.xlsx"
CHALLENGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
             b"<body>Checking your browser before accessing the site.</body></html>")


@pytest.fixture
def server() -> Iterator[SourceServer]:
    with source_server() as running:
        yield running


def resource(server: SourceServer, rid: str, path: str, name: str, fmt: str = "XLSX") -> dict[str, object]:
    return {"resource_unique_id": rid, "name": name, "format": fmt, "resource_type": "Download",
            "url": server.url(path) if path.startswith("/") else path, "distribution_size": 50_000_000,
            "last_updated_date": "2025-11-20T00:00:00"}


def dataset_view(*resources: dict[str, object]) -> Answer:
    return Answer(body=json.dumps({"dataset_unique_id": "0037898", "name": "remittance_prices_worldwide",
                                   "identification": {"title": "Remittance Prices Worldwide"},
                                   "Resources": list(resources)}).encode())


def settings_for(server: SourceServer, db_url: str = "sqlite://", **extra: object) -> Settings:
    return Settings(database_url=db_url, passerelle_env="test", scheduler_enabled=False,
                    rpw_catalog_url=server.url(f"{VIEW}?dataset_unique_id=0037898"),
                    rpw_dataset_url=server.url(Q3), collector_retries=0, collector_timeout_seconds=5,
                    **extra)  # type: ignore[arg-type]


def test_the_newest_release_the_catalog_lists_is_chosen(server):  # type: ignore[no-untyped-def]
    server.answers[VIEW] = dataset_view(
        resource(server, "DR0090001", "/f/DR0090001/rpw_dataset_2011_2024_q4.xlsx", "RPW 2011-2024 Q4"),
        resource(server, "DR0095523", Q3, "RPW 2011-2025 Q3"),
        resource(server, "DR0095524", "/f/DR0095524/rpw_dataset_2011_2025_q3.csv", "RPW CSV", "CSV"),
        resource(server, "DR0095530", "/f/DR0095530/rpw_methodology.pdf", "Methodology", "PDF"),
        # a newer name on a host that is neither the World Bank's nor the catalog's is never downloaded
        resource(server, "DR6666666", "https://files.example.net/rpw_dataset_2011_2026_q1.xlsx", "mirror"),
        resource(server, "DR0091000", "/f/DR0091000/rpw_dataset_2011_2025_q1.xlsx", "RPW 2011-2025 Q1"),
    )
    release = rpw_catalog.resolve(settings_for(server))
    assert (release.url, release.period, release.resource_id) == (server.url(Q3), "2025Q3", "DR0095523")
    assert release.found_by == "catalog"
    assert server.hits_on(VIEW) == [{"dataset_unique_id": "0037898"}]


@pytest.mark.parametrize("answer", [
    Answer(503, b"busy", "text/plain"),
    Answer(404, b"gone", "text/plain"),
    Answer(200, CHALLENGE, "text/html"),
    Answer(200, b'{"data": []}'),
    Answer(200, b'[{"url": "x"}]'),
    Answer(200, json.dumps({"Resources": [{"name": "Methodology", "url": "https://x.worldbank.org/m.pdf"}]}).encode()),
    Answer(200, b'{"Resources": "soon"}'),
    Answer(200, b"\xff\xfe not text"),
], ids=["unavailable", "not-found", "challenge-page", "other-shape", "a-list", "no-workbook", "bad-resources",
        "bytes"])
def test_the_last_known_file_is_used_when_the_catalog_does_not_say(server, answer, caplog):  # type: ignore[no-untyped-def]
    server.answers[VIEW] = answer
    release = rpw_catalog.resolve(settings_for(server))
    assert release.url == server.url(Q3) and release.period == "2025Q3"
    assert release.found_by.startswith("fallback: ")
    assert "using" in caplog.text and server.url(Q3) in caplog.text


def test_the_shipped_defaults_point_at_the_catalog_and_the_2025q3_file():
    settings = Settings()
    assert settings.rpw_catalog_url == ("https://datacatalogapi.worldbank.org/ddhxext/DatasetView"
                                        "?dataset_unique_id=0037898")
    assert rpw_catalog.period_of(settings.rpw_dataset_url) == "2025Q3"
    assert rpw_catalog._trusted(settings.rpw_dataset_url, settings.rpw_catalog_url)


def _resaved(workbook: bytes) -> bytes:
    """The same sheets saved again: other bytes (a later release), the same rows."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _runs(engine) -> list[CollectorRun]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(CollectorRun).where(CollectorRun.source == "rpw")
                                 .order_by(col(CollectorRun.id))).all())


def test_a_quarter_is_imported_once_and_the_next_one_when_it_appears(server, db_url, engine):  # type: ignore[no-untyped-def]
    workbook = SAMPLE.read_bytes()
    server.answers[Q3] = Answer(body=workbook, content_type="application/octet-stream")
    server.answers[VIEW] = dataset_view(resource(server, "DR0095523", Q3, "RPW 2011-2025 Q3"))
    settings = settings_for(server, db_url)

    first = collect("rpw", engine=engine, settings=settings)
    assert first.status.value == "ok" and first.published > 100
    with Session(engine) as session:
        quotes = len(session.exec(select(Quote.id).where(Quote.source == "rpw")).all())

    again = collect("rpw", engine=engine, settings=settings)
    assert again.status.value == "ok" and again.published == 0
    assert "2025Q3 is already imported" in (again.error or "")
    assert len(server.hits_on(Q3)) == 1, "the 50 MB workbook of a quarter we have is not downloaded again"

    server.answers[VIEW] = Answer(503, b"down", "text/plain")  # the fallback is that same file: still nothing new
    assert collect("rpw", engine=engine, settings=settings).published == 0
    assert len(server.hits_on(Q3)) == 1

    server.answers[Q4] = Answer(body=_resaved(workbook), content_type="application/octet-stream")
    server.answers[VIEW] = dataset_view(resource(server, "DR0095523", Q3, "RPW 2011-2025 Q3"),
                                        resource(server, "DR0099999", Q4, "RPW 2011-2025 Q4"))
    newer = collect("rpw", engine=engine, settings=settings)
    assert newer.status.value == "ok" and newer.published > 100 and len(server.hits_on(Q4)) == 1
    assert collect("rpw", engine=engine, settings=settings).published == 0
    assert len(server.hits_on(Q4)) == 1
    with Session(engine) as session:
        assert len(session.exec(select(Quote.id).where(Quote.source == "rpw")).all()) == quotes, \
            "the same rows again change nothing"
    assert [r.status for r in _runs(engine)] == ["ok"] * 5
