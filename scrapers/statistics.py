"""Corridor statistics by the World Bank RPW definitions, computed in polars on Decimal values.

Input: quotes in the long format of ``scrapers.rpw`` (at least ``corridor``, ``period``, ``tier``,
``total_cost_pct``, ``transparent`` and either ``speed`` (raw RPW wording) or ``speed_class``).
Rows carrying a ``problem`` are ignored: they are quarantined, not priced.

Output: one row per (corridor, period, tier), sorted, with
- ``services``: every service priced, transparent or not;
- ``transparent_services``: the transparent ones with a total cost, which all averages use;
- ``average_total_cost_pct``, ``median_total_cost_pct``, ``min_total_cost_pct``: over those;
- ``share_under_3_pct``: percentage of them costing strictly less than 3 %;
- ``smart_pct``: SmaRT, the mean of the three cheapest of them arriving in 5 days or less, null
  (with ``smart_note`` saying why) when fewer than three qualify; RPW also requires the service to be
  "accessible", which the dataset does not record, so every listed service counts as accessible;
- ``smart_within_5``: whether SmaRT meets the SDG 10.c.1 corridor target (≤ 5 %), null without SmaRT.
Percentages are Decimal, rounded half away from zero to 2 places only at the end.
"""

from __future__ import annotations

import polars as pl

from basics.vocabulary import WITHIN_5_DAYS
from scrapers.rpw import MONEY, speed_class_expr

RESULT = pl.Decimal(20, 2)
KEYS = ("corridor", "period", "tier")
SMART_SIZE = 3


def _per(count: pl.Expr) -> pl.Expr:
    # dividing by null instead of zero makes an empty group's statistic null rather than an error
    return pl.when(count > 0).then(count)


def _median(ordered: pl.Expr, count: pl.Expr) -> pl.Expr:
    low = ordered.get((count - 1) // 2, null_on_oob=True)
    high = ordered.get(count // 2, null_on_oob=True)
    return (low + high) / 2


def corridor_statistics(quotes: pl.DataFrame) -> pl.DataFrame:
    """Corridor average, median, minimum, SmaRT and share under 3 % (see module doc)."""
    lazy = quotes.lazy()
    if "problem" in quotes.columns:
        lazy = lazy.filter(pl.col("problem").is_null())
    speed = pl.col("speed_class") if "speed_class" in quotes.columns else speed_class_expr(pl.col("speed"))
    lazy = lazy.with_columns(
        pl.col("total_cost_pct").cast(MONEY).alias("_total"),
        speed.is_in(list(WITHIN_5_DAYS)).fill_null(False).alias("_fast"),
    )
    priced = pl.col("transparent").fill_null(False) & pl.col("_total").is_not_null()
    ordered = pl.col("_total").filter(priced).sort()
    count = ordered.len()
    cheapest = pl.col("_total").filter(priced & pl.col("_fast")).sort().head(SMART_SIZE)
    qualifying = pl.col("_total").filter(priced & pl.col("_fast")).len()
    stats = lazy.group_by(*KEYS).agg(
        pl.len().alias("services"),
        count.alias("transparent_services"),
        (ordered.sum() / _per(count)).alias("average_total_cost_pct"),
        _median(ordered, count).alias("median_total_cost_pct"),
        ordered.min().alias("min_total_cost_pct"),
        pl.when(qualifying >= SMART_SIZE).then(cheapest.sum() / SMART_SIZE).alias("smart_pct"),
        pl.when(qualifying < SMART_SIZE).then(pl.format(
            "fewer than three transparent services arriving within 5 days ({})", qualifying,
        )).alias("smart_note"),
        ((ordered < 3).sum().cast(MONEY) * 100 / _per(count)).alias("share_under_3_pct"),
    )
    decimals = ["average_total_cost_pct", "median_total_cost_pct", "min_total_cost_pct", "smart_pct",
                "share_under_3_pct"]
    return stats.with_columns(
        (pl.col("smart_pct") <= 5).alias("smart_within_5"),
        *(pl.col(c).round(2, mode="half_away_from_zero").cast(RESULT) for c in decimals),
    ).with_columns(
        pl.col("services").cast(pl.Int32), pl.col("transparent_services").cast(pl.Int32),
    ).select(
        *KEYS, "services", "transparent_services", *decimals[:3], "smart_pct", "smart_note",
        "share_under_3_pct", "smart_within_5",
    ).sort(*KEYS).collect()
