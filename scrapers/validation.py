"""Strict validation of normalised quotes: every rule in one place, every rejection with its reason.

A row breaking any rule goes to quarantine with all the reasons it breaks (joined by "; "); the
others are published. Negative FX margins are kept (promotions and stale interbank quotes produce
them), margins above 50 % are not. Rates more than 10× away from the mid rate are wrong units or an
inverted pair: RPW rows survive one (the World Bank's margin and total are trusted, the raw rate is
dropped by normalisation), other sources' rows do not.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from scrapers.normalise import PLAUSIBLE_RATIO

MAX_MARGIN_PCT = Decimal(50)


def _rule(bad: pl.Expr, reason: pl.Expr | str) -> pl.Expr:
    return pl.when(bad).then(pl.lit(reason) if isinstance(reason, str) else reason)


def quote_reasons(frame: pl.DataFrame) -> pl.Expr:
    """The reasons each row is unusable, joined by "; ", null for a good row."""
    published = pl.col("published_total_pct").is_not_null()
    transparent = pl.col("transparent").fill_null(False)
    rules = [
        pl.col("problem"),
        _rule(pl.col("natural_key").is_null(), "no identity: the row lacks the fields that name it"),
        _rule(~pl.col("natural_key").is_first_distinct(),
              pl.format("duplicate of an earlier row of the same answer ({})", "natural_key")),
        _rule(pl.col("provider_name").is_null(), "provider is missing"),
        _rule(pl.col("source_country").is_null(), "sending country is missing"),
        _rule(pl.col("source_country").is_not_null() & pl.col("source_alpha2").is_null(),
              pl.format("sending country '{}' is not an ISO 3166 code", "source_country")),
        _rule(pl.col("destination_country").is_null(), "receiving country is missing"),
        _rule(pl.col("destination_country").is_not_null() & pl.col("destination_alpha2").is_null(),
              pl.format("receiving country '{}' is not an ISO 3166 code", "destination_country")),
        _rule(pl.col("source_alpha2") == pl.col("destination_alpha2"), "sending and receiving country are the same"),
        _rule(pl.col("send_currency").is_null() | pl.col("receive_currency").is_null(), "currency is unknown"),
        _rule(pl.col("amount").is_null(), "amount is missing"),
        _rule(pl.col("amount") <= 0, pl.format("amount {} is not positive", _shown("amount"))),
        _rule(pl.col("fee") < 0, pl.format("negative fee {}", _shown("fee"))),
        _rule(pl.col("fee").is_null() & ~published, "fee is missing"),
        _rule(pl.col("observed_at").is_null(), "observation date is missing"),
        _rule(pl.col("period").is_null(), "period is missing"),
        _rule(pl.col("transparent").is_null(), "transparent is not yes/no"),
        _rule(pl.col("rate_ratio").is_not_null() & ~published & ~pl.col("rate_ratio").is_between(*PLAUSIBLE_RATIO),
              pl.format("rate {} is off by {}x from the mid-market rate {}: inverted or wrong units",
                        _shown("rate"), _times(pl.col("rate_ratio")), _shown("our_mid_rate"))),
        _rule(pl.col("rate_ratio") <= 0, pl.format("rate {} is not positive", _shown("rate"))),
        _rule(transparent & ~published & pl.col("rate").is_null() & pl.col("rate_ratio").is_null(),
              "rate is missing"),
        _rule(transparent & ~published & pl.col("rate").is_not_null() & pl.col("our_mid_rate").is_null(),
              pl.format("no reference rate for {} to {} on {}", "send_currency", "receive_currency", "observed_on")),
        _rule(pl.col("used_margin_pct") > MAX_MARGIN_PCT,
              pl.format("FX margin {} % is above 50 %", _shown("used_margin_pct", 2))),
        _rule(pl.col("total_cost_pct").is_null() & pl.col("amount").is_not_null(), "total cost cannot be computed"),
    ]
    return pl.concat_str(rules, separator="; ", ignore_nulls=True).replace("", None)


def _shown(column: str, places: int = 6) -> pl.Expr:
    """A Decimal as people write it in a message: 655.957, not 655.957000000000000000."""
    text = pl.col(column).round(places).cast(pl.String)
    return pl.when(text.str.contains(".", literal=True)).then(
        text.str.strip_chars_end("0").str.strip_chars_end(".")).otherwise(text)


def _times(ratio: pl.Expr) -> pl.Expr:
    """How many times off a ratio is, whichever way round: 0.001 and 1000 both say 1000."""
    return pl.when(ratio >= 1).then(ratio).otherwise(1 / ratio).round(0).cast(pl.Int64)


def split_quotes(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows to publish, rows to quarantine with a ``reason`` column)."""
    judged = frame.with_columns(quote_reasons(frame).alias("reason"))
    return judged.filter(pl.col("reason").is_null()).drop("reason"), judged.filter(pl.col("reason").is_not_null())
