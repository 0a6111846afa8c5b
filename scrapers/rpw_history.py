"""World Bank DataBank export "Remittance Prices Worldwide (Corridors)": CSV bytes in, history out.

The export has one row per (sending country, series, receiving country) and one column per
quarter (``2011Q1 [YR2011Q1]``; only Q1 and Q3 before 2013, as collection was semi-annual then).
Countries come as a name and a DataBank code; the name is mapped to ISO 3166 alpha-3 (pycountry
plus ``NAME_OVERRIDES``) because DataBank codes are not all ISO (Kosovo is ``KSV``).

Contract: ``parse_corridor_averages`` returns the series ATCR.CORR (average total cost to remit in
the corridor, %) as a long frame ``corridor`` (source + destination ISO3, "FRASEN"),
``source_country``, ``destination_country``, ``period`` ("2011Q1"), ``average_total_cost_pct``
(Decimal), one row per corridor and quarter with data (``..`` means none), and the sorted
country names it could not map: their rows are left out of the frame, never silently.
Raises ``scrapers.errors.ParseError`` when the file holds no ATCR.CORR row or a value is neither
a number nor ``..``.
"""

from __future__ import annotations

import io
import re
from typing import NamedTuple

import polars as pl
import pycountry

from scrapers.errors import ParseError

SERIES = "ATCR.CORR"
MONEY = pl.Decimal(20, 6)
NO_DATA = ".."
_PERIOD = re.compile(r"^(\d{4}Q[1-4])\b")

# DataBank's names that pycountry does not know
NAME_OVERRIDES = {
    "Congo, Dem. Rep": "COD",
    "Congo, Dem. Rep.": "COD",
    "Congo, Rep.": "COG",
    "Ivory Coast": "CIV",
    "Korea, Rep.": "KOR",
    "Kosovo": "XKX",  # not in ISO 3166; XKX is the user-assigned code the EU and the World Bank use
    "Lao, PDR": "LAO",
    "Lao PDR": "LAO",
    "Netherlands-Antilles": "ANT",  # dissolved in 2010; ISO 3166-3 keeps ANT
    "Turkey": "TUR",
    "West Bank/Gaza Strip": "PSE",
    "West Bank and Gaza": "PSE",
}


class CorridorHistory(NamedTuple):
    averages: pl.DataFrame
    unmapped_names: list[str]


def country_iso3(name: str) -> str | None:
    """ISO3 code for a DataBank country name, or None when unknown."""
    name = " ".join(name.split())
    if name in NAME_OVERRIDES:
        return NAME_OVERRIDES[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        return None


def _header(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split())


def parse_corridor_averages(data: bytes) -> CorridorHistory:
    """Parse the DataBank corridors CSV (see module doc)."""
    raw = pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy", truncate_ragged_lines=True)
    raw = raw.rename(_header)
    quarters = {c: m.group(1) for c in raw.columns if (m := _PERIOD.match(c))}
    # the footer ("Data from database: …", "Last Updated: …") and blank rows have no series code
    rows = raw.filter(pl.col("Series Code").str.strip_chars() == SERIES)
    if rows.is_empty():
        raise ParseError(f"no {SERIES} rows: not a Remittance Prices Worldwide (Corridors) export")
    long = rows.select(
        pl.col("Sending Countries Name").str.strip_chars().alias("source_name"),
        pl.col("Receiving Countries Name").str.strip_chars().alias("destination_name"),
        *(pl.col(c).str.strip_chars().alias(p) for c, p in quarters.items()),
    ).unpivot(index=["source_name", "destination_name"], variable_name="period", value_name="raw")
    long = long.filter(pl.col("raw").is_not_null() & (pl.col("raw") != NO_DATA))
    # DataBank keeps float32: 27.29 comes out as 27.2900009155273, so 4 places is all the precision there is
    value = pl.col("raw").cast(MONEY, strict=False).round(4, mode="half_away_from_zero").cast(MONEY)
    long = long.with_columns(value.alias("average_total_cost_pct"))
    if not (bad := long.filter(pl.col("average_total_cost_pct").is_null())).is_empty():
        raise ParseError(f"values that are neither numbers nor '..': {bad['raw'].head(5).to_list()}")

    names = set(long["source_name"].drop_nulls()) | set(long["destination_name"].drop_nulls())
    codes = {name: country_iso3(name) for name in names}
    unmapped = sorted(name for name, code in codes.items() if code is None)
    to_iso3 = {name: code for name, code in codes.items() if code is not None}
    averages = long.with_columns(
        pl.col("source_name").replace_strict(to_iso3, default=None, return_dtype=pl.String)
        .alias("source_country"),
        pl.col("destination_name").replace_strict(to_iso3, default=None, return_dtype=pl.String)
        .alias("destination_country"),
    ).drop_nulls(["source_country", "destination_country"]).select(
        pl.concat_str("source_country", "destination_country").alias("corridor"),
        "source_country", "destination_country", "period", "average_total_cost_pct",
    ).sort("corridor", "period")
    return CorridorHistory(averages, unmapped)
