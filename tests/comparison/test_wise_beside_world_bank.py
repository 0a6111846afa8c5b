"""A Wise collection (recorded answer, FR -> SN) beside the World Bank's 2025Q3 quotes: Wise's offers keep their
``bank_account`` payout, and the World Bank's statistics stay on the page, labelled as such, with Wise's live
figures labelled apart; the corridor's statistics (API, corridor page) never take Wise's quarter for the World
Bank's."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.comparison.indicators import latest_stats, period_stats
from app.comparison.panel import published_stats
from app.models import RunStatus
from app.models.quotes import CorridorStat, Quote
from basics.corridors import parse_corridor

WISE = Path(__file__).resolve().parents[1] / "fixtures" / "wise" / "eur_xof_fr_sn_200.json"
FR_SN = parse_corridor("FR-SN")


@pytest.fixture
def with_wise(engine, settings):  # type: ignore[no-untyped-def]
    """The demo data (RPW 2025Q3, reference rates: the USD value places Wise's 200 € on the USD 200 point),
    then one Wise collection for France -> Senegal."""
    from app.demo import load_demo
    from scrapers.pipeline import ingest

    load_demo(engine=engine)
    report = ingest("wise", WISE.read_bytes(), url=WISE.as_uri(), engine=engine, settings=settings,
                    context={"source_country": "FR", "target_country": "SN"})
    assert report.status is RunStatus.ok and report.published > 0, report
    return engine


def test_wise_quotes_keep_their_bank_account_payout(with_wise, client):  # type: ignore[no-untyped-def]
    with Session(with_wise) as session:
        payouts = set(session.exec(select(Quote.payout).where(Quote.source == "wise")).all())
    assert payouts == {"bank_account"}
    offers = client.get("/api/v1/compare?from=FR&to=SN&amount=200&payout=bank_account").json()["offers"]
    assert any(o["source"] == "wise" for o in offers) and {o["payout"] for o in offers} == {"bank_account"}


def test_the_world_banks_quarter_stays_beside_wises_live_figures(with_wise, client):  # type: ignore[no-untyped-def]
    with Session(with_wise) as session:
        published = published_stats(session, FR_SN)
        sources = [(s.source, s.period) for s in published]
        assert sources[0] == ("rpw", "2025Q3") and len(sources) == 2 and sources[1][0] == "passerelle", sources
        live = published[1]
        assert live.period > "2025Q3" and live.services < published[0].services
        # the corridor's statistics are the World Bank's unless another source is asked for by name
        world_bank = latest_stats(session, FR_SN)
        assert world_bank is not None and (world_bank.source, world_bank.period) == ("rpw", "2025Q3")
        assert world_bank.average_total_cost_pct == published[0].average_total_cost_pct
        ours = period_stats(session, FR_SN, 200, None, source="passerelle")
        assert (ours.source, ours.period) == ("passerelle", live.period)
        rows = session.exec(select(CorridorStat).where(CorridorStat.corridor == "FR-SN")).all()
        assert {r.source for r in rows} >= {"rpw", "passerelle"}

    api = client.get("/api/v1/corridors/FR-SN/stats").json()
    assert (api["source"], api["period"]) == ("rpw", "2025Q3")
    api_live = client.get("/api/v1/corridors/FR-SN/stats?source=passerelle").json()
    assert (api_live["source"], api_live["period"]) == ("passerelle", live.period)

    page = client.get("/?from=FR&to=SN&amount=200", headers={"Accept-Language": "en"}).text
    assert "Published by the World Bank (RPW), 2025Q3, USD 200 price point" in page
    assert f"Passerelle&#39;s own live collection, {live.period}, USD 200 price point" in page
    assert page.index("Published by the World Bank") < page.index("own live collection")
    french = client.get("/?from=FR&to=SN&amount=200", headers={"Accept-Language": "fr"}).text
    assert "Banque mondiale" in french and "2025Q3" in french
