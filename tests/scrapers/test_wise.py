"""Wise comparison API v4: parsing recorded answers, refusing broken ones, keeping the right country."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from providers import UNREVIEWED, resolve
from scrapers.errors import ParseError
from scrapers.wise import parse_comparison, parse_iso8601_duration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wise"
DOCS = (FIXTURES / "comparison_v4_docs_example.json").read_bytes()
XOF = (FIXTURES / "eur_xof_fr_sn_200.json").read_bytes()


def edited(data: bytes, change: Any) -> bytes:
    document = json.loads(data)
    change(document)
    return json.dumps(document).encode()


def test_docs_example_parses_exactly() -> None:
    quotes = parse_comparison(DOCS, target_country=None)
    assert quotes.height == 3
    wise = quotes.row(0, named=True)
    assert wise["provider_alias"] == "wise" and wise["provider_type"] == "moneyTransferProvider"
    assert (wise["send_currency"], wise["receive_currency"]) == ("GBP", "EUR")
    assert wise["amount"] == Decimal(10000) and wise["fee"] == Decimal("37.12")
    assert wise["rate"] == Decimal("1.15989")  # no float on the way
    assert wise["markup_pct"] == 0 and wise["wise_received_amount"] == Decimal("11555.84")
    assert wise["observed_at"] == datetime(2019, 10, 22, 14, 36, 43, tzinfo=UTC)
    assert wise["delivery_max"] == timedelta(hours=20, minutes=8, seconds=16, microseconds=305111)
    assert wise["speed"] == "same_day"
    assert (wise["payin"], wise["payout"]) == ("bank_account", "bank_account")
    assert quotes.schema["observed_at"] == pl.Datetime("us", "UTC")


def test_quotes_for_other_countries_of_the_currency_are_dropped() -> None:
    quotes = parse_comparison(XOF, target_country="SN")
    assert set(quotes["target_country"]) == {"SN"}
    assert quotes["provider_alias"].to_list() == [
        "wise", "remitly", "western-union", "moneygram", "ria", "worldremit",
        "bnp-paribas", "la-banque-postale", "societe-generale"]
    mali = parse_comparison(XOF, target_country="ml")
    assert mali["provider_alias"].to_list() == [
        "wise", "remitly", "moneygram", "worldremit", "bnp-paribas", "la-banque-postale", "societe-generale"]
    remitly = mali.filter(pl.col("provider_alias") == "remitly").row(0, named=True)
    assert remitly["markup_pct"] == Decimal("1.21")


def test_without_a_target_country_every_quote_is_kept() -> None:
    assert parse_comparison(XOF, target_country=None).height == 13


def test_a_country_specific_quote_beats_the_providers_generic_one() -> None:
    def add_generic(document: dict[str, Any]) -> None:
        remitly = document["providers"][1]
        remitly["quotes"].append({**remitly["quotes"][0], "targetCountry": None, "markup": 5.0})

    quotes = parse_comparison(edited(XOF, add_generic), target_country="SN")
    remitly = quotes.filter(pl.col("provider_alias") == "remitly")
    assert remitly["markup_pct"].to_list() == [Decimal("0.98")]


def test_the_fee_is_on_top_and_wise_received_amount_is_kept_apart() -> None:
    quotes = parse_comparison(XOF, target_country="SN")
    ria = quotes.filter(pl.col("provider_alias") == "ria").row(0, named=True)
    ours = ria["amount"] * ria["rate"]
    assert ours - ria["wise_received_amount"] == pytest.approx(ria["fee"] * ria["rate"], abs=Decimal("0.01"))
    assert ria["source_country"] == "FR"


def test_durations_and_speed_classes_of_the_recorded_answer() -> None:
    quotes = parse_comparison(XOF, target_country="SN")
    speed = dict(zip(quotes["provider_alias"], quotes["speed"], strict=True))
    assert speed == {
        "wise": "next_day", "remitly": "under_1h", "western-union": None, "moneygram": "next_day",
        "ria": "same_day", "worldremit": "same_day", "bnp-paribas": "3_5_days",
        "la-banque-postale": "3_5_days", "societe-generale": "6_days_plus"}
    worldremit = quotes.filter(pl.col("provider_alias") == "worldremit").row(0, named=True)
    assert worldremit["delivery_min"] is None and worldremit["delivery_max"] == timedelta(hours=4)


def test_speed_from_min_when_max_is_unknown() -> None:
    def min_only(document: dict[str, Any]) -> None:
        document["providers"][4]["quotes"][0]["deliveryEstimation"]["duration"] = {"min": "P4D", "max": None}

    quotes = parse_comparison(edited(XOF, min_only), target_country="SN")
    ria = quotes.filter(pl.col("provider_alias") == "ria")
    assert ria["speed"].to_list() == ["3_5_days"]


def test_every_provider_of_the_recorded_answers_is_in_the_catalogue() -> None:
    for data in (DOCS, XOF):
        for alias in parse_comparison(data, target_country=None)["provider_alias"]:
            assert resolve("wise", alias) is not UNREVIEWED, alias


@pytest.mark.parametrize(("text", "expected"), [
    ("PT2H", timedelta(hours=2)),
    ("P1D", timedelta(days=1)),
    ("PT20H36M3.5S", timedelta(hours=20, minutes=36, seconds=3.5)),
    ("P2DT3H", timedelta(days=2, hours=3)),
    ("PT20H8M16.305111S", timedelta(hours=20, minutes=8, seconds=16, microseconds=305111)),
    ("P1W", timedelta(days=7)),
    ("PT0S", timedelta(0)),
    ("PT1,5H", timedelta(hours=1, minutes=30)),
])
def test_iso8601_durations(text: str, expected: timedelta) -> None:
    assert parse_iso8601_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "P1Y", "P2M", "PT1H2", "1H", "-PT1H", "PT1.5.2S"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_iso8601_duration(text)


def _drop(path: tuple[Any, ...]) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


@pytest.mark.parametrize(("data", "message"), [
    (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>", "HTML page"),
    (b"   ", "empty"),
    (XOF[: len(XOF) // 2], "truncated or invalid at line"),
    (b"[]", "object"),
    (b'{"errors": [{"code": "error.route", "message": "Unsupported route"}]}', "Unsupported route"),
    (edited(XOF, _drop(("providers", 4, "quotes", 0, "rate"))),
     r"provider 'ria' quotes\[0\]: missing required field 'rate'"),
    (edited(XOF, _set(("providers", 4, "quotes", 0, "rate"), None)), "'rate' is null"),
    (edited(XOF, _set(("providers", 4, "quotes", 0, "rate"), "655")), "should be a number"),
    (edited(XOF, _set(("providers", 4, "quotes", 0, "rate"), 0)), "positive"),
    (edited(XOF, _drop(("providers", 4, "quotes", 0, "fee"))), "'fee'"),
    (edited(XOF, _drop(("providers", 4, "quotes", 0, "dateCollected"))), "'dateCollected'"),
    (edited(XOF, _set(("providers", 4, "quotes", 0, "dateCollected"), "yesterday")), "ISO 8601 timestamp"),
    (edited(XOF, _set(("providers", 4, "quotes", 0, "deliveryEstimation", "duration", "max"), "2 days")),
     "duration.max"),
    (edited(XOF, _drop(("providers", 4, "alias"))), r"providers\[4\]: missing required field 'alias'"),
    (edited(XOF, _drop(("providers",))), "'providers'"),
    (edited(XOF, _drop(("sourceCurrency",))), "'sourceCurrency'"),
    (edited(XOF, _set(("amountType",), "RECEIVE")), "SEND"),
    (edited(XOF, _set(("providers",), [])), "no quote"),
])
def test_broken_answers_are_parse_errors_that_say_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_comparison(data, target_country="SN")


def test_a_malformed_quote_for_another_country_is_still_an_error() -> None:
    broken = edited(XOF, _drop(("providers", 1, "quotes", 1, "rate")))  # Remitly's Mali quote
    with pytest.raises(ParseError, match=r"'remitly' quotes\[1\]"):
        parse_comparison(broken, target_country="SN")


def test_no_quote_for_the_country_is_an_error_not_an_empty_table() -> None:
    with pytest.raises(ParseError, match="target country GN"):
        parse_comparison(edited(DOCS, _drop(("providers", 0))), target_country="GN")
