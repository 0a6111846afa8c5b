"""The collector contract, and the frames collectors hand to the shared pipeline.

A collector is a small class per source (see ``scrapers.collectors``). It says *what* to fetch and
*how to read it*; the shared pipeline (``scrapers.pipeline``) does everything else the same way for
every source: fetch, snapshot, validation, normalisation, loading, statistics, the run record.

Contract of a collector:
- ``source``: a stable id ("wise"); runs, snapshots and quarantine rows carry it;
- ``kind``: what its frames hold: ``"quotes"`` (``RAW_QUOTE``), ``"rates"`` (the rates frame of
  ``scrapers.reference_rates``) or ``"history"`` (the corridor averages of ``scrapers.rpw_history``);
- ``requests(corridors)``: the URLs to fetch now, each with the context its parser needs; a source
  that is not fetched (staff observations) returns none; one that knows there is nothing new (an RPW
  release already imported) raises ``UpToDate``: the run is ok, publishes nothing and says why;
- ``parse(content, request)``: **pure**, bytes in, DataFrame out (for quotes: ``RAW_QUOTE``'s columns,
  those it lacks are null, others ignored; ``raw_quotes`` shapes it); raises ``ParseError`` when the
  answer as a whole is unusable (HTML, truncated, a missing field), and marks a bad *row* with a
  ``problem`` so the pipeline quarantines it;
- ``legitimately_empty``: True only for a source that may honestly answer with no rows; for all
  others zero rows is an error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import polars as pl

from app.settings import Settings

Kind = Literal["quotes", "rates", "history"]
MONEY = pl.Decimal(38, 8)
RATE = pl.Decimal(38, 18)

# What a quote collector's parse returns: the observation as the source states it, not yet judged.
RAW_QUOTE: dict[str, pl.DataType] = {
    "natural_key": pl.String(),  # unique within the source for this observation
    "provider_name": pl.String(),
    "source_country": pl.String(),  # ISO alpha-2 or alpha-3
    "destination_country": pl.String(),
    "send_currency": pl.String(),  # null: the sending country's currency
    "receive_currency": pl.String(),  # null: the receiving country's currency
    "period": pl.String(),  # "2025Q3"; null: the quarter of observed_at
    "amount": MONEY,
    "amount_usd": pl.Int32(),  # the RPW price point (200 / 500) when the source says so
    "fee": MONEY,
    "rate": RATE,  # receive units per send unit, as the provider applied it
    "published_margin_pct": RATE,  # the publisher's own FX margin (RPW)
    "published_total_pct": RATE,  # the publisher's own total cost (RPW)
    "published_mid_rate": RATE,  # the publisher's interbank rate (RPW)
    "payin": pl.String(),
    "payout": pl.String(),
    "speed": pl.String(),  # a speed class of scrapers.rpw ("same_day", …)
    "transparent": pl.Boolean(),
    "observed_at": pl.Datetime("us", "UTC"),
    "note": pl.String(),
    "problem": pl.String(),  # why the parser already distrusts the row; null when fine
    "source_row": pl.Int32(),  # where the row stands in its file (line, sheet row), for people to find it
}


class UpToDate(Exception):
    """Raised by ``requests()``: the source has nothing we have not loaded already."""


@dataclass(frozen=True)
class Request:
    """One thing to fetch, and what its parser must know about it (e.g. the target country)."""

    url: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    context: Mapping[str, str] = field(default_factory=dict)


class Collector(ABC):
    """See the module docstring for the contract."""

    source: ClassVar[str]
    kind: ClassVar[Kind]
    legitimately_empty: ClassVar[bool] = False
    # a collector whose data only changes when staff or a file bring it is never scheduled
    schedulable: ClassVar[bool] = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def requests(self, corridors: Sequence[str] | None = None) -> list[Request]:
        """What to fetch now; ``corridors`` ("FR-SN") narrows a per-corridor source."""

    @abstractmethod
    def parse(self, content: bytes, request: Request) -> pl.DataFrame:
        """Pure: the bytes of one answer -> a frame of this collector's ``kind``."""


def raw_quotes(frame: pl.DataFrame) -> pl.DataFrame:
    """Shape a parser's frame as ``RAW_QUOTE``: missing columns are null, extra ones dropped."""
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in RAW_QUOTE.items() if name not in frame.columns]
    return frame.with_columns(missing).select(
        [pl.col(name).cast(dtype) for name, dtype in RAW_QUOTE.items()]
    )
