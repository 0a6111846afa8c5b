"""IMF annual exchange rates per USD: the second source, for currencies the ECB does not quote.

Input: the CSV of codeforIATI/imf-exchangerates, ``Date,Rate,Currency,Frequency,Source,Country code,
Country``, one row per country and year. Its ``Date`` is the year's last day, but the rate is the
average over the year, so rows are dated **1 July** of their year, the centre of the period they
describe: for past quotes this is nearer the truth than the previous year's figure, at the price
of using an average that was only published after the year ended.

Output: the USD-based part of the rates frame (see ``scrapers.reference_rates``): ``date`` (Date),
``currency`` (str), ``per_usd`` (Decimal, units of currency per 1 USD), ``source`` ("imf").
"""

from __future__ import annotations

import io

import polars as pl

from scrapers.errors import ParseError
from scrapers.reference_rates import RATE_DTYPE

SOURCE = "imf"
REQUIRED = ("Date", "Rate", "Currency")
SCHEMA = pl.Schema({"date": pl.Date(), "currency": pl.String(), "per_usd": RATE_DTYPE, "source": pl.String()})


def parse_annual_csv(data: bytes) -> pl.DataFrame:
    """Parse the IMF annual rates CSV into one rate per (year, currency).

    A currency shared by several countries (XOF, EUR, USD…) appears once per country; the value
    most of them report wins, which also outvotes an odd row such as Haiti's gourde labelled USD.
    """
    if data[:512].lstrip().lower().startswith((b"<!doctype", b"<html")):
        raise ParseError("an HTML page where the IMF CSV was expected")
    try:
        table = pl.read_csv(io.BytesIO(data), infer_schema_length=0)
    except pl.exceptions.PolarsError as exc:
        raise ParseError(f"IMF CSV is unreadable: {exc}") from None
    missing = [name for name in REQUIRED if name not in table.columns]
    if missing:
        raise ParseError(f"IMF CSV lacks column(s) {', '.join(missing)}")
    if "Frequency" in table.columns:
        table = table.filter(pl.col("Frequency").str.strip_chars() == "A")
    rows = table.select(
        pl.col("Date").str.strip_chars(),
        pl.col("Date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("period_end"),
        pl.col("Currency").str.strip_chars().alias("currency"),
        pl.col("Rate").str.strip_chars().alias("text"),
        pl.col("Rate").str.strip_chars().cast(RATE_DTYPE, strict=False).alias("per_usd"),
    )
    bad = rows.filter(pl.col("period_end").is_null() | pl.col("per_usd").is_null()
                      | (pl.col("per_usd") <= 0) | ~pl.col("currency").str.contains(r"^[A-Z]{3}$"))
    if bad.height:
        first = bad.row(0, named=True)
        raise ParseError(f"IMF CSV row {first['Date']!r} {first['currency']!r}: rate {first['text']!r} "
                         f"should be a positive number for a YYYY-MM-DD date and an ISO 4217 code")
    if not rows.height:
        raise ParseError("IMF CSV holds no annual rates")
    return (
        rows.with_columns(pl.date(pl.col("period_end").dt.year(), 7, 1).alias("date"))
        .group_by("date", "currency", "per_usd")
        .agg(pl.len().alias("countries"))
        .sort(["date", "currency", "countries", "per_usd"], descending=[False, False, True, False])
        .unique(["date", "currency"], keep="first", maintain_order=True)
        .select("date", "currency", "per_usd", pl.lit(SOURCE).alias("source"))
        .cast(SCHEMA)
    )
