"""`passerelle import-rpw` on the World Bank's 2025 Q3 sample reproduces its corridor figures from the
database, and importing the same file again changes nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.cli import main
from app.models import CollectorRun, CorridorStat, Quote, Snapshot
from basics.corridors import alpha2

DATA = Path(__file__).resolve().parents[2] / "app" / "data" / "rpw"
SAMPLE = DATA / "rpw_2025q3_sample.xlsx"
EXPECTED = json.loads((DATA / "rpw_2025q3_sample_expected.json").read_text())
TOLERANCE = Decimal("0.01")



def import_sample(cli: CliRunner) -> str:
    result = cli.invoke(main, ["import-rpw", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    return result.output


def everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with Session(engine) as session:
        return {table.name: [tuple(r) for r in session.execute(table.select().order_by(table.c.id)).all()]
                for table in (Quote.__table__, CorridorStat.__table__)}  # type: ignore[attr-defined]


def test_import_reproduces_every_corridor_of_the_world_bank_sample(cli, engine):  # type: ignore[no-untyped-def]
    output = import_sample(cli)
    assert "rpw: run 1 ok — 234 rows in, 234 published (234 new or changed), 0 rejected" in output
    with Session(engine) as session:
        stats = {s.corridor: s for s in session.exec(select(CorridorStat).where(
            CorridorStat.source == "rpw", CorridorStat.period == "2025Q3", CorridorStat.amount_usd == 200))}
    expected = {f"{alpha2(k[:3])}-{alpha2(k[4:])}": v for k, v in EXPECTED.items()}
    assert set(stats) == set(expected)
    for corridor, wb in expected.items():
        ours = stats[corridor]
        assert ours.services == wb["services"] == ours.transparent_services, corridor
        for field in ("average_total_cost_pct", "median_total_cost_pct", "min_total_cost_pct", "smart_pct",
                      "share_under_3_pct"):
            value = getattr(ours, field)
            assert isinstance(value, Decimal), (corridor, field)
            assert abs(value - Decimal(str(wb[field]))) <= TOLERANCE, (corridor, field, value, wb[field])


def test_importing_the_same_file_twice_changes_nothing(cli, engine):  # type: ignore[no-untyped-def]
    import_sample(cli)
    before = everything(engine)
    assert len(before["quote"]) == 234
    output = import_sample(cli)
    assert "234 published (0 new or changed)" in output
    assert everything(engine) == before
    with Session(engine) as session:
        runs = session.exec(select(CollectorRun).order_by(col(CollectorRun.id))).all()
        assert [r.status for r in runs] == ["ok", "ok"]
        assert runs[0].snapshot_ids == runs[1].snapshot_ids  # the same bytes are stored once
        assert len(session.exec(select(Snapshot)).all()) == 1


def test_rpw_quotes_keep_the_world_bank_figures_and_our_own(cli, engine):  # type: ignore[no-untyped-def]
    import_sample(cli)
    with Session(engine) as session:
        ria = session.exec(select(Quote).where(Quote.natural_key == "2025Q3:3300001:1")).one()
    # Ria, France -> Cameroon, EUR 140: the published fee, margin and total; our margin against the peg
    assert (ria.provider_slug, ria.corridor, ria.payout, ria.speed) == ("ria", "FR-CM", "cash", "under_1h")
    assert (ria.amount, ria.fee, ria.rate) == (Decimal("140"), Decimal("6.4"), Decimal("647.6919"))
    assert ria.wb_fx_margin_pct == Decimal("1.26") and ria.total_cost_pct == Decimal("5.83")
    assert ria.mid_rate == Decimal("655.957") and ria.fx_margin_pct == Decimal("1.260006")
    assert ria.margin_disagrees is False
    assert ria.fee_pct == Decimal("4.571429") and ria.received_amount == Decimal("90676.866")


def test_history_series_gives_every_corridor_its_past(cli, engine):  # type: ignore[no-untyped-def]
    result = cli.invoke(main, ["collect", "rpw_history"])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        history = session.exec(select(CorridorStat).where(CorridorStat.source == "wb_history",
                                                          CorridorStat.corridor == "FR-SN")).all()
        corridors = session.exec(select(CorridorStat.corridor).where(CorridorStat.source == "wb_history")
                                 .distinct()).all()
    first = min(history, key=lambda s: s.period)
    assert (first.period, first.average_total_cost_pct) == ("2011Q1", Decimal("8.2126"))
    assert len(corridors) == 377


def test_a_correcting_file_updates_its_corridor_from_everything_stored(cli, engine, tmp_path):  # type: ignore[no-untyped-def]
    import polars as pl

    import_sample(cli)
    sheet = pl.read_excel(SAMPLE, sheet_name="Dataset (from Q2 2016)", infer_schema_length=0)
    senegal = sheet.select([c for c in sheet.columns if not c.startswith("__UNNAMED")]).filter(
        pl.col("corridor") == "FRASEN")
    was = Decimal(senegal["cc1 total cost %"][0])
    # the World Bank corrects one Senegal service's USD 200 total, in a file holding only that service
    corrected = senegal.head(1).with_columns(pl.lit("12.5").alias("cc1 total cost %"))
    correction = tmp_path / "correction.csv"
    corrected.write_csv(correction)
    result = cli.invoke(main, ["import-rpw", str(correction)])
    assert result.exit_code == 0 and "2 published (1 new or changed)" in result.output, result.output
    with Session(engine) as session:
        stats = {s.corridor: s for s in session.exec(select(CorridorStat).where(
            CorridorStat.source == "rpw", CorridorStat.amount_usd == 200))}
    before = EXPECTED["FRA-SEN"]
    expected = (Decimal(str(before["average_total_cost_pct"])) * before["services"] - was + Decimal("12.5")) \
        / before["services"]
    assert stats["FR-SN"].services == before["services"], "the 16 other Senegal services still count"
    assert abs(stats["FR-SN"].average_total_cost_pct - expected) <= TOLERANCE
    assert abs(stats["FR-CI"].average_total_cost_pct - Decimal("4.0471")) <= TOLERANCE, "other corridors unchanged"


def test_tiers_staged_in_pairs_load_as_rows_staged_one_by_one(cli, engine, monkeypatch):  # type: ignore[no-untyped-def]
    """On SQLite an RPW service's two tiers cross as one staged row (``pairs``), its service columns once per
    combination (``factored``); the quotes are the same as when every row is staged alone, including services
    left with one tier and a second tier that changes."""
    import polars as pl

    from scrapers import bulk, loading

    def quotes() -> list[tuple[Any, ...]]:
        table = Quote.__table__  # type: ignore[attr-defined]
        columns = [c for c in table.c if c.name not in {"id", "run_id"}]
        with Session(engine) as session:
            return [tuple(r) for r in session.execute(select(*columns).order_by(table.c.natural_key)).all()]

    real = loading.bulk_upsert
    dropped = {"first": True}

    def odd(conn, table, frame, keys, **options):  # type: ignore[no-untyped-def]
        # the first load lacks one service's second tier and another's first one
        if dropped["first"] and table.name == "quote":
            keys_seen = frame.get_column("natural_key").sort()
            frame = frame.filter(~pl.col("natural_key").is_in([keys_seen[1], keys_seen[2]]))
        return real(conn, table, frame, keys, **options)

    results = []
    # paired with the services' columns staged once per combination (the sample's services are nearly all
    # distinct, so FEW = 1 makes them count as few), paired without, and every row alone
    for mode in ("combinations", "pairs", "rows"):
        dropped["first"] = True
        monkeypatch.setattr(bulk, "FEW", 1 if mode == "combinations" else bulk.FEW)
        monkeypatch.setattr(loading, "bulk_upsert", odd if mode == "combinations" else (
            lambda *a, _mode=mode, **k: odd(*a, **{**k, "factored": (), **({"pairs": None} if _mode == "rows"
                                                                            else {})})))
        import_sample(cli)
        first = quotes()
        dropped["first"] = False
        import_sample(cli)
        results.append((first, quotes()))
        with Session(engine) as session:
            session.execute(Quote.__table__.delete())  # type: ignore[attr-defined]
            session.commit()
    assert len(results[0][0]) == 232 and len(results[0][1]) == 234
    assert results[0] == results[1] == results[2]
