"""The collector of each source: what to fetch and which pure parser reads it (contract in ``scrapers.base``).

The parsers live in one module per source (``scrapers.rpw``, ``scrapers.wise``, …); the classes here
only adapt their output to the pipeline's frames, so validation and normalisation stay shared.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import polars as pl

from basics.corridors import parse_corridor
from basics.vocabulary import Payin, Payout, Speed
from scrapers import ecb, imf, rpw, rpw_catalog, rpw_history, staff, wise
from scrapers.base import Collector, Request, UpToDate, raw_quotes


class RpwDataset(Collector):
    """World Bank RPW workbook (or a CSV export of its dataset sheet): quarterly, both sheets."""

    source = "rpw"
    kind = "quotes"

    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        """The newest release the World Bank Data Catalog lists (else the last known file), unless a
        successful run already loaded that quarter."""
        from app.db import get_engine

        release = rpw_catalog.resolve(self.settings)
        done_by = rpw_catalog.imported_periods(get_engine(self.settings.database_url)).get(release.period or "")
        if done_by is not None:
            raise UpToDate(f"the RPW release {release.period} is already imported (run {done_by}); "
                           f"newest known from the {release.found_by}")
        return [Request(release.url, context={"release": release.period or "", "found_by": release.found_by})]

    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        is_workbook = content.startswith(b"PK\x03\x04")  # xlsx is a zip archive
        frame = rpw.parse_rpw_xlsx(content) if is_workbook else rpw.parse_rpw_csv(content)
        return rpw_raw_quotes(frame)


def rpw_raw_quotes(frame: pl.DataFrame) -> pl.DataFrame:
    """RPW contract frame -> raw quotes; the World Bank's margin, total and interbank rate are kept."""
    year = pl.col("period").str.slice(0, 4).cast(pl.Int32, strict=False)
    month = pl.col("period").str.slice(5, 1).cast(pl.Int32, strict=False) * 3 - 2
    # a few old rows have no date: the first day of their quarter is the best we know
    day = pl.coalesce(pl.col("observed_on"), pl.date(year, month, 1))
    return raw_quotes(frame.with_row_index("source_row", offset=2).with_columns(
        pl.concat_str("period", "rpw_id", "tier", separator=":").alias("natural_key"),
        pl.col("firm").alias("provider_name"),
        pl.col("currency").alias("send_currency"),
        pl.col("fx_margin_pct").alias("published_margin_pct"),
        pl.col("total_cost_pct").alias("published_total_pct"),
        pl.col("inter_rate").alias("published_mid_rate"),
        _speed_classes(frame),
        _coded("payin", Payin.codes, frame), _coded("payout", Payout.from_text, frame),
        day.cast(pl.Datetime("us")).dt.replace_time_zone("UTC").alias("observed_at"),
        # both price points of one service are one sheet row
        ((pl.col("source_row") - 2) // 2 + 2).alias("source_row"),
    ))


def _speed_classes(frame: pl.DataFrame) -> pl.Expr:
    """``rpw.speed_class_expr`` worked out once per distinct wording (a sheet has a dozen), not once per row."""
    words = frame.select(pl.col("speed").unique().drop_nulls())
    codes = words.with_columns(rpw.speed_class_expr(pl.col("speed")).alias("code"))
    return pl.col("speed").replace_strict(dict(codes.iter_rows()), default=Speed.unknown.value,
                                          return_dtype=pl.String).alias("speed")


def _coded(column: str, code: Callable[[str | None], str], frame: pl.DataFrame) -> pl.Expr:
    """The vocabulary's code of each distinct wording, looked up once per wording, not once per row."""
    table = {value: str(code(value)) for value in frame.get_column(column).unique().to_list() if value is not None}
    return pl.col(column).replace_strict(table, default=str(code(None)), return_dtype=pl.String).alias(column)


class RpwHistory(Collector):
    """World Bank DataBank corridor averages 2011–2020 (a frozen series: imported, never scheduled)."""

    source = "rpw_history"
    kind = "history"
    schedulable = False

    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        return [Request(self.settings.rpw_history_url)]

    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        history = rpw_history.parse_corridor_averages(content)
        unmapped = pl.DataFrame({"problem": [f"country name not recognised: {name!r}"
                                             for name in history.unmapped_names]})
        return pl.concat([history.averages.with_columns(pl.lit(None, pl.String).alias("problem")), unmapped],
                         how="diagonal_relaxed")


class Wise(Collector):
    """Wise comparison API v4: every configured corridor at every amount of the ladder."""

    source = "wise"
    kind = "quotes"

    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        wanted = [parse_corridor(code) for code in (corridors or self.settings.wise_corridors)]
        return [
            Request(self.settings.wise_api_url,
                    params={"sourceCurrency": c.send_currency, "targetCurrency": c.receive_currency,
                            "sendAmount": amount, "sourceCountry": c.source_country,
                            "targetCountry": c.destination_country},
                    context={"source_country": c.source_country, "target_country": c.destination_country})
            for c in wanted for amount in self.settings.wise_amounts
        ]

    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        # a recorded answer read from a file has no request context: its own targetCountry says the route
        target = request.context.get("target_country") or _stated(content, "targetCountry")
        frame = wise.parse_comparison(content, target_country=target)
        # Wise dates each competitor quote by when it collected it: one row per provider, route, amount,
        # speed and collection, updated in place when a later fetch re-prices it.
        source = pl.coalesce("source_country", pl.lit(request.context.get("source_country")))
        key = pl.concat_str(source, "target_country", "provider_alias", "send_currency", "receive_currency",
                            pl.col("amount").cast(pl.String).str.strip_chars_end("0").str.strip_chars_end("."),
                            pl.col("speed").fill_null("unknown"),
                            pl.col("observed_at").dt.strftime("%Y-%m-%dT%H:%M:%S"), separator=":")
        # shaped as RAW_QUOTE once per run by the pipeline, not once per answer: a cycle has 200 answers
        return frame.with_columns(source.alias("source_country"), pl.col("target_country").alias("destination_country"),
                                  pl.col("provider_alias").alias("provider_name"), pl.lit(True).alias("transparent"),
                                  key.alias("natural_key"))


def _stated(content: bytes, field: str) -> str | None:
    try:
        value = json.loads(content).get(field)
    except (ValueError, AttributeError):
        return None  # the parser reports what is wrong with the answer
    return value if isinstance(value, str) else None


class EcbDaily(Collector):
    """ECB euro reference rates of the day."""

    source = "ecb"
    kind = "rates"

    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        return [Request(self.settings.ecb_rates_url)]

    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        return ecb.parse_daily_xml(content)


class EcbHistory(Collector):
    """ECB euro reference rates since 1999 (zip or CSV): repairs days the daily collector missed."""

    source = "ecb_history"
    kind = "rates"

    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        return [Request(self.settings.ecb_history_url)]

    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        return ecb.parse_history_csv(content)


class Imf(Collector):
    """IMF annual rates per USD: the second source, for currencies the ECB does not quote."""

    source = "imf"
    kind = "rates"

    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        return [Request(self.settings.imf_rates_url)]

    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        return imf.parse_annual_csv(content)


class StaffObservations(Collector):
    """Mystery-shopping observations entered or uploaded by staff: nothing to fetch."""

    source = "staff"
    kind = "quotes"
    schedulable = False

    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        return []

    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        return staff.parse_observations(content)


COLLECTORS: dict[str, type[Collector]] = {
    c.source: c for c in (RpwDataset, RpwHistory, Wise, EcbDaily, EcbHistory, Imf, StaffObservations)
}
