"""`passerelle import-rpw` and `passerelle collect`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from app.settings import get_settings


def _summary(report: Any) -> str:
    line = (f"{report.source}: run {report.run_id} {report.status.value} — {report.rows_in} rows in, "
            f"{report.published} published ({report.new} new or changed), {report.rejected} rejected")
    return line + (f"\n  {report.error}" if report.error else "")


@contextmanager
def _progress_bar() -> Iterator[Any]:
    """A rich progress bar fed by the pipeline's (stage, done, total) callbacks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:>6}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=False) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


@click.command("import-rpw")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_rpw(path: Path) -> None:
    """Import a World Bank RPW workbook (.xlsx) or CSV export; importing the same file again adds nothing."""
    from app.db import get_engine
    from scrapers.pipeline import ingest

    settings = get_settings()
    with _progress_bar() as progress:
        progress("read", 0, 1)
        content = path.read_bytes()
        progress("read", 1, 1)
        report = ingest("rpw", content, url=path.resolve().as_uri(), engine=get_engine(settings.database_url),
                        settings=settings, trigger="cli", progress=progress)
    click.echo(_summary(report))
    sys.exit(1 if report.status.value == "failed" else 0)


@click.command("collect")
@click.argument("sources", nargs=-1)
@click.option("--corridor", "corridors", multiple=True, help="Only this corridor, e.g. FR-SN (repeatable).")
def collect(sources: tuple[str, ...], corridors: tuple[str, ...]) -> None:
    """Run collectors now: SOURCES among wise, ecb, ecb_history, imf, rpw, rpw_history (default: every
    scheduled one)."""
    from app.db import get_engine
    from scrapers.collectors import COLLECTORS
    from scrapers.pipeline import collect as run_collector
    from scrapers.runs import AlreadyRunning

    unknown = [s for s in sources if s not in COLLECTORS or s == "staff"]
    if unknown:
        raise click.BadParameter(f"unknown source(s) {', '.join(unknown)}; choose among "
                                 f"{', '.join(s for s in COLLECTORS if s != 'staff')}")
    chosen = list(sources) or [s for s, c in COLLECTORS.items() if c.schedulable]
    settings = get_settings()
    failed = False
    for source in chosen:
        try:
            report = run_collector(source, engine=get_engine(settings.database_url), settings=settings,
                                   corridors=list(corridors) or None, trigger="cli")
        except AlreadyRunning as exc:
            click.echo(f"{source}: {exc}", err=True)
            failed = True
            continue
        click.echo(_summary(report))
        failed = failed or report.status.value == "failed"
    sys.exit(1 if failed else 0)


COMMANDS = [import_rpw, collect]
