"""Where the newest RPW workbook is: the World Bank Data Catalog lists the releases of dataset 0037898.

Each quarterly release is a new *resource* of the dataset, under a new id
(``…/ddh-published/0037898/DR0095523/rpw_dataset_2011_2025_q3.xlsx`` for 2025 Q3), so no fixed URL
follows the releases. The catalog's documented dataset view (``/ddhxext/DatasetView?dataset_unique_id=``)
answers a JSON object whose ``Resources`` list holds one object per resource, each with its
``resource_unique_id``, ``name``, ``format`` and download ``url``. The newest workbook is the one whose
file name names the latest quarter. Whatever goes wrong (no answer, an HTML challenge page, a shape
we do not know, no workbook listed) falls back to the last known file (``RPW_DATASET_URL``): the
collector keeps working, and the warning in the log says why.

A release is imported once: a quarter that a successful run already loaded is not downloaded again
(its 50 MB would only confirm what we have).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.models import CollectorRun, RunStatus, Snapshot
from app.settings import Settings
from scrapers.fetching import read_local
from scrapers.http import Fetcher

log = logging.getLogger(__name__)
# rpw_dataset_2011_2025_q3.xlsx: the first year of the series, then the release's year and quarter
WORKBOOK = re.compile(r"rpw_dataset_\d{4}_(?P<year>\d{4})_q(?P<quarter>[1-4])\.(?P<ext>xlsx|csv)$", re.IGNORECASE)
MAX_ANSWER = 5_000_000  # a dataset view is a few kB; anything this large is not one


class CatalogError(Exception):
    """The catalog's answer does not say where the newest workbook is."""


@dataclass(frozen=True)
class Release:
    url: str
    period: str | None  # "2025Q3"; None for a file whose name does not say (a mirror)
    resource_id: str | None = None
    found_by: str = "catalog"  # or "fallback: <why>"


def period_of(url: str) -> str | None:
    """The quarter a workbook's file name names ("…_2025_q3.xlsx" -> "2025Q3")."""
    name = urlparse(url).path.rsplit("/", 1)[-1]
    match = WORKBOOK.search(name)
    return f"{match['year']}Q{match['quarter']}" if match else None


def releases(content: bytes, catalog_url: str) -> list[Release]:
    """Pure: a DatasetView answer -> the RPW workbooks it lists (raises ``CatalogError``)."""
    if len(content) > MAX_ANSWER:
        raise CatalogError(f"an answer of {len(content)} bytes is not a dataset view")
    try:
        view: Any = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        start = content[:200].lstrip().lower()
        hint = "an HTML page (a challenge page?)" if start.startswith((b"<!doctype", b"<html")) else "not JSON"
        raise CatalogError(f"the answer is {hint}") from None
    resources = view.get("Resources") if isinstance(view, dict) else None
    if not isinstance(resources, list):
        raise CatalogError("the answer has no Resources list (has the catalog's shape changed?)")
    found = []
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("url"), str):
            continue
        url = resource["url"].strip()
        period = period_of(url)
        if period and _trusted(url, catalog_url):
            rid = resource.get("resource_unique_id")
            found.append(Release(url, period, rid if isinstance(rid, str) else None))
    if not found:
        raise CatalogError(f"none of the {len(resources)} resources is an RPW workbook")
    return found


def newest(found: list[Release]) -> Release:
    """The latest quarter; of one quarter's files, the workbook before a CSV export."""
    return max(found, key=lambda r: (r.period or "", r.url.lower().endswith(".xlsx")))


def _trusted(url: str, catalog_url: str) -> bool:
    """Downloads only from the World Bank's hosts (or the catalog's own host: a mirror, a test)."""
    parsed, catalog = urlparse(url), urlparse(catalog_url)
    host = (parsed.hostname or "").lower()
    same_host = parsed.scheme in ("http", "https") and host == (catalog.hostname or "").lower()
    return same_host or (parsed.scheme == "https" and (host == "worldbank.org" or host.endswith(".worldbank.org")))


def fetch_catalog(settings: Settings) -> bytes:
    """The catalog's answer (an http(s) URL through the shared client, or a local mirror)."""
    url = settings.rpw_catalog_url
    if not url.startswith(("http://", "https://")):
        return read_local(url).content

    async def get() -> bytes:
        async with Fetcher(settings.collector_contact, timeout=settings.collector_timeout_seconds,
                           retries=settings.collector_retries, per_host=1) as fetcher:
            return (await fetcher.get(url)).content

    # a thread of its own: the caller may already run an event loop (the staff page's "run now")
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["content"] = asyncio.run(get())
        except Exception as exc:  # noqa: BLE001 - handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="rpw-catalog")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return bytes(outcome["content"])


def resolve(settings: Settings) -> Release:
    """The newest release the catalog lists, else the last known file (never raises)."""
    try:
        return newest(releases(fetch_catalog(settings), settings.rpw_catalog_url))
    except Exception as exc:  # noqa: BLE001 - any failure means "use the last known file"
        why = f"{type(exc).__name__}: {exc}"
        log.warning("RPW catalog %s did not give the newest release (%s); using %s", settings.rpw_catalog_url,
                    why, settings.rpw_dataset_url)
        return Release(settings.rpw_dataset_url, period_of(settings.rpw_dataset_url), found_by=f"fallback: {why}")


def imported_periods(engine: Engine) -> dict[str, int]:
    """The quarters successful runs loaded, from their snapshots' file names -> the run that did."""
    with Session(engine) as session:
        runs = session.exec(select(CollectorRun.id, CollectorRun.snapshot_ids).where(
            CollectorRun.source == "rpw", col(CollectorRun.status).in_([RunStatus.ok, RunStatus.partial]),
            col(CollectorRun.rows_published) > 0)).all()
        by_snapshot = {int(sid): int(run_id or 0) for run_id, ids in runs for sid in json.loads(ids or "[]")}
        if not by_snapshot:
            return {}
        snapshots = session.exec(select(Snapshot.id, Snapshot.url).where(
            col(Snapshot.id).in_(list(by_snapshot)))).all()
    return {period: by_snapshot[int(sid or 0)] for sid, url in snapshots if (period := period_of(url))}
