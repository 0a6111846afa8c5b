"""ECB reference rates: the daily XML and the history CSV, recorded in their real shapes."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from basics.pegs import EUR_PEGS, peg_rows
from scrapers.ecb import parse_daily_xml, parse_history_csv
from scrapers.errors import ParseError

ROOT = Path(__file__).resolve().parents[2]
DAILY = ROOT / "tests" / "fixtures" / "ecb" / "eurofxref-daily.xml"
HISTORY = ROOT / "app" / "data" / "fx" / "eurofxref-hist.csv"
CSV_HEAD = "Date,USD,JPY,BGN,\n"


@pytest.fixture(scope="module")
def history() -> pl.DataFrame:
    return parse_history_csv(HISTORY.read_bytes())


def test_daily_xml_gives_one_rate_per_currency_of_the_day() -> None:
    rates = parse_daily_xml(DAILY.read_bytes())
    assert rates.columns == ["date", "currency", "per_eur", "source"]
    assert rates.height == 29
    assert rates["date"].unique().to_list() == [date(2026, 4, 13)]
    usd = rates.filter(pl.col("currency") == "USD").row(0, named=True)
    assert usd["per_eur"] == Decimal("1.1684")
    assert set(rates["source"]) == {"ecb"}


def test_daily_xml_agrees_with_the_history_for_the_same_day(history: pl.DataFrame) -> None:
    daily = parse_daily_xml(DAILY.read_bytes())
    assert daily.equals(history.filter(pl.col("date") == date(2026, 4, 13)))


def test_history_is_long_sorted_and_skips_gaps(history: pl.DataFrame) -> None:
    assert history.schema["per_eur"] == pl.Decimal(38, 18)
    assert history["date"].min() == date(1999, 1, 4)
    assert history["date"].max() == date(2026, 4, 13)
    assert history["date"].is_sorted()
    first_day = history.filter(pl.col("date") == date(1999, 1, 4))
    assert "BGN" not in first_day["currency"].to_list()  # N/A that day
    assert first_day.filter(pl.col("currency") == "USD")["per_eur"][0] == Decimal("1.1789")
    assert "" not in history["currency"].to_list()  # the trailing comma's empty column


def test_history_zip_as_published_reads_like_the_csv() -> None:
    data = CSV_HEAD.encode() + b"2026-04-13,1.1684,186.75,N/A,\n"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("eurofxref-hist.csv", data)
    assert parse_history_csv(packed.getvalue()).equals(parse_history_csv(data))


def test_pegs_give_exact_rows_for_each_date() -> None:
    rows = list(peg_rows([date(2026, 1, 2), date(2026, 1, 5)]))
    assert len(rows) == 2 * len(EUR_PEGS)
    xof = [row for row in rows if row.currency == "XOF"]
    assert [row.per_eur for row in xof] == [Decimal("655.957")] * 2
    assert EUR_PEGS["KMF"] == Decimal("491.96775") and EUR_PEGS["CVE"] == Decimal("110.265")


@pytest.mark.parametrize(("data", "message"), [
    (b"<!DOCTYPE html><html><body>Maintenance</body></html>", "HTML"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Envelope>&lol;</Envelope>', "DOCTYPE"),
    (DAILY.read_bytes()[:400], "truncated"),
    (b"<Envelope><Cube><Cube time='2026-04-13'></Cube></Cube></Envelope>", "no Cube"),
    (b"<Envelope><Cube time='13/04/2026'><Cube currency='USD' rate='1.1'/></Cube></Envelope>", "date"),
    (b"<Envelope><Cube time='2026-04-13'><Cube currency='USD' rate='abc'/></Cube></Envelope>", "USD"),
    (b"<Envelope><Cube time='2026-04-13'><Cube currency='USD' rate='-1'/></Cube></Envelope>", "positive"),
    (b"<Envelope><Cube time='2026-04-13'><Cube currency='usd!' rate='1'/></Cube></Envelope>", "ISO 4217"),
])
def test_bad_daily_xml_is_a_parse_error_saying_why(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_daily_xml(data)


@pytest.mark.parametrize(("data", "message"), [
    (b"<html><head><title>404</title></head></html>", "HTML"),
    (b"Currency,USD\n2026-04-13,1.1\n", "Date"),
    (CSV_HEAD.encode() + b"2026-04-13,1.1684,186.75,N/A,\n2026-04-10,1.17", "line 3"),
    (CSV_HEAD.encode() + b"13/04/2026,1.1684,186.75,N/A,\n", "13/04/2026"),
    (CSV_HEAD.encode() + b"2026-04-13,1.1684,-186.75,N/A,\n", "-186.75"),
    (CSV_HEAD.encode() + b"2026-04-13,N/A,N/A,N/A,\n", "no rates"),
    (b"Date,USD,Yen,\n2026-04-13,1.1,186,\n", "Yen"),
    (b"PK\x03\x04truncated zip", "zip"),
])
def test_bad_history_csv_is_a_parse_error_saying_why(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_history_csv(data)
