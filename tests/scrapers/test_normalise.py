"""Normalisation applies the World Bank's formulas the same way to every source."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from scrapers.base import RAW_QUOTE
from scrapers.normalise import normalise_quotes
from scrapers.reference_rates import RATES_SCHEMA

DAY = datetime(2026, 4, 13, 14, 0, tzinfo=UTC)
RATES = pl.DataFrame([(date(2026, 4, 13), "USD", Decimal("1.08"), None, "ecb")], schema=RATES_SCHEMA, orient="row")


def quote(**values: Any) -> dict[str, Any]:
    base = {"natural_key": "k", "provider_name": "Ria", "source_country": "FR", "destination_country": "SN",
            "amount": Decimal(200), "fee": Decimal(2), "rate": Decimal("648.2167"), "transparent": True,
            "observed_at": DAY}
    return base | values


def normalised(*rows: dict[str, Any], source: str = "wise", **options: Any) -> list[dict[str, Any]]:
    raw = pl.DataFrame(list(rows), schema=RAW_QUOTE)
    return normalise_quotes(raw, source=source, rates=RATES, **options).to_dicts()


def test_fee_on_top_margin_against_the_peg_and_price_point() -> None:
    [row] = normalised(quote())
    assert (row["corridor"], row["send_currency"], row["receive_currency"], row["period"]) == (
        "FR-SN", "EUR", "XOF", "2026Q2")
    assert row["mid_rate"] == Decimal("655.957") and row["fee_pct"] == Decimal(1)
    assert round(row["fx_margin_pct"], 6) == Decimal("1.180001")
    assert round(row["total_cost_pct"], 6) == Decimal("2.180001")
    assert row["received_amount"] == Decimal("129643.34"), "the family gets amount x rate, the fee is on top"
    assert row["amount_usd"] == 200  # EUR 200 is USD 216: the USD 200 price point


def test_an_amount_far_from_both_price_points_has_none() -> None:
    [row] = normalised(quote(amount=Decimal(1000)))
    assert row["amount_usd"] is None


def test_rpw_keeps_the_world_banks_figures_and_drops_an_absurd_raw_rate() -> None:
    rpw = quote(rate=Decimal("0.0015"), published_margin_pct=Decimal("1.26"), published_total_pct=Decimal("5.83"),
                amount_usd=200)
    [row] = normalised(rpw, source="rpw")
    assert row["total_cost_pct"] == Decimal("5.83") and row["wb_fx_margin_pct"] == Decimal("1.26")
    assert row["rate"] is None and row["fx_margin_pct"] is None and row["margin_disagrees"] is None
    assert row["received_amount"] == Decimal("129538.38836")  # 200 x 655.957 x (1 - 1.26 %)


def test_our_margin_disagreeing_with_the_world_bank_is_flagged() -> None:
    rpw = quote(published_margin_pct=Decimal("0.5"), published_total_pct=Decimal("1.5"), amount_usd=200)
    [row] = normalised(rpw, source="rpw")
    assert row["margin_disagrees"] is True and row["total_cost_pct"] == Decimal("1.5")


def test_a_hidden_rate_counts_as_no_margin_and_the_service_is_flagged() -> None:
    [row] = normalised(quote(rate=None, transparent=False), source="staff")
    assert row["fx_margin_pct"] == 0 and row["total_cost_pct"] == Decimal(1) and row["transparent"] is False


def test_provider_names_resolve_through_the_catalogue_then_staff_mappings() -> None:
    rows = normalised(quote(provider_name="Taptap Send"), quote(provider_name="Moneyline Express"),
                      mappings={("wise", "moneylineexpress"): "ria"})
    assert [r["provider_slug"] for r in rows] == ["taptap-send", "ria"]
    assert normalised(quote(provider_name="Moneyline Express"))[0]["provider_slug"] == "unreviewed"
