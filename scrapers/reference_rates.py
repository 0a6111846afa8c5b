"""Mid-market reference rates from the rates frame: ECB daily rates, EUR pegs, IMF annual rates.

The rates frame is the contract between the rate parsers and everything that needs a mid rate.
It is long, one row per (date, currency, source), with columns:

- ``date`` (Date): the day the rate applies from;
- ``currency`` (str): ISO 4217 code;
- ``per_eur`` (Decimal): units of the currency per 1 EUR, for EUR-based sources (ECB, pegs), else null;
- ``per_usd`` (Decimal): units of the currency per 1 USD, for USD-based sources (IMF), else null;
- ``source`` (str): "ecb", "peg", "imf".

A rate is looked up as the latest one on or before the wanted day, and only while it is fresh enough:
a currency the ECB stopped quoting falls through to the IMF instead of living on at a stale value.
Precedence per currency: EUR and the treaty pegs (exact), then an EUR-based rate, then an
USD-based one crossed through the ECB's USD rate of the same day.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from basics.pegs import EUR_PEGS

# 18 places keep the IMF's smallest rates meaningful and leave 20 integer digits for the largest.
RATE_DTYPE = pl.Decimal(38, 18)
RATES_SCHEMA: dict[str, pl.DataType] = {
    "date": pl.Date(),
    "currency": pl.String(),
    "per_eur": RATE_DTYPE,
    "per_usd": RATE_DTYPE,
    "source": pl.String(),
}

# The ECB publishes every TARGET working day; its longest closures (Easter, Christmas to New Year)
# are shorter than this, so an older rate means the ECB no longer quotes the currency.
DAILY_MAX_AGE = timedelta(days=10)
# IMF annual averages are dated 1 July of their year; the next year's figure comes out well into
# the year after, so two years is the longest an annual rate can be the latest one available.
ANNUAL_MAX_AGE = timedelta(days=730)


def combine_rates(*frames: pl.DataFrame) -> pl.DataFrame:
    """Stack rate frames (any of ``per_eur`` / ``per_usd`` may be missing) into one rates frame."""
    shaped = [
        frame.with_columns(
            [pl.lit(None, dtype=dtype).alias(name) for name, dtype in RATES_SCHEMA.items()
             if name not in frame.columns]
        ).select([pl.col(name).cast(dtype) for name, dtype in RATES_SCHEMA.items()])
        for frame in frames
    ]
    if not shaped:
        return pl.DataFrame(schema=RATES_SCHEMA)
    return pl.concat(shaped).sort("date", "currency", "source")


def _per_eur(
    keys: pl.DataFrame, rates: pl.DataFrame, daily_max_age: timedelta, annual_max_age: timedelta
) -> pl.DataFrame:
    """For each (``__row``, ``__on``, ``currency``) key: units of the currency per 1 EUR that day."""
    eur_based = (rates.filter(pl.col("per_eur").is_not_null())
                 .select(pl.col("date").alias("__eur_date"), "currency", "per_eur").sort("__eur_date"))
    usd_based = (rates.filter(pl.col("per_usd").is_not_null())
                 .select(pl.col("date").alias("__usd_date"), "currency", "per_usd").sort("__usd_date"))
    dollar = (eur_based.filter(pl.col("currency") == "USD")
              .select(pl.col("__eur_date").alias("__dollar_date"), pl.col("per_eur").alias("__usd_per_eur")))
    fixed = pl.DataFrame(
        {"currency": ["EUR", *EUR_PEGS], "__fixed": [Decimal(1), *EUR_PEGS.values()]},
        schema={"currency": pl.String(), "__fixed": RATE_DTYPE},
    )
    keys = keys.filter(pl.col("__on").is_not_null()).sort("__on")
    found = (
        keys.join_asof(eur_based, left_on="__on", right_on="__eur_date", by="currency",
                       strategy="backward", tolerance=daily_max_age, check_sortedness=False)
        .join_asof(usd_based, left_on="__on", right_on="__usd_date", by="currency",
                   strategy="backward", tolerance=annual_max_age, check_sortedness=False)
        .join_asof(dollar, left_on="__on", right_on="__dollar_date",
                   strategy="backward", tolerance=daily_max_age)
        .join(fixed, on="currency", how="left")
    )
    value = pl.coalesce("__fixed", "per_eur", pl.col("per_usd") * pl.col("__usd_per_eur"))
    return found.select("__row", value.cast(RATE_DTYPE).alias("__per_eur"))


def attach_mid_rates(
    quotes: pl.DataFrame,
    rates: pl.DataFrame,
    *,
    daily_max_age: timedelta = DAILY_MAX_AGE,
    annual_max_age: timedelta = ANNUAL_MAX_AGE,
) -> pl.DataFrame:
    """Add ``mid_rate`` (receive units per 1 send unit, Decimal, null when unknown) to ``quotes``.

    ``quotes`` needs ``send_currency``, ``receive_currency`` and ``observed_on`` (Date, or a
    Datetime whose date is taken); rows keep their order.
    """
    rates = combine_rates(rates)
    indexed = quotes.with_row_index("__row").with_columns(pl.col("observed_on").cast(pl.Date).alias("__on"))

    def side(column: str) -> pl.DataFrame:
        keys = indexed.select("__row", "__on", pl.col(column).str.to_uppercase().alias("currency"))
        return _per_eur(keys, rates, daily_max_age, annual_max_age)

    send = side("send_currency").rename({"__per_eur": "__send"})
    receive = side("receive_currency").rename({"__per_eur": "__receive"})
    same = pl.col("send_currency").str.to_uppercase() == pl.col("receive_currency").str.to_uppercase()
    mid = (pl.when(same & pl.col("__on").is_not_null()).then(pl.lit(Decimal(1), dtype=RATE_DTYPE))
           .otherwise(pl.col("__receive") / pl.col("__send")))
    return (
        indexed.join(send, on="__row", how="left")
        .join(receive, on="__row", how="left")
        .sort("__row")
        .with_columns(mid.cast(RATE_DTYPE).alias("mid_rate"))
        .drop("__row", "__on", "__send", "__receive")
    )


def mid_rate(rates: pl.DataFrame, base: str, quote: str, at: date) -> Decimal | None:
    """Units of ``quote`` per 1 ``base`` at mid-market on ``at``; None when no fresh rate is known.

    For many quotes at once use :func:`attach_mid_rates`, which this wraps.
    """
    one = pl.DataFrame(
        {"send_currency": [base], "receive_currency": [quote], "observed_on": [at]},
        schema={"send_currency": pl.String(), "receive_currency": pl.String(), "observed_on": pl.Date()},
    )
    value = attach_mid_rates(one, rates)["mid_rate"][0]
    return value if isinstance(value, Decimal) else None
