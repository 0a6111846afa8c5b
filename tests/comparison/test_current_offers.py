"""Current offers are a cache of truth, not a new truth: the comparison, the API, the corridor list and the
compare form read precomputed tables, and give exactly what the old computation over every stored quote
gave, after the demo data, several Wise collections and a staff sheet; a load replaces a corridor's
offers atomically, so a reader concurrent with it sees the corridor wholly before or wholly after."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.comparison import indicators, offers, pages
from app.demo import load_demo
from app.errors import DomainError
from app.models import CorridorStat, CurrentCorridor, CurrentOffer, Quote, RunStatus
from app.models.base import aware
from app.settings import Settings
from scrapers import current_offers
from scrapers.pipeline import ingest

WISE = Path(__file__).resolve().parents[1] / "fixtures" / "wise" / "eur_xof_fr_sn_200.json"
AMOUNTS = ["1", "50", "99.99", "150", "200", "350", "499", "1000", "25000", "1000000"]
NOW = datetime(2026, 4, 20, tzinfo=UTC)


# --- the old computation, word for word (before current offers), against which the cache is proved ---

def old_latest_services(session: Session, corridor: Any) -> list[Quote]:
    quotes = session.exec(select(Quote).where(Quote.corridor == corridor.code)
                          .order_by(col(Quote.observed_at).desc())).all()
    latest: dict[tuple[str, ...], datetime] = {}
    kept: list[Quote] = []
    for quote in quotes:
        key = (quote.source, quote.provider_slug, quote.provider_name, quote.payin, quote.payout, quote.speed)
        seen = latest.setdefault(key, aware(quote.observed_at))  # type: ignore[arg-type]
        if seen - aware(quote.observed_at) <= timedelta(days=1):  # type: ignore[operator]
            kept.append(quote)
    return kept


def in_one_order(latest_services: Any) -> Any:
    """Quotes observed at the same moment came in the database's order (on PostgreSQL, any order), and
    offers that rank equal keep it: both computations are read in one fixed order to compare their pages."""
    def ordered(session: Session, corridor: Any) -> list[Any]:
        return sorted(latest_services(session, corridor),
                      key=lambda q: (-aware(q.observed_at).timestamp(), q.source, q.natural_key, q.amount))
    return ordered


def old_list_corridors(session: Session) -> list[indicators.CorridorSummary]:
    rows = session.exec(select(Quote.corridor, func.max(Quote.period), func.count(func.distinct(Quote.provider_slug)))
                        .group_by(Quote.corridor).order_by(Quote.corridor)).all()
    latest: dict[str, CorridorStat] = {}
    for stat in session.exec(select(CorridorStat).where(col(CorridorStat.source) != "wb_history",
                                                        CorridorStat.amount_usd == 200)).all():
        if stat.corridor not in latest or (stat.period, -indicators.SOURCE_PREFERENCE.get(stat.source, 9)) > (
                latest[stat.corridor].period, -indicators.SOURCE_PREFERENCE.get(latest[stat.corridor].source, 9)):
            latest[stat.corridor] = stat
    summaries = []
    for corridor, period, providers in rows:
        found = latest.get(corridor)
        summaries.append(indicators.CorridorSummary(indicators.parse_corridor_code(corridor),
                                                    found.period if found else period,
                                                    found.services or providers if found else providers))
    return summaries


def old_country_pairs(session: Session) -> set[tuple[str, str]]:
    return {tuple(p) for p in session.exec(select(Quote.source_country, Quote.destination_country).distinct())}


# --- data: the demo, then collections on top ---

def wise_answer(at: datetime, amount: int, fee_shift: float, *, providers: int | None = None) -> bytes:
    """The recorded Wise answer (FR -> SN), as collected at ``at`` for ``amount`` with fees moved."""
    data = json.loads(WISE.read_bytes())
    data["amount"] = float(amount)
    data["providers"] = data["providers"][:providers] if providers else data["providers"]
    for provider in data["providers"]:
        for quote in provider["quotes"]:
            quote["dateCollected"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            quote["fee"] = round(quote["fee"] * amount / 200 + fee_shift, 2)
            quote["receivedAmount"] = None
    return json.dumps(data).encode()


def collect_wise(engine: Engine, settings: Settings, at: datetime, amount: int, fee_shift: float,
                 providers: int | None = None) -> None:
    report = ingest("wise", wise_answer(at, amount, fee_shift, providers=providers), url="file:///wise.json",
                    engine=engine, settings=settings, context={"target_country": "SN"})
    assert report.status is RunStatus.ok, report.error


STAFF = (b"provider,source_country,destination_country,amount,fee,rate,payout,speed,observed_at\n"
         b"Wave,FR,SN,200,0,655.957,mobile wallet,same day,2026-04-18T10:00\n"
         b"Wave,FR,SN,500,1,655.957,mobile wallet,same day,2026-04-18T10:00\n"
         b"Wave,FR,SN,200,0.5,650,mobile wallet,same day,2026-04-17T09:00\n"
         b"Ria,FR,SN,200,3,640,cash,next day,2026-04-16T10:00\n"
         b"Ria,FR,SN,200,2,641,cash,next day,2026-04-17T11:00\n"
         b"Ria,IT,ML,100,4,650,cash,next day,2026-04-17T11:00\n")


@pytest.fixture
def loaded(engine: Engine, settings: Settings) -> Engine:
    load_demo(engine=engine)
    day = datetime(2026, 4, 13, 14, tzinfo=UTC)
    # four collections a day, then a gap: rounds overlap by hours, amounts come and go, fees move
    for offset, amounts, shift in ((timedelta(days=-3), (100, 200, 500), 1.0), (timedelta(hours=-30), (200,), 0.5),
                                   (timedelta(hours=-20), (100, 500), 0.3), (timedelta(hours=-6), (200,), 0.2),
                                   (timedelta(0), (200, 1000), 0.0)):
        for amount in amounts:
            collect_wise(engine, settings, day + offset, amount, shift)
    report = ingest("staff", STAFF, url="file:///staff.csv", engine=engine, settings=settings)
    assert report.status is RunStatus.ok, report.error
    return engine


def offers_of(engine: Engine, settings: Settings, corridor: indicators.CorridorSummary, amount: str,
              payout: str | None) -> list[offers.Offer] | str:
    with Session(engine) as session:
        try:
            return offers.compare(session, settings, corridor.corridor.source_country,
                                  corridor.corridor.destination_country, amount, payout=payout, now=NOW).offers
        except DomainError as exc:
            return exc.message


def test_the_comparison_gives_what_the_old_computation_gave(loaded: Engine, settings: Settings,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with Session(loaded) as session:
        corridors = indicators.list_corridors(session)
        assert corridors == old_list_corridors(session), "the corridor list"
        pairs = set(session.exec(select(CurrentCorridor.source_country, CurrentCorridor.destination_country)))
        assert pairs == old_country_pairs(session), "the compare form's countries"
    assert {c.corridor.code for c in corridors} >= {"FR-SN", "GB-ES", "IT-ML"}
    cases = [(c, a, p) for c in corridors for a in AMOUNTS for p in (None, *offers.PAYOUTS)]
    monkeypatch.setattr(offers, "latest_services", in_one_order(offers.latest_services))
    new = [offers_of(loaded, settings, *case) for case in cases]
    monkeypatch.setattr(offers, "latest_services", in_one_order(old_latest_services))
    old = [offers_of(loaded, settings, *case) for case in cases]
    assert sum(isinstance(o, list) and len(o) > 0 for o in old) > len(cases) // 3, "the cases price something"
    for case, before, now in zip(cases, old, new, strict=True):
        assert now == before, (case[0].corridor.code, case[1], case[2])


def test_the_api_and_the_page_give_what_they_gave(loaded: Engine, settings: Settings, client: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    queries = [f"from=FR&to=SN&amount={a}" for a in AMOUNTS] + ["from=FR&to=SN&amount=150&payout=mobile_wallet",
                                                                 "from=GB&to=ES&amount=1000", "from=IT&to=ML&amount=80"]

    def tokenless(html: str) -> str:
        return re.sub(r'(name="_csrf_token" value="|"x-csrftoken": ")[^"]*', r"\1", html)

    def answers() -> list[Any]:
        # The served page and API come from the comparison's cache: emptied, so that each pass reads the database
        # through its own computation (a cache filled by the first pass would answer the second one).
        client.app.state.comparison_cache.clear()
        env = client.app.template_engine.engine
        results = []
        for query in queries:
            form = {"from": "", "to": "", "amount": "", "currency": "", "payout": "", "payin": "", "sort": "value",
                    "mode": "send"}
            form.update(dict(part.split("=") for part in query.split("&")))
            page = pages.build_results(loaded, settings, form, env)  # the results fragment, its status, …
            served = client.get(f"/?{query}")  # the whole page as a visitor gets it (cut and spliced)
            assert served.status_code == page[1] and tokenless(page[0]) in tokenless(served.text), query
            results.append((client.get(f"/api/v1/compare?{query}").json(), page, tokenless(served.text)))
        results.append(client.get("/api/v1/corridors").json())
        return results

    monkeypatch.setattr(offers, "latest_services", in_one_order(offers.latest_services))
    new = answers()
    monkeypatch.setattr(offers, "latest_services", in_one_order(old_latest_services))
    monkeypatch.setattr(indicators, "list_corridors", old_list_corridors)
    monkeypatch.setattr("app.comparison.api.list_corridors", old_list_corridors)
    old = answers()
    assert len(new[0][0]["offers"]) > 5
    assert new == old


def test_a_rebuild_from_every_quote_finds_what_the_loads_kept(loaded: Engine) -> None:
    def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        with Session(loaded) as session:
            rows = sorted(tuple(getattr(o, c) for c in current_offers.OFFER_COLUMNS)
                          for o in session.exec(select(CurrentOffer)).all())
            lines = sorted((c.corridor, c.latest_period, c.services) for c in session.exec(select(CurrentCorridor)))
        return rows, lines

    incremental = state()
    with loaded.begin() as conn:
        conn.execute(CurrentOffer.__table__.delete())  # type: ignore[attr-defined]
        current_offers.rebuild(conn)
    assert state() == incremental
    assert len(incremental[0]) > 100


def test_an_existing_database_gets_its_current_offers_at_upgrade(loaded: Engine, db_url: str) -> None:
    from app.schema import upgrade

    with loaded.begin() as conn:
        before = conn.execute(select(func.count()).select_from(CurrentOffer)).scalar_one()
        conn.execute(CurrentOffer.__table__.delete())  # type: ignore[attr-defined]
        conn.execute(CurrentCorridor.__table__.delete())  # type: ignore[attr-defined]
    upgrade(db_url)
    with Session(loaded) as session:
        assert session.exec(select(func.count()).select_from(CurrentOffer)).one() == before > 0


# --- atomicity: a reader concurrent with a load ---

def test_a_reader_never_sees_a_half_loaded_corridor(engine: Engine, db_url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One collection (three amounts, one load) replaces a round of three days before; two readers read
    the corridor all along and must see the old round whole or the new round whole, never a mix, never
    the corridor emptied."""
    from scrapers.pipeline import collect
    from tests.scrapers.source_server import Answer, source_server

    first, second = datetime(2026, 4, 10, 9, tzinfo=UTC), datetime(2026, 4, 13, 9, tzinfo=UTC)
    corridor = offers.resolve_corridor("FR", "SN")
    with source_server() as server:
        settings = Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                            wise_api_url=server.url("/wise"), wise_corridors=["FR-SN"], wise_amounts=[100, 200, 500])
        at = {"moment": first}
        server.answers["/wise"] = lambda query: Answer(body=wise_answer(at["moment"], int(query["sendAmount"]), 0.1))
        load_demo(engine=engine)  # reference rates, and RPW offers on the same corridor
        assert collect("wise", engine=engine, settings=settings).status is RunStatus.ok
        with Session(engine) as session:
            before = [q for q in offers.latest_services(session, corridor) if q.source == "wise"]
        assert len(before) > 10 and {aware(q.observed_at) for q in before} == {first}
        # widen the window between emptying the corridor's offers and writing them again, inside the load's
        # transaction: a reader that could see uncommitted work would find the corridor empty or half done
        real_upsert = current_offers.bulk_upsert

        def slow_upsert(*args: Any, **kwargs: Any) -> None:
            time.sleep(0.3)
            real_upsert(*args, **kwargs)
            time.sleep(0.3)

        monkeypatch.setattr(current_offers, "bulk_upsert", slow_upsert)
        seen: list[tuple[int, frozenset[datetime | None]]] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def reader() -> None:
            try:
                while not stop.is_set():
                    with Session(engine) as session:
                        found = offers.latest_services(session, corridor)
                    wise = [q for q in found if q.source == "wise"]
                    seen.append((len(wise), frozenset(aware(q.observed_at) for q in wise)))
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(0.1)
            at["moment"] = second
            report = collect("wise", engine=engine, settings=settings)
            time.sleep(0.1)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
    assert report.status is RunStatus.ok, report.error
    assert not errors, errors
    assert len(seen) > 10, "the readers read before, during and after the load"
    assert {times for _count, times in seen} == {frozenset({first}), frozenset({second})}, "old round or new"
    assert {count for count, _times in seen} == {len(before)}, "never a corridor half loaded"


def test_two_loads_of_a_new_corridor_at_once_keep_both(engine: Engine, settings: Settings,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A staff sheet and a Wise collection for a corridor nobody loaded yet, loaded at the same moment: both
    succeed and the corridor's current offers hold both (loads of a corridor take turns: without that, on
    PostgreSQL both read the corridor empty, then one fails on the corridor's line or erases the other's)."""
    real_read = current_offers._read

    def slow_read(*args: Any, **kwargs: Any) -> Any:
        found = real_read(*args, **kwargs)
        time.sleep(0.4)  # both loads have read the stored offers before either writes
        return found

    monkeypatch.setattr(current_offers, "_read", slow_read)
    sheet = (b"provider,source_country,destination_country,amount,fee,rate,payout,speed,observed_at\n"
             b"Wave,FR,SN,200,0,655.957,mobile wallet,same day,2026-04-18T10:00\n")
    answer = wise_answer(datetime(2026, 4, 13, 14, tzinfo=UTC), 200, 0.0, providers=2)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def load(source: str, body: bytes) -> None:
        try:
            reports.append(ingest(source, body, url=f"file:///{source}", engine=engine, settings=settings,
                                  context={"target_country": "SN"} if source == "wise" else None))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=load, args=loaded) for loaded in (("staff", sheet), ("wise", answer))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert [r.status for r in reports] == [RunStatus.ok, RunStatus.ok], [r.error for r in reports]
    with Session(engine) as session:
        sources = {o.source for o in session.exec(select(CurrentOffer).where(CurrentOffer.corridor == "FR-SN"))}
        lines = session.exec(select(CurrentCorridor).where(CurrentCorridor.corridor == "FR-SN")).all()
    assert sources == {"staff", "wise"}
    assert len(lines) == 1


def test_a_providers_corridors_prepared_together_are_what_each_prepared_alone_is(loaded: Engine) -> None:
    """The provider page reads its corridors in a few statements (prepare_many): the same services, published
    statistics (each source's latest quarter) and projects as the compare page's corridor by corridor."""
    from app.comparison import current
    from app.comparison.prepared import prepare, prepare_many
    from app.comparison.provider_offers import corridors_of

    with Session(loaded) as session:
        slugs = session.exec(select(CurrentOffer.provider_slug).distinct()).all()
    assert len(slugs) > 3
    seen: list[Any] = []
    for slug in slugs:
        corridors = corridors_of(loaded, slug)
        current.CURRENT_OFFERS._entries.clear()
        alone = [prepare(loaded, corridor) for corridor in corridors]
        current.CURRENT_OFFERS._entries.clear()  # read afresh, then again from what the first read kept
        assert prepare_many(loaded, corridors) == alone
        assert prepare_many(loaded, corridors) == alone
        seen += alone
    assert any(data.published for data in seen) and any(data.services for data in seen)
