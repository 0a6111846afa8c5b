"""Demo data of the comparison: the bundled real data, loaded through the same pipeline as live data.

RPW 2025 Q3 sample, the World Bank corridor averages 2011–2020, ECB and IMF reference rates, and the
recorded Wise answer. Every load is a recorded run (trigger "demo"); loading twice adds nothing.
Freshness is judged on the data's own dates, so this data shows as stale, never as fresh.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from app.demo import demo_loader
from app.settings import PROJECT_ROOT, get_settings

DATA = PROJECT_ROOT / "app" / "data"
# Rates first: quotes are priced against the reference rate of their day.
FILES: tuple[tuple[str, Path, dict[str, str]], ...] = (
    ("ecb_history", DATA / "fx" / "eurofxref-hist.csv", {}),
    ("imf", DATA / "fx" / "imf_annual_rates_per_usd.csv", {}),
    ("rpw", DATA / "rpw" / "rpw_2025q3_wca.xlsx", {}),
    ("rpw_history", DATA / "rpw" / "rpw_corridor_averages_2011q1_2020q3.csv", {}),
    # the only recorded Wise answer we hold (its API documentation's): GBP -> EUR, read as UK -> Spain
    ("wise", DATA / "wise" / "comparison_v4_docs_example.json", {"source_country": "GB", "target_country": "ES"}),
)


@demo_loader("comparison")
def load_comparison(session: Session) -> str:
    from scrapers.pipeline import ingest

    engine = session.get_bind()
    assert isinstance(engine, Engine)
    lines = []
    for source, path, context in FILES:
        report = ingest(source, path.read_bytes(), url=path.as_uri(), engine=engine, settings=get_settings(),
                        trigger="demo", context=context)
        lines.append(f"{path.name} {report.status.value} ({report.published} rows, {report.new} new)")
    return "; ".join(lines)
