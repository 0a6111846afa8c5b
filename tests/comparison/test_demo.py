"""`passerelle demo load` gives real comparisons offline, once: a second `--if-empty` load does nothing,
and the bundled data shows as stale, never as fresh."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, func, select

from app.comparison.sources import source_states
from app.demo import load_demo
from app.models import CollectorRun, CorridorStat, Quote, ReferenceRate
from app.settings import Settings


def counts(engine) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (CollectorRun, Quote, CorridorStat, ReferenceRate))


def test_demo_loads_the_bundled_data_once(engine, db_url):  # type: ignore[no-untyped-def]
    first = load_demo(only_if_empty=True, engine=engine)
    # 23 corridors; one service was priced at USD 200 only, its USD 500 half is quarantined with the reason
    assert "rpw_2025q3_wca.xlsx partial (959 rows, 959 new)" in first, first
    assert "rpw_2025q3_sample" not in first, "the sample is a subset of the 23 corridors: load one, never both"
    loaded = counts(engine)
    runs, quotes, stats, rates = loaded
    assert quotes == 959 + 2 and rates > 200_000 and stats > 10_000
    second = load_demo(only_if_empty=True, engine=engine)
    assert "comparison: already loaded" in second
    assert counts(engine) == loaded, "the second load did nothing at all"
    with Session(engine) as session:
        senegal = session.exec(select(CorridorStat).where(
            CorridorStat.source == "rpw", CorridorStat.corridor == "FR-SN", CorridorStat.amount_usd == 200)).one()
        states = {s.source: s for s in source_states(session, Settings(database_url=db_url))}
    assert senegal.average_total_cost_pct == Decimal("2.41")
    # recorded and bundled data is dated: it is shown as stale, never as fresh
    for source in ("wise", "ecb", "ecb_history", "rpw"):
        assert states[source].freshness == "stale", source
    assert states["rpw_history"].freshness == "fresh", "a frozen series never goes stale"
    assert states["staff"].freshness == "never"
