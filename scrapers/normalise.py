"""Normalisation of raw quotes, the same for every source (polars, Decimal throughout).

``normalise_quotes`` turns ``RAW_QUOTE`` rows into the columns of ``app.models.Quote`` and judges
nothing: a row it cannot complete keeps nulls, and ``scrapers.validation`` says why it is unusable.

Formulas (World Bank RPW; A amount sent, F fee, r the provider's rate, r* the mid-market rate at
observation time): fee % = F / A × 100; FX margin % = (1 − r / r*) × 100; total = fee % + margin %;
the family receives A × r, the sender pays A + F (Wise's "fee out of the amount" is not used).
RPW rows keep the World Bank's published margin and total — its averages are built on them — and
``margin_disagrees`` says whether our margin against our own reference rate differs by more than
``disagreement`` points. Raw RPW rates are sometimes inverted or a placeholder 1: one more than 10×
away from the mid rate is not used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

import polars as pl

import providers
from basics.corridors import alpha2, country_currency, payout_currency
from basics.vocabulary import Payin, Payout
from scrapers.base import MONEY, RATE
from scrapers.reference_rates import attach_mid_rates

PRICE_POINTS = (200, 500)
# RPW's "USD 200" is a fixed local amount (EUR 140 in 2025, about USD 150): a quote stands for a
# price point when its amount is within 30 % of it in dollars, which keeps the two bands apart.
PRICE_POINT_TOLERANCE = Decimal("0.3")
PLAUSIBLE_RATIO = (Decimal("0.1"), Decimal(10))
def _mapped(column: str, fn: Callable[[str | None], str | None], frame: pl.DataFrame) -> pl.Expr:
    """Apply a Python lookup once per distinct value, not once per row."""
    values = frame.get_column(column).unique().to_list()
    table = {value: fn(value) for value in values if value is not None}
    return pl.col(column).replace_strict(table, default=None, return_dtype=pl.String)


def _mid_rates(frame: pl.DataFrame, rates: pl.DataFrame) -> pl.Series:
    """``attach_mid_rates``' mid rate of each row, looked up once per distinct currency pair and day (a
    World Bank workbook's 400,000 quotes have a few thousand), in the rows' order."""
    keys = ["send_currency", "receive_currency", "observed_on"]
    distinct = frame.select(keys).unique()
    found = attach_mid_rates(distinct, rates).select(*keys, pl.col("mid_rate").cast(RATE))
    return frame.select(keys).join(found, on=keys, how="left", nulls_equal=True, maintain_order="left")["mid_rate"]


def normalise_quotes(
    raw: pl.DataFrame,
    *,
    source: str,
    rates: pl.DataFrame,
    mappings: Mapping[tuple[str, str], str] | None = None,
    disagreement: Decimal = Decimal("0.1"),
) -> pl.DataFrame:
    """``RAW_QUOTE`` rows -> the ``Quote`` columns plus the raw ones validation needs (see module doc)."""

    def provider_slug(name: str | None) -> str:
        return providers.resolve(source, name or "", mappings).slug

    frame = raw.with_columns(
        _mapped("source_country", alpha2, raw).alias("source_alpha2"),
        _mapped("destination_country", alpha2, raw).alias("destination_alpha2"),
        _mapped("provider_name", provider_slug, raw).alias("provider_slug"),
        # parsers already speak the vocabulary (basics.vocabulary): codes pass through untouched
        pl.col("payin").fill_null(Payin.other.value).alias("payin_class"),
        pl.col("payout").fill_null(Payout.other.value).alias("payout_class"),
    )
    frame = frame.with_columns(
        pl.concat_str("source_alpha2", "destination_alpha2", separator="-").alias("corridor"),
        pl.coalesce("send_currency", _mapped("source_alpha2", country_currency, frame)).alias("send_currency"),
        pl.coalesce("receive_currency", _mapped("destination_alpha2", payout_currency, frame))
        .alias("receive_currency"),
        pl.coalesce("period", pl.format("{}Q{}", pl.col("observed_at").dt.year(), pl.col("observed_at").dt.quarter()))
        .alias("period"),
        pl.col("speed").fill_null("unknown"),
        pl.col("observed_at").dt.date().alias("observed_on"),
    )
    ours = _mid_rates(frame, rates)
    # the dollar value only places a quote on a price point the source did not name (RPW names it)
    usd = (attach_mid_rates(frame.with_columns(pl.lit("USD").alias("receive_currency")), rates)["mid_rate"]
           if frame.get_column("amount_usd").null_count() else pl.repeat(None, frame.height, dtype=RATE, eager=True))
    frame = frame.with_columns(ours.alias("our_mid_rate"), usd.cast(RATE).alias("usd_per_unit"))

    ratio = pl.col("rate") / pl.col("our_mid_rate")
    published = pl.col("published_total_pct").is_not_null()
    plausible = pl.col("our_mid_rate").is_null() | ratio.is_between(*PLAUSIBLE_RATIO)
    usable_rate = pl.when(~published | plausible).then(pl.col("rate"))
    our_margin = (pl.col("our_mid_rate") - usable_rate) * 100 / pl.col("our_mid_rate")
    mid = pl.coalesce("our_mid_rate", "published_mid_rate")
    fee_pct = pl.col("fee") * 100 / pl.col("amount")
    # a provider that hides its rate is recorded with margin 0 (RPW convention) and kept out of averages
    margin = pl.coalesce(our_margin, pl.when(~pl.col("transparent")).then(pl.lit(Decimal(0), RATE)))
    used_margin = pl.coalesce("published_margin_pct", margin)
    received = pl.col("amount") * pl.coalesce(usable_rate, mid * (100 - used_margin) / 100)
    dollars = pl.col("amount") * pl.col("usd_per_unit")
    band = pl.lit(None, pl.Int32)
    for point in PRICE_POINTS:
        low, high = point * (1 - PRICE_POINT_TOLERANCE), point * (1 + PRICE_POINT_TOLERANCE)
        band = pl.when(dollars.is_between(low, high)).then(pl.lit(point, pl.Int32)).otherwise(band)
    return frame.with_columns(
        ratio.alias("rate_ratio"),
        usable_rate.alias("rate"),
        mid.alias("mid_rate"),
        fee_pct.cast(RATE).alias("fee_pct"),
        margin.cast(RATE).alias("fx_margin_pct"),
        pl.coalesce("published_total_pct", fee_pct + margin).cast(RATE).alias("total_cost_pct"),
        received.cast(MONEY).alias("received_amount"),
        pl.col("published_margin_pct").alias("wb_fx_margin_pct"),
        pl.when(published & our_margin.is_not_null() & pl.col("published_margin_pct").is_not_null())
        .then((our_margin - pl.col("published_margin_pct")).abs() > disagreement).alias("margin_disagrees"),
        pl.coalesce("amount_usd", band).alias("amount_usd"),
        used_margin.cast(RATE).alias("used_margin_pct"),
    )
