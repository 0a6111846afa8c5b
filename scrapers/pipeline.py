"""The shared collection pipeline: fetch -> snapshot -> parse -> validate -> normalise -> load -> statistics
-> after-load hooks.

Every source goes through ``collect`` (fetched now) or ``ingest`` (bytes brought by a file or an
upload). Each call leaves one ``collector_run`` row: ``ok`` when everything was published,
``partial`` when some rows or answers were refused, ``failed`` when nothing was published (fetch,
parse or load failed, every row was refused, or a source that is never legitimately empty returned
no rows). A failed run never deletes or changes published data: loading is one transaction, and the
statistics it touches are recomputed in that same transaction. Once published, the hooks the app
registered in ``scrapers.hooks.after_load`` run (price alerts); they never fail the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import Engine

from app.models import RunStatus
from app.settings import Settings
from basics.corridors import alpha2, country_currency, payout_currency
from scrapers import current_offers
from scrapers.base import Collector, Request, UpToDate, raw_quotes
from scrapers.collectors import COLLECTORS
from scrapers.corridor_stats import refresh_statistics, store_history
from scrapers.fetching import Answer, fetch_all, keep_and_read, result_of, run_coroutine
from scrapers.hooks import Load, after_load
from scrapers.loading import provider_mappings, quarantine, quote_rows, read_rates, upsert_quotes, upsert_rates
from scrapers.normalise import normalise_quotes
from scrapers.runs import finish_run, start_run
from scrapers.validation import split_quotes

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]  # (stage, done, total)
MAX_ERRORS_SHOWN = 10


@dataclass
class RunReport:
    run_id: int
    source: str
    status: RunStatus = RunStatus.failed
    rows_in: int = 0
    published: int = 0
    new: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    snapshot_ids: list[int] = field(default_factory=list)
    corridors: set[str] = field(default_factory=set)

    @property
    def error(self) -> str | None:
        if not self.errors:
            return None
        shown = self.errors[:MAX_ERRORS_SHOWN]
        more = len(self.errors) - len(shown)
        return "\n".join(shown + ([f"… and {more} more"] if more else []))


def collector_for(source: str, settings: Settings) -> Collector:
    try:
        return COLLECTORS[source](settings)
    except KeyError:
        raise ValueError(f"unknown source {source!r}; known: {', '.join(sorted(COLLECTORS))}") from None


def collect(source: str, *, engine: Engine, settings: Settings, corridors: Sequence[str] | None = None,
            trigger: str = "manual", progress: Progress | None = None) -> RunReport:
    """Run one collector now (raises ``AlreadyRunning`` if it is running elsewhere)."""
    collector = collector_for(source, settings)
    report = RunReport(start_run(engine, source, trigger), source)
    try:
        try:
            requests = collector.requests(corridors)
        except UpToDate as news:
            report.status, report.errors = RunStatus.ok, [f"nothing new: {news}"]
            _finish(report, engine)
            return report
        if progress:
            progress("fetch", 0, len(requests))
        answers = run_coroutine(fetch_all(
            requests, settings, then=lambda answer: keep_and_read(collector, answer, engine),
            arrived=(lambda done, total: progress("fetch", done, total)) if progress else None))
        return _process(collector, answers, report, engine, settings, progress)
    except Exception as exc:
        return _fail(report, engine, exc)


def ingest(source: str, content: bytes, *, url: str, engine: Engine, settings: Settings, trigger: str = "manual",
           progress: Progress | None = None, context: Mapping[str, str] | None = None) -> RunReport:
    """Run the pipeline on bytes that were not fetched now (an imported file, a staff upload); ``context``
    is what the request would have told the parser (e.g. the target country of a recorded Wise answer)."""
    collector = collector_for(source, settings)
    report = RunReport(start_run(engine, source, trigger), source)
    try:
        answer = Answer(Request(url, context=dict(context or {})), result=result_of(content, url))
        if progress:
            progress("parse", 0, 1)
        answer = keep_and_read(collector, answer, engine)
        if progress:
            progress("parse", 1, 1)
        return _process(collector, [answer], report, engine, settings, progress)
    except Exception as exc:
        return _fail(report, engine, exc)


def _fail(report: RunReport, engine: Engine, exc: Exception) -> RunReport:
    log.exception("%s run %s failed", report.source, report.run_id)
    report.status, report.published, report.new = RunStatus.failed, 0, 0
    report.errors.append(f"{type(exc).__name__}: {exc}")
    _finish(report, engine)
    return report


def _finish(report: RunReport, engine: Engine) -> None:
    finish_run(engine, report.run_id, status=report.status, rows_in=report.rows_in, published=report.published,
               new=report.new, rejected=report.rejected, error=report.error, snapshot_ids=report.snapshot_ids)


def _process(collector: Collector, answers: list[Answer], report: RunReport, engine: Engine, settings: Settings,
             progress: Progress | None) -> RunReport:
    report.errors.extend(answer.error for answer in answers if answer.error)
    report.snapshot_ids = sorted({a.snapshot_id for a in answers if a.snapshot_id is not None})
    frames = [answer.frame for answer in answers if answer.frame is not None]
    frame = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    report.rows_in = frame.height
    if frame.height:
        LOADERS[collector.kind](collector, frame, report, engine, settings, progress)
    report.status = _status(report, collector)
    if report.status is RunStatus.failed and not report.errors:
        report.errors.append("every row was rejected" if report.rejected else "the source returned no rows")
    _finish(report, engine)
    if report.published:
        after_load.run(engine, settings, Load(collector.source, collector.kind, report.published,
                                              frozenset(report.corridors)))
    return report


def _status(report: RunReport, collector: Collector) -> RunStatus:
    if report.published == 0 and not (report.rows_in == 0 and not report.errors and collector.legitimately_empty):
        return RunStatus.failed
    return RunStatus.partial if report.errors or report.rejected else RunStatus.ok


def judge_quotes(source: str, raw: pl.DataFrame, engine: Engine, settings: Settings) -> tuple[pl.DataFrame,
                                                                                              pl.DataFrame]:
    """Normalise and validate raw quotes against the stored rates and mappings, writing nothing:
    (rows to publish, rows refused with a ``reason``)."""
    days = raw.get_column("observed_at").dt.date()
    currencies = {*raw.get_column("send_currency").drop_nulls().unique(),
                  *raw.get_column("receive_currency").drop_nulls().unique(), "EUR"}
    currencies |= {c for code in raw.get_column("source_country").drop_nulls().unique()
                   if (c := country_currency(code))}
    currencies |= {c for code in raw.get_column("destination_country").drop_nulls().unique()
                   if (c := payout_currency(code))}
    rates = read_rates(engine, {c for c in currencies if isinstance(c, str)}, days.min(), days.max())  # type: ignore[arg-type]
    normalised = normalise_quotes(raw, source=source, rates=rates, mappings=provider_mappings(engine),
                                  disagreement=settings.margin_disagreement_points)
    return split_quotes(normalised)


def _load_quotes(collector: Collector, frame: pl.DataFrame, report: RunReport, engine: Engine, settings: Settings,
                 progress: Progress | None) -> None:
    raw = raw_quotes(frame)
    good, bad = judge_quotes(collector.source, raw, engine, settings)
    report.rejected = bad.height
    with engine.begin() as conn:
        quarantine(conn, bad, source=collector.source, run_id=report.run_id, columns=[*raw.columns])
    rows = quote_rows(good, source=collector.source)
    with engine.begin() as conn:
        report.new = upsert_quotes(conn, rows, source=collector.source, run_id=report.run_id,
                                   progress=(lambda done, total: progress("load", done, total)) if progress else None)
        refresh_statistics(conn, collector.source, good)
        report.corridors = current_offers.refresh(conn, rows)
    report.published = good.height


def _load_rates(collector: Collector, rates: pl.DataFrame, report: RunReport, engine: Engine, settings: Settings,
                progress: Progress | None) -> None:
    with engine.begin() as conn:
        report.new = upsert_rates(conn, rates)
    report.published = rates.height


def _load_history(collector: Collector, history: pl.DataFrame, report: RunReport, engine: Engine,
                  settings: Settings, progress: Progress | None) -> None:
    def code(column: str) -> pl.Expr:
        values = history.get_column(column).drop_nulls().unique().to_list()
        return pl.col(column).replace_strict({v: alpha2(v) for v in values}, default=None, return_dtype=pl.String)

    judged = history.with_columns(pl.concat_str(code("source_country"), code("destination_country"), separator="-")
                                  .alias("corridor")).with_columns(
        pl.coalesce("problem", pl.when(pl.col("corridor").is_null()).then(
            pl.format("country code {} or {} not recognised", "source_country", "destination_country")))
        .alias("reason"))
    bad, good = judged.filter(pl.col("reason").is_not_null()), judged.filter(pl.col("reason").is_null())
    report.rejected = bad.height
    with engine.begin() as conn:
        quarantine(conn, bad, source=collector.source, run_id=report.run_id)
        report.new = store_history(conn, good)
        report.corridors = set(good.get_column("corridor").unique().to_list())
        current_offers.refresh_corridors(conn, sorted(report.corridors))
    report.published = good.height


LOADERS = {"quotes": _load_quotes, "rates": _load_rates, "history": _load_history}
