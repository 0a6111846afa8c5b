"""Staff see and run the price sources, enter mystery-shopping observations one by one or by file, and
map provider names the catalogue does not know. Nobody else gets in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from app.models import CollectorRun, CurrentOffer, Quarantine, Quote
from tests.support import csrf_from, login, make_user, post_form

PAGES = ["/staff/sources", "/staff/observations", "/staff/providers/unreviewed"]
HEADER = "provider,source_country,destination_country,amount,fee,rate,payout,speed,transparent,observed_at\n"
GOOD_ROWS = ("Wave,FR,SN,200,0,655.957,mobile wallet,same day,yes,2026-11-20\n"
             "Western Union,FRA,SEN,200,4.90,641.2,cash,less than one hour,oui,2026-11-20T10:15\n")
BAD_ROWS = ("Ria,FR,SN,200,-2,650,cash,same day,yes,2026-11-21\n"  # negative fee
            "MoneyGram,FR,SN,200,3,0.65,cash,same day,yes,2026-11-21\n"  # rate in the wrong unit
            "Taptap Send,FR,XX,200,0,650,mobile wallet,same day,yes,2026-11-21\n")  # no such country


@pytest.fixture
def staff(client, engine):  # type: ignore[no-untyped-def]
    make_user(engine, "awa.staff@example.org", role="staff")
    assert login(client, "awa.staff@example.org").status_code in (302, 303)
    return client


def quotes(engine) -> list[Quote]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(Quote).order_by(col(Quote.id))).all())


def upload(client, content: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get("/staff/observations").text)
    return client.post("/staff/observations/upload", data={"_csrf_token": token},
                       files={"file": ("observations.csv", content.encode(), "text/csv")}, follow_redirects=False)


@pytest.mark.parametrize("page", PAGES)
def test_only_staff_see_the_pages(page, client, engine):  # type: ignore[no-untyped-def]
    anonymous = client.get(page, follow_redirects=False)
    assert anonymous.status_code in (302, 303) and anonymous.headers["location"].startswith("/login")
    make_user(engine, "moussa@example.org")
    login(client, "moussa@example.org")
    assert client.get(page).status_code == 403
    make_user(engine, "fatou.staff@example.org", role="staff")
    login(client, "fatou.staff@example.org")
    assert client.get(page).status_code == 200


def test_run_now_records_a_run_and_shows_it(staff, engine):  # type: ignore[no-untyped-def]
    page = staff.get("/staff/sources").text
    assert "Moyennes par couloir de la Banque mondiale" in page and "Lancer maintenant" in page
    r = post_form(staff, "/staff/sources", "/staff/sources/rpw_history/run", {})
    assert r.status_code == 200
    with Session(engine) as session:
        run = session.exec(select(CollectorRun).where(CollectorRun.source == "rpw_history")).one()
    assert run.trigger == "staff" and run.status == "ok" and run.rows_published > 10_000
    assert str(run.rows_published) in r.text
    assert "réussi" in r.text and "par l&#39;équipe" in r.text, "statuses and triggers are translated"


def test_one_observation_is_saved_or_refused_beside_its_field(staff, engine):  # type: ignore[no-untyped-def]
    form = {"provider": "Wave", "source_country": "FR", "destination_country": "SN", "amount": "200",
            "fee": "-1", "rate": "655.957", "transparent": "yes", "payout": "mobile wallet", "speed": "same_day",
            "observed_at": "2026-11-20T09:30"}
    refused = post_form(staff, "/staff/observations", "/staff/observations", form)
    assert refused.status_code == 400
    assert 'id="f-fee-error"' in refused.text and "les frais de -1 sont négatifs" in refused.text
    assert 'value="Wave"' in refused.text, "what was typed is kept"
    assert quotes(engine) == []
    saved = post_form(staff, "/staff/observations", "/staff/observations", {**form, "fee": "1,50"})
    assert saved.status_code == 200, saved.text
    [quote] = quotes(engine)
    assert (quote.source, quote.provider_slug, quote.corridor, quote.payout) == ("staff", "wave", "FR-SN",
                                                                                  "mobile_wallet")
    assert quote.fee == Decimal("1.5") and quote.total_cost_pct == Decimal("0.75")


def test_a_clean_file_is_saved_whole(staff, engine):  # type: ignore[no-untyped-def]
    r = upload(staff, HEADER + GOOD_ROWS)
    assert r.status_code in (302, 303), r.text
    assert {q.provider_slug for q in quotes(engine)} == {"wave", "western-union"}


def test_a_file_with_errors_saves_nothing_until_staff_confirm_the_valid_rows(staff, engine):  # type: ignore[no-untyped-def]
    r = upload(staff, HEADER + GOOD_ROWS + BAD_ROWS)
    assert r.status_code == 400
    for line, reason in ((4, "les frais de -2 sont négatifs"), (5, "d&#39;un facteur 1009"),
                         (6, "le pays de réception « XX »")):
        assert f'<td class="num">{line}</td><td>' in r.text and reason in r.text
    assert quotes(engine) == [], "nothing partial is saved from a file with errors"
    confirmed = post_form(staff, "/staff/observations", "/staff/observations/confirm",
                          {"snapshot": r.text.split('name="snapshot" value="')[1].split('"')[0]})
    assert confirmed.status_code == 200
    assert {q.provider_slug for q in quotes(engine)} == {"wave", "western-union"}
    with Session(engine) as session:
        assert len(session.exec(select(Quarantine)).all()) == 3
        run = session.exec(select(CollectorRun).where(CollectorRun.source == "staff")).one()
    assert (run.status, run.rows_published, run.rows_rejected) == ("partial", 2, 3)


def test_staff_map_an_unknown_name_and_its_quotes_follow(staff, engine):  # type: ignore[no-untyped-def]
    upload(staff, HEADER + "Moneyline Express,FR,SN,200,2,650,cash,same day,yes,2026-11-20\n")
    assert [q.provider_slug for q in quotes(engine)] == ["unreviewed"]
    page = staff.get("/staff/providers/unreviewed").text
    assert "Moneyline Express" in page
    r = post_form(staff, "/staff/providers/unreviewed", "/staff/providers/unreviewed",
                  {"source": "staff", "name": "Moneyline Express", "provider": "ria"})
    assert r.status_code == 200 and "Moneyline Express" not in r.text.split("<h2")[0].split("</h1>")[1]
    assert [q.provider_slug for q in quotes(engine)] == ["ria"]
    with Session(engine) as session:  # and so do the current offers the compare page reads
        assert session.exec(select(CurrentOffer.provider_slug)).all() == ["ria"]
    # the next observation under another spelling of the name is resolved at once
    upload(staff, HEADER + "MONEYLINE express,FR,SN,500,3,650,cash,same day,yes,2026-11-21\n")
    assert [q.provider_slug for q in quotes(engine)] == ["ria", "ria"]


def test_a_sources_newest_data_is_its_newest_quote_in_the_history(engine, settings):  # type: ignore[no-untyped-def]
    from sqlmodel import func

    from app.comparison.sources import newest_data
    from app.models.base import aware
    from scrapers.pipeline import ingest
    from tests.comparison.conftest import DATA

    ingest("rpw", (DATA / "rpw/rpw_2025q3_wca.xlsx").read_bytes(), url="file:rpw", engine=engine, settings=settings)
    with Session(engine) as session:  # read from the current offers, it must say what the whole history says
        newest = aware(session.exec(select(func.max(Quote.observed_at)).where(Quote.source == "rpw")).one())
        assert newest is not None and newest_data(session, "rpw") == newest
        assert newest_data(session, "wise") is None  # nothing collected yet
