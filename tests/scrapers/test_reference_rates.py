"""Mid-market rates: exact pegs, crossing through EUR and USD, latest rate on or before the day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from scrapers.ecb import parse_history_csv
from scrapers.errors import ParseError
from scrapers.imf import parse_annual_csv
from scrapers.reference_rates import RATES_SCHEMA, attach_mid_rates, combine_rates, mid_rate

FX = Path(__file__).resolve().parents[2] / "app" / "data" / "fx"
EMPTY = pl.DataFrame(schema=RATES_SCHEMA)


@pytest.fixture(scope="module")
def imf() -> pl.DataFrame:
    return parse_annual_csv((FX / "imf_annual_rates_per_usd.csv").read_bytes())


@pytest.fixture(scope="module")
def rates(imf: pl.DataFrame) -> pl.DataFrame:
    return combine_rates(parse_history_csv((FX / "eurofxref-hist.csv").read_bytes()), imf)


def close(value: Decimal | None, expected: Decimal) -> bool:
    return value is not None and abs(value - expected) < Decimal("1e-15") * max(expected, Decimal(1))


def test_eur_to_xof_is_the_peg_exactly_even_without_any_rate_data() -> None:
    assert mid_rate(EMPTY, "EUR", "XOF", date(2025, 8, 1)) == Decimal("655.957")
    assert mid_rate(EMPTY, "EUR", "XAF", date(2010, 1, 1)) == Decimal("655.957")


def test_the_two_cfa_francs_are_at_par_and_the_other_pegs_cross_exactly() -> None:
    assert mid_rate(EMPTY, "XOF", "XAF", date(2020, 1, 1)) == Decimal(1)
    assert mid_rate(EMPTY, "XAF", "XOF", date(2020, 1, 1)) == Decimal(1)
    assert close(mid_rate(EMPTY, "KMF", "XOF", date(2020, 1, 1)), Decimal("655.957") / Decimal("491.96775"))
    assert close(mid_rate(EMPTY, "XOF", "EUR", date(2020, 1, 1)), 1 / Decimal("655.957"))


def test_pegs_win_over_the_imf_average_for_xof(rates: pl.DataFrame) -> None:
    assert mid_rate(rates, "EUR", "XOF", date(2024, 9, 1)) == Decimal("655.957")


def test_usd_to_xof_crosses_through_the_ecb_dollar_of_the_day(rates: pl.DataFrame) -> None:
    assert close(mid_rate(rates, "USD", "XOF", date(2026, 4, 13)), Decimal("655.957") / Decimal("1.1684"))
    assert close(mid_rate(rates, "XOF", "USD", date(2026, 4, 13)), Decimal("1.1684") / Decimal("655.957"))


def test_the_latest_rate_on_or_before_the_day_is_used(rates: pl.DataFrame) -> None:
    assert mid_rate(rates, "EUR", "USD", date(2026, 4, 13)) == Decimal("1.1684")
    assert mid_rate(rates, "EUR", "USD", date(2026, 4, 12)) == Decimal("1.1711")  # Sunday: Friday's
    assert mid_rate(rates, "EUR", "USD", date(2026, 4, 10)) == Decimal("1.1711")
    assert mid_rate(rates, "EUR", "USD", date(1998, 12, 31)) is None  # before the euro


def test_a_currency_the_ecb_stopped_quoting_falls_through_to_the_imf(rates: pl.DataFrame) -> None:
    last_ecb_rub = rates.filter((pl.col("currency") == "RUB") & (pl.col("source") == "ecb"))["per_eur"][-1]
    imf_rub = rates.filter((pl.col("currency") == "RUB") & (pl.col("date") == date(2025, 7, 1)))
    value = mid_rate(rates, "EUR", "RUB", date(2026, 1, 2))
    assert value != last_ecb_rub
    assert imf_rub.height == 0  # no 2025 figure: the 2024 average is used
    rub = rates.filter(pl.col("currency") == "RUB")
    rub_2024 = rub.filter(pl.col("date") == date(2024, 7, 1))["per_usd"][0]
    assert close(value, rub_2024 * Decimal("1.1721"))  # times the ECB's USD of 2026-01-02


def test_currencies_without_ecb_rates_cross_the_imf_usd_rate(rates: pl.DataFrame) -> None:
    ngn_2024 = Decimal("1478.965197400233")
    assert close(mid_rate(rates, "USD", "NGN", date(2024, 8, 1)), ngn_2024)
    usd_per_eur = mid_rate(rates, "EUR", "USD", date(2024, 8, 1))
    assert usd_per_eur is not None
    assert close(mid_rate(rates, "EUR", "NGN", date(2024, 8, 1)), ngn_2024 * usd_per_eur)


def test_stale_or_unknown_rates_give_none(rates: pl.DataFrame) -> None:
    assert mid_rate(rates, "EUR", "GNF", date(2026, 4, 13)) is None  # IMF GNF stops in 2020
    assert mid_rate(rates, "EUR", "GNF", date(2021, 3, 1)) is not None
    assert mid_rate(rates, "EUR", "XYZ", date(2026, 4, 13)) is None


def test_imf_rows_are_dated_mid_year_and_shared_currencies_take_the_majority_value(imf: pl.DataFrame) -> None:
    assert imf.columns == ["date", "currency", "per_usd", "source"]
    assert imf.select("date", "currency").is_duplicated().sum() == 0
    assert set(imf["date"].dt.month()) == {7} and set(imf["date"].dt.day()) == {1}
    xof = imf.filter((pl.col("currency") == "XOF") & (pl.col("date") == date(2024, 7, 1)))
    assert xof["per_usd"].to_list() == [Decimal("606.3452976090625")]
    usd = imf.filter((pl.col("currency") == "USD") & (pl.col("date") == date(2024, 7, 1)))
    assert usd["per_usd"].to_list() == [Decimal(1)]  # Haiti's gourde, labelled USD, is outvoted
    assert {"GNF", "CDF", "MRU", "NGN", "GHS", "MAD", "GMD", "SLE", "LRD"} <= set(imf["currency"])


@pytest.mark.parametrize(("data", "message"), [
    (b"<!DOCTYPE html><html></html>", "HTML"),
    (b"Date,Currency\n2024-12-31,XOF\n", "Rate"),
    (b"Date,Rate,Currency\n2024-12-31,abc,XOF\n", "abc"),
    (b"Date,Rate,Currency\n31/12/2024,600,XOF\n", "31/12/2024"),
    (b"Date,Rate,Currency\n", "no annual rates"),
])
def test_bad_imf_csv_is_a_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_annual_csv(data)


def test_attach_mid_rates_matches_mid_rate_row_by_row_and_keeps_order(rates: pl.DataFrame) -> None:
    quotes = pl.DataFrame({
        "quote": [1, 2, 3, 4, 5, 6, 7],
        "send_currency": ["EUR", "USD", "GBP", "EUR", "eur", "EUR", "XYZ"],
        "receive_currency": ["XOF", "XOF", "NGN", "USD", "GHS", "EUR", "XYZ"],
        "observed_on": [date(2025, 8, 1), date(2026, 4, 13), date(2024, 8, 1), date(2026, 4, 12),
                        date(2023, 3, 1), date(2024, 1, 1), None],
    })
    out = attach_mid_rates(quotes, rates)
    assert out.columns == [*quotes.columns, "mid_rate"]
    assert out["quote"].to_list() == [1, 2, 3, 4, 5, 6, 7]
    for row in out.iter_rows(named=True):
        if row["observed_on"] is None:
            assert row["mid_rate"] is None
            continue
        expected = mid_rate(rates, row["send_currency"].upper(), row["receive_currency"], row["observed_on"])
        assert row["mid_rate"] == expected, row
    assert out["mid_rate"][5] == Decimal(1)


def test_attach_mid_rates_takes_the_date_of_a_timestamp(rates: pl.DataFrame) -> None:
    quotes = pl.DataFrame({"send_currency": ["EUR"], "receive_currency": ["USD"],
                           "observed_on": [datetime(2026, 4, 13, 23, 59)]})
    assert attach_mid_rates(quotes, rates)["mid_rate"][0] == Decimal("1.1684")
