"""Corridor statistics reproduce the World Bank definitions on the real 2025 Q3 sample."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from scrapers.rpw import MONEY, parse_rpw
from scrapers.statistics import corridor_statistics

DATA = Path(__file__).resolve().parents[2] / "app/data/rpw"
EXPECTED: dict[str, dict[str, float]] = json.loads((DATA / "rpw_2025q3_sample_expected.json").read_text())
MEASURES = ["average_total_cost_pct", "median_total_cost_pct", "min_total_cost_pct", "smart_pct",
            "share_under_3_pct"]


@pytest.fixture(scope="module")
def sample_statistics() -> pl.DataFrame:
    return corridor_statistics(parse_rpw(DATA / "rpw_2025q3_sample.xlsx"))


def quotes(*services: tuple[str, bool, str], problem: str | None = None) -> pl.DataFrame:
    """(total cost %, transparent, speed) per service, all in FRASEN 2025Q3 at USD 200."""
    return pl.DataFrame({
        "corridor": "FRASEN", "period": "2025Q3", "tier": pl.Series([1] * len(services), dtype=pl.Int8),
        "total_cost_pct": pl.Series([s[0] for s in services]).cast(MONEY),
        "transparent": [s[1] for s in services], "speed": [s[2] for s in services],
        "problem": pl.Series([problem] * len(services), dtype=pl.String),
    })


def only_row(frame: pl.DataFrame) -> dict[str, Any]:
    assert frame.height == 1
    return frame.row(0, named=True)


@pytest.mark.parametrize("corridor", sorted(EXPECTED))
def test_every_corridor_matches_the_world_bank_figures_at_usd_200(
    sample_statistics: pl.DataFrame, corridor: str
) -> None:
    expected = EXPECTED[corridor]
    row = only_row(sample_statistics.filter(
        (pl.col("corridor") == corridor.replace("-", "")) & (pl.col("tier") == 1)))
    assert row["services"] == expected["services"]
    for measure in MEASURES:
        assert isinstance(row[measure], Decimal), measure
        assert abs(row[measure] - Decimal(str(expected[measure]))) <= Decimal("0.01"), measure
    assert row["smart_within_5"] is True and row["smart_note"] is None


def test_the_sample_covers_exactly_the_expected_corridors(sample_statistics: pl.DataFrame) -> None:
    assert sorted(sample_statistics.filter(pl.col("tier") == 1)["corridor"]) == sorted(
        c.replace("-", "") for c in EXPECTED)
    assert sample_statistics["tier"].value_counts()["count"].to_list() == [6, 6]


def test_results_are_decimals_rounded_to_two_places(sample_statistics: pl.DataFrame) -> None:
    assert all(sample_statistics.schema[m] == pl.Decimal(20, 2) for m in MEASURES)
    cmr = only_row(sample_statistics.filter((pl.col("corridor") == "FRACMR") & (pl.col("tier") == 1)))
    assert cmr["median_total_cost_pct"] == Decimal("2.32")  # 2.315 rounds half away from zero


def test_non_transparent_services_count_as_services_but_not_in_averages() -> None:
    row = only_row(corridor_statistics(quotes(
        ("2", True, "Same day"), ("4", True, "Next day"), ("6", True, "2 days"), ("0.5", False, "Same day"))))
    assert (row["services"], row["transparent_services"]) == (4, 3)
    assert row["average_total_cost_pct"] == Decimal("4.00") and row["min_total_cost_pct"] == Decimal("2.00")
    assert row["median_total_cost_pct"] == Decimal("4.00")
    assert row["share_under_3_pct"] == Decimal("33.33")
    assert row["smart_pct"] == Decimal("4.00")


def test_smart_needs_three_services_arriving_within_five_days() -> None:
    row = only_row(corridor_statistics(quotes(
        ("1", True, "6 days or more"), ("2", True, "Less than one hour"), ("3", True, "3-5 days"))))
    assert row["smart_pct"] is None and row["smart_within_5"] is None
    assert row["smart_note"] == "fewer than three transparent services arriving within 5 days (2)"
    assert row["average_total_cost_pct"] == Decimal("2.00")


def test_smart_above_five_percent_misses_the_sdg_target() -> None:
    row = only_row(corridor_statistics(quotes(
        ("5", True, "Same day"), ("5.01", True, "Same day"), ("6", True, "Same day"), ("9", True, "2 days"))))
    assert row["smart_pct"] == Decimal("5.34") and row["smart_within_5"] is False


def test_quarantined_rows_are_left_out() -> None:
    good = quotes(("2", True, "Same day"))
    bad = quotes(("0.1", True, "Same day"), problem="cc1 fx margin is not a number: 'x'")
    row = only_row(corridor_statistics(pl.concat([good, bad])))
    assert row["services"] == 1 and row["min_total_cost_pct"] == Decimal("2.00")
