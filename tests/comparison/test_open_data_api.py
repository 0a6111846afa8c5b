"""The open-data API: every endpoint, its CSV twin, and clear 400/404 answers."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from tests.comparison.conftest import DATA

EXPECTED = json.loads((DATA / "rpw/rpw_2025q3_wca_expected.json").read_text())


def test_compare_offers_follow_the_rpw_formulas(client, rpw_loaded):
    r = client.get("/api/v1/compare?from=FR&to=SN&amount=200&currency=EUR")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["corridor"] == "FR-SN" and body["currency"] == "EUR" and Decimal(body["amount"]) == 200
    offers = body["offers"]
    assert len(offers) >= 10
    value = [Decimal(o["received_amount"]) / Decimal(o["total_paid"]) for o in offers]
    assert value == sorted(value, reverse=True), "best value first: what the family gets per unit paid"
    for offer in offers:
        assert set(offer["provider"]) == {"slug", "name", "kind"}
        assert isinstance(offer["fee"], str), "decimals travel as strings"
        assert Decimal(offer["received_amount"]) == pytest.approx(Decimal(200) * Decimal(offer["rate"]),
                                                                  abs=Decimal("0.01"))
        assert Decimal(offer["total_cost_pct"]) == pytest.approx(
            Decimal(offer["fee_pct"]) + Decimal(offer["fx_margin_pct"]), abs=Decimal("0.011"))
        assert offer["source"] == "rpw" and offer["stale"] is True  # 2025 Q3 is older than its window
        assert Decimal(offer["total_paid"]) == Decimal(offer["amount"]) + Decimal(offer["fee"])
        assert offer["indicative"] is False and offer["based_on_amount"] == "140"
    # XOF is pegged: 655.957 per euro is the mid-market rate, any difference is the provider's margin.
    assert {o["mid_rate"] for o in offers} == {"655.957"}


def test_alpha3_codes_and_payout_filter(client, rpw_loaded):
    a = client.get("/api/v1/compare?from=FRA&to=SEN&amount=200").json()
    b = client.get("/api/v1/compare?from=fr&to=sn&amount=200").json()
    assert a == b
    wallets = client.get("/api/v1/compare?from=FR&to=SN&amount=200&payout=mobile_wallet").json()["offers"]
    assert wallets and all(o["payout"] == "mobile_wallet" for o in wallets)
    assert len(wallets) < len(a["offers"])


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1e12", "NaN"])
def test_bad_amount_is_400_naming_the_field(client, rpw_loaded, amount):
    r = client.get(f"/api/v1/compare?from=FR&to=SN&amount={amount}")
    assert r.status_code == 400 and r.json()["field"] == "amount", r.text


def test_missing_or_unknown_countries(client, rpw_loaded):
    assert client.get("/api/v1/compare?to=SN&amount=200").json()["field"] == "from"
    # Well formed but naming no country: there is nothing to compare, as for FR-JP (the schema allows it).
    r = client.get("/api/v1/compare?from=ZZ&to=SN&amount=200")
    assert r.status_code == 404 and r.json()["field"] == "from"
    r = client.get("/api/v1/compare?from=F1&to=SN&amount=200")
    assert r.status_code == 400 and r.json()["field"] == "from"
    r = client.get("/api/v1/compare?from=FR&to=JP&amount=200")
    assert r.status_code == 404 and "France" in r.json()["error"] and r.json()["field"] == "to"


@pytest.mark.parametrize(("query", "field"), [
    ("from=FR&to=SN&amount=1 234,56", "amount"),  # the form reads it; a program writes 1234.56
    ("from=FR&to=SN&amount=0200", "amount"),
    ("from=FR&to=SN&amount=200.005", "amount"),
    ("from=FR&to=SN&amount=1000000.01", "amount"),
    ("from=FR&to=SN&amount=200%0A", "amount"),
    ("from=FR&to=SN&receive=0", "receive"),
    ("from=FR&to=SN&amount=200&currency=EURO", "currency"),
    ("from=FR&to=SN&amount=200&payin=cheque", "payin"),
    ("from=FR&to=SN&amount=200&sort=cheapest", "sort"),
    ("from=FR&to=SN&amount=200&format=xml", "format"),
])
def test_api_parameters_keep_to_their_documented_shape(client, rpw_loaded, query, field):
    r = client.get(f"/api/v1/compare?{query}", headers={"accept-language": "fr"})
    assert r.status_code == 400 and r.json()["field"] == field, r.text
    assert r.json()["status"] == 400 and r.json()["error"]


def test_api_answers_404_for_a_currency_the_corridor_does_not_use(client, rpw_loaded):
    r = client.get("/api/v1/compare?from=FR&to=SN&amount=200&currency=USD")
    assert r.status_code == 404 and r.json()["field"] == "currency" and "EUR" in r.json()["error"]
    assert client.get("/api/v1/compare?from=FR&to=SN&amount=200&currency=eur").status_code == 200


def test_compare_without_an_amount_prices_200(client, rpw_loaded):
    assert (client.get("/api/v1/compare?from=FR&to=SN").json()
            == client.get("/api/v1/compare?from=FR&to=SN&amount=200").json())


def test_stats_reproduce_the_world_bank(client, rpw_loaded):
    r = client.get("/api/v1/corridors/FR-SN/stats?period=2025Q3&amount_usd=200")
    assert r.status_code == 200, r.text
    stats = r.json()
    assert stats["corridor"] == "FR-SN" and stats["period"] == "2025Q3" and stats["amount_usd"] == 200
    assert stats["average_total_cost_pct"] == "2.41" and stats["services"] == 17
    assert stats["smart_pct"] == "0.95" and stats["min_total_cost_pct"] == "0.91"
    assert client.get("/api/v1/corridors/FRA-SEN/stats?period=2025_3Q").json() == stats
    assert client.get("/api/v1/corridors/FR-SN/stats").json() == stats  # latest by default


def test_stats_errors(client, rpw_loaded):
    assert client.get("/api/v1/corridors/FR-SN/stats?amount_usd=300").json()["field"] == "amount_usd"
    assert client.get("/api/v1/corridors/FR-SN/stats?period=last").json()["field"] == "period"
    assert client.get("/api/v1/corridors/FR-SN/stats?period=").json()["field"] == "period"
    assert client.get("/api/v1/corridors/FR-SN/stats?amount_usd=0200").json()["field"] == "amount_usd"
    assert client.get("/api/v1/corridors/FR_SN/stats").json()["field"] == "code"
    assert client.get("/api/v1/corridors/FR-SN/stats?period=2019Q1").status_code == 404
    assert client.get("/api/v1/corridors/XX-SN/stats").status_code == 404


def test_history_runs_from_2011_to_our_quarters(client, rpw_loaded):
    points = client.get("/api/v1/corridors/FR-SN/history?amount_usd=200").json()
    periods = [p["period"] for p in points]
    assert periods[0] == "2011Q1" and periods[-1] == "2025Q3" and periods == sorted(periods)
    assert {p["source"] for p in points} == {"wb_history", "rpw"}
    assert all(isinstance(p["average_total_cost_pct"], str) for p in points)


def test_corridor_list(client, rpw_loaded):
    corridors = {c["corridor"]: c for c in client.get("/api/v1/corridors").json()}
    assert set(corridors) >= {"FR-SN", "FR-ML", "FR-CI", "FR-CM", "FR-TG", "FR-MA"}
    assert corridors["FR-CM"] == {"corridor": "FR-CM", "source_country": "FR", "destination_country": "CM",
                                  "source_currency": "EUR", "destination_currency": "XAF",
                                  "latest_period": "2025Q3", "services": 20}


@pytest.mark.parametrize("path", ["/api/v1/corridors", "/api/v1/corridors/FR-SN/stats",
                                  "/api/v1/corridors/FR-SN/history", "/api/v1/compare?from=FR&to=SN&amount=200"])
def test_csv_twins(client, rpw_loaded, path):
    base, _sep, query = path.partition("?")
    as_json = client.get(path).json()
    rows_json = as_json["offers"] if isinstance(as_json, dict) and "offers" in as_json else (
        as_json if isinstance(as_json, list) else [as_json])
    for url in (f"{base}.csv" + (f"?{query}" if query else ""), f"{base}?{query}&format=csv" if query
                else f"{base}?format=csv"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), url
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert len(rows) == len(rows_json)


def test_openapi_documents_the_api(client):
    root = client.get("/schema")
    assert root.status_code == 200 and "http" not in root.headers["content-type"]
    assert "<script" not in root.text, "no schema viewer that loads scripts from another host"
    schema = client.get("/schema/openapi.json").json()
    for path in ("/api/v1/corridors", "/api/v1/corridors/{code}/stats", "/api/v1/corridors/{code}/history",
                 "/api/v1/compare"):
        assert path in schema["paths"], path


def test_every_demo_corridor_matches_the_world_bank_through_the_api(client, rpw_loaded):
    for code3, expected in EXPECTED.items():
        code = f"{code3[:3]}-{code3[4:]}"
        stats = client.get(f"/api/v1/corridors/{code}/stats?period=2025Q3&amount_usd=200").json()
        assert stats["services"] == expected["services"], code
        for key in ("average_total_cost_pct", "median_total_cost_pct", "min_total_cost_pct", "smart_pct",
                    "share_under_3_pct"):
            if expected[key] is None:  # e.g. SmaRT of a corridor with fewer than three fast services
                assert stats[key] is None, (code, key)
                continue
            assert abs(Decimal(stats[key]) - Decimal(str(expected[key]))) <= Decimal("0.01"), (code, key)


def test_dr_congo_is_priced_in_us_dollars(client, engine, settings):
    """The RPW prices Belgium -> DR Congo in dollars, as families there are paid; the IMF's CDF series ends in 2023."""
    from scrapers.pipeline import ingest

    for source, path in (("ecb_history", DATA / "fx/eurofxref-hist.csv"), ("rpw", DATA / "rpw/rpw_2025q3_wca.xlsx")):
        assert ingest(source, path.read_bytes(), url=path.as_uri(), engine=engine, settings=settings).published > 0
    corridors = {c["corridor"]: c for c in client.get("/api/v1/corridors").json()}
    assert corridors["BE-CD"]["destination_currency"] == "USD"
    offers = client.get("/api/v1/compare?from=BE&to=CD&amount=200").json()["offers"]
    priced = [o for o in offers if o["received_amount"] is not None]
    assert priced and all(o["rate_derived"] for o in priced)
    assert all(Decimal("1.0") < Decimal(o["rate"]) < Decimal("1.3") for o in priced), "euros to dollars"
