"""A source that misbehaves never damages published data: each bad answer is a failed or partial run,
bad rows are quarantined with their reason, and what was published before stays exactly as it was.

Every test goes through the real pipeline and a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.models import CollectorRun, Quarantine, Quote, ReferenceRate, Snapshot
from app.settings import Settings
from scrapers.pipeline import collect, ingest
from tests.scrapers.source_server import Answer, SourceServer, source_server

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOOD = (FIXTURES / "wise" / "eur_xof_fr_sn_200.json").read_bytes()
WISE = "/v4/comparisons/"


@pytest.fixture
def server() -> Iterator[SourceServer]:
    with source_server() as running:
        yield running


def settings_for(db_url: str, server: SourceServer, **extra: Any) -> Settings:
    return Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                    wise_api_url=server.url(WISE), wise_corridors=["FR-SN"], wise_amounts=[200],
                    ecb_rates_url=server.url("/ecb/daily.xml"), collector_timeout_seconds=0.5,
                    collector_retries=1, **extra)


def published(engine: Engine) -> list[tuple[Any, ...]]:
    """Every published quote, every column: what must not change when a source misbehaves."""
    with Session(engine) as session:
        return [tuple(row) for row in session.execute(Quote.__table__.select().order_by("id")).all()]  # type: ignore[attr-defined]


def last_run(engine: Engine) -> CollectorRun:
    with Session(engine) as session:
        run = session.exec(select(CollectorRun).order_by(col(CollectorRun.id).desc())).first()
        assert run is not None
        return run


def quarantined(engine: Engine, run_id: int) -> list[Quarantine]:
    with Session(engine) as session:
        return list(session.exec(select(Quarantine).where(Quarantine.run_id == run_id)).all())


def wise_document(**changes: dict[str, Any]) -> bytes:
    """The recorded answer with some providers' first quote changed ({alias: {field: value}})."""
    document = json.loads(GOOD)
    for provider in document["providers"]:
        provider["quotes"][0].update(changes.get(provider["alias"], {}))
    return json.dumps(document).encode()


@pytest.fixture
def earlier(engine: Engine, db_url: str, server: SourceServer) -> list[tuple[Any, ...]]:
    """A good run first: the data every fault test must leave untouched."""
    server.answers[WISE] = Answer(body=GOOD)
    report = collect("wise", engine=engine, settings=settings_for(db_url, server))
    assert report.status.value == "ok" and report.published == 9, report.error
    return published(engine)


def _missing_rate() -> bytes:
    document = json.loads(GOOD)
    del document["providers"][1]["quotes"][0]["rate"]
    return json.dumps(document).encode()


FAULTS = {
    "timeout": (Answer(body=GOOD, delay=2.0), "no complete answer within 0.5 s"),
    "http_500": (Answer(500, b"internal error", "text/plain"), "HTTP 500"),
    "html_not_json": (Answer(body=b"<!doctype html><html><body>Maintenance</body></html>",
                             content_type="text/html"), "HTML page"),
    "truncated_json": (Answer(body=GOOD[: len(GOOD) // 2]), "truncated"),
    "missing_field": (Answer(body=_missing_rate()), "missing required field 'rate'"),
    "no_quotes": (Answer(body=json.dumps({**json.loads(GOOD), "providers": []}).encode()), "no quote"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_broken_answer_fails_the_run_and_keeps_published_data(fault, engine, db_url, server, earlier):  # type: ignore[no-untyped-def]
    answer, cause = FAULTS[fault]
    server.answers[WISE] = answer
    report = collect("wise", engine=engine, settings=settings_for(db_url, server))
    run = last_run(engine)
    assert run.id == report.run_id and run.status == "failed" and run.finished_at is not None
    assert cause in (run.error or ""), run.error
    assert run.rows_published == 0
    assert published(engine) == earlier
    if answer.status == 200 and answer.delay == 0:  # an answer arrived: it was kept before parsing
        with Session(engine) as session:
            snapshot = session.get(Snapshot, json.loads(run.snapshot_ids)[-1])
            assert snapshot is not None and bytes(snapshot.content) == answer.body


def test_absurd_values_are_quarantined_with_reasons_and_good_rows_published(engine, db_url, server, earlier):  # type: ignore[no-untyped-def]
    server.answers[WISE] = Answer(body=wise_document(
        remitly={"fee": -1.5},
        ria={"rate": 648216.7},  # 1000x: the rate in the wrong unit
        moneygram={"rate": 262.38},  # the family would get 60 % less than at mid-market
    ))
    report = collect("wise", engine=engine, settings=settings_for(db_url, server))
    run = last_run(engine)
    assert run.status == "partial" and (run.rows_in, run.rows_published, run.rows_rejected) == (9, 6, 3)
    reasons = {json.loads(row.row)["provider_name"]: row.reason for row in quarantined(engine, report.run_id)}
    assert set(reasons) == {"remitly", "ria", "moneygram"}
    assert "negative fee -1.5" in reasons["remitly"]
    assert "rate 648216.7 is off by 988x from the mid-market rate 655.957" in reasons["ria"]
    assert "above 50 %" in reasons["moneygram"]
    # the earlier, sane quotes of those three providers are still the published ones
    assert published(engine) == earlier


def test_one_corridor_failing_makes_the_run_partial(engine, db_url, server):  # type: ignore[no-untyped-def]
    server.answers[WISE] = lambda query: (Answer(body=GOOD) if query.get("targetCountry") == "SN"
                                          else Answer(503, b"busy", "text/plain"))
    settings = settings_for(db_url, server).model_copy(update={"wise_corridors": ["FR-SN", "FR-ML"]})
    report = collect("wise", engine=engine, settings=settings)
    assert report.status.value == "partial" and report.published == 9
    assert "targetCountry=ML" in (last_run(engine).error or "")
    assert len(server.hits_on(WISE)) == 1 + 2  # SN once; ML tried twice (one retry), then given up


def test_rates_source_answering_html_keeps_the_rates(engine, db_url, server):  # type: ignore[no-untyped-def]
    server.answers["/ecb/daily.xml"] = Answer(body=(FIXTURES / "ecb" / "eurofxref-daily.xml").read_bytes(),
                                              content_type="text/xml")
    settings = settings_for(db_url, server)
    assert collect("ecb", engine=engine, settings=settings).status.value == "ok"
    with Session(engine) as session:
        before = [tuple(r) for r in session.execute(ReferenceRate.__table__.select()).all()]
    assert before
    server.answers["/ecb/daily.xml"] = Answer(body=b"<html><body>Service unavailable</body></html>",
                                              content_type="text/html")
    assert collect("ecb", engine=engine, settings=settings).status.value == "failed"
    with Session(engine) as session:
        assert [tuple(r) for r in session.execute(ReferenceRate.__table__.select()).all()] == before


def _rpw_csv_with_bad_rows() -> bytes:
    sample = Path(__file__).resolve().parents[2] / "app" / "data" / "rpw" / "rpw_2025q3_sample.xlsx"
    sheet = pl.read_excel(sample, sheet_name="Dataset (from Q2 2016)", infer_schema_length=0)
    sheet = sheet.select([c for c in sheet.columns if not c.startswith("__UNNAMED")])
    sheet = sheet.with_row_index("n").with_columns(
        pl.when(pl.col("n") == 0).then(None).otherwise(pl.col("firm")).alias("firm"),
        pl.when(pl.col("n") == 1).then(pl.lit("-3")).otherwise(pl.col("cc1 lcu fee")).alias("cc1 lcu fee"),
        pl.when(pl.col("n") == 2).then(pl.lit("61.5")).otherwise(pl.col("cc1 fx margin")).alias("cc1 fx margin"),
        pl.when(pl.col("n") == 3).then(pl.lit("abc")).otherwise(pl.col("cc1 total cost %")).alias("cc1 total cost %"),
    ).drop("n")
    out = io.BytesIO()
    sheet.write_csv(out)
    return out.getvalue()


def test_bad_rpw_rows_are_quarantined_and_the_rest_imported(engine, db_url):  # type: ignore[no-untyped-def]
    settings = Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test")
    report = ingest("rpw", _rpw_csv_with_bad_rows(), url="file:///upload/rpw.csv", engine=engine, settings=settings)
    assert report.status.value == "partial"
    reasons = [row.reason for row in quarantined(engine, report.run_id)]
    # a missing firm spoils both price points of its service; the others one price point each
    assert report.rejected == 5 and report.published == 234 - 5
    assert sum("firm is missing" in r for r in reasons) == 2
    assert any("negative fee -3" in r for r in reasons)
    assert any("FX margin 61.5 % is above 50 %" in r for r in reasons)
    assert any("total cost % is not a number: 'abc'" in r for r in reasons)
    rows = [json.loads(row.row) for row in quarantined(engine, report.run_id)]
    assert all(row["source_row"] in (2, 3, 4, 5) for row in rows), "quarantine says where the row is"
