"""`passerelle collect` runs collectors now, for one corridor if asked; offline, every source fails
cleanly and says why."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from app.cli import main
from app.models import CollectorRun
from app.settings import get_settings
from tests.scrapers.source_server import Answer, source_server

WISE_ANSWER = (Path(__file__).resolve().parents[1] / "fixtures" / "wise" / "eur_xof_fr_sn_200.json").read_bytes()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("COLLECTOR_RETRIES", "0")
    monkeypatch.setenv("COLLECTOR_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # free now, and nobody listens on it


def test_collect_one_corridor_asks_only_for_it(cli, monkeypatch):  # type: ignore[no-untyped-def]
    with source_server() as server:
        server.answers["/wise"] = lambda query: Answer(body=json.dumps(
            {**json.loads(WISE_ANSWER), "amount": float(query["sendAmount"])}).encode())
        monkeypatch.setenv("WISE_API_URL", server.url("/wise"))
        get_settings.cache_clear()
        result = cli.invoke(main, ["collect", "wise", "--corridor", "FR-SN"])
    assert result.exit_code == 0, result.output
    assert "wise: run 1 ok — 45 rows in, 45 published" in result.output  # 9 providers x 5 amounts
    asked = server.hits_on("/wise")
    assert sorted(int(q["sendAmount"]) for q in asked) == [50, 100, 200, 500, 1000]
    assert {(q["sourceCountry"], q["targetCountry"], q["sourceCurrency"], q["targetCurrency"]) for q in asked} == {
        ("FR", "SN", "EUR", "XOF")}


def test_offline_every_source_fails_cleanly(cli, monkeypatch, engine):  # type: ignore[no-untyped-def]
    nowhere = f"http://127.0.0.1:{closed_port()}"
    for name in ("WISE_API_URL", "ECB_RATES_URL", "ECB_HISTORY_URL", "IMF_RATES_URL", "RPW_DATASET_URL"):
        monkeypatch.setenv(name, f"{nowhere}/{name.lower()}")
    monkeypatch.setenv("WISE_CORRIDORS", "FR-SN")
    get_settings.cache_clear()
    result = cli.invoke(main, ["collect"])
    assert result.exit_code == 1
    with Session(engine) as session:
        runs = session.exec(select(CollectorRun)).all()
    assert sorted(r.source for r in runs) == ["ecb", "ecb_history", "imf", "rpw", "wise"]
    for run in runs:
        assert run.status == "failed" and run.finished_at is not None and run.rows_published == 0
        assert "ConnectError" in (run.error or ""), run.error


def test_an_unknown_source_is_refused(cli):  # type: ignore[no-untyped-def]
    result = cli.invoke(main, ["collect", "westernunion"])
    assert result.exit_code == 2 and "unknown source(s) westernunion" in result.output
